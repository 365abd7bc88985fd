/**
 * Sharing repeated subschemas changes the size of a validator, never its verdict: over the real
 * CRDs the gate compiles, the shared and the unshared schema report exactly the same violations
 * for the committed objects and for objects broken deep inside repeated parts.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { shareRepeatedSubschemas } from '../../src/validation/shared-subschemas';
import { JsonSchema, toCustomResourceSchema, toStrictDefinitions, toStrictSchema, OBJECT_META_DEFINITION } from '../../src/validation/strict-schema';
import { gvkKey, listCrdFiles, readCrdVersions, readKubernetesDefinitions, schemaSourcePaths, apiVersionOf } from '../../src/validation/schema-sources';
import { violationsFromAjvErrors } from '../../src/validation/schema-violation';
import { SchemaRegistry } from '../../src/validation/schema-registry';
import { listFiles } from '../../src/synth/compare-trees';
import { PROJECT_ROOT as ROOT } from '../helpers';

const sources = schemaSourcePaths();
const crdVersions = new Map(listCrdFiles(sources.crdDirs).flatMap((f) => readCrdVersions(f)).map((v) => [gvkKey(apiVersionOf(v), v.kind), v]));
const definitions = toStrictDefinitions(readKubernetesDefinitions(sources.definitionsFile).definitions).definitions;

function strictSchemaOf(apiVersion: string, kind: string): JsonSchema {
  const crd = crdVersions.get(gvkKey(apiVersion, kind))!;
  return toStrictSchema(toCustomResourceSchema(crd.openAPIV3Schema as JsonSchema, `k8s#/definitions/${OBJECT_META_DEFINITION}`)).schema;
}

/** A validator as the gate builds one for custom resources (ajv options as in schema-registry.ts). */
function compile(schema: JsonSchema) {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, validateFormats: false, validateSchema: false, inlineRefs: false });
  ajv.addSchema({ $id: 'k8s', definitions });
  const validate = ajv.compile(schema);
  return (o: Record<string, unknown>) => (validate(o as unknown) ? [] : violationsFromAjvErrors(validate.errors ?? [], { apiVersion: String(o.apiVersion), kind: String(o.kind), name: 'x' }));
}

const committed = listFiles(path.join(ROOT, 'dist'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8')).map((d) => d.toJS() as Record<string, any>));

/** A deep copy with `edit` applied. */
function broken<T>(o: T, edit: (copy: any) => void): T {
  const copy = structuredClone(o);
  edit(copy);
  return copy;
}

describe('ApplicationSet: the Application template in every generator, the generators in matrix and merge', () => {
  const strict = strictSchemaOf('argoproj.io/v1alpha1', 'ApplicationSet');
  const shared = shareRepeatedSubschemas(strict);
  const appSets = committed.filter((o) => o.kind === 'ApplicationSet');

  test('shares them: the schema is a fraction of its size', () => {
    expect(Object.keys(shared.definitions as object).length).toBeGreaterThan(3);
    expect(JSON.stringify(shared).length * 5).toBeLessThan(JSON.stringify(strict).length);
  });

  test('same verdicts, shared or not, for the committed ApplicationSets and for copies broken inside repeated parts', () => {
    expect(appSets).toHaveLength(3);
    const [before, after] = [compile(strict), compile(shared)];
    const element = { name: 'x', namespace: 'n', path: 'p', workflow: 'w' };
    const cases = appSets.flatMap((a) => [
      a,
      broken(a, (c) => { c.spec.template.spec.project = 42; }),
      broken(a, (c) => { c.spec.template.spec.sourc = {}; }),
      broken(a, (c) => { c.spec.generators.push({ list: { elements: [element], template: { metadata: {}, spec: { destination: {}, project: 'p', bogus: 1 } } } }); }),
      broken(a, (c) => { c.spec.generators.push({ matrix: { generators: [{ list: { elements: [], template: { metadata: { labels: 3 }, spec: { project: 'p', destination: { server: 1 } } } } }, { git: { repoURL: 'r', revision: 'main', files: [{ path: 'x', extra: true }] } }] } }); }),
      broken(a, (c) => { c.spec.generators.push({ merge: { mergeKeys: ['a'], generators: [{ clusters: { selector: { matchLabels: { a: 1 } } } }] } }); }),
    ]);
    const verdicts = cases.map(after);
    expect(verdicts).toEqual(cases.map(before));
    expect(verdicts[0]).toEqual([]);
    // Every broken copy is caught, at the field that is wrong.
    expect(verdicts.filter((v) => v.length > 0)).toHaveLength(cases.length - appSets.length);
    expect(verdicts.flat().map((v) => v.path)).toEqual(expect.arrayContaining([
      '/spec/template/spec/project',
      '/spec/template/spec/sourc',
      '/spec/generators/1/list/template/spec/bogus',
      '/spec/generators/1/matrix/generators/0/list/template/metadata/labels',
      '/spec/generators/1/matrix/generators/1/git/files/0/extra',
    ]));
  });

  test('what the gate compiles is the shared schema, and it reports the same', () => {
    const registry = new SchemaRegistry({ schemaCacheDir: false });
    const bad = broken(appSets[0], (c) => { c.spec.generators.push({ list: { elements: [{ name: 'x' }], template: { metadata: {}, spec: { project: 'p', destination: {}, bogus: 1 } } } }); });
    const reported = registry.validate(bad).map((v) => [v.path, v.message]);
    expect(reported).toContainEqual(['/spec/generators/1/list/template/spec/bogus', expect.stringMatching(/^unknown field `bogus`/)]);
    expect(reported).toEqual(compile(strict)(bad).map((v) => [v.path, v.message]));
  });

  test('the input is not changed', () => {
    expect(JSON.stringify(strict)).toBe(JSON.stringify(strictSchemaOf('argoproj.io/v1alpha1', 'ApplicationSet')));
  });
});

test('every custom resource kind committed: same verdicts shared or not, for each object and a broken copy', () => {
  const kinds = [...new Set(committed.filter((o) => crdVersions.has(gvkKey(o.apiVersion, o.kind))).map((o) => gvkKey(o.apiVersion, o.kind)))];
  expect(kinds.length).toBeGreaterThan(15);
  for (const key of kinds) {
    const objects = committed.filter((o) => gvkKey(o.apiVersion, o.kind) === key);
    const { apiVersion, kind } = objects[0];
    const strict = strictSchemaOf(apiVersion, kind);
    const cases = objects.flatMap((o) => [o, broken(o, (c) => { c.spec = { ...c.spec, notAField: true }; })]);
    const [before, after] = [compile(strict), compile(shareRepeatedSubschemas(strict))];
    expect({ key, verdicts: cases.map(after) }).toEqual({ key, verdicts: cases.map(before) });
  }
});

test('nothing inside anyOf/oneOf/allOf/not is shared; small repeats are not shared', () => {
  const big = { type: 'object', properties: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`field${i}`, { type: 'string', description: 'x'.repeat(20) }])) };
  const schema: JsonSchema = {
    type: 'object',
    properties: { a: big, b: big, small1: { type: 'string' }, small2: { type: 'string' }, c: { anyOf: [big, { type: 'string' }] } },
  };
  const shared = shareRepeatedSubschemas(schema);
  const props = shared.properties as Record<string, JsonSchema>;
  expect(props.a).toEqual({ $ref: '#/definitions/shared-1' });
  expect(props.b).toEqual({ $ref: '#/definitions/shared-1' });
  expect(props.small1).toEqual({ type: 'string' });
  expect(props.c).toEqual({ anyOf: [big, { type: 'string' }] });
  expect(shared.definitions).toEqual({ 'shared-1': big });
  expect(shareRepeatedSubschemas(props.c as JsonSchema)).toBe(props.c);
});
