/**
 * `npm run synth -- [--config DIR] [--outdir DIR] [--env NAME]... [--jobs N] [--quiet|--json]`
 * Renders every environment of a config folder into an output folder, atomically.
 * Big fleets run one worker thread per environment (up to the number of cores); the output is
 * byte-identical whatever the number of workers. On a terminal, a status line shows progress.
 * Exit codes: 0 rendered; 1 the validation gate refused the output; 2 bad config or usage.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from './config/errors';
import { loadConfig } from './config/load';
import { SynthSummary, formatSummary } from './synth/summary';
import { runFleet } from './synth/fleet/run-fleet';
import { beginStaging, commitStaging, discardStaging, writeFilesInto } from './synth/fleet/staged-output';
import { placeInArgoCdFolder, renderArgoCdFromFootprints } from './gitops/argocd-objects';
import { toFiles } from './synth/pipeline';
import { ProgressReporter, progressWanted } from './synth/progress';

/**
 * The cdk8s CLI runs the app with CDK8S_OUTDIR set to its scratch folder and fails unless that
 * folder exists; the manifests themselves go to --outdir (dist/), written atomically.
 */
function satisfyCdk8sCli(): void {
  const scratch = process.env.CDK8S_OUTDIR;
  if (!scratch) return;
  fs.mkdirSync(scratch, { recursive: true });
  fs.writeFileSync(path.join(scratch, 'README.txt'), 'The manifests are written to dist/ (see README.md).\n');
}

interface CliArgs {
  config: string;
  outdir: string;
  environments?: string[];
  /** Worker threads; undefined = automatic (see defaultJobs). */
  jobs?: number;
  quiet: boolean;
  json: boolean;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  // Relative to the working directory, as npm scripts and `cdk8s synth` run from the project root.
  const args: CliArgs = { config: path.resolve('config'), outdir: path.resolve('dist'), quiet: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--config': args.config = path.resolve(value()); break;
      case '--outdir': args.outdir = path.resolve(value()); break;
      case '--env': (args.environments ??= []).push(value()); break;
      case '--jobs': {
        const v = value();
        if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--jobs needs a whole number of worker threads ≥ 1, not "${v}"`);
        args.jobs = Number(v);
        break;
      }
      case '--quiet': args.quiet = true; break;
      case '--json': args.json = true; break;
      case '--help': throw new UsageError('');
      default: throw new UsageError(`unknown argument "${a}"`);
    }
  }
  return args;
}

class UsageError extends Error {}

export async function main(argv: readonly string[]): Promise<number> {
  const started = process.hrtime.bigint();
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message ? `error: ${(e as Error).message}\n` : ''}usage: npm run synth -- [--config DIR] [--outdir DIR] [--env NAME]... [--jobs N] [--quiet|--json]\n`);
    return 2;
  }
  let staging: string | undefined;
  try {
    const config = loadConfig(args.config);
    const selected = config.environments.filter((e) => !args.environments || args.environments.includes(e.environment.name));
    const progress = progressWanted({ quiet: args.quiet, json: args.json, stream: process.stderr })
      ? new ProgressReporter({ stream: process.stderr, environments: selected.map((e) => e.environment.name) })
      : undefined;
    staging = beginStaging(args.outdir);
    const outcomes = await runFleet(selected, { stagingDir: staging, jobs: args.jobs, onProgress: progress && ((p) => progress.update(p)) })
      .finally(() => progress?.finish());
    // Argo CD's objects, once, from what every environment rendered (dist/argocd/), through the same gate.
    const footprints = new Map(outcomes.flatMap((o) => (o.footprint ? [[o.environment, o.footprint] as const] : [])));
    const argocd = placeInArgoCdFolder(renderArgoCdFromFootprints(selected, footprints));
    const { runGate } = await import('./validation/gate');
    const violations = [...outcomes.flatMap((o) => o.gate.violations), ...runGate(argocd, []).violations];
    if (violations.length) {
      // Loaded on demand: with workers, this thread never loads the gate's schemas and rules.
      const { formatViolation } = await import('./validation/gate');
      process.stderr.write(`synth refused: ${violations.length} violation(s); ${args.outdir} was left untouched.\n`);
      process.stderr.write(violations.map(formatViolation).join('\n') + '\n');
      return 1;
    }
    writeFilesInto(staging, toFiles(argocd));
    commitStaging(staging, args.outdir);
    staging = undefined;
    satisfyCdk8sCli();
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const summary: SynthSummary = {
      outdir: args.outdir,
      environments: outcomes.flatMap((o) => (o.summary ? [o.summary] : [])),
      gate: { checkedObjects: outcomes.reduce((n, o) => n + o.gate.checkedObjects, 0), violations: 0 },
      elapsedMs: Math.round(elapsedMs),
    };
    if (args.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else if (!args.quiet) process.stdout.write(formatSummary(summary));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`synth refused: ${e.message}\n${args.outdir} was left untouched.\n`);
      return 2;
    }
    process.stderr.write(`synth failed: ${(e as Error).stack ?? e}\n${args.outdir} was left untouched.\n`);
    return 1;
  } finally {
    if (staging) discardStaging(staging);
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
