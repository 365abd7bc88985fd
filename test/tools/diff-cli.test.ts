import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDiffArgs, runDiff, DiffCliDeps } from '../../src/cli/diff';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'diff');

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly synthesizedInto: string[];
}

/** Runs the CLI with fixture folders; the fresh synth copies `synthFixture` into the folder it is given. */
function run(argv: string[], options: { cwd?: string; synthFixture?: string; synthFails?: boolean } = {}): Run {
  let out = '';
  let err = '';
  const synthesizedInto: string[] = [];
  const deps: DiffCliDeps = {
    cwd: options.cwd ?? FIXTURES,
    write: (t) => (out += t),
    writeError: (t) => (err += t),
    synthesize: (outdir) => {
      synthesizedInto.push(outdir);
      if (options.synthFails) throw new Error('synth failed (exit 2): config/catalog.yaml: workflows[0].name: bad');
      fs.cpSync(path.join(FIXTURES, options.synthFixture ?? 'base'), outdir, { recursive: true });
    },
  };
  return { code: runDiff(argv, deps), out, err, synthesizedInto };
}

describe('diff CLI', () => {
  it('prints "No changes." and exits 0 when the folders match semantically', () => {
    const r = run(['--base', 'base', '--head', 'reformatted']);
    expect(r).toMatchObject({ code: 0, out: 'No changes.\n', err: '' });
  });

  it('exits 0 when there are changes, risky ones included: it is a report, not a gate', () => {
    const r = run(['--base', 'base', '--head', 'changed']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('RISKY CHANGES (4)');
    expect(r.out.startsWith('Manifest changes (base → changed):')).toBe(true);
  });

  it('prints Markdown with --markdown', () => {
    const r = run(['--base=base', '--head=removed', '--markdown']);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('## Manifest changes\n')).toBe(true);
    expect(r.out).toContain('| prod | <code>Role support-bot/support-bot-oncall</code> | deleted, RBAC |');
  });

  it('compares the dist folder with a fresh synth by default, and removes the temporary folder', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'base'), path.join(cwd, 'dist'), { recursive: true });
      const r = run([], { cwd, synthFixture: 'added' });
      expect(r.code).toBe(0);
      expect(r.synthesizedInto).toHaveLength(1);
      expect(fs.existsSync(r.synthesizedInto[0])).toBe(false);
      expect(r.out.split('\n')[0]).toBe('Manifest changes (dist → fresh synth): 2 added, 0 removed, 0 changed in 1 environment');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('reads a missing default dist folder as empty, with a note', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-'));
    try {
      const r = run([], { cwd, synthFixture: 'base' });
      expect(r.code).toBe(0);
      expect(r.err).toBe('diff: note: dist does not exist yet; comparing against no manifests\n');
      expect(r.out).toContain('10 added, 0 removed, 0 changed in 2 environments');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('exits 1 with the reason when the synth fails or an explicit folder is missing', () => {
    const failed = run(['--base', 'base'], { synthFails: true });
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('diff: synth failed (exit 2): config/catalog.yaml');
    const missing = run(['--base', 'nope', '--head', 'base']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/diff: .*nope: no such folder/);
  });

  it('exits 2 on bad arguments, with usage', () => {
    for (const argv of [['--bogus'], ['--base'], ['--base', 'a', '--base-rev', 'b'], ['--head', 'a', '--head-rev', 'b']]) {
      const r = run(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('usage: diff');
      expect(r.synthesizedInto).toEqual([]);
    }
  });

  it('compares two git revisions without touching the work tree', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-git-'));
    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    try {
      git('init', '-q');
      fs.cpSync(path.join(FIXTURES, 'base'), path.join(repo, 'dist'), { recursive: true });
      git('add', '.');
      git('commit', '-q', '-m', 'base');
      fs.rmSync(path.join(repo, 'dist'), { recursive: true });
      fs.cpSync(path.join(FIXTURES, 'changed'), path.join(repo, 'dist'), { recursive: true });
      git('add', '-A');
      git('commit', '-q', '-m', 'changed');
      const r = run(['--base-rev', 'HEAD~1', '--head-rev', 'HEAD'], { cwd: repo });
      expect(r.code).toBe(0);
      expect(r.out.split('\n')[0]).toBe('Manifest changes (HEAD~1:dist → HEAD:dist): 0 added, 0 removed, 4 changed in 2 environments');
      // Work tree equals HEAD: comparing it with HEAD finds nothing.
      expect(run(['--base-rev', 'HEAD', '--head', 'dist'], { cwd: repo }).out).toBe('No changes.\n');
      const bad = run(['--base-rev', 'nope', '--head', 'dist'], { cwd: repo });
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('"nope" is not a commit');
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('parses the defaults: work-tree dist against a fresh synth', () => {
    expect(parseDiffArgs([])).toEqual({ base: { type: 'dir', dir: 'dist', implicit: true }, head: { type: 'synth' }, distDir: 'dist', markdown: false });
    expect(parseDiffArgs(['--dist', 'out', '--base-rev', 'origin/main']).base).toEqual({ type: 'rev', rev: 'origin/main' });
  });
});
