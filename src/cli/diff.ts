/**
 * `npm run diff -- [--base DIR | --base-rev REV] [--head DIR | --head-rev REV] [--dist DIR] [--config DIR] [--markdown]`
 * (`--help` for the details): a reviewer's summary of what changes in the rendered manifests.
 *
 * Default: the committed manifests as they are in the work tree (`dist/`) against a fresh synth of
 * the config folder into a temporary folder (`npm run synth`'s own code, in this process).
 * `--base-rev`/`--head-rev` read the dist folder from a git revision without checking it out;
 * `--base-rev HEAD` compares against the last commit rather than the work tree.
 *
 * `--live --context NAME [--env ENV]`: instead of a base folder, the cluster of a kubectl context:
 * what a sync of the environment would change there, per the API server's own dry-run
 * (src/tools/live-diff.ts), in the same report.
 *
 * Exit codes: 0 whenever the report was printed, changes or not (it is a report, not a gate);
 * 2 bad arguments, or (--live) kubectl missing or the context unknown; 1 the inputs could not be
 * read (bad YAML, unknown revision, failed synth), or (--live) the server's dry-run refused objects.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommandIo, UsageError, defineCommand, flag, processIo, runCommand } from './command';
import { EnvironmentError } from '../util/environment-error';
import { renderMarkdownReport, renderTextReport } from '../tools/diff-report';
import { loadDistDirectory, loadDistRevision, ManifestIndex, objectsOfEnvironment, TOP_LEVEL_ENV } from '../tools/manifest-index';
import { diffManifests } from '../tools/semantic-diff';
import { ARGOCD_FIELD_MANAGER, KubectlRunner, kubectlRunner, liveDiff, MANAGED_BY_SELECTOR } from '../tools/live-diff';

export const DIFF_COMMAND = defineCommand({
  name: 'diff',
  run: 'npm run diff --',
  summary: 'Print a reviewer\'s summary of what changes in the rendered manifests: objects added, removed and changed per environment, risky changes first.',
  details: [
    'By default it compares the dist folder in the work tree with a fresh synth of the config folder (into a temporary folder, removed afterwards). Either side can instead be any folder of rendered manifests, or the dist folder as committed at a git revision (read without a checkout).',
    `With --live the base is a running cluster instead (kubectl from PATH, a context of your kubeconfig): for every rendered object of the environment, the live object against what the API server would store after a server-side apply (kubectl diff --server-side semantics: apply --dry-run=server with conflicts forced, as the field manager given, by default Argo CD's ${ARGOCD_FIELD_MANAGER}). Server bookkeeping (managedFields, resourceVersion, uid, generation, creationTimestamp, status, the last-applied annotation) is ignored and defaults cancel out. Live objects labelled ${MANAGED_BY_SELECTOR} in the environment's namespaces that are no longer rendered are listed as removed: a sync with pruning deletes them. A handful of kubectl calls per environment, not one per object.`,
  ],
  flags: {
    base: flag.value({ value: 'DIR', help: 'rendered manifests to compare from', defaultText: 'the dist folder in the work tree' }),
    'base-rev': flag.value({ value: 'REV', help: 'compare from the dist folder as committed at REV instead (e.g. origin/main, HEAD)' }),
    head: flag.value({ value: 'DIR', help: 'rendered manifests to compare to', defaultText: 'a fresh synth of --config into a temporary folder' }),
    'head-rev': flag.value({ value: 'REV', help: 'compare to the dist folder as committed at REV instead' }),
    dist: flag.value({ value: 'DIR', help: 'where the dist folder is, in the work tree and in revisions', default: 'dist' }),
    config: flag.value({ value: 'DIR', help: 'config folder of the fresh synth', default: 'config' }),
    markdown: flag.boolean({ help: 'print Markdown for a pull-request comment instead of plain text' }),
    live: flag.boolean({ help: 'compare with a running cluster instead of a base folder: a server-side dry-run diff (needs --context)' }),
    context: flag.value({ value: 'NAME', help: 'with --live: the kubectl context of the cluster (kubectl config get-contexts lists them)' }),
    env: flag.value({ value: 'ENV', help: 'with --live: the environment to compare (a folder of the rendered manifests)', defaultText: 'the only one rendered, else the one named like the context' }),
    'field-manager': flag.value({ value: 'NAME', help: `with --live: the field manager that syncs the cluster; server-side apply only removes fields it owns. Argo CD's server-side sync is ${ARGOCD_FIELD_MANAGER}; scripts/cluster/run.sh applies as langgraph-platform-ci`, defaultText: ARGOCD_FIELD_MANAGER }),
  },
  examples: [
    { command: 'npm run diff', explain: 'what a synth of the current config would change in dist/' },
    { command: 'npm run diff -- --base-rev origin/main --head dist --markdown', explain: 'the committed dist/ of this branch against main, as a pull-request comment' },
    { command: 'npm run diff -- --base=/tmp/before --head=/tmp/after', explain: 'two folders of rendered manifests' },
    { command: 'npm run diff -- --live --context prod-eu --env prod', explain: 'what syncing a fresh synth of prod would change in the cluster of context prod-eu, and what it would prune' },
    { command: 'npm run diff -- --live --context prod-eu --env prod --head dist --markdown', explain: 'the same for the committed dist/, as a pull-request comment' },
  ],
  exitCodes: [
    '0  the report was printed, changes or not (a report, not a gate)',
    '1  an input could not be read (bad YAML, unknown revision, failed synth); with --live also: the server\'s dry-run refused objects (the report is printed, the refusals on stderr: a sync would fail)',
    '2  bad arguments; with --live also: kubectl not on PATH, the context unknown or the cluster unreachable',
  ],
});

/** One side of the comparison. */
export type DiffSide =
  /** `implicit`: the default dist folder, which may not exist yet (first synth): read as empty. */
  | { readonly type: 'dir'; readonly dir: string; readonly implicit?: boolean }
  | { readonly type: 'rev'; readonly rev: string }
  | { readonly type: 'synth' };

export interface DiffOptions {
  readonly base: DiffSide;
  readonly head: DiffSide;
  /** @default 'dist' */
  readonly distDir: string;
  /** Config folder of the fresh synth. @default 'config' */
  readonly configDir: string;
  readonly markdown: boolean;
  /** `--live`: compare the head's environment with a cluster instead of the base. */
  readonly live?: { readonly context: string; readonly env?: string; readonly fieldManager: string };
}

export interface DiffCliDeps {
  /** Folder that relative paths and git commands start from. @default process.cwd() */
  readonly cwd: string;
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
  /** Renders the environments of `configDir` (all, or only `environments`) into `outdir`; throws when synthesis fails. */
  readonly synthesize: (outdir: string, configDir: string, environments?: readonly string[]) => void | Promise<void>;
  /** kubectl for `--live`. @default kubectl from PATH with `--context` */
  readonly kubectl?: (context: string) => KubectlRunner;
}

/** The options of a parsed command line (throws {@link UsageError}). */
export function diffOptions(values: {
  base?: string; 'base-rev'?: string; head?: string; 'head-rev'?: string; dist: string; config: string; markdown: boolean;
  live?: boolean; context?: string; env?: string; 'field-manager'?: string;
}): DiffOptions {
  if (values.live) {
    if (values.base !== undefined || values['base-rev'] !== undefined) throw new UsageError('--live compares with the cluster; drop --base/--base-rev (--head still chooses what is rendered)');
    if (values.context === undefined) throw new UsageError('--live needs --context NAME, the cluster to compare with (kubectl config get-contexts lists them)');
  } else {
    for (const name of ['context', 'env', 'field-manager'] as const) {
      if (values[name] !== undefined) throw new UsageError(`--${name} only applies to --live; add --live to compare with a cluster`);
    }
  }
  const side = (what: 'base' | 'head', dir: string | undefined, rev: string | undefined): DiffSide | undefined => {
    if (dir !== undefined && rev !== undefined) throw new UsageError(`give the ${what} once: either --${what} DIR or --${what}-rev REV`);
    return dir !== undefined ? { type: 'dir', dir } : rev !== undefined ? { type: 'rev', rev } : undefined;
  };
  return {
    base: side('base', values.base, values['base-rev']) ?? { type: 'dir', dir: values.dist, implicit: true },
    head: side('head', values.head, values['head-rev']) ?? { type: 'synth' },
    distDir: values.dist,
    configDir: values.config,
    markdown: values.markdown,
    ...(values.live ? { live: { context: values.context!, env: values.env, fieldManager: values['field-manager'] ?? ARGOCD_FIELD_MANAGER } } : {}),
  };
}

/** `npm run synth` in this process, quietly, into `outdir`; throws when it does not exit 0 (its messages are on stderr). */
export async function synthesizeInProcess(outdir: string, configDir: string, environments?: readonly string[]): Promise<void> {
  const { main: synth } = await import('./synth');
  const code = await synth(['--config', configDir, '--outdir', outdir, '--quiet', ...(environments ?? []).flatMap((env) => ['--env', env])]);
  if (code !== 0) throw new Error(`the fresh synth of ${configDir} failed (exit ${code}; its messages are above); pass --head DIR to compare rendered folders`);
}

async function loadSide(side: DiffSide, options: DiffOptions, deps: DiffCliDeps, tempDirs: string[]): Promise<ManifestIndex> {
  switch (side.type) {
    case 'dir': {
      const dir = path.resolve(deps.cwd, side.dir);
      if (side.implicit && !fs.existsSync(dir)) {
        deps.writeError(`diff: note: ${side.dir} does not exist yet; comparing against no manifests\n`);
        return { source: side.dir, environments: new Map() };
      }
      return loadDistDirectory(dir);
    }
    case 'rev':
      return loadDistRevision({ rev: side.rev, distDir: options.distDir, cwd: deps.cwd });
    case 'synth': {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'langgraph-diff-'));
      tempDirs.push(outdir);
      await deps.synthesize(outdir, path.resolve(deps.cwd, options.configDir), options.live?.env ? [options.live.env] : undefined);
      return { ...loadDistDirectory(outdir), source: 'fresh synth' };
    }
  }
}

/** Names a folder side the way the user gave it, not as an absolute path. */
function relabel(index: ManifestIndex, side: DiffSide): ManifestIndex {
  return side.type === 'dir' ? { ...index, source: side.dir } : index;
}

/** Runs the command with `deps`; returns the exit code. */
export async function runDiff(argv: readonly string[], deps: DiffCliDeps): Promise<number> {
  const io: CommandIo = { out: deps.write, err: deps.writeError };
  return runCommand(DIFF_COMMAND, argv, async ({ values }) => {
    const options = diffOptions(values);
    const tempDirs: string[] = [];
    try {
      if (options.live) return await runLive(options, options.live, deps, tempDirs);
      const base = relabel(await loadSide(options.base, options, deps, tempDirs), options.base);
      const head = relabel(await loadSide(options.head, options, deps, tempDirs), options.head);
      const diff = diffManifests(base, head);
      deps.write(options.markdown ? renderMarkdownReport(diff) : renderTextReport(diff));
      return 0;
    } catch (e) {
      // One line and exit 2 (runCommand): kubectl missing, an unknown context, bad usage.
      if (e instanceof EnvironmentError || e instanceof UsageError) throw e;
      deps.writeError(`diff: ${(e as Error).message}\n`);
      return 1;
    } finally {
      for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, io);
}

/** Environments of a rendered set that a cluster holds (not Argo CD's own objects, not loose files). */
function clusterEnvironments(index: ManifestIndex): string[] {
  return [...index.environments.keys()].filter((env) => env !== 'argocd' && env !== TOP_LEVEL_ENV).sort();
}

/** `--live`: the rendered environment against the cluster; the same report as the folder diff. */
async function runLive(options: DiffOptions, live: NonNullable<DiffOptions['live']>, deps: DiffCliDeps, tempDirs: string[]): Promise<number> {
  const head = relabel(await loadSide(options.head, options, deps, tempDirs), options.head);
  const envs = clusterEnvironments(head);
  const env = live.env ?? (envs.length === 1 ? envs[0] : envs.includes(live.context) ? live.context : undefined);
  if (env === undefined) throw new UsageError(`--live needs --env: ${head.source} renders ${envs.join(', ') || 'no environment'}`);
  const objects = objectsOfEnvironment(head, env);
  if (objects.length === 0) throw new UsageError(`environment "${env}" renders no objects in ${head.source}; known: ${envs.join(', ') || 'none'}`);
  const kubectl = (deps.kubectl ?? kubectlRunner)(live.context);
  const result = await liveDiff({ env, rendered: objects, context: live.context, fieldManager: live.fieldManager, kubectl, renderedSource: head.source });
  for (const warning of result.warnings) deps.writeError(`diff: warning: ${warning}\n`);
  const diff = diffManifests(result.before, result.after);
  deps.write(options.markdown ? renderMarkdownReport(diff) : renderTextReport(diff));
  if (result.pruned.length > 0) {
    deps.write(`\n${result.pruned.length} removed object(s) are live with ${MANAGED_BY_SELECTOR} but no longer rendered: a sync with pruning deletes them.\n`);
  }
  if (result.rejected.length > 0) {
    deps.writeError(`diff: the server's dry-run refused objects of ${env}; a sync would fail:\n${result.rejected.map((l) => `  ${l}\n`).join('')}`);
    return 1;
  }
  return 0;
}

/** `npm run diff` with `argv`; returns the exit code. Writes to process.stdout/stderr. */
export function main(argv: readonly string[]): Promise<number> {
  return runDiff(argv, { cwd: process.cwd(), write: processIo.out, writeError: processIo.err, synthesize: synthesizeInProcess });
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
