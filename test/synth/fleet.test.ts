/**
 * Fleet behaviour: workflows are independent (adding one changes no other file), the output is
 * byte-identical whatever the number of worker threads, and progress shows only on a terminal.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONFIG_DIR, PROJECT_ROOT, committed } from '../helpers';
import { loadConfig } from '../../src/config/load';
import { planFiles, serializeFile, synthesize, toFiles } from '../../src/synth/pipeline';
import { listFiles } from '../../src/synth/compare-trees';
import { runFleet } from '../../src/synth/fleet/run-fleet';
import { StagingWriter, beginStaging, commitStaging } from '../../src/synth/fleet/staged-output';
import { CHUNK_FILES, claimChunk, helpWrite, prepareOffer } from '../../src/synth/fleet/shared-writes';
import { FleetProgress } from '../../src/synth/fleet/environment-job';
import { RenderedObject } from '../../src/synth/manifest';
import { summarize } from '../../src/synth/summary';
import { ProgressReporter, ProgressStream, progressWanted } from '../../src/synth/progress';
import { cloneName, writeGeneratedConfig } from '../../scripts/bench/catalog';

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(PROJECT_ROOT, 'src', 'main.ts');

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}
function filesOf(result: { files: readonly { path: string; content: string }[] }): Record<string, string> {
  return Object.fromEntries(result.files.map((f) => [f.path, f.content]));
}

describe('adding a workflow', () => {
  test("leaves every other workflow's files byte-identical and adds only the new workflow's folders", () => {
    const before = filesOf(committed());
    const config = loadConfig(CONFIG_DIR);
    const existing = config.environments[0].workflows.map((w) => w.name);
    // The committed catalog plus one more workflow: a renamed copy of the first one (with copies of its waivers).
    const extended = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(tmp('catalog-plus-one-'), 'config'), workflows: existing.length + 1 });
    const added = cloneName(existing[0], existing.length);

    const after = filesOf(synthesize(extended));
    const environments = config.environments.map((e) => e.environment.name);
    // Each environment's AppProject must allow the new namespace; every other file stays byte-identical.
    const projects = (f: string) => f.startsWith('argocd/appproject-');
    for (const [file, content] of Object.entries(before).filter(([f]) => !projects(f))) expect({ file, content: after[file] }).toEqual({ file, content });
    for (const env of environments) expect(after[`argocd/appproject-langgraph-${env}.yaml`]).toContain(`namespace: ${added}\n`);
    const newFiles = Object.keys(after).filter((f) => !(f in before));
    expect(newFiles.length).toBeGreaterThan(0);
    for (const f of newFiles) expect(f).toMatch(new RegExp(`^(${environments.join('|')})/${added}/`));
    for (const env of environments) expect(newFiles.some((f) => f.startsWith(`${env}/${added}/`))).toBe(true);
  });
});

describe('worker threads', () => {
  const config = loadConfig(CONFIG_DIR);

  test.each([1, 2, 3])('--jobs %i writes exactly the files of synthesize(), byte for byte', async (jobs) => {
    const out = path.join(tmp('fleet-'), 'dist');
    const staging = beginStaging(out);
    const progress: FleetProgress[] = [];
    const outcomes = await runFleet(config.environments, { stagingDir: staging, jobs, onProgress: (p) => progress.push(p) });
    commitStaging(staging, out);
    // Argo CD's objects are rendered after the fleet, from every environment's footprint (src/main.ts).
    const environmentFiles = Object.fromEntries(Object.entries(filesOf(committed())).filter(([f]) => !f.startsWith('argocd/')));
    expect(tree(out)).toEqual(environmentFiles);
    expect(outcomes.map((o) => o.environment)).toEqual(config.environments.map((e) => e.environment.name));
    expect(outcomes.every((o) => o.gate.violations.length === 0)).toBe(true);
    expect(outcomes.reduce((n, o) => n + (o.summary?.files ?? 0), 0)).toBe(Object.keys(environmentFiles).length);
    expect(outcomes.map((o) => o.summary)).toEqual(summarize(committed(), '', 0).environments);
    for (const env of config.environments) {
      expect(progress).toContainEqual({ environment: env.environment.name, stage: 'render', done: env.workflows.length, total: env.workflows.length });
      expect(progress.filter((p) => p.environment === env.environment.name).at(-1)?.stage).toBe('done');
    }
  });

  test('a generated fleet renders identically in this thread and in workers, through the CLI', () => {
    const work = tmp('fleet-cli-');
    const cfg = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(work, 'config'), workflows: 12 });
    const run = (jobs: string, out: string) => spawnSync(TSX, [MAIN, '--config', cfg, '--outdir', out, '--jobs', jobs, '--json'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    const inline = run('1', path.join(work, 'one'));
    const workers = run('3', path.join(work, 'three'));
    expect(inline.status).toBe(0);
    expect(workers.status).toBe(0);
    const summary = (stdout: string) => ({ ...JSON.parse(stdout), elapsedMs: 0, outdir: '' });
    expect(summary(workers.stdout)).toEqual(summary(inline.stdout));
    expect(summary(inline.stdout).environments[0].workflows).toBe(12);
    const one = tree(path.join(work, 'one'));
    expect(Object.keys(one).some((f) => f.includes('-0011/'))).toBe(true);
    expect(tree(path.join(work, 'three'))).toEqual(one);
  });

  test('with writes shared between workers (forced from the first file), still exactly the files of synthesize()', async () => {
    const work = tmp('fleet-shared-');
    const cfg = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(work, 'config'), workflows: 20 });
    const out = path.join(work, 'dist');
    const staging = beginStaging(out);
    await runFleet(loadConfig(cfg).environments, { stagingDir: staging, jobs: 2, shareWritesFrom: 1 });
    commitStaging(staging, out);
    const environmentFiles = Object.fromEntries(Object.entries(filesOf(synthesize(cfg))).filter(([f]) => !f.startsWith('argocd/')));
    expect(tree(out)).toEqual(environmentFiles);
  });

  test('--jobs must be a whole number ≥ 1', () => {
    const r = spawnSync(TSX, [MAIN, '--jobs', '0'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--jobs needs a whole number of worker threads ≥ 1, not "0"');
  });
});

describe('shared writes', () => {
  // Enough files for several chunks: one environment of a 20-workflow catalog.
  let objects: RenderedObject[] = [];
  beforeAll(() => {
    const cfg = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(tmp('shared-writes-config-'), 'config'), workflows: 20 });
    objects = synthesize(cfg, { environments: ['prod'] }).objects.filter((o) => o.environment === 'prod');
  });

  test("a helper writes from the JSON copy exactly the owner's bytes", () => {
    const expected = Object.fromEntries(toFiles(objects).map((f) => [f.path, f.content]));
    for (const planned of planFiles(objects)) {
      expect(serializeFile(JSON.parse(JSON.stringify(planned))).content).toBe(expected[planned.path]);
    }
  });

  test('owner and helper claim every chunk exactly once, and together write every file', () => {
    const planned = planFiles(objects);
    const { offer, chunks } = prepareOffer('prod', planned);
    expect(chunks.flat()).toEqual(planned);
    expect(chunks.every((c) => c.length <= CHUNK_FILES)).toBe(true);
    expect(chunks.length).toBeGreaterThan(2);
    const out = tmp('shared-writes-');
    const owner = new StagingWriter(out);
    const ownerClaims: number[] = [];
    const ownerWrites = (k: number) => {
      ownerClaims.push(k);
      chunks[k].forEach((p) => owner.write(serializeFile(p)));
    };
    // The owner takes the first chunk; a helper then takes every offered chunk (the back half); the owner takes the rest.
    ownerWrites(claimChunk(offer.claims, 'front')!);
    const helped = helpWrite(offer, out);
    for (let k = claimChunk(offer.claims, 'front'); k !== undefined; k = claimChunk(offer.claims, 'front')) ownerWrites(k);
    expect(claimChunk(offer.claims, 'back')).toBeUndefined();
    expect(ownerClaims).toEqual(Array.from({ length: offer.firstOffered }, (_, k) => k));
    expect(helped).toBe(chunks.slice(offer.firstOffered).flat().length);
    expect(tree(out)).toEqual(Object.fromEntries(toFiles(objects).map((f) => [f.path, f.content])));
  });

  test('when the owner gets there first, the helper finds nothing left', () => {
    const { offer, chunks } = prepareOffer('prod', planFiles(objects));
    for (let k = 0; k < chunks.length; k++) expect(claimChunk(offer.claims, 'front')).toBe(k);
    expect(helpWrite(offer, tmp('shared-writes-late-'))).toBe(0);
  });
});

describe('progress', () => {
  class FakeTerminal implements ProgressStream {
    readonly isTTY = true;
    readonly columns = 200;
    written = '';
    write(text: string) {
      this.written += text;
      return true;
    }
  }
  const progress = (environment: string, stage: FleetProgress['stage'], done: number, total: number): FleetProgress => ({ environment, stage, done, total });

  test('is wanted on a terminal only, and never with --quiet or --json', () => {
    const terminal = new FakeTerminal();
    expect(progressWanted({ quiet: false, json: false, stream: terminal })).toBe(true);
    expect(progressWanted({ quiet: true, json: false, stream: terminal })).toBe(false);
    expect(progressWanted({ quiet: false, json: true, stream: terminal })).toBe(false);
    expect(progressWanted({ quiet: false, json: false, stream: { write: () => true, isTTY: false } })).toBe(false);
    expect(progressWanted({ quiet: false, json: false, stream: { write: () => true } })).toBe(false);
  });

  test('stays silent for a short run, then shows each environment, throttled, and erases itself', () => {
    let now = 0;
    const terminal = new FakeTerminal();
    const reporter = new ProgressReporter({ stream: terminal, environments: ['dev', 'prod'], delayMs: 1000, intervalMs: 100, now: () => now });
    now = 500;
    reporter.update(progress('dev', 'render', 10, 500));
    expect(terminal.written).toBe('');
    now = 1200;
    reporter.update(progress('dev', 'render', 300, 500));
    expect(terminal.written).toContain('dev: rendered 300/500 workflows');
    expect(terminal.written).toContain('prod: waiting');
    const drawn = terminal.written;
    now = 1250;
    reporter.update(progress('prod', 'gate', 0, 14000));
    expect(terminal.written).toBe(drawn); // within the redraw interval
    now = 1400;
    reporter.update(progress('dev', 'write', 7, 11000));
    expect(terminal.written.slice(drawn.length)).toMatch(/^\r\x1b\[2Ksynth 1\.4 s {2}dev: written 7\/11000 · prod: checking 14000 objects$/);
    reporter.finish();
    expect(terminal.written.endsWith('\r\x1b[2K')).toBe(true);
  });

  test('a run that never draws leaves the terminal untouched', () => {
    const terminal = new FakeTerminal();
    const reporter = new ProgressReporter({ stream: terminal, environments: ['dev'], now: () => 0 });
    reporter.update(progress('dev', 'done', 1, 1));
    reporter.finish();
    expect(terminal.written).toBe('');
  });

  test('lines longer than the terminal are cut to fit', () => {
    let now = 0;
    const terminal = Object.assign(new FakeTerminal(), { columns: 40 });
    const reporter = new ProgressReporter({ stream: terminal, environments: ['dev', 'prod', 'staging'], delayMs: 0, now: () => now });
    now = 1;
    reporter.update(progress('staging', 'serialize', 100, 14000));
    const line = terminal.written.replace('\r\x1b[2K', '');
    expect(line.length).toBeLessThan(40);
    expect(line.endsWith('…')).toBe(true);
  });

  // A real pseudo-terminal (util-linux `script`): the CLI draws on a terminal, and never with --quiet or into a pipe.
  const script = ['/usr/bin/script', '/bin/script'].find((p) => fs.existsSync(p));
  (script ? test : test.skip)('the CLI shows progress on a terminal for a fleet that takes a while, and not with --quiet or into a pipe', () => {
    const work = tmp('fleet-tty-');
    const cfg = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(work, 'config'), workflows: 80 });
    const args = (...extra: string[]) => [MAIN, '--config', cfg, '--outdir', path.join(work, 'out'), ...extra];
    const onTerminal = spawnSync(script!, ['-qec', [TSX, ...args()].join(' '), '/dev/null'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(onTerminal.status).toBe(0);
    expect(onTerminal.stdout).toMatch(/\r\x1b\[2Ksynth [\d.]+ s {2}dev: /);
    expect(onTerminal.stdout).toContain('gate: ');
    const quiet = spawnSync(script!, ['-qec', [TSX, ...args('--quiet')].join(' '), '/dev/null'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).not.toContain('\x1b[2K');
    const piped = spawnSync(TSX, args(), { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(piped.status).toBe(0);
    expect(piped.stderr).not.toContain('\x1b[2K');
    expect(piped.stdout).toContain('80 workflow(s)');
  });
});
