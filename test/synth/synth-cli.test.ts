import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { CONFIG_DIR, PROJECT_ROOT, committed } from '../helpers';
import { listFiles } from '../../src/synth/compare-trees';
import { writeAtomically } from '../../src/synth/write';
import { synthesize } from '../../src/synth/pipeline';

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(PROJECT_ROOT, 'src', 'main.ts');

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
function snapshotTree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}
function synthCli(args: string[]) {
  return spawnSync(TSX, [MAIN, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
}

describe('npm run synth', () => {
  test('renders any config folder to any output folder, and the bytes are deterministic', () => {
    const a = tmp('synth-a-');
    const b = tmp('synth-b-');
    expect(synthCli(['--config', CONFIG_DIR, '--outdir', a, '--quiet']).status).toBe(0);
    expect(synthCli(['--config', CONFIG_DIR, '--outdir', b, '--quiet']).status).toBe(0);
    const treeA = snapshotTree(a);
    expect(Object.keys(treeA).length).toBeGreaterThan(50);
    expect(snapshotTree(b)).toEqual(treeA);
  });

  test('the written files parse back to the objects that were built', () => {
    const out = tmp('synth-parse-');
    const result = committed();
    writeAtomically(out, result.files);
    for (const r of result.objects) {
      const file = result.files.find((f) => parse(f.content)?.metadata?.name === r.object.metadata.name && parse(f.content).kind === r.object.kind && f.path.startsWith(`${r.environment}/`));
      expect(file).toBeDefined();
      expect(parse(fs.readFileSync(path.join(out, file!.path), 'utf8'))).toEqual(JSON.parse(JSON.stringify(r.object)));
    }
  });

  test('dist/ layout: dist/<env>/<workflow>/<kind>-<name>.yaml, one object per file', () => {
    for (const f of committed().files) expect(f.path).toMatch(/^((dev|staging|prod)\/[a-z0-9-_]+|argocd)\/[a-z]+-[a-z0-9-]+\.yaml$/);
  });

  test('a config error exits 2, names file and key, and leaves the output folder byte-identical', () => {
    const bad = tmp('bad-config-');
    fs.cpSync(CONFIG_DIR, bad, { recursive: true });
    const prod = path.join(bad, 'environments', 'prod.yaml');
    fs.writeFileSync(prod, fs.readFileSync(prod, 'utf8').replace('minReplicas: 3', 'minReplicas: 30'));
    const out = tmp('synth-out-');
    fs.writeFileSync(path.join(out, 'keep.yaml'), 'untouched: true\n');
    const before = snapshotTree(out);
    const r = synthCli(['--config', bad, '--outdir', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('environments/prod.yaml');
    expect(r.stderr).toContain('autoscaling.minReplicas');
    expect(r.stderr).toContain('30');
    expect(r.stderr).toContain('must not exceed autoscaling.maxReplicas (20)');
    expect(snapshotTree(out)).toEqual(before);
  });

  test('unknown arguments exit 2 with usage', () => {
    const r = synthCli(['--nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: npm run synth');
  });

  test('--json prints a machine-readable summary', () => {
    const out = tmp('synth-json-');
    const r = synthCli(['--outdir', out, '--json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.environments.map((e: any) => e.environment)).toEqual(['dev', 'prod', 'staging']);
    expect(summary.gate.violations).toBe(0);
  });
});

describe('writeAtomically', () => {
  test('replaces the folder wholesale: stale files disappear', () => {
    const out = tmp('atomic-');
    fs.writeFileSync(path.join(out, 'stale.yaml'), 'x');
    writeAtomically(out, [{ path: 'a/b.yaml', content: 'b: 1\n' }]);
    expect(listFiles(out)).toEqual(['a/b.yaml']);
  });

  test('a failure while writing leaves the existing folder untouched and no staging folder behind', () => {
    const parent = tmp('atomic-fail-');
    const out = path.join(parent, 'dist');
    writeAtomically(out, [{ path: 'x.yaml', content: 'x: 1\n' }]);
    expect(() => writeAtomically(out, [{ path: 'ok.yaml', content: '' }, { path: '../escape.yaml', content: '' }])).toThrow(/outside the output folder/);
    expect(snapshotTree(out)).toEqual({ 'x.yaml': 'x: 1\n' });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });
});

test('cdk8s synth (the CLI) and npm run synth leave the same dist/', () => {
  const work = tmp('cdk8s-cli-');
  for (const entry of ['cdk8s.yaml', 'package.json', 'tsconfig.json']) fs.copyFileSync(path.join(PROJECT_ROOT, entry), path.join(work, entry));
  for (const entry of ['src', 'config', 'imports', 'node_modules']) fs.symlinkSync(path.join(PROJECT_ROOT, entry), path.join(work, entry));
  execFileSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade'], { cwd: work, stdio: 'pipe' });
  const viaCli = snapshotTree(path.join(work, 'dist'));
  const direct = Object.fromEntries(synthesize(CONFIG_DIR).files.map((f) => [f.path, f.content]));
  expect(viaCli).toEqual(direct);
});
