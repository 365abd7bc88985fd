/**
 * The copies the environment keeps until its gate verdict: the same data in the same key order
 * (so the same bytes are written), detached from the original, and anything that is not plain
 * JSON data kept as it is.
 */
import { stringify } from 'yaml';
import { StringPool } from '../../src/synth/string-pool';
import { YAML_OPTIONS } from '../../src/synth/serialize';
import { committed } from '../helpers';

describe('StringPool.copy', () => {
  test('every committed object copies to the same value, key order and YAML bytes', () => {
    const pool = new StringPool();
    const objects = committed().objects.map((r) => r.object);
    expect(objects.length).toBeGreaterThan(100);
    for (const object of objects) {
      const copy = pool.copy(object);
      expect(copy).not.toBe(object);
      expect(JSON.stringify(copy)).toBe(JSON.stringify(object));
      expect(stringify(copy, YAML_OPTIONS)).toBe(stringify(object, YAML_OPTIONS));
    }
  });

  test('the copy is detached: changing it leaves the original as it was', () => {
    const original = { metadata: { labels: { app: 'a' } }, spec: { ports: [{ port: 80 }] } };
    const copy = new StringPool().copy(original);
    copy.metadata.labels.app = 'b';
    copy.spec.ports[0].port = 81;
    expect(original).toEqual({ metadata: { labels: { app: 'a' } }, spec: { ports: [{ port: 80 }] } });
  });

  test('keeps integer-like keys, undefined values, null and an own __proto__ key as they are', () => {
    const original = JSON.parse('{"b":1,"10":"x","2":null,"__proto__":{"polluted":true},"a":[true,false,"s"]}');
    original.u = undefined;
    const copy = new StringPool().copy(original);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ polluted: true });
    expect('u' in copy && copy.u === undefined).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('values that are not plain data (a Date, a class instance) are kept by reference', () => {
    class Quantity { constructor(readonly text: string) {} }
    const date = new Date(0);
    const quantity = new Quantity('1Gi');
    const copy = new StringPool().copy({ date, quantity });
    expect(copy.date).toBe(date);
    expect(copy.quantity).toBe(quantity);
  });
});
