/**
 * The strictness rules shared by the synth-time schema gate (ajv) and the generated
 * kubeconform schemas: one transform, so both checks reject exactly the same objects.
 *
 * Pure functions over plain JSON-schema data; inputs are never mutated.
 *
 * Rules (what `kubeconform -strict` does, plus what JavaScript regexes and ajv need):
 *  - `additionalProperties: false` wherever a schema lists `properties` and says nothing about
 *    additional ones, except at or under `x-kubernetes-preserve-unknown-fields: true`, and except
 *    inside `allOf`/`anyOf`/`oneOf`/`not` branches (in structural schemas those branches only
 *    re-state constraints on fields the enclosing schema already declares; closing them would
 *    reject fields the enclosing schema allows);
 *  - `x-kubernetes-int-or-string: true` → `type: [integer, string]` (the `anyOf` of bare types
 *    that usually accompanies it is dropped: same meaning, clearer errors);
 *  - `nullable: true` (OpenAPI v3) → `null` added to `type` (and `enum`);
 *  - `format` is dropped: the OpenAPI formats used here (int32, int64, byte, double, date-time…)
 *    are unknown to ajv without ajv-formats, and kubeconform does not check them either;
 *  - a `pattern` that JavaScript cannot compile with the `u` flag (ajv's mode) is dropped and
 *    reported: Go's RE2 syntax has forms JavaScript lacks, such as `(?i)` or `\z`;
 *  - every `x-kubernetes-*` keyword is dropped after use (CEL `x-kubernetes-validations`
 *    cannot be checked here; the API server does that).
 */

/** A JSON-schema node as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

/** A `pattern` the transform removed because JavaScript cannot compile it. */
export interface SkippedPattern {
  /** JSON pointer of the schema node that held the pattern, relative to the transformed root. */
  readonly schemaPath: string;
  readonly pattern: string;
  /** Why JavaScript refused it. */
  readonly reason: string;
}

export interface StrictSchemaResult {
  readonly schema: JsonSchema;
  readonly skippedPatterns: readonly SkippedPattern[];
}

/** Keywords whose value is a map of name → subschema. */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];
/** Keywords whose value is a single subschema (or, for some, a boolean). */
const SCHEMA_KEYWORDS = ['additionalProperties', 'additionalItems', 'propertyNames', 'contains', 'if', 'then', 'else'];
/** Combinators: branches re-state constraints, so no `additionalProperties: false` inside them. */
const JUNCTOR_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf'];
/** Keywords dropped outright (see the file comment). */
const DROPPED_KEYWORDS = new Set(['format', 'nullable']);

interface WalkContext {
  readonly pointer: string;
  /** At or under `x-kubernetes-preserve-unknown-fields: true`. */
  readonly preservesUnknownFields: boolean;
  /** Inside an allOf/anyOf/oneOf/not branch. */
  readonly inJunctor: boolean;
}

/**
 * Returns the strict form of `schema` (see the file comment for the rules) and the regex
 * patterns that had to be dropped. `$ref`s are left as they are: transform the referenced
 * definitions too (see {@link toStrictDefinitions}).
 */
export function toStrictSchema(schema: JsonSchema): StrictSchemaResult {
  const skippedPatterns: SkippedPattern[] = [];
  const strict = transformNode(schema, { pointer: '', preservesUnknownFields: false, inJunctor: false }, skippedPatterns);
  return { schema: strict as JsonSchema, skippedPatterns };
}

/** Whether JavaScript (in ajv's `u` mode) can compile `pattern`; the error message if not. */
export function javaScriptPatternError(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function transformNode(node: unknown, ctx: WalkContext, skipped: SkippedPattern[]): unknown {
  if (!isPlainObject(node)) return node; // boolean schemas and malformed input pass through
  const preservesUnknownFields = ctx.preservesUnknownFields || node['x-kubernetes-preserve-unknown-fields'] === true;
  const out: JsonSchema = {};

  for (const [keyword, value] of Object.entries(node)) {
    if (keyword.startsWith('x-kubernetes-') || DROPPED_KEYWORDS.has(keyword)) continue;
    const pointer = `${ctx.pointer}/${escapePointer(keyword)}`;
    const child = (extra: string, inJunctor: boolean): WalkContext => ({
      pointer: `${pointer}${extra}`,
      preservesUnknownFields,
      inJunctor,
    });

    if (keyword === 'pattern' && typeof value === 'string') {
      const reason = javaScriptPatternError(value);
      if (reason !== undefined) {
        skipped.push({ schemaPath: ctx.pointer, pattern: value, reason });
        continue;
      }
      out[keyword] = value;
    } else if (SCHEMA_MAP_KEYWORDS.includes(keyword) && isPlainObject(value)) {
      const mapped: JsonSchema = {};
      for (const [name, sub] of Object.entries(value)) {
        // `dependencies` may map to a list of property names rather than a schema.
        mapped[name] = Array.isArray(sub) ? sub : transformNode(sub, child(`/${escapePointer(name)}`, ctx.inJunctor), skipped);
      }
      out[keyword] = mapped;
    } else if (SCHEMA_KEYWORDS.includes(keyword)) {
      out[keyword] = transformNode(value, child('', ctx.inJunctor), skipped);
    } else if (keyword === 'items') {
      out[keyword] = Array.isArray(value)
        ? value.map((sub, i) => transformNode(sub, child(`/${i}`, ctx.inJunctor), skipped))
        : transformNode(value, child('', ctx.inJunctor), skipped);
    } else if (JUNCTOR_ARRAY_KEYWORDS.includes(keyword) && Array.isArray(value)) {
      out[keyword] = value.map((sub, i) => transformNode(sub, child(`/${i}`, true), skipped));
    } else if (keyword === 'not') {
      out[keyword] = transformNode(value, child('', true), skipped);
    } else {
      out[keyword] = value; // annotations and literal data (description, enum, default, …)
    }
  }

  if ('properties' in out && !('additionalProperties' in out) && !preservesUnknownFields && !ctx.inJunctor) {
    out.additionalProperties = false;
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    out.type = ['integer', 'string'];
    for (const junctor of ['anyOf', 'oneOf'] as const) {
      if (isBareTypeAlternatives(out[junctor])) delete out[junctor];
    }
  }
  if (node.nullable === true) addNull(out);
  return out;
}

/** `[{type: integer}, {type: string}]`-style lists carry nothing beyond the type union. */
function isBareTypeAlternatives(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((branch) => isPlainObject(branch) && Object.keys(branch).every((k) => k === 'type' || k === 'description'))
  );
}

function addNull(schema: JsonSchema): void {
  if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
  else if (Array.isArray(schema.type) && !schema.type.includes('null')) schema.type = [...schema.type, 'null'];
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
}

// ---------------------------------------------------------------- Kubernetes definitions

/** Definition names of the two Kubernetes scalar types that accept a string or a number. */
export const INT_OR_STRING_DEFINITION = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY_DEFINITION = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const OBJECT_META_DEFINITION = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * Kubernetes serialises these as either form (`port: 8080` / `port: http`, `cpu: 1` / `cpu: 250m`).
 * Written as a type union rather than the definitions file's `oneOf`, so a wrong value yields one
 * readable error instead of a cascade.
 */
const KUBERNETES_DEFINITION_OVERRIDES: Readonly<Record<string, JsonSchema>> = {
  [INT_OR_STRING_DEFINITION]: {
    description: 'An integer or a string, e.g. 8000 or "http", 1 or "25%".',
    type: ['integer', 'string'],
  },
  [QUANTITY_DEFINITION]: {
    description: 'A Kubernetes quantity: a string such as "250m" or "512Mi", or a number.',
    type: ['number', 'string'],
  },
};

/**
 * The strict form of every definition in a Kubernetes `definitions` object (the shape of
 * `k8s-v1.27.0-definitions.json`), with the IntOrString/Quantity quirks applied. References
 * between definitions stay `#/definitions/<name>`.
 */
export function toStrictDefinitions(definitions: Readonly<Record<string, unknown>>): {
  readonly definitions: Record<string, JsonSchema>;
  readonly skippedPatterns: readonly SkippedPattern[];
} {
  const out: Record<string, JsonSchema> = {};
  const skippedPatterns: SkippedPattern[] = [];
  for (const [name, definition] of Object.entries(definitions)) {
    const override = KUBERNETES_DEFINITION_OVERRIDES[name];
    if (override) {
      out[name] = { ...override };
      continue;
    }
    if (!isPlainObject(definition)) throw new Error(`definition ${name} is not a JSON object; is this a Kubernetes definitions file?`);
    const result = toStrictSchema(definition);
    out[name] = result.schema;
    for (const s of result.skippedPatterns) skippedPatterns.push({ ...s, schemaPath: `/definitions/${escapePointer(name)}${s.schemaPath}` });
  }
  return { definitions: out, skippedPatterns };
}

// ---------------------------------------------------------------- CRD roots

/**
 * The schema of a whole custom resource from its CRD version's `openAPIV3Schema`.
 *
 * The API server implies `apiVersion`, `kind` and a full `ObjectMeta` at the root; CRDs often
 * omit them (Istio's list only `spec` and `status`) or say just `metadata: {type: object}`. Left
 * as is, a strict root would reject `apiVersion` itself, and `metadata` would accept anything.
 * So they are declared here, `metadata` as a reference to the ObjectMeta definition (combined
 * with the CRD's own metadata constraints, if it has any beyond `type: object`).
 *
 * Apply this before {@link toStrictSchema}, so the completed root is closed too.
 */
export function toCustomResourceSchema(openAPIV3Schema: JsonSchema, objectMetaRef: string): JsonSchema {
  const properties = isPlainObject(openAPIV3Schema.properties) ? openAPIV3Schema.properties : {};
  const metaRef: JsonSchema = { $ref: objectMetaRef };
  const ownMetadata = properties.metadata;
  const metadataIsBare =
    !isPlainObject(ownMetadata) || Object.keys(ownMetadata).every((k) => k === 'type' || k === 'description');
  return {
    ...openAPIV3Schema,
    type: openAPIV3Schema.type ?? 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      ...properties,
      metadata: metadataIsBare ? metaRef : { allOf: [metaRef, ownMetadata] },
    },
  };
}

// ---------------------------------------------------------------- helpers

export function isPlainObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
