/**
 * Fleet behaviour at small N (≤ 5 workflows; large N is `npm run bench`): workflows are
 * independent (adding one changes no other file), the output is byte-identical whatever the
 * number of worker threads, shared renders and writes cover every workflow and file once, and
 * progress shows only on a terminal. Everything runs in this process (the synth CLI through its main(argv)).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CONFIG_DIR, committed } from '../helpers';
import { loadConfig } from '../../src/config/load';
import { planFiles, serializeFile, synthesize, toFiles } from '../../src/synth/pipeline';
import { runFleet } from '../../src/synth/fleet/run-fleet';
import { StagingWriter, beginStaging, commitStaging } from '../../src/synth/fleet/staged-output';
import { CHUNK_FILES, helpWrite, prepareOffer } from '../../src/synth/fleet/shared-writes';
import { claimChunk } from '../../src/synth/fleet/claims';
import { CHUNK_WORKFLOWS, RenderOffer, helpRender, sharedRenders } from '../../src/synth/fleet/shared-renders';
import { renderEnvironment } from '../../src/synth/render';
import { FleetProgress } from '../../src/synth/environment-job';
import { RenderedObject } from '../../src/model/rendered-object';
import { summarize } from '../../src/synth/summary';
import { ProgressReporter, ProgressStream, progressWanted } from '../../src/synth/progress';
import { main } from '../../src/cli/synth';
import { cloneName, writeGeneratedConfig } from '../../scripts/bench/catalog';
import { capture, filesOf, pick, tmp, tree } from './cli-harness';
import { parse } from 'yaml';
import { Worker } from 'worker_threads';

const notArgoCd = (f: string) => !f.startsWith('argocd/');

describe('adding a workflow', () => {
  test("leaves every other workflow's files byte-identical and adds only the new workflow's folders", () => {
    const before = filesOf(committed());
    const config = loadConfig(CONFIG_DIR);
    const existing = config.environments[0].workflows.map((w) => w.name);
    // The committed catalog plus one more workflow: a renamed copy of the first one (with copies of its waivers).
    const extended = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(tmp('catalog-plus-one-'), 'config'), workflows: existing.length + 1 });
    const added = cloneName(existing[0], existing.length);
    expect(existing.length + 1).toBeLessThanOrEqual(5);

    const after = filesOf(synthesize(extended));
    const environments = config.environments.map((e) => e.environment.name);
    // Each environment's AppProject must allow the new namespace, and its ApplicationSet gains exactly
    // the new workflow's element; every other file stays byte-identical.
    // Likewise a gateway-api environment's shared Gateway (dev) gains exactly the new workflow's listener.
    const sharedGateway = (f: string) => /^[^/]+\/_shared\/gateway-/.test(f);
    const argocdIndexes = (f: string) => f.startsWith('argocd/appproject-') || f.startsWith('argocd/applicationset-');
    for (const [file, content] of Object.entries(before).filter(([f]) => !argocdIndexes(f) && !sharedGateway(f))) expect({ file, content: after[file] }).toEqual({ file, content });
    const gateways = Object.keys(before).filter(sharedGateway);
    expect(gateways).toEqual(['dev/_shared/gateway-langgraph.yaml']);
    for (const file of gateways) {
      const listeners = (text: string) => parse(text).spec.listeners as { name: string }[];
      const grown = listeners(after[file]);
      expect(grown.filter((l) => l.name === `https-${added}`)).toHaveLength(1);
      expect(grown.filter((l) => l.name !== `https-${added}`)).toEqual(listeners(before[file]));
    }
    for (const env of environments) {
      expect(after[`argocd/appproject-langgraph-${env}.yaml`]).toContain(`namespace: ${added}\n`);
      const file = `argocd/applicationset-langgraph-${env}.yaml`;
      const elements = (text: string) => parse(text).spec.generators[0].list.elements as { workflow: string }[];
      const grown = elements(after[file]);
      expect(grown.filter((e) => e.workflow === added)).toHaveLength(1);
      expect(grown.filter((e) => e.workflow !== added)).toEqual(elements(before[file]));
    }
    const newFiles = Object.keys(after).filter((f) => !(f in before));
    expect(newFiles.length).toBeGreaterThan(0);
    for (const f of newFiles) expect(f).toMatch(new RegExp(`^(${environments.join('|')})/${added}/`));
    for (const env of environments) expect(newFiles.some((f) => f.startsWith(`${env}/${added}/`))).toBe(true);
  });
});

describe('worker threads', () => {
  const WORKFLOWS = 5;
  let cfg: string;
  let inline: { tree: Record<string, string>; summary: Record<string, unknown> };
  const run = async (jobs: string) => {
    const out = path.join(tmp(`fleet-jobs-${jobs}-`), 'dist');
    const r = await capture(() => main(['--config', cfg, '--outdir', out, '--jobs', jobs, '--json']));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return { tree: tree(out), summary: { ...JSON.parse(r.stdout), elapsedMs: 0, outdir: '' } };
  };
  beforeAll(async () => {
    cfg = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(tmp('fleet-config-'), 'config'), workflows: WORKFLOWS });
    inline = await run('1');
  });

  test('in this thread, the fleet writes exactly the files of synthesize(), with progress for every environment', async () => {
    const config = loadConfig(CONFIG_DIR);
    const out = path.join(tmp('fleet-'), 'dist');
    const staging = beginStaging(out);
    const progress: FleetProgress[] = [];
    const outcomes = await runFleet(config.environments, { stagingDir: staging, jobs: 1, onProgress: (p) => progress.push(p) });
    commitStaging(staging, out);
    // Argo CD's objects are rendered after the fleet, from every environment's footprint (src/cli/synth.ts).
    const environmentFiles = pick(filesOf(committed()), notArgoCd);
    expect(tree(out)).toEqual(environmentFiles);
    expect(outcomes.map((o) => o.environment)).toEqual(config.environments.map((e) => e.environment.name));
    expect(outcomes.every((o) => o.gate.violations.length === 0)).toBe(true);
    expect(outcomes.map((o) => o.summary)).toEqual(summarize(committed(), '', 0).environments);
    for (const env of config.environments) {
      expect(progress).toContainEqual({ environment: env.environment.name, stage: 'render', done: env.workflows.length, total: env.workflows.length });
      expect(progress.filter((p) => p.environment === env.environment.name).at(-1)?.stage).toBe('done');
    }
  });

  test(`a generated fleet (${WORKFLOWS} workflows) renders byte-identically through the CLI with --jobs 1 and --jobs 2`, async () => {
    expect(inline.summary.environments).toHaveLength(3);
    expect((inline.summary.environments as { workflows: number }[]).every((e) => e.workflows === WORKFLOWS)).toBe(true);
    expect(Object.keys(inline.tree).some((f) => f.includes(`-000${WORKFLOWS - 1}/`))).toBe(true);
    expect(inline.tree).toEqual(filesOf(synthesize(cfg)));
    const workers = await run('2');
    expect(workers.summary).toEqual(inline.summary);
    expect(workers.tree).toEqual(inline.tree);
  });

  test('with renders and writes shared between workers (forced from the first workflow and file), still exactly the same files', async () => {
    const out = path.join(tmp('fleet-shared-'), 'dist');
    const staging = beginStaging(out);
    await runFleet(loadConfig(cfg).environments, { stagingDir: staging, jobs: 2, shareWritesFrom: 1, shareRendersFrom: 1 });
    commitStaging(staging, out);
    expect(tree(out)).toEqual(pick(inline.tree, notArgoCd));
  });

  test('a worker stopped at its heap limit fails the run with the environment and the fix', async () => {
    const staging = beginStaging(path.join(tmp('fleet-heap-'), 'dist'));
    await expect(runFleet(loadConfig(cfg).environments, { stagingDir: staging, jobs: 2, workerHeapLimitMb: 4 }))
      .rejects.toThrow(/^environment "\w+" \(5 workflows\) needs more than the 4 MiB heap a synth worker may use: .*--jobs 1/);
  });
});

describe('shared renders', () => {
  // Three chunks: the owner's first, then whatever each side claims.
  const WORKFLOWS = 2 * CHUNK_WORKFLOWS + 1;
  let env: ReturnType<typeof loadConfig>['environments'][number];
  let alone: RenderedObject[];
  beforeAll(() => {
    const cfg = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(tmp('shared-renders-'), 'config'), workflows: WORKFLOWS });
    env = loadConfig(cfg).environments.find((e) => e.environment.name === 'prod')!;
    alone = renderEnvironment(env);
  });

  test('a helper that joins after the first chunk renders the rest; the owner takes them in workflow order, exactly as rendered alone', () => {
    let offer: RenderOffer | undefined;
    let helped: number | undefined;
    const progress: number[] = [];
    const objects = renderEnvironment(env, (done) => {
      progress.push(done);
      // The helper joins while the owner is busy with its first chunk, and takes every chunk left.
      if (helped === undefined) helped = helpRender(env, offer!);
    }, sharedRenders(env, (o) => (offer = o)));
    expect(offer?.chunkCount).toBe(3);
    expect(helped).toBe(2);
    expect(objects).toEqual(alone);
    expect(progress).toEqual(Array.from({ length: WORKFLOWS }, (_, i) => i + 1));
  });

  test('a helper in another thread: its chunks reach the owner through the port, also after it closed its end', async () => {
    let offer: RenderOffer | undefined;
    let helper: Worker | undefined;
    let exited: Promise<number> | undefined;
    let postedBeforeOwnerWent = 0;
    try {
      const objects = renderEnvironment(env, (done) => {
        if (done !== 1) return;
        // The owner waits in its first chunk until the helper has rendered and posted one (at most 60 s).
        const posted = new Int32Array(offer!.shared);
        for (let waited = 0; Atomics.load(posted, 1) === 0 && waited < 60; waited++) Atomics.wait(posted, 1, 0, 1000);
        postedBeforeOwnerWent = Atomics.load(posted, 1);
      }, sharedRenders(env, (o) => {
        // As a fleet worker is started from TypeScript sources (src/synth/fleet/run-fleet.ts).
        const source = `require(${JSON.stringify(require.resolve('tsx/cjs'))});
          const { workerData } = require('worker_threads');
          require(${JSON.stringify(path.join(__dirname, '../../src/synth/fleet/shared-renders.ts'))}).helpRender(workerData.resolved, workerData.offer);`;
        offer = o;
        helper = new Worker(source, { eval: true, workerData: { resolved: env, offer: o }, transferList: [o.port] });
        exited = new Promise((resolve) => helper!.on('exit', resolve));
      }));
      expect(postedBeforeOwnerWent).toBeGreaterThanOrEqual(1);
      expect(objects).toEqual(alone);
      expect(await exited).toBe(0);
    } finally {
      await helper?.terminate();
    }
  });
  test('a chunk counted as posted that never arrives fails the render (after about 10 s) instead of waiting for ever', () => {
    const renders = sharedRenders(env, (o) => {
      // A helper that claims the last chunk and counts it as posted, but whose message is lost.
      claimChunk(o.shared, 'back');
      Atomics.add(new Int32Array(o.shared), 1, 1);
      o.port.close();
    });
    expect(() => renderEnvironment(env, undefined, renders)).toThrow('the render helper of environment "prod" posted 1 chunk(s), but only 0 arrived');
  }, 30_000);

  test('with no helper, the owner renders every chunk; a helper that comes after finds none', () => {
    let offer: RenderOffer | undefined;
    expect(renderEnvironment(env, undefined, sharedRenders(env, (o) => (offer = o)))).toEqual(alone);
    expect(claimChunk(offer!.shared, 'back')).toBeUndefined();
    expect(helpRender(env, offer!)).toBe(0);
  });
});

describe('shared writes', () => {
  // Enough files for several chunks without rendering more: prod's objects, copied into five workflow folders.
  let objects: RenderedObject[] = [];
  beforeAll(() => {
    const prod = committed().objects.filter((o) => o.environment === 'prod');
    objects = [0, 1, 2, 3, 4].flatMap((k) => prod.map((o) => ({ ...o, workflow: `${o.workflow ?? '_shared'}-copy${k}` })));
  });

  test("a helper writes from the JSON copy exactly the owner's bytes", () => {
    const expected = filesOf({ files: toFiles(objects) });
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
    expect(tree(out)).toEqual(filesOf({ files: toFiles(objects) }));
  });

  test('when the owner gets there first, the helper finds nothing left', () => {
    const { offer, chunks } = prepareOffer('prod', planFiles(objects));
    for (let k = 0; k < chunks.length; k++) expect(claimChunk(offer.claims, 'front')).toBe(k);
    expect(helpWrite(offer, tmp('shared-writes-late-'))).toBe(0);
  });

  test('a writer never writes over a file (a staging folder may hold links to the live output)', () => {
    const out = tmp('staging-writer-');
    const writer = new StagingWriter(out);
    writer.write({ path: 'a/b.yaml', content: 'b: 1\n' });
    expect(() => writer.write({ path: 'a/b.yaml', content: 'b: 2\n' })).toThrow(/EEXIST/);
    expect(fs.readFileSync(path.join(out, 'a/b.yaml'), 'utf8')).toBe('b: 1\n');
  });

  test('a file unchanged since the output being replaced is linked from it, a changed or new one written; the old output is never touched', () => {
    const outdir = path.join(tmp('staging-links-'), 'dist');
    fs.mkdirSync(path.join(outdir, 'a'), { recursive: true });
    const old = { same: 'same: 1\n', changed: 'value: 1\n', resized: 'v: 1\n' };
    for (const [name, content] of Object.entries(old)) fs.writeFileSync(path.join(outdir, 'a', `${name}.yaml`), content);
    fs.symlinkSync('same.yaml', path.join(outdir, 'a', 'link.yaml'));

    const staging = beginStaging(outdir);
    const writer = new StagingWriter(staging);
    const next = { same: 'same: 1\n', changed: 'value: 2\n', resized: 'v: 10\n', link: 'same: 1\n', added: 'new: 1\n' };
    for (const [name, content] of Object.entries(next)) writer.write({ path: `a/${name}.yaml`, content });

    const inode = (dir: string, name: string) => fs.statSync(path.join(dir, 'a', `${name}.yaml`)).ino;
    expect(inode(staging, 'same')).toBe(inode(outdir, 'same'));
    for (const name of ['changed', 'resized']) expect({ name, linked: inode(staging, name) === inode(outdir, name) }).toEqual({ name, linked: false });
    expect(fs.lstatSync(path.join(staging, 'a', 'link.yaml')).isSymbolicLink()).toBe(false); // a symlink is never carried over as such
    for (const name of Object.keys(old)) expect(fs.readFileSync(path.join(outdir, 'a', `${name}.yaml`), 'utf8')).toBe(old[name as keyof typeof old]);
    commitStaging(staging, outdir);
    expect(tree(outdir)).toEqual(Object.fromEntries(Object.entries(next).map(([name, content]) => [`a/${name}.yaml`, content])));
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

  test('the CLI draws on a terminal (stderr), and not with --quiet or --json or into a pipe', async () => {
    // A fake clock that moves a second per reading, so every update is past the delay: no real time involved.
    let clock = 0;
    const now = jest.spyOn(Date, 'now').mockImplementation(() => (clock += 1000));
    const descriptor = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    const onTerminal = (isTTY: boolean) => Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true, writable: true });
    const synth = (...extra: string[]) => capture(() => main(['--outdir', tmp('fleet-tty-'), '--jobs', '1', ...extra]));
    try {
      onTerminal(true);
      const drawn = await synth();
      expect(drawn.code).toBe(0);
      expect(drawn.stderr).toMatch(/^\r\x1b\[2Ksynth [\d.]+ s {2}dev: /);
      expect(drawn.stderr.endsWith('\r\x1b[2K')).toBe(true); // erased before the summary
      expect(drawn.stdout).toContain('gate: ');
      for (const flag of ['--quiet', '--json']) expect((await synth(flag)).stderr).toBe('');
      onTerminal(false);
      const piped = await synth();
      expect(piped.stderr).toBe('');
      expect(piped.stdout).toContain('3 workflow(s)');
    } finally {
      now.mockRestore();
      if (descriptor) Object.defineProperty(process.stderr, 'isTTY', descriptor);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
  });
});
