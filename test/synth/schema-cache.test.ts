/**
 * The schema cache that keeps the gate's start-up cheap: a cached validator finds exactly what a
 * freshly compiled one finds, cached CRD parses equal fresh ones, and a damaged cache only costs
 * the work it was saving.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { SchemaRegistry } from '../../src/validation/schema-registry';
import { SchemaCache } from '../../src/validation/schema-cache';
import { listCrdFiles, readCrdVersions, schemaSourcePaths } from '../../src/validation/schema-sources';

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

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'schema-cache-'));
}
function entries(dir: string, kind: 'validators' | 'crds'): string[] {
  const sub = path.join(dir, kind);
  return fs.existsSync(sub) ? fs.readdirSync(sub).map((f) => path.join(sub, f)) : [];
}

describe('compiled validators', () => {
  afterEach(() => jest.restoreAllMocks());

  test('a second registry loads them from the cache and reports exactly the same violations', () => {
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

  test('a damaged entry is compiled again and rewritten', () => {
    const dir = tmp();
    BAD_OBJECTS.forEach((o) => new SchemaRegistry({ schemaCacheDir: dir }).validate(o));
    for (const f of entries(dir, 'validators')) fs.writeFileSync(f, 'module.exports = (');
    const fresh = BAD_OBJECTS.map((o) => new SchemaRegistry({ schemaCacheDir: false }).validate(o));
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const registry = new SchemaRegistry({ schemaCacheDir: dir });
    expect(BAD_OBJECTS.map((o) => registry.validate(o))).toEqual(fresh);
    expect(compile).toHaveBeenCalledTimes(BAD_OBJECTS.length);
    for (const f of entries(dir, 'validators')) expect(fs.readFileSync(f, 'utf8')).not.toBe('module.exports = (');
  });

  test('different schemas never share an entry', () => {
    const dir = tmp();
    const registry = new SchemaRegistry({ schemaCacheDir: dir });
    registry.validate(BAD_OBJECTS[0]);
    registry.validate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo' } });
    expect(entries(dir, 'validators')).toHaveLength(2);
  });
});

describe('parsed CRD files', () => {
  const rollouts = listCrdFiles(schemaSourcePaths().crdDirs).find((f) => f.endsWith('argo-rollouts_rollout-crd.yaml'))!;
  const text = fs.readFileSync(rollouts, 'utf8');

  test('a cached parse equals a fresh one, and the second read does not parse', () => {
    const cache = new SchemaCache({ dir: tmp(), validatorFingerprint: 'test' });
    const parse = jest.fn(readCrdVersions);
    const first = cache.crdVersions(rollouts, text, parse);
    const second = cache.crdVersions(rollouts, text, parse);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(second).toEqual(JSON.parse(JSON.stringify(readCrdVersions(rollouts, text))));
    expect(first).toEqual(readCrdVersions(rollouts, text));
  });

  test('changed text, another file path or another parser is a miss', () => {
    const dir = tmp();
    const cache = new SchemaCache({ dir, validatorFingerprint: 'test' });
    cache.crdVersions(rollouts, text, readCrdVersions);
    cache.crdVersions(rollouts, `${text}\n# edited\n`, readCrdVersions);
    cache.crdVersions(`${rollouts}.copy`, text, readCrdVersions);
    cache.crdVersions(rollouts, text, (file, t) => readCrdVersions(file, t).map((v) => ({ ...v, served: false })));
    expect(entries(dir, 'crds')).toHaveLength(4);
  });

  test('a damaged entry is parsed again', () => {
    const dir = tmp();
    const cache = new SchemaCache({ dir, validatorFingerprint: 'test' });
    cache.crdVersions(rollouts, text, readCrdVersions);
    for (const f of entries(dir, 'crds')) fs.writeFileSync(f, '[{"group":');
    const parse = jest.fn(readCrdVersions);
    expect(cache.crdVersions(rollouts, text, parse)).toEqual(readCrdVersions(rollouts, text));
    expect(parse).toHaveBeenCalledTimes(1);
  });
});
