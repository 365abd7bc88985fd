/**
 * The render cache (src/synth/render-cache.ts): a run that finds a workflow's inputs unchanged
 * writes, byte for byte, what rendering it writes; any change to the workflow's settings, its
 * environment's or the program's is a miss; a damaged entry is rendered again; the cache stays
 * bounded. End to end through `renderInto` (the CLI's synthesis) in one thread and in workers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CONFIG_DIR, PROJECT_ROOT } from '../helpers';
import { loadPlatform, synthesize } from '../../src/synth/pipeline';
import { renderInto } from '../../src/cli/synth';
import { ResolvedEnvironment, ResolvedWorkflow } from '../../src/config/resolved';
import { KubeObject } from '../../src/model/kube-object';
import { MAX_ENTRIES, RENDER_CACHE_VARIABLE, RenderCache, RenderCacheProps, capEntries, codeIdentity, exactEncoding, programRoots, sameThroughJson } from '../../src/synth/render-cache';
import { CHUNK_WORKFLOWS, RenderOffer, helpRender, sharedRenders } from '../../src/synth/fleet/shared-renders';
import { renderEnvironment } from '../../src/synth/render';
import { main } from '../../src/cli/synth';
import { writeGeneratedConfig } from '../../scripts/bench/catalog';
import { capture } from './cli-harness';
import { filesOf, tmp, tree } from './cli-harness';
import { runFleet } from '../../src/synth/fleet/run-fleet';
import { beginStaging, commitStaging } from '../../src/synth/fleet/staged-output';

describe('exactEncoding', () => {
  test.each([
    ['key order', { a: 1, b: 2 }, { b: 2, a: 1 }],
    ['an undefined property and none', { a: undefined }, {}],
    ['a hole, undefined and null', [1, , 2], [1, undefined, 2]], // eslint-disable-line no-sparse-arrays
    ['undefined and null', [undefined], [null]],
    ['0 and -0', { n: 0 }, { n: -0 }],
    ['NaN and null', [NaN], [null]],
    ['Infinity and -Infinity', [Infinity], [-Infinity]],
    ['a number and its text', [1], ['1']],
    ['true and its text', [true], ['true']],
    ['nesting', { a: { b: [1] } }, { a: { b: 1 } }],
    ['a string with a quote', ['a","b'], ['a', 'b']],
  ])('tells apart %s', (_, a, b) => {
    expect(exactEncoding(a)).toBeDefined();
    expect(exactEncoding(b)).toBeDefined();
    expect(exactEncoding(a)).not.toBe(exactEncoding(b));
  });

  test('equal plain data encodes equally', () => {
    const value = { name: 'w', list: [1, 'two', null, { deep: [true, -1.5] }], nested: Object.assign(Object.create(null), { x: 1 }) };
    expect(exactEncoding(structuredClone({ ...value, nested: { x: 1 } }))).toBe(exactEncoding(value));
  });

  test.each([
    ['a Map', new Map([['a', 1]])],
    ['a Date', new Date(0)],
    ['a function', () => 1],
    ['a class instance', new (class Settings { a = 1; })()],
    ['a symbol key', { [Symbol('s')]: 1 }],
    ['a bigint', 1n],
    ['an object inheriting data', Object.create(Object.assign(Object.create(null), { inherited: 1 }))],
  ])('refuses %s, even deep inside', (_, value) => {
    expect(exactEncoding(value)).toBeUndefined();
    expect(exactEncoding({ outer: [{ inner: value }] })).toBeUndefined();
  });
});

describe('sameThroughJson', () => {
  test('plain JSON data, however deep', () => {
    expect(sameThroughJson([{ a: 'x', b: [1, -1.5, 0, true, null, { c: {} }] }])).toBe(true);
  });
  test.each([
    ['-0', [{ n: -0 }]],
    ['NaN', [NaN]],
    ['Infinity', [{ a: [Infinity] }]],
    ['an undefined property', [{ a: undefined }]],
    ['undefined in a list', [undefined]],
    ['a hole', [1, , 2]], // eslint-disable-line no-sparse-arrays
    ['a Date', [{ at: new Date(0) }]],
    ['a class instance', [new (class Quantity { v = 1; })()]],
  ])('not with %s', (_, value) => {
    expect(sameThroughJson(value)).toBe(false);
  });
});

describe('RenderCache', () => {
  const config = loadPlatform(CONFIG_DIR);
  const prod = config.environments.find((e) => e.environment.name === 'prod')!;
  const workflow = prod.workflows[0];
  const objects = (marker: string): KubeObject[] => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: marker } }];
  let props: RenderCacheProps;
  let renders: string[];
  /** `objectsOf` through a new cache (as a new run would), recording each render. */
  const lookUp = (env: ResolvedEnvironment, wf: ResolvedWorkflow, marker: string, p: RenderCacheProps = props) =>
    new RenderCache(p, env).objectsOf(wf, () => {
      renders.push(marker);
      return objects(marker);
    });
  const entries = (p: RenderCacheProps = props) => fs.readdirSync(path.join(p.dir, p.generation)).filter((f) => f.endsWith('.json'));

  beforeEach(() => {
    props = { dir: tmp('render-cache-'), generation: 'g1' };
    RenderCache.prepare(props);
    renders = [];
  });

  test('stores what it rendered and gives it back for the same inputs, without rendering', () => {
    expect(lookUp(prod, workflow, 'first')).toEqual(objects('first'));
    expect(entries()).toHaveLength(1);
    expect(lookUp(prod, structuredClone(workflow), 'second')).toEqual(objects('first'));
    expect(renders).toEqual(['first']);
  });

  test("a change to the workflow's settings, the environment's or the program's is a miss", () => {
    lookUp(prod, workflow, 'original');
    lookUp(prod, { ...workflow, version: `${workflow.version}-next` }, 'workflow');
    lookUp(prod, { ...workflow, settings: { ...workflow.settings, autoscaling: { ...workflow.settings.autoscaling, minReplicas: workflow.settings.autoscaling.minReplicas + 1 } } }, 'setting');
    lookUp({ ...prod, environment: { ...prod.environment, waivers: [] } }, workflow, 'environment');
    const other = { ...props, generation: 'g2' };
    RenderCache.prepare(other);
    lookUp(prod, workflow, 'program', other);
    expect(renders).toEqual(['original', 'workflow', 'setting', 'environment', 'program']);
    expect(entries()).toHaveLength(4);
    // The environment's other workflows are no input.
    lookUp({ ...prod, workflows: [workflow] }, workflow, 'alone');
    expect(renders).toHaveLength(5);
  });

  test('read: false renders every time and replaces the entry', () => {
    lookUp(prod, workflow, 'old');
    expect(lookUp(prod, workflow, 'new', { ...props, read: false })).toEqual(objects('new'));
    expect(lookUp(prod, workflow, 'unused')).toEqual(objects('new'));
    expect(renders).toEqual(['old', 'new']);
  });

  test.each([
    ['cut short', (text: string) => text.slice(0, text.length / 2)],
    ['not a list', () => '{"kind":"ConfigMap"}'],
    ['a list of other things', () => '[1, null]'],
    ['empty', () => ''],
  ])('an entry %s is rendered again and rewritten', (_, damage) => {
    lookUp(prod, workflow, 'stored');
    const file = path.join(props.dir, props.generation, entries()[0]);
    fs.writeFileSync(file, damage(fs.readFileSync(file, 'utf8')));
    expect(lookUp(prod, workflow, 'again')).toEqual(objects('again'));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(objects('again'));
  });

  test('settings that are not plain data are never cached', () => {
    const odd = { ...prod, environment: { ...prod.environment, extra: new Map() } } as unknown as ResolvedEnvironment;
    lookUp(odd, workflow, 'one');
    lookUp(odd, workflow, 'two');
    lookUp(prod, { ...workflow, odd: () => 1 } as unknown as ResolvedWorkflow, 'three');
    lookUp(prod, { ...workflow, odd: () => 1 } as unknown as ResolvedWorkflow, 'four');
    expect(renders).toEqual(['one', 'two', 'three', 'four']);
    expect(entries()).toEqual([]);
  });

  test('objects that JSON would not give back exactly are rendered every time, never stored', () => {
    const cache = new RenderCache(props, prod);
    const negativeZero = (): KubeObject[] => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'z' }, data: { n: -0 } }];
    for (let i = 0; i < 2; i++) {
      const objects = cache.objectsOf(workflow, () => {
        renders.push('-0');
        return negativeZero();
      });
      expect(Object.is((objects[0].data as { n: number }).n, -0)).toBe(true);
    }
    expect(renders).toEqual(['-0', '-0']);
    expect(entries()).toEqual([]);
  });

  test('a folder that cannot be written only loses the speed-up', () => {
    const file = path.join(tmp('render-cache-file-'), 'not-a-folder');
    fs.writeFileSync(file, '');
    const blocked = { dir: file, generation: 'g' };
    RenderCache.prepare(blocked);
    expect(lookUp(prod, workflow, 'a', blocked)).toEqual(objects('a'));
    expect(lookUp(prod, workflow, 'b', blocked)).toEqual(objects('b'));
  });
});

describe('the bounds', () => {
  const touch = (file: string, content: string, ageSeconds: number) => {
    fs.writeFileSync(file, content);
    const t = new Date(Date.now() - ageSeconds * 1000);
    fs.utimesSync(file, t, t);
  };
  const name = (i: number) => `${String(i).padStart(64, '0')}.json`;

  test('capEntries removes the least recently used entries above the cap, and temporary files left over', () => {
    const folder = tmp('render-cache-cap-');
    for (let i = 0; i < 8; i++) touch(path.join(folder, name(i)), '[]', 1000 - i * 10); // 0 is the oldest
    touch(path.join(folder, `${name(9)}.123.abc.tmp`), 'partial', 3600);
    touch(path.join(folder, `${name(10)}.123.def.tmp`), 'being written', 1);
    capEntries(folder, 5);
    expect(fs.readdirSync(folder).sort()).toEqual([name(3), name(4), name(5), name(6), name(7), `${name(10)}.123.def.tmp`]);
    capEntries(folder, 5);
    expect(fs.readdirSync(folder)).toHaveLength(6);
  });

  test('a hit makes its entry the most recently used', () => {
    const props = { dir: tmp('render-cache-lru-'), generation: 'g' };
    RenderCache.prepare(props);
    const env = loadPlatform(CONFIG_DIR).environments[0];
    const [first, second, third] = env.workflows;
    const marked = (wf: ResolvedWorkflow): KubeObject[] => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: wf.name } }];
    for (const wf of [first, second, third]) new RenderCache(props, env).objectsOf(wf, () => marked(wf));
    const folder = path.join(props.dir, props.generation);
    const workflowIn = (f: string) => (JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8')) as KubeObject[])[0].metadata.name;
    const ages = new Map([[first.name, 1000], [second.name, 900], [third.name, 800]]); // the first the least recently used
    for (const f of fs.readdirSync(folder)) touch(path.join(folder, f), fs.readFileSync(path.join(folder, f), 'utf8'), ages.get(workflowIn(f))!);
    expect(new RenderCache(props, env).objectsOf(first, () => { throw new Error('a hit renders nothing'); })).toEqual(marked(first));
    capEntries(folder, 2);
    expect(fs.readdirSync(folder).map(workflowIn).sort()).toEqual([first.name, third.name].sort());
  });

  test('prepare keeps this generation and the most recently used other one, removes older ones, and touches nothing else', () => {
    const dir = tmp('render-cache-generations-');
    const hash = (c: string) => c.repeat(64);
    const aged = (name: string, age: number) => {
      fs.mkdirSync(path.join(dir, name, 'x'), { recursive: true });
      const t = new Date(Date.now() - age * 1000);
      fs.utimesSync(path.join(dir, name), t, t);
    };
    aged(hash('a'), 300);
    aged(hash('b'), 400);
    aged(hash('c'), 100);
    // A folder the user pointed LGP_RENDER_CACHE at may hold anything: only generations are pruned.
    aged('photos', 1000);
    aged('.config', 1000);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    fs.mkdirSync(path.join(dir, `.${hash('d')}.stale-1-x`));
    RenderCache.prepare({ dir, generation: hash('e') });
    expect(fs.readdirSync(dir).sort()).toEqual(['.config', 'notes.txt', 'photos', hash('c'), hash('e')].sort());
    expect(fs.readdirSync(path.join(dir, 'photos'))).toEqual(['x']);
  });

  test("prepare keeps at least the run's own renders, when they are more than the cap", () => {
    const props = { dir: tmp('render-cache-working-set-'), generation: 'g' };
    const folder = path.join(props.dir, props.generation);
    fs.mkdirSync(folder, { recursive: true });
    const count = MAX_ENTRIES + 10;
    for (let i = 0; i < count; i++) fs.writeFileSync(path.join(folder, name(i)), '[]');
    RenderCache.prepare(props, count);
    expect(fs.readdirSync(folder)).toHaveLength(count);
    RenderCache.prepare(props, 0);
    expect(fs.readdirSync(folder)).toHaveLength(MAX_ENTRIES);
  });
});

describe('codeIdentity', () => {
  test('changes with any file of the program, and only then', () => {
    const root = tmp('render-cache-program-');
    fs.mkdirSync(path.join(root, 'charts'));
    fs.writeFileSync(path.join(root, 'charts', 'a.js'), 'exports.a = 1;');
    fs.writeFileSync(path.join(root, 'data.json'), '{}');
    fs.writeFileSync(path.join(root, 'types.d.ts'), 'export {};');
    const id = () => codeIdentity(PROJECT_ROOT, [root]);
    const first = id();
    expect(id()).toBe(first);
    fs.writeFileSync(path.join(root, 'types.d.ts'), 'export type T = 1;');
    expect(id()).toBe(first); // declarations are no code
    fs.writeFileSync(path.join(root, 'charts', 'a.js'), 'exports.a = 2;');
    const edited = id();
    expect(edited).not.toBe(first);
    fs.renameSync(path.join(root, 'charts', 'a.js'), path.join(root, 'charts', 'b.js'));
    const renamed = id();
    expect(renamed).not.toBe(edited);
    fs.writeFileSync(path.join(root, 'data.json'), '{"x":1}');
    expect(id()).not.toBe(renamed);
  });

  test("cdk8s's rendering variables are part of it; CDK8S_OUTDIR is not", () => {
    const root = tmp('render-cache-env-');
    const id = (env: NodeJS.ProcessEnv) => codeIdentity(PROJECT_ROOT, [root], env);
    expect(id({ CDK8S_DISABLE_SORT: '1' })).not.toBe(id({}));
    expect(id({ CDK8S_LEGACY_HASH: '1' })).not.toBe(id({}));
    expect(id({ CDK8S_OUTDIR: '/tmp/x', HOME: '/root' })).toBe(id({}));
  });

  test('run from sources, the program is src/ and imports/', () => {
    expect(programRoots()).toEqual([path.join(PROJECT_ROOT, 'src'), path.join(PROJECT_ROOT, 'imports')]);
  });

  test(`${RENDER_CACHE_VARIABLE} moves the cache or turns it off`, () => {
    expect(RenderCache.dirOf('/p', {})).toBe(path.join('/p', 'node_modules', '.cache', 'langgraph-platform', 'renders'));
    for (const off of ['off', 'OFF', 'false', 'no', '0', ' off ']) expect(RenderCache.dirOf('/p', { [RENDER_CACHE_VARIABLE]: off })).toBeUndefined();
    expect(RenderCache.dirOf('/p', { [RENDER_CACHE_VARIABLE]: '/elsewhere' })).toBe('/elsewhere');
  });
});

describe('end to end, through the synth', () => {
  let dir: string;
  const render = async (configDir: string, options: { jobs?: number; read?: boolean } = {}) => {
    const outdir = path.join(tmp('render-cache-out-'), 'dist');
    const result = await renderInto({ configDir, outdir, jobs: options.jobs ?? 1, renderCache: { dir, read: options.read } });
    expect(result.refused).toBeUndefined();
    return tree(outdir);
  };
  const entryFiles = () => fs.readdirSync(dir).flatMap((g) => fs.readdirSync(path.join(dir, g)).map((f) => path.join(dir, g, f)));

  beforeEach(() => {
    dir = tmp('render-cache-e2e-');
  });

  test('a run from the cache writes exactly what rendering writes, in one thread and in workers', async () => {
    const rendered = filesOf(synthesize(CONFIG_DIR));
    expect(await render(CONFIG_DIR)).toEqual(rendered);
    expect(entryFiles()).toHaveLength(9); // 3 workflows × 3 environments
    expect(await render(CONFIG_DIR)).toEqual(rendered);
    expect(await render(CONFIG_DIR, { jobs: 2 })).toEqual(rendered);
    expect(entryFiles()).toHaveLength(9);
  });

  test('the synth reads its entries (a planted change shows), and --no-cache replaces them', async () => {
    const rendered = await render(CONFIG_DIR);
    for (const file of entryFiles()) {
      const objects = JSON.parse(fs.readFileSync(file, 'utf8')) as { metadata: { annotations?: Record<string, string> } }[];
      objects[0].metadata.annotations = { ...objects[0].metadata.annotations, planted: 'by the test' };
      fs.writeFileSync(file, JSON.stringify(objects));
    }
    const planted = await render(CONFIG_DIR);
    const changed = Object.keys(planted).filter((f) => planted[f] !== rendered[f]);
    // One object per workflow and environment (and Argo CD's objects do not come from the cache).
    expect(changed.filter((f) => planted[f].includes('planted: by the test'))).toHaveLength(9);
    // Workers read it too, also when one helps another render (forced from the first workflow).
    expect(await render(CONFIG_DIR, { jobs: 2 })).toEqual(planted);
    const out = path.join(tmp('render-cache-shared-'), 'dist');
    const staging = beginStaging(out);
    await runFleet(loadPlatform(CONFIG_DIR).environments, { stagingDir: staging, jobs: 2, shareRendersFrom: 1, shareWritesFrom: 1, renderCache: { dir, generation: fs.readdirSync(dir)[0] } });
    commitStaging(staging, out);
    expect(tree(out)).toEqual(Object.fromEntries(Object.entries(planted).filter(([f]) => !f.startsWith('argocd/'))));
    expect(await render(CONFIG_DIR, { read: false })).toEqual(rendered);
    for (const file of entryFiles()) expect(fs.readFileSync(file, 'utf8')).not.toContain('planted');
    expect(await render(CONFIG_DIR)).toEqual(rendered);
  });

  test('after a change to one workflow and to one environment, only theirs are rendered, and the output is that of the changed config', async () => {
    const configDir = path.join(tmp('render-cache-config-'), 'config');
    fs.cpSync(CONFIG_DIR, configDir, { recursive: true });
    await render(configDir);
    const workflows = path.join(configDir, 'workflows.yaml');
    const staging = path.join(configDir, 'environments', 'staging.yaml');
    const edit = (file: string, from: RegExp, to: string) => {
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toMatch(from);
      fs.writeFileSync(file, text.replace(from, to));
    };
    edit(workflows, /^( {4}version: )1\.4\.2$/m, '$11.4.3'); // support-agent, every environment
    edit(staging, /^( {4}minReplicas: )3$/m, '$14'); // every staging workflow
    const before = new Set(entryFiles());
    const out = await render(configDir);
    expect(out).toEqual(filesOf(synthesize(configDir)));
    for (const env of ['dev', 'prod']) expect(out[`${env}/support-agent/role-support-agent-oncall.yaml`]).toContain('app.kubernetes.io/version: 1.4.3\n');
    // New entries: support-agent in dev and prod (its staging render is one of staging's three).
    expect(entryFiles().filter((f) => !before.has(f))).toHaveLength(2 + 3);
  });
});

describe('every path that renders reads the cache', () => {
  /** Adds an annotation to the first object of every entry under `dir`. */
  const plant = (dir: string) => {
    for (const g of fs.readdirSync(dir)) {
      for (const f of fs.readdirSync(path.join(dir, g))) {
        const file = path.join(dir, g, f);
        const objects = JSON.parse(fs.readFileSync(file, 'utf8')) as KubeObject[];
        (objects[0].metadata as { annotations?: Record<string, string> }).annotations = { ...objects[0].metadata.annotations, planted: 'by the test' };
        fs.writeFileSync(file, JSON.stringify(objects));
      }
    }
  };
  const plantedIn = (files: Record<string, string>) => Object.keys(files).filter((f) => files[f].includes('planted: by the test'));

  test('a render helper (another worker rendering chunks of the last environment)', () => {
    // Three chunks: the owner renders the first, the helper the other two.
    const cfg = writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(tmp('render-cache-helper-'), 'config'), workflows: 2 * CHUNK_WORKFLOWS + 1 });
    const env = loadPlatform(cfg).environments.find((e) => e.environment.name === 'prod')!;
    const cache = { dir: tmp('render-cache-helper-dir-'), generation: 'g' };
    RenderCache.prepare(cache);
    renderEnvironment(env, undefined, undefined, cache);
    plant(cache.dir);
    let offer: RenderOffer | undefined;
    let helped: number | undefined;
    const objects = renderEnvironment(env, () => {
      if (helped === undefined) helped = helpRender(env, offer!, cache);
    }, sharedRenders(env, (o) => (offer = o), cache));
    expect(helped).toBe(2);
    const planted = env.workflows.map((wf) => objects.some((r) => r.workflow === wf.name && r.object.metadata.annotations?.planted === 'by the test'));
    expect(planted).toEqual(env.workflows.map(() => true));
  });

  test(`npm run synth: the cache of ${RENDER_CACHE_VARIABLE}, read unless --no-cache, none when off`, async () => {
    const dir = tmp('render-cache-cli-');
    const synth = async (...extra: string[]) => {
      const out = path.join(tmp('render-cache-cli-out-'), 'dist');
      const r = await capture(() => main(['--outdir', out, '--jobs', '1', '--quiet', ...extra]));
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      return tree(out);
    };
    const before = process.env[RENDER_CACHE_VARIABLE];
    try {
      process.env[RENDER_CACHE_VARIABLE] = dir;
      const rendered = await synth();
      expect(rendered).toEqual(filesOf(synthesize(CONFIG_DIR)));
      plant(dir);
      expect(plantedIn(await synth())).toHaveLength(9);
      expect(await synth('--no-cache')).toEqual(rendered);
      plant(dir);
      process.env[RENDER_CACHE_VARIABLE] = 'off';
      expect(await synth()).toEqual(rendered);
    } finally {
      process.env[RENDER_CACHE_VARIABLE] = before;
    }
  });
});
