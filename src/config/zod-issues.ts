/**
 * Turns zod issues into messages people can act on: what was expected, what was found, and the
 * fix ("use a whole number between 1 and 100", "use one of: rolling, canary", "did you mean
 * `autoscaling`?"). No raw zod text reaches the user: the schema's own messages are kept (they
 * describe the expected form) and zod's defaults are replaced.
 */
import { z } from 'zod';
import { closest } from '../util/did-you-mean';

type Key = string | number;
type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** What a parse problem becomes: a path (relative to the schema parsed), the value found, the message. */
export interface DescribedIssue {
  readonly path: Key[];
  readonly value: unknown;
  readonly message: string;
  /** Nothing was set: an inherited layer may be missing (see the loader's lenient mode). */
  readonly required?: boolean;
  /** For an unknown key: the paths of the keys it probably meant. */
  readonly suggests?: readonly Key[][];
}

export interface DescribeOptions {
  /** The fix for a required key that nothing sets, e.g. "add it to environments/qa.yaml or defaults.yaml". */
  readonly requiredFix: (path: readonly Key[]) => string;
}

/** Marks a message zod made up itself (no message in the schema), so it is never shown. */
const ZOD_DEFAULT = '\u0000zod-default';

/** safeParse that tells the schema's own messages apart from zod's defaults. */
export function parseForConfig<T>(schema: z.ZodType<T>, data: unknown): z.ZodSafeParseResult<T> {
  return schema.safeParse(data, { reportInput: true, error: () => ZOD_DEFAULT });
}

/** The fix of last resort, where the schema says no more. */
const SCHEMA_FIX = 'check what is allowed in config/schema/*.schema.json';

/** Verbs and phrases that tell the reader what to do; every config message carries one. */
export const FIX_PATTERN = /\b(use|set|add|remove|write|rename|give|lower|raise|pin|put|change|quote|did you mean|one of|delete|move|create|pass|replace|shorten|say|enable|disable|omit|make|fix|allow|apply|name each|mount|turn|indent|close|check)\b/i;

export function describeZodIssues(schema: AnySchema, issues: readonly Issue[], input: unknown, options: DescribeOptions): DescribedIssue[] {
  const all = issues.flatMap((zi) => describe(schema, zi, [], input, options));
  // `autoscalling` set and `autoscaling` missing is one mistake: the did-you-mean covers both.
  const meant = new Set(all.flatMap((d) => d.suggests ?? []).map((p) => JSON.stringify(p)));
  return all.filter((d) => !(d.required && meant.has(JSON.stringify(d.path))));
}

function describe(root: AnySchema, zi: Issue, prefix: Key[], input: unknown, options: DescribeOptions): DescribedIssue[] {
  const path = [...prefix, ...zi.path.filter((k): k is Key => typeof k !== 'symbol')];
  const value = zi.input !== undefined ? zi.input : getAt(input, path);
  const custom = zi.message !== ZOD_DEFAULT && zi.message ? zi.message : undefined;
  const at = schemaAt(root, path);
  const one = (message: string, extra: Partial<DescribedIssue> = {}): DescribedIssue[] => [{ path, value, message, ...extra }];

  switch (zi.code) {
    case 'unrecognized_keys':
      return zi.keys.map((key) => ({ path: [...path, key], value: getAt(input, [...path, key]), ...unknownKey(root, path, key) }));

    case 'invalid_type': {
      if (value === undefined || value === null) {
        // `null` removes an inherited value (merge.ts): here nothing was left to remove, or it was required.
        return one(`is required (expected ${expectedText(zi.expected, at)}); ${options.requiredFix(path)}`, { required: true });
      }
      if (custom) return one(withFix(custom, value, typeFix(zi.expected, value, at)));
      if (zi.expected === 'int' && typeof value === 'number') {
        return one(`is not a whole number (got ${value}); use ${numberText(at) ?? 'a whole number'}`);
      }
      return one(`expected ${expectedText(zi.expected, at)}, got ${gotText(value)}; ${typeFix(zi.expected, value, at)}`);
    }

    case 'too_small':
    case 'too_big': {
      const small = zi.code === 'too_small';
      const bound = small ? (zi as z.core.$ZodIssueTooSmall).minimum : (zi as z.core.$ZodIssueTooBig).maximum;
      const inclusive = zi.inclusive !== false;
      const origin = zi.origin;
      if (origin === 'number' || origin === 'int' || origin === 'bigint') {
        const range = numberText(at) ?? `a number ${small ? (inclusive ? 'of at least' : 'greater than') : (inclusive ? 'of at most' : 'less than')} ${bound}`;
        if (custom) return one(withFix(custom, value, `use ${range}`));
        const expected = small ? (inclusive ? `at least ${bound}` : `more than ${bound}`) : (inclusive ? `at most ${bound}` : `less than ${bound}`);
        return one(`is ${small ? 'below the minimum' : 'above the maximum'} (got ${show(value)}, expected ${expected}); use ${range}`);
      }
      if (origin === 'string') {
        const length = typeof value === 'string' ? value.length : undefined;
        const got = length === undefined ? '' : ` (got ${length} character${length === 1 ? '' : 's'})`;
        if (custom) return one(withFix(custom, value, small ? `make it at least ${bound} characters long` : `shorten it to ${bound} characters or fewer`) + (isDescription(custom) ? '' : got));
        if (small && Number(bound) <= 1) return one('is empty; give a value (or remove the key to use the default)');
        return one(small
          ? `is too short${got}, expected at least ${bound} characters; make it longer`
          : `is too long${got}, expected at most ${bound} characters; shorten it`);
      }
      if (origin === 'array' || origin === 'set') {
        const n = Array.isArray(value) ? value.length : undefined;
        const got = n === undefined ? '' : ` (got ${n} item${n === 1 ? '' : 's'})`;
        const fix = small ? `add at least ${bound} item${Number(bound) === 1 ? '' : 's'}` : `remove items to keep at most ${bound}`;
        if (custom) return one(withFix(custom, value, fix));
        return one(`has too ${small ? 'few' : 'many'} items${got}, expected ${small ? 'at least' : 'at most'} ${bound}; ${fix}`);
      }
      return one(custom ? withFix(custom, value, SCHEMA_FIX) : `is out of range (got ${show(value)}); use a value within ${bound}`);
    }

    case 'invalid_value': {
      const allowed = zi.values.map((v) => show(v));
      if (custom) return one(withFix(custom, value, `use one of: ${allowed.join(', ')}`));
      const near = typeof value === 'string' ? closest(value, zi.values.filter((v): v is string => typeof v === 'string')) : [];
      if (allowed.length === 1) return one(`must be ${allowed[0]} (got ${show(value)}); write ${allowed[0]}`);
      if (near.length) return one(`is not an allowed value (got ${show(value)}); did you mean ${near.map((v) => show(v)).join(' or ')}? (one of: ${allowed.join(', ')})`);
      return one(`is not an allowed value (got ${show(value)}); use one of: ${allowed.join(', ')}`);
    }

    case 'invalid_format': {
      if (custom) return one(withFix(custom, value, 'write it in that form'));
      if (zi.format === 'email') return one(`is not an email address (got ${show(value)}); use an address such as team@example.com`);
      if (zi.format === 'regex' && 'pattern' in zi) return one(`has the wrong form (got ${show(value)}, expected text matching ${zi.pattern}); change it to match`);
      return one(`is not a valid ${zi.format} (got ${show(value)}); use a valid ${zi.format}`);
    }

    case 'not_multiple_of':
      return one(custom ? withFix(custom, value, `use a multiple of ${zi.divisor}`) : `is not a multiple of ${zi.divisor} (got ${show(value)}); use a multiple of ${zi.divisor}`);

    case 'invalid_key': {
      const key = path[path.length - 1];
      const inner = zi.issues.flatMap((i) => describe(z.string(), i, [], key, options)).map((d) => d.message);
      const why = inner[0] ?? 'is not a valid key here';
      return [{ path, value: key, message: `key ${show(String(key))} ${stripGot(why)}; rename it` }];
    }

    case 'invalid_element':
      return zi.issues.flatMap((i) => describe(root, i, path, input, options));

    case 'invalid_union':
      return describeUnion(root, zi, path, value, input, options);

    case 'custom':
      return one(custom ? withFix(custom, value, SCHEMA_FIX) : `is not valid (got ${show(value)}); ${SCHEMA_FIX}`);

    default: {
      const other = zi as { message?: string };
      const text = other.message && other.message !== ZOD_DEFAULT ? other.message : 'is not valid';
      return one(`${text} (got ${show(value)}); ${SCHEMA_FIX}`);
    }
  }
}

/** A union: report the branch that came closest; if none got past the top, list the allowed forms. */
function describeUnion(root: AnySchema, zi: z.core.$ZodIssueInvalidUnion, path: Key[], value: unknown, input: unknown, options: DescribeOptions): DescribedIssue[] {
  const branches = (zi.errors ?? []).map((issues) => ({
    issues,
    // Issues at the union's own level (wrong type, keys of another form) mean "not this form".
    topLevel: issues.filter((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'unrecognized_keys' || i.code === 'invalid_value')).length,
  }));
  const best = branches
    .filter((b) => b.topLevel === 0 && b.issues.length > 0)
    .sort((a, b) => a.issues.length - b.issues.length)[0];
  if (best) return best.issues.flatMap((i) => describe(root, i, path, input, options));
  const forms = unionForms(schemaAt(root, path));
  const formText = forms.length ? forms.join(' or ') : 'one of the forms in config/schema/*.schema.json';
  if (value === undefined) return [{ path, value, message: `is required (expected ${formText}); ${options.requiredFix(path)}`, required: true }];
  return [{ path, value, message: `matches none of the allowed forms (got ${gotText(value)}); use ${forms.length > 1 ? 'exactly one of: ' : ''}${formText}` }];
}

function unionForms(schema: AnySchema | undefined): string[] {
  const u = unwrap(schema);
  if (!u || u._zod.def.type !== 'union') return [];
  return ((u._zod.def as unknown as { options: AnySchema[] }).options).map((o) => {
    const inner = unwrap(o);
    if (inner?._zod.def.type === 'object') return `{ ${Object.keys(objectShape(inner)).join(', ')} }`;
    return expectedText(inner?._zod.def.type ?? 'value', inner);
  });
}

// ---------------------------------------------------------------- unknown keys

function unknownKey(root: AnySchema, path: readonly Key[], key: string): { message: string; suggests?: Key[][] } {
  const allowed = allowedKeysAt(root, path);
  if (allowed === undefined) return { message: `unknown key \`${key}\`; remove it` };
  if (allowed.length === 0) return { message: `unknown key \`${key}\`; nothing can be set here, remove it` };
  const near = closest(key, allowed);
  if (near.length) {
    return { message: `unknown key \`${key}\`; did you mean ${near.map((k) => `\`${k}\``).join(' or ')}?`, suggests: near.map((k) => [...path, k]) };
  }
  // The right key one level down (e.g. `minReplicas` directly under workflowDefaults)?
  const nested = allowed.flatMap((parent) => (allowedKeysAt(root, [...path, parent]) ?? []).map((child) => `${parent}.${child}`));
  const deeper = closest(key, nested, (candidate) => candidate.slice(candidate.indexOf('.') + 1));
  if (deeper.length === 1) {
    return { message: `unknown key \`${key}\`; did you mean \`${deeper[0]}\`? (it belongs under \`${deeper[0].split('.')[0]}\`)`, suggests: [[...path, ...deeper[0].split('.')]] };
  }
  return { message: `unknown key \`${key}\`; remove it or use one of the keys allowed here: ${allowed.join(', ')}` };
}

/** Keys a strict object accepts at `path` of `root`, or undefined if no object is found there. */
export function allowedKeysAt(root: AnySchema, path: readonly Key[]): string[] | undefined {
  const s = unwrap(schemaAt(root, path));
  return s && s._zod.def.type === 'object' ? Object.keys(objectShape(s)) : undefined;
}

// ---------------------------------------------------------------- schema walking

/** The schema that validates the value at `path` (looking through defaults, optionals, arrays, records). */
export function schemaAt(root: AnySchema, path: readonly Key[]): AnySchema | undefined {
  let s: AnySchema | undefined = root;
  for (const key of path) {
    s = unwrap(s);
    if (!s) return undefined;
    s = child(s, key);
  }
  return s;
}

function child(s: AnySchema, key: Key): AnySchema | undefined {
  const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'object': return objectShape(s)[String(key)];
    case 'record': return def.valueType as AnySchema;
    case 'array': return def.element as AnySchema;
    case 'tuple': return (def.items as AnySchema[])[Number(key)];
    case 'union':
      for (const o of def.options as AnySchema[]) {
        const inner = unwrap(o);
        const c = inner && child(inner, key);
        if (c) return c;
      }
      return undefined;
    default: return undefined;
  }
}

function objectShape(s: AnySchema): Record<string, AnySchema> {
  return (s._zod.def as unknown as { shape: Record<string, AnySchema> }).shape;
}

/** Looks through wrappers (default, optional, pipe, lazy …) to the schema that checks the value. */
export function unwrap(s: AnySchema | undefined): AnySchema | undefined {
  for (let i = 0; s && i < 50; i++) {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    if ('innerType' in def && def.innerType) s = def.innerType as AnySchema;
    else if (def.type === 'pipe') s = def.in as AnySchema;
    else if (def.type === 'lazy') s = (def.getter as () => AnySchema)();
    else return s;
  }
  return s;
}

// ---------------------------------------------------------------- wording

/** "a whole number between 1 and 100", from the checks of the number schema at hand. */
export function numberText(schema: AnySchema | undefined): string | undefined {
  const s = unwrap(schema);
  if (!s || s._zod.def.type !== 'number') return undefined;
  let int = (s._zod.def as unknown as { format?: string }).format?.includes('int') ?? false;
  let min: { value: number; inclusive: boolean } | undefined;
  let max: { value: number; inclusive: boolean } | undefined;
  for (const c of (s._zod.def.checks ?? []) as z.core.$ZodCheck[]) {
    const d = c._zod.def as unknown as { check: string; value?: number; inclusive?: boolean; format?: string };
    if (d.check === 'number_format' && d.format?.includes('int')) int = true;
    if (d.check === 'greater_than' && d.value !== undefined && (!min || d.value >= min.value)) min = { value: d.value, inclusive: !!d.inclusive };
    if (d.check === 'less_than' && d.value !== undefined && (!max || d.value <= max.value)) max = { value: d.value, inclusive: !!d.inclusive };
  }
  const kind = int ? 'a whole number' : 'a number';
  if (min && max) {
    if (min.inclusive && max.inclusive) return `${kind} between ${min.value} and ${max.value}`;
    return `${kind} ${min.inclusive ? `of at least ${min.value}` : `greater than ${min.value}`} and ${max.inclusive ? `at most ${max.value}` : `less than ${max.value}`}`;
  }
  if (min) return `${kind} ${min.inclusive ? `of at least ${min.value}` : `greater than ${min.value}`}`;
  if (max) return `${kind} ${max.inclusive ? `of at most ${max.value}` : `less than ${max.value}`}`;
  return kind;
}

function expectedText(expected: string, schema: AnySchema | undefined): string {
  switch (expected) {
    case 'boolean': return 'true or false';
    case 'int': return numberText(schema) ?? 'a whole number';
    case 'number': return numberText(schema) ?? 'a number';
    case 'string': return 'text';
    case 'object': case 'record': return 'a mapping (key: value pairs)';
    case 'array': return 'a list';
    case 'enum': return 'one of a fixed set of values';
    case 'union': return 'one of several forms';
    default: return `a ${expected}`;
  }
}

/** The fix for a number or boolean where text belongs: quote it (the loader swaps in the number as written). */
export function quoteFix(text: string): string {
  return `quote it: "${text}"`;
}

function typeFix(expected: string, value: unknown, schema: AnySchema | undefined): string {
  switch (expected) {
    case 'boolean':
      return typeof value === 'string' && /^(true|false)$/i.test(value) ? `write ${value.toLowerCase()} without quotes` : 'write true or false (without quotes)';
    case 'int': case 'number':
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return `write ${value.trim()} without quotes`;
      return `use ${numberText(schema) ?? 'a number'}`;
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? quoteFix(String(value)) : 'write a single text value';
    case 'object': case 'record':
      return Array.isArray(value) ? 'write key: value pairs, not a list' : 'write key: value pairs on the indented lines below the key';
    case 'array':
      return 'write a list: [a, b] or one "- item" per line';
    default:
      return SCHEMA_FIX;
  }
}

/** A schema message that describes the expected form ("a cpu quantity such as …"), not a sentence. */
function isDescription(message: string): boolean {
  return /^(a|an|the|at most|at least|whole|sha256|lower-case|letters|one of|digits)\b/i.test(message);
}

/** The schema's own message, with what was found and a fix when it does not say what to do. */
function withFix(message: string, value: unknown, fix: string): string {
  if (isDescription(message)) return `use ${message} (got ${show(value)})`;
  return FIX_PATTERN.test(message) ? message : `${message}; ${fix}`;
}

function stripGot(message: string): string {
  return message.replace(/^use /, 'is not ').replace(/ \(got [^)]*\)/, '');
}

function gotText(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `${typeof value === 'number' ? 'the number ' : ''}${String(value)}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function getAt(data: unknown, path: readonly Key[]): unknown {
  let cur = data;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<Key, unknown>)[k];
  }
  return cur;
}
