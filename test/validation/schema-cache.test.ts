/**
 * The schema cache that keeps the gate's start-up cheap: a cached validator finds exactly what a
 * freshly compiled one finds (over every committed object), a second run compiles nothing, a
 * changed schema is a new key, pruning removes what no current key names, and a damaged cache
 * only costs the work it was saving.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { SchemaRegistry } from '../../src/validation/schema-registry';
import { SchemaCache } from '../../src/validation/schema-cache';
import { listCrdFiles, readCrdVersions, schemaSourcePaths } from '../../src/validation/schema-sources';
import { listFiles } from '../../src/synth/compare-trees';
import { PROJECT_ROOT as ROOT } from '../helpers';

// A Deployment and a Rollout (CRD) with one wrong type and one unknown field each.
const BAD_OBJECTS = [
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'demo', namespace: 'demo' },
    spec: { replicas: 'two', selector: { matchLabels: { app: 'demo' } }, template: { metadata: { labels: { app: 'demo' } }, spec: { containers: [{ name: 'api', image: 'x', bogus: true }] } } },
  },
  {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'demo', namespace: 'demo' },
    spec: { replicas: 'three', unknownField: 1, selector: { matchLabels: { app: 'demo' } } },
  },
];

function tmp(prefix = 'schema-cache-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
/** Every entry under `dir` whose folder is named `kind` (validators: their code; crds: parsed files), at any depth. */
function entries(dir: string, kind: 'validators' | 'crds', extension = kind === 'validators' ? '.js' : '.json'): string[] {
  return fs.existsSync(dir) ? listFiles(dir).filter((f) => path.basename(path.dirname(f)) === kind && f.endsWith(extension)).map((f) => path.join(dir, f)) : [];
}
/** The generation folders (`<set>/<generation>`) under a cache folder. */
function generations(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((set) => (fs.statSync(path.join(dir, set)).isDirectory() ? fs.readdirSync(path.join(dir, set)).filter((g) => g !== 'sources.json').map((g) => `${set}/${g}`) : []));
}
/** A copy of the package's schemas/ folder, to change. */
function schemasCopy(): string {
  const dir = path.join(tmp('schemas-copy-'), 'schemas');
  fs.cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  return dir;
}

describe('compiled validators', () => {
  afterEach(() => jest.restoreAllMocks());

  test('a second registry loads them from the cache and reports exactly the same violations, compiling nothing', () => {
    const dir = tmp();
    const fresh = BAD_OBJECTS.map((o) => new SchemaRegistry({ schemaCacheDir: false }).validate(o));
    expect(fresh.every((v) => v.length >= 2)).toBe(true);

    const first = new SchemaRegistry({ schemaCacheDir: dir });
    expect(BAD_OBJECTS.map((o) => first.validate(o))).toEqual(fresh);
    expect(entries(dir, 'validators')).toHaveLength(BAD_OBJECTS.length);

    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const second = new SchemaRegistry({ schemaCacheDir: dir });
    expect(BAD_OBJECTS.map((o) => second.validate(o))).toEqual(fresh);
    expect(compile).not.toHaveBeenCalled();
  });

  test('only the kinds validated are compiled', () => {
    const dir = tmp();
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const registry = new SchemaRegistry({ schemaCacheDir: dir });
    expect(compile).not.toHaveBeenCalled();
    registry.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    registry.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    expect(compile).toHaveBeenCalledTimes(1);
    expect(entries(dir, 'validators')).toHaveLength(1);
  });

  test('damaged entries (cut short, or not a validator) are ignored, compiled again and rewritten', () => {
    const dir = tmp();
    BAD_OBJECTS.forEach((o) => new SchemaRegistry({ schemaCacheDir: dir }).validate(o));
    const files = entries(dir, 'validators');
    expect(files).toHaveLength(2);
    fs.writeFileSync(files[0], 'module.exports = (');
    fs.writeFileSync(files[1], 'module.exports = 42;');
    const fresh = BAD_OBJECTS.map((o) => new SchemaRegistry({ schemaCacheDir: false }).validate(o));
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const registry = new SchemaRegistry({ schemaCacheDir: dir });
    expect(BAD_OBJECTS.map((o) => registry.validate(o))).toEqual(fresh);
    expect(compile).toHaveBeenCalledTimes(BAD_OBJECTS.length);
    for (const f of files) expect(fs.readFileSync(f, 'utf8')).toMatch(/^"use strict";/);
  });

  test('V8\'s code cache is kept beside each validator once it has run; a damaged one is rejected by V8 and written again', () => {
    const dir = tmp();
    const fresh = BAD_OBJECTS.map((o) => new SchemaRegistry({ schemaCacheDir: false }).validate(o));
    const first = new SchemaRegistry({ schemaCacheDir: dir });
    expect(BAD_OBJECTS.map((o) => first.validate(o))).toEqual(fresh);
    (first as unknown as { cache: SchemaCache }).cache.writeCodeCaches();
    const codeCaches = entries(dir, 'validators', '.v8');
    expect(codeCaches).toHaveLength(BAD_OBJECTS.length);
    const sizes = codeCaches.map((f) => fs.statSync(f).size);
    expect(Math.min(...sizes)).toBeGreaterThan(1000);

    for (const f of codeCaches) fs.writeFileSync(f, Buffer.alloc(4096, 7));
    // Read from a copy: V8 keeps what this process compiled by source and file name, and would
    // not even look at the cache of a file it has compiled already.
    const copy = tmp();
    fs.cpSync(dir, copy, { recursive: true });
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const second = new SchemaRegistry({ schemaCacheDir: copy });
    expect(BAD_OBJECTS.map((o) => second.validate(o))).toEqual(fresh);
    expect(compile).not.toHaveBeenCalled();
    (second as unknown as { cache: SchemaCache }).cache.writeCodeCaches();
    const rewritten = entries(copy, 'validators', '.v8');
    expect(rewritten).toHaveLength(BAD_OBJECTS.length);
    for (const f of rewritten) expect(fs.readFileSync(f).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  test('different schemas never share an entry', () => {
    const dir = tmp();
    const registry = new SchemaRegistry({ schemaCacheDir: dir });
    registry.validate(BAD_OBJECTS[0]);
    registry.validate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo' } });
    expect(entries(dir, 'validators')).toHaveLength(2);
  });

  test('every committed object, and a broken copy of each, gets the same verdict with and without the cache', () => {
    const dist = path.join(ROOT, 'dist');
    const objects = listFiles(dist).filter((f) => f.endsWith('.yaml')).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).map((d) => d.toJS() as Record<string, unknown>));
    expect(objects.length).toBeGreaterThan(300);
    const broken = objects.map((o) => ({ ...o, metadata: { ...(o.metadata as object), name: 42 }, unknownTopLevel: true }));
    const uncached = new SchemaRegistry({ schemaCacheDir: false });
    const expected = [...objects, ...broken].map((o) => uncached.validate(o));
    expect(expected.slice(0, objects.length).every((v) => v.length === 0)).toBe(true);
    expect(expected.slice(objects.length).every((v) => v.length >= 2)).toBe(true);

    const dir = tmp();
    const filling = new SchemaRegistry({ schemaCacheDir: dir });
    expect([...objects, ...broken].map((o) => filling.validate(o))).toEqual(expected);
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const cached = new SchemaRegistry({ schemaCacheDir: dir });
    expect([...objects, ...broken].map((o) => cached.validate(o))).toEqual(expected);
    expect(compile).not.toHaveBeenCalled();
  });
});

describe('keys and pruning', () => {
  test('a changed CRD or definitions file is a new generation, and the old one is pruned', () => {
    const schemasDir = schemasCopy();
    const dir = tmp();
    const rollout = BAD_OBJECTS[1];
    new SchemaRegistry({ schemasDir, schemaCacheDir: dir }).validate(rollout);
    const [first] = generations(dir);
    expect(generations(dir)).toEqual([first]);

    const crd = listCrdFiles([path.join(schemasDir, 'crds')]).find((f) => f.endsWith('argo-rollouts_rollout-crd.yaml'))!;
    fs.appendFileSync(crd, '\n# edited\n');
    new SchemaRegistry({ schemasDir, schemaCacheDir: dir }).validate(rollout);
    const [second] = generations(dir);
    expect(generations(dir)).toEqual([second]);
    expect(second).not.toBe(first);
    expect(second.split('/')[0]).toBe(first.split('/')[0]); // same source set

    const definitions = path.join(schemasDir, 'kubernetes', 'k8s-v1.27.0-definitions.json');
    fs.writeFileSync(definitions, JSON.stringify(JSON.parse(fs.readFileSync(definitions, 'utf8'))));
    new SchemaRegistry({ schemasDir, schemaCacheDir: dir }).validate(rollout);
    expect(generations(dir)).toHaveLength(1);
    expect(generations(dir)[0]).not.toBe(second);
  });

  test('pruning removes other generations, source sets whose files are gone and unknown entries, and keeps the current one', () => {
    const dir = tmp();
    new SchemaRegistry({ schemaCacheDir: dir }).validate(BAD_OBJECTS[0]);
    const [current] = generations(dir);
    const set = current.split('/')[0];
    // An older generation of the same sources, a source set whose files are gone, an older layout, a half-removed folder.
    fs.mkdirSync(path.join(dir, set, 'f'.repeat(64), 'validators'), { recursive: true });
    fs.writeFileSync(path.join(dir, set, 'f'.repeat(64), 'validators', 'x.js'), 'module.exports = 1;');
    fs.mkdirSync(path.join(dir, 'gone', 'g'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'gone', 'sources.json'), JSON.stringify([path.join(dir, 'no-such-file.json')]));
    fs.mkdirSync(path.join(dir, 'validators'));
    fs.writeFileSync(path.join(dir, 'validators', 'old.js'), 'module.exports = 1;');
    fs.mkdirSync(path.join(dir, '.old.stale-1-abc'));

    const compile = jest.spyOn(Ajv.prototype, 'compile');
    new SchemaRegistry({ schemaCacheDir: dir }).validate(BAD_OBJECTS[0]);
    expect(compile).not.toHaveBeenCalled();
    compile.mockRestore();
    expect(fs.readdirSync(dir).sort()).toEqual([set]);
    expect(generations(dir)).toEqual([current]);
  });

  test('a source set of other, existing files is left alone', () => {
    const dir = tmp();
    const schemasDir = schemasCopy();
    new SchemaRegistry({ schemasDir, schemaCacheDir: dir }).validate(BAD_OBJECTS[0]);
    new SchemaRegistry({ schemaCacheDir: dir }).validate(BAD_OBJECTS[0]);
    expect(fs.readdirSync(dir)).toHaveLength(2);
    expect(generations(dir)).toHaveLength(2);
  });
});

describe('parsed CRD files', () => {
  const rollouts = listCrdFiles(schemaSourcePaths().crdDirs).find((f) => f.endsWith('argo-rollouts_rollout-crd.yaml'))!;
  const text = fs.readFileSync(rollouts, 'utf8');
  const cacheIn = (dir: string) => new SchemaCache({ dir, sources: [rollouts], generationKey: () => 'test' });

  test('a cached parse equals a fresh one, and the second read does not parse', () => {
    const cache = cacheIn(tmp());
    const parse = jest.fn(readCrdVersions);
    const first = cache.crdVersions(rollouts, text, parse);
    const second = cache.crdVersions(rollouts, text, parse);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(second).toEqual(JSON.parse(JSON.stringify(readCrdVersions(rollouts, text))));
    expect(first).toEqual(readCrdVersions(rollouts, text));
  });

  test('changed text, another file path or another parser is a miss', () => {
    const dir = tmp();
    const cache = cacheIn(dir);
    cache.crdVersions(rollouts, text, readCrdVersions);
    cache.crdVersions(rollouts, `${text}\n# edited\n`, readCrdVersions);
    cache.crdVersions(`${rollouts}.copy`, text, readCrdVersions);
    cache.crdVersions(rollouts, text, (file, t) => readCrdVersions(file, t).map((v) => ({ ...v, served: false })));
    expect(entries(dir, 'crds')).toHaveLength(4);
  });

  test('a damaged entry is parsed again', () => {
    const dir = tmp();
    cacheIn(dir).crdVersions(rollouts, text, readCrdVersions);
    for (const f of entries(dir, 'crds')) fs.writeFileSync(f, '[{"group":');
    const parse = jest.fn(readCrdVersions);
    expect(cacheIn(dir).crdVersions(rollouts, text, parse)).toEqual(readCrdVersions(rollouts, text));
    expect(parse).toHaveBeenCalledTimes(1);
  });
});
