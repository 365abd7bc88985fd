/**
 * The compiled-validator cache that keeps the gate's start-up cheap: a cached validator finds
 * exactly what a freshly compiled one finds, and a damaged cache only costs a compile.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { SchemaRegistry } from '../../src/validation/schema-registry';

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
  return fs.mkdtempSync(path.join(os.tmpdir(), 'validator-cache-'));
}

describe('compiled validator cache', () => {
  afterEach(() => jest.restoreAllMocks());

  test('a second registry loads the validators from the cache and reports exactly the same violations', () => {
    const dir = tmp();
    const fresh = BAD_OBJECTS.map((o) => new SchemaRegistry({ validatorCacheDir: false }).validate(o));
    expect(fresh.every((v) => v.length >= 2)).toBe(true);

    const first = new SchemaRegistry({ validatorCacheDir: dir });
    expect(BAD_OBJECTS.map((o) => first.validate(o))).toEqual(fresh);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.js'))).toHaveLength(BAD_OBJECTS.length);

    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const second = new SchemaRegistry({ validatorCacheDir: dir });
    expect(BAD_OBJECTS.map((o) => second.validate(o))).toEqual(fresh);
    expect(compile).not.toHaveBeenCalled();
  });

  test('a damaged entry is compiled again and rewritten', () => {
    const dir = tmp();
    BAD_OBJECTS.forEach((o) => new SchemaRegistry({ validatorCacheDir: dir }).validate(o));
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), 'module.exports = (');
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const registry = new SchemaRegistry({ validatorCacheDir: dir });
    const fresh = BAD_OBJECTS.map((o) => new SchemaRegistry({ validatorCacheDir: false }).validate(o));
    compile.mockClear();
    expect(BAD_OBJECTS.map((o) => registry.validate(o))).toEqual(fresh);
    expect(compile).toHaveBeenCalledTimes(BAD_OBJECTS.length);
    for (const f of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toBe('module.exports = (');
  });

  test('different schemas never share an entry: the key covers the schema and its definitions', () => {
    const dir = tmp();
    const registry = new SchemaRegistry({ validatorCacheDir: dir });
    registry.validate(BAD_OBJECTS[0]);
    registry.validate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo' } });
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });
});
