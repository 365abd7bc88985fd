/**
 * `npm run synth -- [--config DIR] [--outdir DIR] [--env NAME]... [--quiet|--json]`
 * Renders every environment of a config folder into an output folder, atomically.
 * Exit codes: 0 rendered; 1 the validation gate refused the output; 2 bad config or usage.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from './config/errors';
import { synthesize } from './synth/pipeline';
import { writeAtomically } from './synth/write';
import { formatViolation } from './validation/gate';
import { summarize, formatSummary } from './synth/summary';

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
      case '--quiet': args.quiet = true; break;
      case '--json': args.json = true; break;
      case '--help': throw new UsageError('');
      default: throw new UsageError(`unknown argument "${a}"`);
    }
  }
  return args;
}

class UsageError extends Error {}

export function main(argv: readonly string[]): number {
  const started = process.hrtime.bigint();
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message ? `error: ${(e as Error).message}\n` : ''}usage: npm run synth -- [--config DIR] [--outdir DIR] [--env NAME]... [--quiet|--json]\n`);
    return 2;
  }
  try {
    const result = synthesize(args.config, { environments: args.environments });
    if (result.gate.violations.length) {
      process.stderr.write(`synth refused: ${result.gate.violations.length} violation(s); ${args.outdir} was left untouched.\n`);
      process.stderr.write(result.gate.violations.map(formatViolation).join('\n') + '\n');
      return 1;
    }
    writeAtomically(args.outdir, result.files);
    satisfyCdk8sCli();
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const summary = summarize(result, args.outdir, elapsedMs);
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
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
