/**
 * `npm run synth`: its main(argv), in this process (see cli-harness.ts). Two subprocess smoke
 * tests at the end: the real binary's exit code, and `cdk8s synth --stdout` through the cdk8s CLI.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments, parseDocument } from 'yaml';
import { CONFIG_DIR, PROJECT_ROOT, committed } from '../helpers';
import { main } from '../../src/cli/synth';
import { writeAtomically } from '../../src/synth/write';
import { synthesize } from '../../src/synth/pipeline';
import { relativePath } from '../../src/model/rendered-object';
import * as stagedOutput from '../../src/synth/fleet/staged-output';
import { CliRun, capture, filesOf, pick, tmp, tree } from './cli-harness';

const synth = (argv: readonly string[]) => capture(() => main(argv));
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** A copy of the committed config with `edits` applied (file → YAML path → value). */
function configCopy(edits: Record<string, [readonly (string | number)[], unknown][]> = {}): string {
  const dir = path.join(tmp('synth-cfg-'), 'config');
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  for (const [file, sets] of Object.entries(edits)) {
    const doc = parseDocument(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const [keyPath, value] of sets) doc.setIn(keyPath, doc.createNode(value));
    fs.writeFileSync(path.join(dir, file), doc.toString());
  }
  return dir;
}

const isEnvironmentFile = (env: string) => (f: string) => f.startsWith(`${env}/`) || f === `argocd/applicationset-langgraph-${env}.yaml` || f === `argocd/appproject-langgraph-${env}.yaml`;

describe('npm run synth', () => {
  test('renders the committed config into any output folder: exactly the files of the pipeline, and the same bytes again on a second run', async () => {
    const out = path.join(tmp('synth-full-'), 'dist');
    const first = await synth(['--config', CONFIG_DIR, '--outdir', out, '--quiet']);
    expect(first).toEqual({ code: 0, stdout: '', stderr: '' });
    const expected = filesOf(committed());
    expect(Object.keys(expected).length).toBeGreaterThan(50);
    expect(tree(out)).toEqual(expected);
    expect((await synth(['--outdir', out, '--quiet'])).code).toBe(0); // relative --config default: the working directory is the project
    expect(tree(out)).toEqual(expected);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['dist']); // no staging folder left behind
  });

  test('the written files parse back to the objects that were built, one object per file', () => {
    const out = tmp('synth-parse-');
    const result = committed();
    writeAtomically(out, result.files);
    expect(result.objects.length).toBe(result.files.length);
    for (const r of result.objects) {
      const file = relativePath(r);
      expect({ file, object: parse(fs.readFileSync(path.join(out, file), 'utf8')) }).toEqual({ file, object: JSON.parse(JSON.stringify(r.object)) });
    }
  });

  test('dist/ layout: dist/<env>/<workflow>/<kind>-<name>.yaml, one object per file', () => {
    for (const f of committed().files) expect(f.path).toMatch(/^((dev|staging|prod)\/[a-z0-9-_]+|argocd)\/[a-z]+-[a-z0-9-]+\.yaml$/);
  });

  test('--json prints a machine-readable summary; flags take --flag=value too', async () => {
    const out = tmp('synth-json-');
    const r = await synth([`--config=${CONFIG_DIR}`, `--outdir=${out}`, '--json', '--jobs=1']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.environments.map((e: { environment: string }) => e.environment)).toEqual(['dev', 'prod', 'staging']);
    expect(summary.gate.violations).toBe(0);
    expect(summary.outdir).toBe(out);
    expect(summary).not.toHaveProperty('keptEnvironments');
  });

  test('the human summary names the output folder and each environment', async () => {
    const out = tmp('synth-summary-');
    const r = await synth(['--outdir', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Rendered ${out}\\n  dev: 3 workflow\\(s\\), \\d+ objects, \\d+ files`));
    expect(r.stdout).toContain('gate: ');
    expect(r.stderr).toBe('');
  });

  test('a config error exits 2, names file and key, and leaves the output folder byte-identical', async () => {
    const bad = configCopy({ 'environments/prod.yaml': [[['workflowDefaults', 'autoscaling', 'minReplicas'], 30]] });
    const out = tmp('synth-out-');
    fs.mkdirSync(path.join(out, 'prod'));
    fs.writeFileSync(path.join(out, 'prod', 'keep.yaml'), 'untouched: true\n'); // shaped like an output, or the folder itself is refused
    const r = await synth(['--config', bad, '--outdir', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environments/prod.yaml');
    expect(r.stderr).toContain('autoscaling.minReplicas');
    expect(r.stderr).toContain('must not exceed autoscaling.maxReplicas (20)');
    expect(r.stderr).toContain(`${out} was left untouched.`);
    expect(tree(out)).toEqual({ 'prod/keep.yaml': 'untouched: true\n' });
  });
});

describe('usage', () => {
  test('--help and -h print every flag with examples and exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await synth([flag]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^usage: npm run synth -- \[options\]\n/);
      for (const f of ['--config DIR', '--outdir DIR', '--env NAME', '--jobs N', '--quiet', '--json', '-h, --help']) expect(r.stdout).toContain(f);
      expect(r.stdout).toContain('Examples:\n  npm run synth\n');
      expect(r.stdout).toContain('npm run synth -- --env prod');
      expect(r.stdout).toContain('Exit codes:');
    }
    // --help wins over anything else on the line, even a mistake.
    expect((await synth(['--nope', '--help'])).code).toBe(0);
  });

  test.each([
    [['--nope'], 'synth: unknown flag --nope'],
    [['--outdri', '/tmp/x'], 'synth: unknown flag --outdri; did you mean --outdir?'],
    [['--jobs', '0'], 'synth: --jobs needs a whole number ≥ 1, not "0"'],
    [['--jobs=two'], 'synth: --jobs needs a whole number ≥ 1, not "two"'],
    [['--outdir'], 'synth: --outdir needs a value: --outdir DIR'],
    [['--outdir', '--quiet'], 'synth: --outdir needs a value, but "--quiet" follows it'],
    [['--quiet=yes'], 'synth: --quiet takes no value (got "yes")'],
    [['--config', 'a', '--config', 'b'], 'synth: --config is given twice; give it once'],
    [['--env', 'dev,,prod'], 'synth: --env has an empty item in "dev,,prod"'],
    [['stray'], 'synth: unexpected argument "stray"; this command takes flags only'],
  ])('%j: one error line, then where the help is; exit 2', async (argv, message) => {
    const r = await synth(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0].startsWith(message)).toBe(true);
    expect(lines[1]).toBe('see `npm run synth -- --help`');
  });
});

describe('--env', () => {
  let full: Record<string, string>;
  beforeAll(() => {
    full = filesOf(committed());
  });

  test("renders only the named environment: its folder and Argo CD objects are replaced, every other file stays byte-identical", async () => {
    const out = path.join(tmp('synth-env-'), 'dist');
    expect((await synth(['--outdir', out, '--quiet'])).code).toBe(0);
    // Mark the files that must not be rewritten, so a rewrite (even to the right bytes) would show.
    for (const f of ['dev/support-agent/service-support-agent-api.yaml', 'argocd/appproject-langgraph-dev.yaml', 'argocd/applicationset-langgraph-staging.yaml']) {
      fs.appendFileSync(path.join(out, f), '# kept as it was\n');
    }
    fs.writeFileSync(path.join(out, 'NOTES.txt'), 'not ours\n');
    // And make prod's files stale, so the render must replace them.
    fs.appendFileSync(path.join(out, 'prod/support-agent/service-support-agent-api.yaml'), '# stale\n');
    fs.appendFileSync(path.join(out, 'argocd/appproject-langgraph-prod.yaml'), '# stale\n');
    fs.writeFileSync(path.join(out, 'prod/support-agent/configmap-gone.yaml'), 'stale: true\n');
    const before = tree(out);

    const r = await synth(['--outdir', out, '--env', 'prod']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('left as they were: dev, staging (and their Argo CD objects)');
    const after = tree(out);
    const isProd = isEnvironmentFile('prod');
    expect(pick(after, (f) => !isProd(f))).toEqual(pick(before, (f) => !isProd(f)));
    expect(pick(after, isProd)).toEqual(pick(full, isProd));
    expect(fs.readdirSync(path.dirname(out))).toEqual(['dist']);
  });

  test('several environments, repeated or comma-separated; an empty output folder gets only theirs', async () => {
    const repeated = tmp('synth-env-rep-');
    const commas = tmp('synth-env-comma-');
    expect((await synth(['--outdir', repeated, '--env', 'staging', '--env', 'dev', '--quiet'])).code).toBe(0);
    expect((await synth(['--outdir', commas, '--env=dev,staging', '--quiet'])).code).toBe(0);
    const wanted = (f: string) => isEnvironmentFile('dev')(f) || isEnvironmentFile('staging')(f);
    expect(tree(repeated)).toEqual(pick(full, wanted));
    expect(tree(commas)).toEqual(tree(repeated));
  });

  test('every environment, one at a time, adds up to the full render', async () => {
    const out = tmp('synth-env-each-');
    for (const env of ['staging', 'prod', 'dev']) expect((await synth(['--outdir', out, '--env', env, '--quiet'])).code).toBe(0);
    expect(tree(out)).toEqual(full);
  });

  test('an unknown environment is refused with the known names and a guess, before anything is written', async () => {
    const parent = tmp('synth-env-unknown-');
    const out = path.join(parent, 'dist');
    fs.mkdirSync(path.join(out, 'dev'), { recursive: true });
    fs.writeFileSync(path.join(out, 'dev', 'x.yaml'), 'x: 1\n');
    const r = await synth(['--outdir', out, '--env', 'dev', '--env', 'prd']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('synth: unknown environment "prd" (did you mean "prod"?); the environments in config/environments/ are: dev, prod, staging\nsee `npm run synth -- --help`\n');
    expect(tree(out)).toEqual({ 'dev/x.yaml': 'x: 1\n' });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
    expect((await synth(['--outdir', path.join(parent, 'new'), '--env', 'qa'])).stderr).toMatch(/^synth: unknown environment "qa"; the environments in .* are: dev, prod, staging\n/);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a failure after the previous output was carried over leaves it as it was (the carried-over links are never written through)', async () => {
    const parent = tmp('synth-env-fail-');
    const out = path.join(parent, 'dist');
    expect((await synth(['--outdir', out, '--quiet'])).code).toBe(0);
    fs.appendFileSync(path.join(out, 'argocd/appproject-langgraph-prod.yaml'), '# previous\n');
    const before = tree(out);
    const spy = jest.spyOn(stagedOutput, 'writeFilesInto').mockImplementation((staging) => {
      // The previous output is in the staging folder by now, as links: writing over one must fail, not change the live file.
      expect(() => new stagedOutput.StagingWriter(staging).write({ path: 'argocd/appproject-langgraph-dev.yaml', content: 'overwritten\n' })).toThrow(/EEXIST/);
      throw new Error('disk on fire');
    });
    try {
      const r = await synth(['--outdir', out, '--env', 'prod']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('disk on fire');
      expect(r.stderr).toContain(`${out} was left untouched.`);
    } finally {
      spy.mockRestore();
    }
    expect(tree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  describe('an AppProject shared by several environments', () => {
    const shared = () => configCopy({
      'environments/prod.yaml': [[['gitops', 'project'], 'langgraph-live']],
      'environments/staging.yaml': [[['gitops', 'project'], 'langgraph-live']],
    });

    test("is rewritten from the rendered environment and the kept one's folder: the same bytes as a full render", async () => {
      const config = shared();
      const expected = filesOf(synthesize(config));
      expect(Object.keys(expected).filter((f) => f.startsWith('argocd/appproject-'))).toEqual(['argocd/appproject-langgraph-dev.yaml', 'argocd/appproject-langgraph-live.yaml']);
      const out = tmp('synth-shared-');
      expect((await synth(['--config', config, '--outdir', out, '--quiet'])).code).toBe(0);
      fs.appendFileSync(path.join(out, 'argocd/appproject-langgraph-live.yaml'), '# stale\n');
      fs.appendFileSync(path.join(out, 'argocd/applicationset-langgraph-staging.yaml'), '# kept\n');
      const r = await synth(['--config', config, '--outdir', out, '--env', 'prod', '--quiet']);
      expect(r.code).toBe(0);
      // The project lists staging's namespaces and kinds (read from dist/staging) as well as prod's.
      expect(tree(out)).toEqual({ ...expected, 'argocd/applicationset-langgraph-staging.yaml': `${expected['argocd/applicationset-langgraph-staging.yaml']}# kept\n` });
    });

    test('is refused when the kept environment has no folder to read its part from', async () => {
      const out = tmp('synth-shared-missing-');
      const r = await synth(['--config', shared(), '--outdir', out, '--env', 'prod']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('environment "staging" shares the Argo CD project "langgraph-live" with prod');
      expect(r.stderr).toContain('render it too: --env prod,staging');
      expect(tree(out)).toEqual({});
    });
  });
});

describe('problems with the surroundings: one line, no stack, exit 2', () => {
  test('an output folder that is a file', async () => {
    const file = path.join(tmp('synth-outfile-'), 'dist');
    fs.writeFileSync(file, 'not a folder\n');
    const r = await synth(['--outdir', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`synth refused: output folder ${file} is a file, not a folder (pass --outdir DIR)\n${file} was left untouched.\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder\n');
  });

  test('an output folder that cannot be created', async () => {
    const file = path.join(tmp('synth-outparent-'), 'file');
    fs.writeFileSync(file, '');
    const out = path.join(file, 'dist');
    const r = await synth(['--outdir', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^synth refused: cannot create a staging folder beside ${out}: (ENOTDIR|EEXIST): .*\\n${out} was left untouched\\.\\n$`));
  });

  test('an output folder holding the config folder: refused before anything is read or written (a synth replaces the whole folder)', async () => {
    const config = configCopy();
    const outdir = path.dirname(config);
    const before = tree(outdir);
    const r = await synth(['--config', config, '--outdir', outdir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`synth refused: output folder ${outdir} holds the config folder ${config}, and a synth replaces the whole output folder: pass an --outdir that is new, empty or a previous output (e.g. dist)\n${outdir} was left untouched.\n`);
    expect(tree(outdir)).toEqual(before);
  });

  test('an output folder holding what no synth writes: refused, naming it; with --env it is kept instead', async () => {
    const outdir = tmp('synth-foreign-');
    fs.writeFileSync(path.join(outdir, 'NOTES.md'), 'mine\n');
    fs.mkdirSync(path.join(outdir, 'docs'));
    fs.writeFileSync(path.join(outdir, 'docs', 'a.txt'), 'mine too\n');
    const before = tree(outdir);
    const r = await synth(['--outdir', outdir]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`synth refused: output folder ${outdir} holds NOTES.md, docs/a.txt, which no synth writes, and a synth replaces the whole output folder: pass an --outdir that is new, empty or a previous output (e.g. dist), or move them out`);
    expect(tree(outdir)).toEqual(before);
    const partial = await synth(['--outdir', outdir, '--env', 'dev', '--quiet']);
    expect(partial.code).toBe(0);
    expect(fs.readFileSync(path.join(outdir, 'NOTES.md'), 'utf8')).toBe('mine\n');
    expect(fs.readFileSync(path.join(outdir, 'docs', 'a.txt'), 'utf8')).toBe('mine too\n');
  });

  test('the output folder gets the mode of any new folder (0777 less the umask), not a temporary folder\'s 0700', async () => {
    const outdir = path.join(tmp('synth-mode-'), 'dist');
    const umask = process.umask(0o022);
    try {
      expect((await synth(['--outdir', outdir, '--quiet'])).code).toBe(0);
    } finally {
      process.umask(umask);
    }
    expect(fs.statSync(outdir).mode & 0o777).toBe(0o755);
  });

  test('a missing config folder', async () => {
    const r = await synth(['--config', path.join(tmp('synth-nocfg-'), 'config'), '--outdir', tmp('synth-nocfg-out-')]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^synth refused: config folder .* does not exist/);
  });
});

describe('cdk8s synth (CDK8S_OUTDIR set by the cdk8s CLI)', () => {
  test('writes the output folder as usual, gives the CLI one YAML stream of the rendered files, and says where the manifests are on stderr', async () => {
    const scratch = path.join(tmp('cdk8s-scratch-'), '.cdk8s.out');
    const out = tmp('cdk8s-out-');
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = scratch;
    let r: CliRun;
    try {
      r = await synth(['--outdir', out, '--env', 'dev']);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = previous;
    }
    expect(r!.code).toBe(0);
    expect(r!.stdout).toBe(''); // the cdk8s CLI swallows the app's stdout
    expect(r!.stderr).toContain(`Rendered ${out}`);
    expect(r!.stderr).toContain(`cdk8s: the manifests are in ${out}/`);
    expect(fs.readdirSync(scratch)).toEqual(['manifests.yaml']);
    const stream = fs.readFileSync(path.join(scratch, 'manifests.yaml'), 'utf8');
    const dev = pick(filesOf(committed()), isEnvironmentFile('dev'));
    expect(stream).toBe(Object.keys(dev).sort().map((f) => `---\n# Source: ${out}/${f}\n${dev[f]}`).join(''));
  });
});

describe('the real programs (subprocess smoke tests)', () => {
  test('tsx src/main.ts sets the exit code: 2 for an unknown environment, nothing written', () => {
    const out = path.join(tmp('synth-bin-'), 'dist');
    const r = spawnSync(TSX, [path.join(PROJECT_ROOT, 'src', 'main.ts'), '--outdir', out, '--env', 'prd'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown environment "prd" (did you mean "prod"?)');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('npx cdk8s synth --stdout prints every rendered manifest, and dist/ is written (no network: --no-check-upgrade)', () => {
    const work = tmp('cdk8s-cli-');
    for (const entry of ['cdk8s.yaml', 'package.json', 'tsconfig.json']) fs.copyFileSync(path.join(PROJECT_ROOT, entry), path.join(work, entry));
    for (const entry of ['src', 'config', 'imports', 'schemas', 'node_modules']) fs.symlinkSync(path.join(PROJECT_ROOT, entry), path.join(work, entry));
    const r = spawnSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade', '--stdout'], { cwd: work, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
    const expected = filesOf(committed());
    expect(tree(path.join(work, 'dist'))).toEqual(expected);
    const docs = parseAllDocuments(r.stdout);
    expect(docs.every((d) => d.errors.length === 0)).toBe(true);
    const sources = [...r.stdout.matchAll(/^# Source: dist\/(\S+)$/gm)].map((m) => m[1]);
    expect(sources).toEqual(Object.keys(expected).sort());
    expect(docs.map((d) => d.toJS())).toEqual(sources.map((f) => parse(expected[f])));
    expect(r.stderr).toContain('cdk8s: the manifests are in dist/');
  });
});
