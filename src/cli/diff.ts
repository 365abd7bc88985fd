/**
 * `npm run diff -- [--base DIR | --base-rev REV] [--head DIR | --head-rev REV] [--dist DIR] [--markdown]`:
 * a reviewer's summary of what changes in the rendered manifests.
 *
 * Default: the committed manifests as they are in the work tree (`dist/`) against a fresh synth
 * (`tsx src/main.ts --outdir <tmp> --quiet`). `--base-rev`/`--head-rev` read the dist folder from a git
 * revision without checking it out; `--base-rev HEAD` compares against the last commit rather than
 * the work tree.
 *
 * Exit codes: 0 whenever the report was printed, changes or not (it is a report, not a gate);
 * 2 bad arguments; 1 the inputs could not be read (bad YAML, unknown revision, failed synth).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderMarkdownReport, renderTextReport } from '../tools/diff-report';
import { loadDistDirectory, loadDistRevision, ManifestIndex } from '../tools/manifest-index';
import { diffManifests } from '../tools/semantic-diff';

export const DIFF_USAGE = `usage: diff [--base DIR | --base-rev REV] [--head DIR | --head-rev REV] [--dist DIR] [--markdown]
  --base DIR      rendered manifests to compare from (default: the dist folder in the work tree)
  --base-rev REV  read the dist folder as committed at REV instead (e.g. origin/main, HEAD)
  --head DIR      rendered manifests to compare to (default: a fresh synth into a temporary folder)
  --head-rev REV  read the dist folder as committed at REV instead
  --dist DIR      where the dist folder is, in the work tree and in revisions (default: dist)
  --markdown      print Markdown for a pull-request comment instead of plain text
Exit code 0 whenever the report is printed, changes or not; 2 bad arguments; 1 unreadable inputs.`;

export class UsageError extends Error {}

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
  readonly markdown: boolean;
}

export interface DiffCliDeps {
  /** Folder that relative paths and git commands start from. @default process.cwd() */
  readonly cwd: string;
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
  /** Renders every environment's manifests into `outdir`; throws when synthesis fails. */
  readonly synthesize: (outdir: string) => void;
}

export function parseDiffArgs(argv: readonly string[]): DiffOptions {
  let base: DiffSide | undefined;
  let head: DiffSide | undefined;
  let distDir = 'dist';
  let markdown = false;
  const setOnce = (current: DiffSide | undefined, next: DiffSide, what: string): DiffSide => {
    if (current) throw new UsageError(`give the ${what} once: either --${what} DIR or --${what}-rev REV`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].startsWith('--') ? argv[i].indexOf('=') : -1;
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    const inline = eq > 0 ? argv[i].slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) {
        throw new UsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case '--base': base = setOnce(base, { type: 'dir', dir: value() }, 'base'); break;
      case '--base-rev': base = setOnce(base, { type: 'rev', rev: value() }, 'base'); break;
      case '--head': head = setOnce(head, { type: 'dir', dir: value() }, 'head'); break;
      case '--head-rev': head = setOnce(head, { type: 'rev', rev: value() }, 'head'); break;
      case '--dist': distDir = value(); break;
      case '--markdown': markdown = true; break;
      default: throw new UsageError(`unknown argument "${argv[i]}"`);
    }
  }
  return { base: base ?? { type: 'dir', dir: distDir, implicit: true }, head: head ?? { type: 'synth' }, distDir, markdown };
}

/** Runs `tsx src/main.ts --outdir <outdir> --quiet` in the project that holds this file. */
export function synthesizeWithMain(projectRoot: string = path.resolve(__dirname, '..', '..')): (outdir: string) => void {
  return (outdir) => {
    const entry = path.join(projectRoot, 'src', 'main.ts');
    if (!fs.existsSync(entry)) {
      throw new Error(`${entry} does not exist, so there is nothing to synthesize; pass --head DIR to compare rendered folders`);
    }
    const tsx = path.join(projectRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
    const result = spawnSync(tsx, [entry, '--outdir', outdir, '--quiet'], { cwd: projectRoot, encoding: 'utf8' });
    if (result.error) throw new Error(`could not run ${tsx}: ${result.error.message} (run npm ci first)`);
    if (result.status !== 0) {
      throw new Error(`synth failed (exit ${result.status}): tsx src/main.ts --outdir ${outdir} --quiet\n${result.stderr}${result.stdout}`);
    }
  };
}

function loadSide(side: DiffSide, options: DiffOptions, deps: DiffCliDeps, tempDirs: string[]): ManifestIndex {
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
      deps.synthesize(outdir);
      return { ...loadDistDirectory(outdir), source: 'fresh synth' };
    }
  }
}

/** Names a folder side the way the user gave it, not as an absolute path. */
function relabel(index: ManifestIndex, side: DiffSide): ManifestIndex {
  return side.type === 'dir' ? { ...index, source: side.dir } : index;
}

/** Runs the command; returns the exit code. */
export function runDiff(argv: readonly string[], deps: DiffCliDeps): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    deps.write(`${DIFF_USAGE}\n`);
    return 0;
  }
  let options: DiffOptions;
  try {
    options = parseDiffArgs(argv);
  } catch (e) {
    deps.writeError(`diff: ${(e as Error).message}\n${DIFF_USAGE}\n`);
    return 2;
  }
  const tempDirs: string[] = [];
  try {
    const base = relabel(loadSide(options.base, options, deps, tempDirs), options.base);
    const head = relabel(loadSide(options.head, options, deps, tempDirs), options.head);
    const diff = diffManifests(base, head);
    deps.write(options.markdown ? renderMarkdownReport(diff) : renderTextReport(diff));
    return 0;
  } catch (e) {
    deps.writeError(`diff: ${(e as Error).message}\n`);
    return 1;
  } finally {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  process.exitCode = runDiff(process.argv.slice(2), {
    cwd: process.cwd(),
    write: (t) => process.stdout.write(t),
    writeError: (t) => process.stderr.write(t),
    synthesize: synthesizeWithMain(),
  });
}
