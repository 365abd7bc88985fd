/**
 * `npm run synth -- [--config DIR] [--outdir DIR] [--env NAME]... [--jobs N] [--quiet|--json]`
 * (`--help` for the details). Renders the environments of a config folder into an output folder,
 * atomically: everything is written into a staging folder beside it and swapped in at the end, so
 * a refusal or a failure leaves the output folder as it was. With `--env`, only the named
 * environments' folders and Argo CD objects are replaced; every other file is carried over as is.
 * Big fleets run one worker thread per environment (up to the number of cores); the output is
 * byte-identical whatever the number of workers. On a terminal, a status line shows progress.
 * Run by `cdk8s synth` too (cdk8s.yaml), which sets CDK8S_OUTDIR: see {@link writeCdk8sCliCopy}.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CommandIo, UsageError, defineCommand, didYouMean, environmentProblem, flag, processIo, runCommand, wholeNumber } from './command';
import { EnvironmentError } from '../util/environment-error';
import { ConfigError } from '../config/errors';
import { ResolvedEnvironment } from '../config/resolved';
import { SynthSummary, formatSummary } from '../synth/summary';
import { runFleet } from '../synth/fleet/run-fleet';
import type { FleetProgress } from '../synth/environment-job';
import type { Violation } from '../validation/gate';
import { beginStaging, commitStaging, discardStaging, seedStaging, writeFilesInto } from '../synth/fleet/staged-output';
import { environmentsSharingAProjectWith } from '../gitops/argocd-objects';
import { Footprint } from '../gitops/footprint';
import { finishSynthesis, loadPlatform } from '../synth/pipeline';
import { formatViolation } from '../validation/gate';
import { ProgressReporter, progressWanted } from '../synth/progress';
import { listFiles } from '../synth/compare-trees';
import { footprintOfFolder, isFolder } from '../synth/previous-output';
import { unreplaceableOutputFolder } from '../synth/output-folder';
import { RenderCache, RenderCacheProps, codeIdentity } from '../synth/render-cache';
import { findProjectRoot } from '../validation/schema-sources';

export const SYNTH_COMMAND = defineCommand({
  name: 'synth',
  run: 'npm run synth --',
  summary: 'Render the environments of a config folder into an output folder, atomically: <outdir>/<env>/<workflow>/<kind>-<name>.yaml, and Argo CD\'s objects in <outdir>/argocd/.',
  details: [
    'Everything is written into a staging folder beside the output folder and swapped in at the end: a config error, a validation-gate refusal or a failure leaves the output folder exactly as it was.',
    'Without --env every environment is rendered and the output folder is replaced as a whole. With --env only the named environments are rendered: their folders and their Argo CD objects (Application, and AppProject) are replaced, and every other file in the output folder stays byte-identical. An AppProject shared with an environment that is not rendered keeps that environment\'s part of the allow-lists, read from its folder.',
    'Each workflow\'s rendered objects are kept in a cache under node_modules/.cache, keyed by a hash of the workflow\'s and its environment\'s resolved settings and of the program (its code, Node.js and cdk8s versions): a later run renders only the workflows whose inputs changed and reads the others back. Every object still goes through the whole validation gate and is written the same; --no-cache renders everything. LGP_RENDER_CACHE=DIR moves the cache, LGP_RENDER_CACHE=off turns it off.',
    'Also run by `npx cdk8s synth` (cdk8s.yaml): the manifests still go to the output folder, written by this command; the cdk8s CLI\'s folder (CDK8S_OUTDIR) gets one copy of them as a single YAML stream, which `npx cdk8s synth --stdout` prints.',
  ],
  flags: {
    config: flag.value({ value: 'DIR', help: 'config folder: defaults.yaml, environments/<env>.yaml, workflows.yaml', default: 'config' }),
    outdir: flag.value({ value: 'DIR', help: 'output folder', default: 'dist' }),
    env: flag.list({ value: 'NAME', help: 'render only this environment (a file name in <config>/environments/, without .yaml); repeat it or give a comma-separated list for several. Other environments are left byte-identical' }),
    jobs: flag.value({
      value: 'N',
      help: 'worker threads; 1 renders every environment in this thread',
      parse: wholeNumber(1),
      defaultText: 'one per environment, up to the number of cores, from 60 workflow renders on; 1 below',
    }),
    quiet: flag.boolean({ help: 'print nothing on success', short: 'q' }),
    json: flag.boolean({ help: 'print the summary as JSON on stdout (no progress line)' }),
    'no-cache': flag.boolean({ help: 'render every workflow afresh instead of reusing what an earlier run rendered from the same settings and code (node_modules/.cache/langgraph-platform/renders); what is rendered is stored again' }),
  },
  examples: [
    { command: 'npm run synth', explain: 'render config/ into dist/ (every environment)' },
    { command: 'npm run synth -- --env prod', explain: 'render prod only: dist/prod/ and dist/argocd/*-langgraph-prod.yaml; dist/dev/, dist/staging/ and their Argo CD objects stay as they are' },
    { command: 'npm run synth -- --env=dev,staging --quiet', explain: 'two environments, nothing printed on success' },
    { command: 'npm run synth -- --config ../fleet/config --outdir /tmp/fleet --jobs 2 --json', explain: 'another config folder into another output folder, with two worker threads and a JSON summary' },
    { command: 'npx cdk8s synth --no-check-upgrade --stdout', explain: 'the same through the cdk8s CLI (dist/ is written too), printing every rendered manifest' },
  ],
  exitCodes: [
    '0  rendered',
    '1  the validation gate refused the output, or an internal error (printed with its stack); the output folder is left untouched',
    '2  bad usage (unknown flag, unknown environment), a config error, or an unusable config or output folder; nothing is written',
  ],
});

/** Runs `npm run synth` with `argv`; returns the exit code. Writes to process.stdout/stderr. */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  return runCommand(SYNTH_COMMAND, argv, async ({ values }) => {
    const outdir = path.resolve(values.outdir);
    const configDir = path.resolve(values.config);
    try {
      return await synth({ configDir, outdir, environments: values.env, jobs: values.jobs, quiet: values.quiet, json: values.json, readCache: !values['no-cache'] }, io);
    } catch (e) {
      // A refusal: the problem, then the promise kept (the corpus of bad configs checks both lines).
      if (e instanceof ConfigError || e instanceof EnvironmentError) {
        io.err(`synth refused: ${e.message}\n${outdir} was left untouched.\n`);
        return 2;
      }
      if (e instanceof UsageError) throw e;
      const problem = environmentProblem(e);
      if (problem !== undefined) {
        io.err(`synth refused: ${problem}\n${outdir} was left untouched.\n`);
        return 2;
      }
      io.err(`synth failed: ${(e as Error).stack ?? e}\n${outdir} was left untouched.\n`);
      return 1;
    }
  }, io);
}

interface SynthArgs {
  readonly configDir: string;
  readonly outdir: string;
  /** Only these environments (`--env`); undefined = all. */
  readonly environments?: readonly string[];
  readonly jobs?: number;
  readonly quiet: boolean;
  readonly json: boolean;
  /** Reuse the render cache's entries (not `--no-cache`). */
  readonly readCache: boolean;
}

export interface RenderIntoOptions {
  readonly configDir: string;
  readonly outdir: string;
  /** Only these environments (`--env`); every other file of `outdir` is kept. @default - all, and `outdir` is replaced */
  readonly environments?: readonly string[];
  /** Worker threads. @default {@link defaultJobs} */
  readonly jobs?: number;
  /** Told the environments about to be rendered, once the config is loaded. @default - nothing */
  readonly onStart?: (environments: readonly string[]) => void;
  readonly onProgress?: (p: FleetProgress) => void;
  /**
   * Reuse and keep rendered workflows in this folder (see src/synth/render-cache.ts); with `read:
   * false`, every workflow is rendered and stored afresh. @default - every workflow rendered, nothing kept
   */
  readonly renderCache?: { readonly dir: string; readonly read?: boolean };
  /** Run on the staging folder, with the paths rendered in this run, before it replaces `outdir`. @default - nothing */
  readonly beforeSwap?: (stagingDir: string, written: readonly string[]) => void;
}

export type RenderIntoResult =
  | { readonly refused: readonly Violation[] }
  | { readonly refused?: undefined; readonly summary: Omit<SynthSummary, 'elapsedMs'>; /** Files rendered in this run (kept ones not counted). */ readonly files: number };

/**
 * `npm run synth` without the printing: the one synthesis path (src/synth/pipeline.ts) run through
 * the worker-thread fleet into a staging folder that replaces `outdir` only when the gate passes.
 * Throws ConfigError, EnvironmentError or UsageError for the user's mistakes; `outdir` is then untouched.
 */
export async function renderInto(options: RenderIntoOptions): Promise<RenderIntoResult> {
  const { outdir } = options;
  if (fs.existsSync(outdir) && !isFolder(outdir)) throw new EnvironmentError(`output folder ${outdir} is a file, not a folder (pass --outdir DIR)`);
  const partial = options.environments !== undefined;
  if (!partial) {
    const problem = outputStep(`read ${outdir}`, () => unreplaceableOutputFolder(path.resolve(outdir), path.resolve(options.configDir)));
    if (problem) throw new EnvironmentError(problem);
  }
  const config = loadPlatform(options.configDir);
  const selected = selectEnvironments(config.environments, options.environments, options.configDir);
  const selectedNames = new Set(selected.map((e) => e.environment.name));

  // Kept environments sharing an AppProject with a rendered one: their part of it comes from their folder.
  const keptFootprints = new Map<string, Footprint>();
  if (partial) {
    for (const [environment, project] of environmentsSharingAProjectWith(selectedNames, config.environments)) {
      const folder = path.join(outdir, environment);
      const footprint = isFolder(folder) ? footprintOfFolder(folder) : undefined;
      if (!footprint) {
        const add = [...selectedNames, environment].join(',');
        throw new UsageError(`environment "${environment}" shares the Argo CD project "${project}" with ${[...selectedNames].join(', ')}, and ${folder} holds no manifests to derive its part of the project from; render it too: --env ${add}`);
      }
      keptFootprints.set(environment, footprint);
    }
  }

  const renderCache = options.renderCache && withGeneration(options.renderCache);
  if (renderCache) RenderCache.prepare(renderCache, selected.reduce((n, e) => n + e.workflows.length, 0));
  options.onStart?.(selected.map((e) => e.environment.name));
  let staging: string | undefined = outputStep(`create a staging folder beside ${outdir}`, () => beginStaging(outdir));
  try {
    const outcomes = await runFleet(selected, { stagingDir: staging, jobs: options.jobs, onProgress: options.onProgress, renderCache });
    // Argo CD's objects, once, from what the environments rendered (dist/argocd/), through the same gate.
    const { argocd, gate } = finishSynthesis(config, outcomes, { partial, keptFootprints });
    if (gate.violations.length) return { refused: gate.violations };
    const argocdFiles = argocd.files;
    const stagingDir = staging;
    if (partial) {
      // Everything else in the output folder is carried over unchanged (hard links): other
      // environments, their Argo CD objects, and anything else that was there.
      const replaced = new Set([...selectedNames, ...argocdFiles.map((f) => f.path)]);
      outputStep(`read ${outdir}`, () => seedStaging(stagingDir, outdir, (rel) => replaced.has(rel)));
    }
    outputStep(`write into ${stagingDir}`, () => writeFilesInto(stagingDir, argocdFiles));
    if (options.beforeSwap) {
      const written = [...selected.flatMap((e) => listFiles(path.join(stagingDir, e.environment.name)).map((f) => `${e.environment.name}/${f.split(path.sep).join('/')}`)), ...argocdFiles.map((f) => f.path)].sort();
      options.beforeSwap(stagingDir, written);
    }
    outputStep(`replace ${outdir}`, () => commitStaging(stagingDir, outdir));
    staging = undefined;
    const environmentFiles = outcomes.reduce((n, o) => n + (o.summary?.files ?? 0), 0);
    return {
      files: environmentFiles + argocdFiles.length,
      summary: {
        outdir,
        environments: outcomes.flatMap((o) => (o.summary ? [o.summary] : [])),
        gate: { checkedObjects: outcomes.reduce((n, o) => n + o.gate.checkedObjects, 0), violations: 0 },
        ...(partial ? { keptEnvironments: config.environments.map((e) => e.environment.name).filter((n) => !selectedNames.has(n) && isFolder(path.join(outdir, n))) } : {}),
      },
    };
  } finally {
    if (staging) discardStaging(staging);
  }
}

async function synth(args: SynthArgs, io: CommandIo): Promise<number> {
  const started = process.hrtime.bigint();
  const { outdir } = args;
  let progress: ProgressReporter | undefined;
  const showProgress = progressWanted({ quiet: args.quiet, json: args.json, stream: process.stderr });
  // Run by `cdk8s synth`: the files rendered in this run, copied where the cdk8s CLI looks for
  // them (before the swap, so that a failure here still leaves the output folder untouched).
  const scratch = process.env.CDK8S_OUTDIR;
  let cdk8sCopy: string | undefined;
  let copied = 0;
  const result = await renderInto({
    configDir: args.configDir,
    outdir,
    environments: args.environments,
    jobs: args.jobs,
    renderCache: renderCacheOf(args.readCache),
    onStart: showProgress ? (environments) => { progress = new ProgressReporter({ stream: process.stderr, environments }); } : undefined,
    onProgress: showProgress ? (p) => progress?.update(p) : undefined,
    beforeSwap: scratch ? (stagingDir, written) => { copied = written.length; cdk8sCopy = outputStep(`write into ${scratch}`, () => writeCdk8sCliCopy(scratch, stagingDir, outdir, written)); } : undefined,
  }).finally(() => progress?.finish());
  if (result.refused) {
    io.err(`synth refused: ${result.refused.length} violation(s); ${outdir} was left untouched.\n`);
    io.err(result.refused.map(formatViolation).join('\n') + '\n');
    return 1;
  }
  const summary: SynthSummary = { ...result.summary, elapsedMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6) };
  if (args.json) io.out(JSON.stringify(summary, null, 2) + '\n');
  else if (!args.quiet) {
    // The cdk8s CLI swallows the app's stdout; its stderr reaches the terminal.
    const print = cdk8sCopy ? io.err : io.out;
    print(formatSummary(summary));
    if (cdk8sCopy) print(`  cdk8s: the manifests are in ${shown(outdir)}/ (${copied} files written); the cdk8s CLI gets them as one YAML stream, ${shown(cdk8sCopy)} (what \`cdk8s synth --stdout\` prints)\n`);
  }
  return 0;
}

/** The cache with its generation; none when the program's files cannot be read to name it (the cache is never needed). */
function withGeneration(cache: { readonly dir: string; readonly read?: boolean }): RenderCacheProps | undefined {
  try {
    return { ...cache, generation: codeIdentity(findProjectRoot()) };
  } catch {
    return undefined;
  }
}

/** The render cache of a run (src/synth/render-cache.ts): where LGP_RENDER_CACHE says, unless `off`. */
function renderCacheOf(read: boolean): RenderIntoOptions['renderCache'] {
  const dir = RenderCache.dirOf(findProjectRoot());
  return dir === undefined ? undefined : { dir, read };
}

/** The environments `--env` names, in config order; refuses an unknown name (with the known ones and a guess). */
function selectEnvironments(all: readonly ResolvedEnvironment[], requested: readonly string[] | undefined, configDir: string): ResolvedEnvironment[] {
  if (!requested) return [...all];
  const known = all.map((e) => e.environment.name);
  for (const name of requested) {
    if (known.includes(name)) continue;
    const guess = didYouMean(name, known);
    throw new UsageError(`unknown environment "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; the environments in ${path.join(shown(configDir), 'environments')}/ are: ${known.join(', ')}`);
  }
  return all.filter((e) => requested.includes(e.environment.name));
}

/** Runs a step on the output folder; a file system error there is a problem with the surroundings (one line, exit 2). */
function outputStep<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.code === 'string' && typeof err.syscall === 'string') throw new EnvironmentError(`cannot ${what}: ${err.message}`);
    throw e;
  }
}

/**
 * For `cdk8s synth`: the cdk8s CLI lists the `.yaml` files of the folder it passes in
 * CDK8S_OUTDIR, and with `--stdout` prints them (then deletes the folder). The manifests
 * themselves are in the output folder, written atomically above; the CLI's folder gets one file
 * holding every file rendered in this run as one YAML stream (one stream, because the CLI pipes
 * its files to stdout concurrently: several files could interleave), each document headed by the
 * file it comes from in `outdir`. `files` are read from `from` (the staging folder). Returns the
 * file written.
 */
export function writeCdk8sCliCopy(scratch: string, from: string, outdir: string, files: readonly string[]): string {
  fs.mkdirSync(scratch, { recursive: true });
  const target = path.join(scratch, 'manifests.yaml');
  const parts = files.map((rel) => {
    const content = fs.readFileSync(path.join(from, rel), 'utf8');
    return `---\n# Source: ${shown(outdir)}/${rel}\n${content.endsWith('\n') ? content : `${content}\n`}`;
  });
  fs.writeFileSync(target, parts.join(''));
  return target;
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
