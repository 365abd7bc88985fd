import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DIFF_COMMAND, DiffCliDeps, diffOptions, main, runDiff, synthesizeInProcess } from '../../src/cli/diff';
import { parseCommandLine } from '../../src/cli/command';
import { capture } from '../synth/cli-harness';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'diff');

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly synthesizedInto: string[];
}

/** Runs the CLI with fixture folders; the fresh synth copies `synthFixture` into the folder it is given. */
async function run(argv: string[], options: { cwd?: string; synthFixture?: string; synthFails?: boolean } = {}): Promise<Run> {
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
  const code = await runDiff(argv, deps);
  return { code, out, err, synthesizedInto };
}

describe('diff CLI', () => {
  it('prints "No changes." and exits 0 when the folders match semantically', async () => {
    const r = await run(['--base', 'base', '--head', 'reformatted']);
    expect(r).toMatchObject({ code: 0, out: 'No changes.\n', err: '' });
  });

  it('exits 0 when there are changes, risky ones included: it is a report, not a gate', async () => {
    const r = await run(['--base', 'base', '--head', 'changed']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('RISKY CHANGES (5)');
    expect(r.out.startsWith('Manifest changes (base → changed):')).toBe(true);
  });

  it('prints Markdown with --markdown', async () => {
    const r = await run(['--base=base', '--head=removed', '--markdown']);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('## Manifest changes\n')).toBe(true);
    expect(r.out).toContain('**Removed (2)**\n\n- `PrometheusRule support-bot/support-bot-alerts` — `prod/support-bot/alerts.yaml`');
  });

  it('compares the dist folder with a fresh synth by default, and removes the temporary folder', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'base'), path.join(cwd, 'dist'), { recursive: true });
      const r = await run([], { cwd, synthFixture: 'added' });
      expect(r.code).toBe(0);
      expect(r.synthesizedInto).toHaveLength(1);
      expect(fs.existsSync(r.synthesizedInto[0])).toBe(false);
      expect(r.out.split('\n')[0]).toBe('Manifest changes (dist → fresh synth): 2 added, 0 removed, 0 changed in 1 environment');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('reads a missing default dist folder as empty, with a note', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-'));
    try {
      const r = await run([], { cwd, synthFixture: 'base' });
      expect(r.code).toBe(0);
      expect(r.err).toBe('diff: note: dist does not exist yet; comparing against no manifests\n');
      expect(r.out).toContain('10 added, 0 removed, 0 changed in 2 environments');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('exits 1 with the reason when the synth fails or an explicit folder is missing', async () => {
    const failed = await run(['--base', 'base'], { synthFails: true });
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('diff: synth failed (exit 2): config/catalog.yaml');
    const missing = await run(['--base', 'nope', '--head', 'base']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/diff: .*nope: no such folder/);
  });

  it('exits 2 on bad arguments: one line, then where the help is', async () => {
    for (const [argv, message] of [
      [['--bogus'], 'diff: unknown flag --bogus'],
      [['--base'], 'diff: --base needs a value: --base DIR'],
      [['--base', 'a', '--base-rev', 'b'], 'diff: give the base once: either --base DIR or --base-rev REV'],
      [['--head', 'a', '--head-rev', 'b'], 'diff: give the head once: either --head DIR or --head-rev REV'],
      [['--markdwn'], 'diff: unknown flag --markdwn; did you mean --markdown?'],
    ] as const) {
      const r = await run([...argv]);
      expect(r).toMatchObject({ code: 2, out: '', err: `${message}\nsee \`npm run diff -- --help\`\n` });
      expect(r.synthesizedInto).toEqual([]);
    }
  });

  it('--help documents every flag with examples and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const f of ['--base DIR', '--base-rev REV', '--head DIR', '--head-rev REV', '--dist DIR', '--config DIR', '--markdown', 'Examples:', 'npm run diff -- --base-rev origin/main']) expect(r.out).toContain(f);
    expect(r.synthesizedInto).toEqual([]);
  });

  it('compares two git revisions without touching the work tree', async () => {
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
      const r = await run(['--base-rev', 'HEAD~1', '--head-rev', 'HEAD'], { cwd: repo });
      expect(r.code).toBe(0);
      expect(r.out.split('\n')[0]).toBe('Manifest changes (HEAD~1:dist → HEAD:dist): 0 added, 0 removed, 4 changed in 2 environments');
      // Work tree equals HEAD: comparing it with HEAD finds nothing.
      expect((await run(['--base-rev', 'HEAD', '--head', 'dist'], { cwd: repo })).out).toBe('No changes.\n');
      const bad = await run(['--base-rev', 'nope', '--head', 'dist'], { cwd: repo });
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('"nope" is not a commit');
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('parses the defaults: work-tree dist against a fresh synth of config/', () => {
    const options = (argv: string[]) => {
      const parsed = parseCommandLine(DIFF_COMMAND, argv);
      if (parsed.help) throw new Error('help');
      return diffOptions(parsed.values);
    };
    expect(options([])).toEqual({ base: { type: 'dir', dir: 'dist', implicit: true }, head: { type: 'synth' }, distDir: 'dist', configDir: 'config', markdown: false });
    expect(options(['--dist', 'out', '--base-rev', 'origin/main']).base).toEqual({ type: 'rev', rev: 'origin/main' });
    expect(options(['--dist=out', '--head=x']).head).toEqual({ type: 'dir', dir: 'x' });
  });

  it('the fresh synth is npm run synth in this process: its main(argv), quietly, into the folder it is given', async () => {
    // A stand-in for src/cli/synth.ts (loaded on demand by the diff), so this test renders nothing.
    const synth = jest.fn<Promise<number>, [readonly string[]]>().mockResolvedValueOnce(0).mockResolvedValueOnce(2);
    jest.doMock('../../src/cli/synth', () => ({ main: synth }));
    try {
      await synthesizeInProcess('/tmp/out', '/tmp/config');
      expect(synth).toHaveBeenCalledWith(['--config', '/tmp/config', '--outdir', '/tmp/out', '--quiet']);
      await expect(synthesizeInProcess('/tmp/out', '/tmp/config')).rejects.toThrow('the fresh synth of /tmp/config failed (exit 2; its messages are above)');
    } finally {
      jest.dontMock('../../src/cli/synth');
    }
  });

  it('main(argv) writes to the process streams', async () => {
    const r = await capture(() => main(['--base', path.join(FIXTURES, 'base'), '--head', path.join(FIXTURES, 'reformatted')]));
    expect(r).toEqual({ code: 0, stdout: 'No changes.\n', stderr: '' });
  });
});
