import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { listFiles } from '../../src/synth/compare-trees';
import { YAML_OPTIONS, createYamlSerializer, toYaml } from '../../src/synth/serialize';

const DIST = path.resolve(__dirname, '../../dist');

/** The definition of our bytes (see src/synth/serialize.ts). */
const reference = (object: unknown) => stringify(object, YAML_OPTIONS);

/** Strings whose YAML 1.1 form depends on what they are and where they stand. */
const TRICKY = [
  '', ' ', 'plain', 'yes', 'Yes', 'NO', 'on', 'Off', 'y', 'n', '~', 'null', 'Null', 'true', 'False',
  '0', '012', '0x1F', '0o17', '0b101', '1_000', '1e3', '.5', '-.inf', '.NaN', '+1', '190:20:30', '2001-12-14',
  '-', '- a', '?', '? a', ':', 'a:', 'a: b', 'a:b', 'a #b', 'a#b', '#x', '&a', '*a', '!x', '%x', '@x', '`x', '|', '>',
  '{', '}', '[x]', 'a,b', '---', '--- x', '...', '... x', ' lead', 'trail ', "it's", 'say "hi"', `both ' "`,
  '\u0007bell', '\ttab', 'é ü', '\u2028', 'line\nbreak', 'trailing\n', '\n', 'two\n\nbreaks\n', ' \n x',
  '--- \nmarker', 'x'.repeat(200), 'app.kubernetes.io/name', '{{ template }}', '$(VAR)', 'http://a:80/b?c=d#e',
];

/** Every tricky string as a key and as a value, at the top and several depths, in sequences, and next to empty (flow) collections. */
function nested(strings: readonly string[]): unknown {
  const level = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    strings.forEach((s, i) => (out[s] = i % 3 === 0 ? s : i % 3 === 1 ? [s, { [s]: s }, []] : { inner: s, empty: {} }));
    if (depth > 0) out.deeper = level(depth - 1);
    return out;
  };
  return { apiVersion: 'v1', kind: 'ConfigMap', ...level(0), data: level(3), list: strings.map((s) => [s, { [s]: [s] }]) };
}

describe('toYaml', () => {
  const files = listFiles(DIST).filter((f) => f.endsWith('.yaml'));

  test('dist/ has objects to check', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  test('serializes every object of the committed dist/ to exactly the bytes of its file, as the definition does', () => {
    const serialize = createYamlSerializer();
    const mismatches: string[] = [];
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(DIST, file), 'utf8');
      const object = parse(bytes, { version: '1.1' });
      if (serialize(object) !== bytes) mismatches.push(`${file} (toYaml)`);
      if (reference(object) !== bytes) mismatches.push(`${file} (stringify with YAML_OPTIONS)`);
    }
    expect(mismatches).toEqual([]);
  });

  test('the module-level toYaml agrees with the definition on dist/', () => {
    for (const file of files.slice(0, 50)) {
      const object = parse(fs.readFileSync(path.join(DIST, file), 'utf8'), { version: '1.1' });
      expect([file, toYaml(object)]).toEqual([file, reference(object)]);
    }
  });

  test('remembered strings never carry one context into another: keys, values, depths, sequences, in any order', () => {
    const serialize = createYamlSerializer();
    const orders = [TRICKY, [...TRICKY].reverse(), TRICKY.filter((_, i) => i % 2).concat(TRICKY.filter((_, i) => !(i % 2)))];
    for (const strings of orders) {
      const object = nested(strings);
      // Twice: the second time every single-line string comes from memory.
      expect(serialize(object)).toBe(reference(object));
      expect(serialize(object)).toBe(reference(object));
    }
  });

  test('quotes YAML 1.1 booleans and numbers the way Kubernetes must read them back', () => {
    const serialize = createYamlSerializer();
    const object = { spec: { updateMode: 'Off', enabled: 'yes', port: '8080', replicas: 2, on: true } };
    const text = serialize(object);
    expect(parse(text, { version: '1.1' })).toEqual(object);
    expect(text).toContain('updateMode: "Off"');
  });

  test('each call holds one object only: nothing of the previous document leaks into the next', () => {
    const serialize = createYamlSerializer();
    const a = { kind: 'A', metadata: { name: 'a', labels: { x: 'yes' } } };
    const b = { kind: 'B', spec: ['Off', { y: 'n' }] };
    serialize(a);
    expect(serialize(b)).toBe(reference(b));
    expect(serialize(a)).toBe(reference(a));
  });

  test('stays byte-identical after forgetting what it remembered (more distinct strings than it keeps)', () => {
    const serialize = createYamlSerializer();
    for (let o = 0; o < 50; o++) {
      const data: Record<string, string> = {};
      for (let i = 0; i < 500; i++) data[`key-${o}-${i}`] = i % 7 ? `value-${o}-${i}` : ['yes', 'Off', '012', `${i}`][i % 4];
      const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${o}` }, data };
      expect(serialize(object)).toBe(reference(object));
    }
  });

  test('builds the nodes of any value as doc.createNode does: numbers, booleans, null, undefined, holes, and what is not plain data', () => {
    class Box {
      public readonly inside = 'Off';
    }
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'yes', b: 1 });
    const sparse: unknown[] = ['a'];
    sparse[3] = 'z';
    const values: Record<string, unknown> = {
      numbers: [0, -0, 1, -1, 1.5, 1e21, 1e-7, 0.1, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity],
      booleans: [true, false],
      nothing: [null, undefined],
      sparse,
      skipped: undefined,
      nullProto,
      map: new Map<unknown, unknown>([['k', 'yes'], [1, { x: 'Off' }]]),
      set: new Set(['a', 'On']),
      date: new Date(Date.UTC(2026, 11, 3)),
      box: new Box(),
      withToJson: { toJSON: () => ({ replaced: 'n' }) },
      boxed: [Object('Off'), Object(2), Object(false)],
      bytes: Buffer.from('hi'),
      empty: [{}, [], ''],
    };
    const serialize = createYamlSerializer();
    for (const [key, value] of Object.entries(values)) {
      expect([key, serialize({ [key]: value })]).toEqual([key, reference({ [key]: value })]);
      // A whole document of nothing is not an object to write: stringify returns undefined for it.
      if (value !== undefined) expect([key, serialize(value)]).toEqual([key, reference(value)]);
    }
    expect(serialize(values)).toBe(reference(values));
  });
});
