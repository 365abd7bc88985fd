/**
 * Schema violations as the gate reports them, and the translation of ajv's raw errors into
 * them: one violation per real problem, a JSON-pointer path to the field, and a message that
 * says what is wrong and what would be right (no `anyOf`/`oneOf` cascades).
 */
import type { ErrorObject } from 'ajv';
import { escapePointer, isPlainObject } from './strict-schema';
import { editDistance } from '../util/did-you-mean';

/** One schema problem in one rendered object. */
export interface SchemaViolation {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object's `metadata.namespace`, when it has one. */
  readonly namespace?: string;
  /** The object's `metadata.name` ('' when it has none). */
  readonly name: string;
  /** JSON pointer of the offending field, e.g. `/spec/template/spec/containers/0/foo`; '' is the whole object. */
  readonly path: string;
  readonly message: string;
  /** The offending value, when there is one. */
  readonly value?: unknown;
}

/** The identity part of a violation. */
export type ObjectIdentity = Pick<SchemaViolation, 'apiVersion' | 'kind' | 'namespace' | 'name'>;

/** `apps/v1 Deployment team-a/foo-api: /spec/replicas: expected integer, got string ("3")` */
export function formatSchemaViolation(v: SchemaViolation): string {
  const where = v.namespace ? `${v.namespace}/${v.name}` : v.name;
  const value = v.value === undefined || v.message.includes(preview(v.value)) ? '' : ` (value: ${preview(v.value)})`;
  return `${v.apiVersion} ${v.kind} ${where}: ${v.path || '/'}: ${v.message}${value}`;
}

/** Which object the errors came from. The errors must come from an ajv built with `verbose: true`. */
export function violationsFromAjvErrors(errors: readonly ErrorObject[], object: ObjectIdentity): SchemaViolation[] {
  const consumed = new Set<ErrorObject>();
  const branchErrors = new Map<ErrorObject, ErrorObject[]>();
  for (const composite of errors) {
    if (composite.keyword !== 'anyOf' && composite.keyword !== 'oneOf') continue;
    const prefix = `${composite.schemaPath}/`;
    const inner = errors.filter(
      (e) => e !== composite && e.schemaPath.startsWith(prefix) && isAtOrUnder(e.instancePath, composite.instancePath),
    );
    inner.forEach((e) => consumed.add(e));
    branchErrors.set(composite, inner);
  }
  const violations: SchemaViolation[] = [];
  for (const error of errors) {
    if (consumed.has(error)) continue;
    const detail = describe(error, branchErrors.get(error) ?? []);
    violations.push({ ...object, ...detail });
  }
  return violations;
}

interface Detail {
  readonly path: string;
  readonly message: string;
  readonly value?: unknown;
}

function describe(error: ErrorObject, branchErrors: readonly ErrorObject[]): Detail {
  const path = error.instancePath;
  const data = error.data;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(error.params.additionalProperty);
      const allowed = isPlainObject(error.parentSchema?.properties) ? Object.keys(error.parentSchema.properties) : [];
      const value = isPlainObject(data) ? data[field] : undefined;
      return { path: `${path}/${escapePointer(field)}`, message: `unknown field \`${field}\`${allowedFieldsHint(field, allowed)}`, value };
    }
    case 'required': {
      const field = String(error.params.missingProperty);
      return { path: `${path}/${escapePointer(field)}`, message: `missing required field \`${field}\`` };
    }
    case 'type':
      return { path, message: `expected ${typeList(error.params.type)}, got ${jsonType(data)}`, value: data };
    case 'enum': {
      const allowed = Array.isArray(error.params.allowedValues) ? error.params.allowedValues : [];
      return { path, message: `must be one of ${allowed.map(preview).join(', ')}; got ${preview(data)}`, value: data };
    }
    case 'const':
      return { path, message: `must be ${preview(error.params.allowedValue)}; got ${preview(data)}`, value: data };
    case 'pattern':
      return { path, message: `${preview(data)} does not match the pattern \`${String(error.params.pattern)}\``, value: data };
    case 'anyOf':
    case 'oneOf':
      return { path, message: describeAlternatives(error, branchErrors), value: data };
    default:
      return { path, message: `${error.message ?? error.keyword}; got ${preview(data)}`, value: data };
  }
}

/** One readable message for a failed anyOf/oneOf instead of one error per branch. */
function describeAlternatives(error: ErrorObject, branchErrors: readonly ErrorObject[]): string {
  const passing = error.params.passingSchemas;
  if (Array.isArray(passing)) {
    // Typically `oneOf: [{required: [a]}, {required: [b]}]`: name the fields, not branch numbers.
    const branches = Array.isArray(error.schema) ? error.schema : [];
    const fields = passing.flatMap((i: number) => {
      const required: unknown = isPlainObject(branches[i]) ? branches[i].required : undefined;
      return Array.isArray(required) ? required.map((f) => `\`${String(f)}\``) : [];
    });
    return fields.length >= 2
      ? `${fields.join(' and ')} are mutually exclusive; set only one of them`
      : `matches more than one of mutually exclusive alternatives (branches ${passing.join(' and ')}); set only one of them`;
  }
  const sameSpot = branchErrors.filter((e) => e.instancePath === error.instancePath);
  if (branchErrors.length > 0 && sameSpot.length === branchErrors.length && branchErrors.every((e) => e.keyword === 'type')) {
    const types = [...new Set(branchErrors.flatMap((e) => String(e.params.type).split(',')))];
    return `expected ${typeList(types)}, got ${jsonType(error.data)}`;
  }
  const count = Array.isArray(error.schema) ? error.schema.length : undefined;
  const how = error.keyword === 'oneOf' ? 'exactly one' : 'at least one';
  const reasons = [
    ...new Set(
      branchErrors.map((e) => {
        const d = describe(e, []);
        const rel = d.path.slice(error.instancePath.length);
        return rel ? `${rel}: ${d.message}` : d.message;
      }),
    ),
  ];
  const shown = reasons.slice(0, 4).join('; ');
  const more = reasons.length > 4 ? `; … ${reasons.length - 4} more` : '';
  return `must match ${how} of ${count ?? 'the'} allowed alternatives${shown ? ` (${shown}${more})` : ''}`;
}

function allowedFieldsHint(field: string, allowed: readonly string[]): string {
  if (allowed.length === 0) return ' (this object takes no fields)';
  const guess = closest(field, allowed);
  const sorted = [...allowed].sort();
  const list = sorted.length <= 25 ? sorted.join(', ') : `${sorted.slice(0, 25).join(', ')}, … (${sorted.length} in all)`;
  return `${guess ? `; did you mean \`${guess}\`?` : ''}; allowed here: ${list}`;
}

/** The allowed field a typo most likely meant, if any is close. */
function closest(field: string, allowed: readonly string[]): string | undefined {
  const lower = field.toLowerCase();
  const exactish = allowed.find((a) => a.toLowerCase() === lower);
  if (exactish) return exactish;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(field.length / 4)) + 1;
  for (const candidate of allowed) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function isAtOrUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

function typeList(types: unknown): string {
  const list = Array.isArray(types) ? types.map(String) : String(types).split(',');
  return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** A short JSON rendering of a value for messages. */
export function preview(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
