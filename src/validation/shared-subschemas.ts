/**
 * Repeated subschemas of a schema, written once and referenced: the same meaning, a fraction of
 * the compiled code. Custom resource schemas repeat whole subtrees because CRDs cannot use
 * `$ref`: Argo CD's ApplicationSet repeats the Application template in every generator, and its
 * generators inside `matrix` and `merge`. ajv compiles every copy separately, so its validator
 * was 13 MB of JavaScript (from 370 KB of schema; 26 KB once shared) that every synth paid to
 * load: hundreds of milliseconds, more than the rest of the gate. With the copies moved under `definitions` and
 * compiled without inlining references (see schema-registry.ts), each is compiled once.
 *
 * What a violation says does not change: ajv reports the data's path (`instancePath`) and the
 * failing subschema as before; only its `schemaPath` is then relative to the shared subschema.
 * That is why nothing is shared inside `allOf`/`anyOf`/`oneOf`/`not`: the gate groups a
 * composite's branch errors by their `schemaPath` under the composite's (schema-violation.ts).
 *
 * Pure: the input is never mutated.
 */
import { JsonSchema, escapePointer, isPlainObject } from './strict-schema';

/** Where the shared subschemas go, at the root. */
export const SHARED_DEFINITIONS = 'definitions';
/** Name prefix of a shared subschema. */
const SHARED_PREFIX = 'shared-';

export interface ShareRepeatedOptions {
  /**
   * The smallest subschema shared, in characters of its JSON: sharing a small one costs a
   * function call per validated value and saves little code.
   * @default 2000
   */
  readonly minChars?: number;
}

const MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'dependencies']);
const SINGLE_KEYWORDS = new Set(['additionalProperties', 'additionalItems', 'propertyNames', 'contains', 'items']);

/**
 * `schema` with every subschema that occurs at least twice (outside composites, and at least
 * `minChars` long) replaced by a `$ref` to one copy under `definitions/shared-<n>`. Returns the
 * schema as it is (the same object) when nothing repeats, or when it already has `definitions`.
 */
export function shareRepeatedSubschemas(schema: JsonSchema, options: ShareRepeatedOptions = {}): JsonSchema {
  if (SHARED_DEFINITIONS in schema) return schema;
  const minChars = options.minChars ?? 2000;
  const counts = new Map<string, number>();
  const keyOf = new Map<object, string>();
  const count = (node: unknown): void => {
    forEachSubschema(node, (sub) => {
      const key = JSON.stringify(sub);
      keyOf.set(sub, key);
      if (key.length >= minChars) counts.set(key, (counts.get(key) ?? 0) + 1);
      count(sub);
    });
  };
  count(schema);
  if (![...counts.values()].some((n) => n >= 2)) return schema;

  const names = new Map<string, string>();
  const definitions: JsonSchema = {};
  const rewrite = (node: JsonSchema): JsonSchema => mapSubschemas(node, (sub) => {
    const key = keyOf.get(sub)!;
    if ((counts.get(key) ?? 0) < 2) return rewrite(sub);
    let name = names.get(key);
    if (name === undefined) {
      name = `${SHARED_PREFIX}${names.size + 1}`;
      names.set(key, name);
      definitions[name] = rewrite(sub); // shared subschemas may share further inside
    }
    return { $ref: `#/${SHARED_DEFINITIONS}/${escapePointer(name)}` };
  });
  return { ...rewrite(schema), [SHARED_DEFINITIONS]: definitions };
}

/** Calls `visit` on each direct subschema of `node` that may be shared (not in composites). */
function forEachSubschema(node: unknown, visit: (sub: JsonSchema) => void): void {
  if (!isPlainObject(node)) return;
  for (const [keyword, value] of Object.entries(node)) {
    if (MAP_KEYWORDS.has(keyword) && isPlainObject(value)) {
      for (const sub of Object.values(value)) if (isPlainObject(sub)) visit(sub);
    } else if (SINGLE_KEYWORDS.has(keyword)) {
      if (isPlainObject(value)) visit(value);
      else if (Array.isArray(value)) for (const sub of value) if (isPlainObject(sub)) visit(sub);
    }
  }
}

/** A copy of `node` with each direct subschema (as {@link forEachSubschema} finds them) replaced by `replace(sub)`. */
function mapSubschemas(node: JsonSchema, replace: (sub: JsonSchema) => JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (MAP_KEYWORDS.has(keyword) && isPlainObject(value)) {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isPlainObject(sub) ? replace(sub) : sub]));
    } else if (SINGLE_KEYWORDS.has(keyword) && isPlainObject(value)) {
      out[keyword] = replace(value);
    } else if (SINGLE_KEYWORDS.has(keyword) && Array.isArray(value)) {
      out[keyword] = value.map((sub) => (isPlainObject(sub) ? replace(sub) : sub));
    } else {
      out[keyword] = value;
    }
  }
  return out;
}
