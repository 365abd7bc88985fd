/**
 * `npm run diff -- [--base DIR | --base-rev REV] [--head DIR | --head-rev REV] [--dist DIR] [--config DIR] [--markdown]`
 * (`--help` for the details): a reviewer's summary of what changes in the rendered manifests.
 *
 * Default: the committed manifests as they are in the work tree (`dist/`) against a fresh synth of
 * the config folder into a temporary folder (`npm run synth`'s own code, in this process).
 * `--base-rev`/`--head-rev` read the dist folder from a git revision without checking it out;
 * `--base-rev HEAD` compares against the last commit rather than the work tree.
 *
 * Exit codes: 0 whenever the report was printed, changes or not (it is a report, not a gate);
 * 2 bad arguments; 1 the inputs could not be read (bad YAML, unknown revision, failed synth).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommandIo, UsageError, defineCommand, flag, processIo, runCommand } from './command';
import { renderMarkdownReport, renderTextReport } from '../tools/diff-report';
import { loadDistDirectory, loadDistRevision, ManifestIndex } from '../tools/manifest-index';
import { diffManifests } from '../tools/semantic-diff';

export const DIFF_COMMAND = defineCommand({
  name: 'diff',
  run: 'npm run diff --',
  summary: 'Print a reviewer\'s summary of what changes in the rendered manifests: objects added, removed and changed per environment, risky changes first.',
  details: [
    'By default it compares the dist folder in the work tree with a fresh synth of the config folder (into a temporary folder, removed afterwards). Either side can instead be any folder of rendered manifests, or the dist folder as committed at a git revision (read without a checkout).',
  ],
  flags: {
    base: flag.value({ value: 'DIR', help: 'rendered manifests to compare from', defaultText: 'the dist folder in the work tree' }),
    'base-rev': flag.value({ value: 'REV', help: 'compare from the dist folder as committed at REV instead (e.g. origin/main, HEAD)' }),
    head: flag.value({ value: 'DIR', help: 'rendered manifests to compare to', defaultText: 'a fresh synth of --config into a temporary folder' }),
    'head-rev': flag.value({ value: 'REV', help: 'compare to the dist folder as committed at REV instead' }),
    dist: flag.value({ value: 'DIR', help: 'where the dist folder is, in the work tree and in revisions', default: 'dist' }),
    config: flag.value({ value: 'DIR', help: 'config folder of the fresh synth', default: 'config' }),
    markdown: flag.boolean({ help: 'print Markdown for a pull-request comment instead of plain text' }),
  },
  examples: [
    { command: 'npm run diff', explain: 'what a synth of the current config would change in dist/' },
    { command: 'npm run diff -- --base-rev origin/main --head dist --markdown', explain: 'the committed dist/ of this branch against main, as a pull-request comment' },
    { command: 'npm run diff -- --base=/tmp/before --head=/tmp/after', explain: 'two folders of rendered manifests' },
  ],
  exitCodes: [
    '0  the report was printed, changes or not (a report, not a gate)',
    '1  an input could not be read (bad YAML, unknown revision, failed synth)',
    '2  bad arguments',
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
}

export interface DiffCliDeps {
  /** Folder that relative paths and git commands start from. @default process.cwd() */
  readonly cwd: string;
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
  /** Renders every environment of `configDir` into `outdir`; throws when synthesis fails. */
  readonly synthesize: (outdir: string, configDir: string) => void | Promise<void>;
}

/** The options of a parsed command line (throws {@link UsageError}). */
export function diffOptions(values: { base?: string; 'base-rev'?: string; head?: string; 'head-rev'?: string; dist: string; config: string; markdown: boolean }): DiffOptions {
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
  };
}

/** `npm run synth` in this process, quietly, into `outdir`; throws when it does not exit 0 (its messages are on stderr). */
export async function synthesizeInProcess(outdir: string, configDir: string): Promise<void> {
  const { main: synth } = await import('../main');
  const code = await synth(['--config', configDir, '--outdir', outdir, '--quiet']);
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
      await deps.synthesize(outdir, path.resolve(deps.cwd, options.configDir));
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
      const base = relabel(await loadSide(options.base, options, deps, tempDirs), options.base);
      const head = relabel(await loadSide(options.head, options, deps, tempDirs), options.head);
      const diff = diffManifests(base, head);
      deps.write(options.markdown ? renderMarkdownReport(diff) : renderTextReport(diff));
      return 0;
    } catch (e) {
      deps.writeError(`diff: ${(e as Error).message}\n`);
      return 1;
    } finally {
      for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, io);
}

/** `npm run diff` with `argv`; returns the exit code. Writes to process.stdout/stderr. */
export function main(argv: readonly string[]): Promise<number> {
  return runDiff(argv, { cwd: process.cwd(), write: processIo.out, writeError: processIo.err, synthesize: synthesizeInProcess });
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
