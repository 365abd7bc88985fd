/**
 * The configuration reference (docs/configuration.md), generated from the zod schema so it cannot
 * drift from what the loader accepts: every field with its path, type, default, allowed values and
 * the description carried in the schema (`.meta({ description, examples })`).
 *
 * It walks the JSON Schema zod derives (`z.toJSONSchema`, input side, the same conversion as the
 * editor schemas), which already states types, defaults, enums, ranges and patterns; the walk only
 * flattens it into one row per field.
 */
import { z } from 'zod';
import { catalogSchema, environmentSchema, waiversFileSchema, workflowSettingsSchema } from './schema';
import { CONFIG_API_VERSION } from './version';

type Json = Record<string, unknown>;

export const REFERENCE_FILE = 'docs/configuration.md';

/** One configurable field. */
export interface FieldDoc {
  /** Dotted path from the file's (or block's) root: `autoscaling.scaleUp.percent`, `workflows[].name`, `keys.<key>.property`. */
  readonly path: string;
  readonly type: string;
  /** Must be set (after merging the layers) because it has no default. */
  readonly required: boolean;
  /** The default as YAML-ish inline text; undefined when there is none. */
  readonly default?: string;
  /** Allowed values, range, pattern, length. */
  readonly constraints: readonly string[];
  readonly description?: string;
  readonly examples: readonly string[];
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Every field of `schema`, depth first in declaration order. */
export function fieldDocs(schema: z.ZodType): FieldDoc[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  const out: FieldDoc[] = [];
  walkChildren(json, '', out);
  return out;
}

function walkChildren(node: Json, path: string, out: FieldDoc[]): void {
  for (const variant of variants(node)) {
    const props = variant.properties as Record<string, Json> | undefined;
    if (props) {
      const required = new Set((variant.required as string[] | undefined) ?? []);
      for (const [key, child] of Object.entries(props)) {
        const p = path ? `${path}.${key}` : key;
        if (out.some((f) => f.path === p)) continue; // the same key in two union variants
        out.push(describeField(p, child, required.has(key)));
        walkChildren(child, p, out);
      }
    }
    const items = variant.items as Json | undefined;
    if (items && typeof items === 'object') walkChildren(items, `${path}[]`, out);
    const values = variant.additionalProperties as Json | boolean | undefined;
    if (values && typeof values === 'object') walkChildren(values, `${path}.<key>`, out);
  }
}

/** The alternatives of a union, or the node itself. */
function variants(node: Json): Json[] {
  const anyOf = (node.anyOf ?? node.oneOf) as Json[] | undefined;
  return anyOf ? anyOf.flatMap(variants) : [node];
}

function describeField(path: string, node: Json, required: boolean): FieldDoc {
  const constraints: string[] = [];
  for (const v of variants(node)) constraints.push(...constraintsOf(v));
  const examples = (node.examples as unknown[] | undefined) ?? [];
  return {
    path,
    type: typeOf(node),
    required: required && node.default === undefined,
    default: defaultText(node),
    constraints: [...new Set(constraints)],
    description: typeof node.description === 'string' ? node.description : undefined,
    examples: examples.map(inline),
  };
}

/**
 * An object's default only when it says more than its fields' defaults (e.g. `probes.startup`
 * waits longer than a probe's own default); otherwise the rows below tell it.
 */
function defaultText(node: Json): string | undefined {
  if (node.default === undefined) return undefined;
  if (node.properties && canonical(node.default) === canonical(fieldsDefault(node))) return 'its fields\' defaults';
  return inline(node.default);
}

/** What the fields' own defaults add up to (a field's own default first, else its fields'). */
function fieldsDefault(node: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
    const d = v.default !== undefined ? v.default : v.properties ? fieldsDefault(v) : undefined;
    if (d !== undefined && !(v.default === undefined && Object.keys(d as Json).length === 0)) out[k] = d;
  }
  return out;
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}

function typeOf(node: Json): string {
  const vs = variants(node);
  if (vs.length > 1) return [...new Set(vs.map(typeOf))].join(' or ');
  if (node.enum) return 'enum';
  if (node.const !== undefined) return 'constant';
  switch (node.type) {
    case 'array': {
      const items = node.items as Json | undefined;
      return items && Object.keys(items).length ? `list of ${typeOf(items)}` : 'list';
    }
    case 'object':
      if (node.properties) return 'object';
      if (node.additionalProperties && typeof node.additionalProperties === 'object' && Object.keys(node.additionalProperties).length) {
        return `map of ${typeOf(node.additionalProperties as Json)}`;
      }
      return 'map';
    case undefined: return 'any';
    default: return String(node.type);
  }
}

function constraintsOf(node: Json): string[] {
  const c: string[] = [];
  if (Array.isArray(node.enum)) c.push(`one of ${(node.enum as unknown[]).map(inline).join(', ')}`);
  if (node.const !== undefined) c.push(`exactly ${inline(node.const)}`);
  const lo = numberBound(node.minimum, node.exclusiveMinimum);
  const hi = numberBound(node.maximum, node.exclusiveMaximum);
  if (lo && hi) c.push(`${lo.value} ${lo.exclusive ? '<' : '≤'} value ${hi.exclusive ? '<' : '≤'} ${hi.value}`);
  else if (lo) c.push(`${lo.exclusive ? '>' : '≥'} ${lo.value}`);
  else if (hi) c.push(`${hi.exclusive ? '<' : '≤'} ${hi.value}`);
  if (typeof node.minLength === 'number' && node.minLength > 0) c.push(`at least ${node.minLength} characters`);
  if (typeof node.maxLength === 'number') c.push(`at most ${node.maxLength} characters`);
  if (typeof node.pattern === 'string') c.push(`matches \`${node.pattern}\``);
  if (typeof node.format === 'string') c.push(`format ${node.format}`);
  if (typeof node.minItems === 'number' && node.minItems > 0) c.push(`at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`);
  if (typeof node.maxItems === 'number') c.push(`at most ${node.maxItems} items`);
  const keys = node.propertyNames as Json | undefined;
  if (keys && typeof keys.pattern === 'string') c.push(`keys match \`${keys.pattern}\``);
  const items = node.items as Json | undefined;
  if (node.type === 'array' && items && !items.properties) c.push(...constraintsOf(items).map((s) => `each item: ${s}`));
  const values = node.additionalProperties as Json | undefined;
  if (values && typeof values === 'object' && !values.properties) c.push(...constraintsOf(values).map((s) => `each value: ${s}`));
  return c;
}

function numberBound(inclusive: unknown, exclusive: unknown): { value: number; exclusive: boolean } | undefined {
  if (typeof exclusive === 'number') return { value: exclusive, exclusive: true };
  if (typeof inclusive === 'number' && Math.abs(inclusive) !== MAX_SAFE) return { value: inclusive, exclusive: false };
  return undefined;
}

/** Flow-style YAML-ish text: what one would write in the config file. */
function inline(v: unknown): string {
  if (typeof v === 'string') return /^[A-Za-z0-9_./@:<>-]+$/.test(v) && !/^(true|false|null|yes|no|on|off|[-.\d]+)$/i.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${inline(x)}`).join(', ')} }`.replace('{  }', '{}');
  return String(v);
}

// ---------------------------------------------------------------- the document

interface Section {
  readonly title: string;
  readonly anchor: string;
  readonly files: string;
  readonly intro: string;
  readonly schema: z.ZodType;
  /** Printed before each path, e.g. `workflows[].`. */
  readonly prefix?: string;
  /** Fields documented in another section (their subtree is skipped). */
  readonly elsewhere?: Readonly<Record<string, string>>;
}

export const SECTIONS: readonly Section[] = [
  {
    title: 'Environment',
    anchor: 'environment',
    files: '`config/defaults.yaml`, `config/environments/<env>.yaml`',
    intro: 'One environment: its cluster, mesh, entry, egress, monitoring, Argo CD sync and the defaults of its workflows. `defaults.yaml` holds what every environment shares; each `environments/<env>.yaml` is merged over it.',
    schema: environmentSchema,
    elsewhere: { workflowDefaults: '[Workflow settings](#workflow-settings)', waivers: '[Waivers](#waivers)' },
  },
  {
    title: 'Workflow settings',
    anchor: 'workflow-settings',
    files: '`workflowDefaults` in environment files; `overrides` and `environments.<env>` of a catalog entry',
    intro: 'The per-workflow knobs (image, sizing, scaling, probes, delivery, secrets, SLOs, …). Each environment\'s `workflowDefaults` sets them for all its workflows; a catalog entry\'s `overrides` (every environment) and `environments.<env>` (one environment) change them for one workflow. The merged result is checked per workflow, so errors name the workflow.',
    schema: workflowSettingsSchema,
  },
  {
    title: 'Workflow catalog',
    anchor: 'workflow-catalog',
    files: '`config/workflows.yaml`',
    intro: 'The workflows and who owns them. Each entry renders into `dist/<env>/<workflow>/` of every environment.',
    schema: catalogSchema,
    elsewhere: { 'workflows[].overrides': '[Workflow settings](#workflow-settings)', 'workflows[].environments': '[Workflow settings](#workflow-settings), per environment name' },
  },
  {
    title: 'Waivers',
    anchor: 'waivers',
    files: '`config/waivers.yaml`',
    intro: 'The one reviewed list of exceptions to the validation gate. Each environment receives the entries that name it (or all, without `environments`).',
    schema: waiversFileSchema,
  },
];

const LAYERING = `## How the files combine

\`\`\`
config/defaults.yaml ⊕ config/environments/<env>.yaml                                → environment
environment.workflowDefaults ⊕ entry.image ⊕ entry.overrides ⊕ entry.environments.<env> → workflow settings
config/waivers.yaml (entries naming <env>, or all)                                   → environment.waivers
\`\`\`

- **Format version**: every file starts with \`apiVersion: ${CONFIG_API_VERSION}\`, the config format
  it is written in (checked per file, never merged); a file without it, or in another format, is refused.
- **Merge order**: later layers win, key by key; objects merge deeply.
- **Lists replace**: a list in a later layer replaces the inherited list whole (it is not appended to).
- **\`null\` removes**: \`key: null\` deletes an inherited value, e.g. \`digest: null\` where a tag is used instead.
- **Checked after merging**: no single file needs every required field; the merged environment and
  each merged workflow must have them. Unknown keys are errors (with a did-you-mean).
- **Editor schemas**: \`config/schema/*.schema.json\` (\`npm run config-schema\`) carry the same
  descriptions, so an editor with YAML language support completes and explains every key.
`;

/** docs/configuration.md. Deterministic: a pure function of the schema. */
export function configurationReference(): string {
  const parts: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run config-reference` from the zod schema (src/config/schema.ts,',
    '     src/config/features/*.ts). Do not edit by hand:',
    '     change the `.meta({ description })` in the schema and regenerate. -->',
    '',
    'Every field the config files accept. **Path** is relative to the file (or block) the section',
    'names; `[]` is an item of a list and `<key>` a key of a map. **Default** is what applies when no',
    'layer sets the field; fields marked **required** have no default and must be set in some layer.',
    'An object\'s default applies when the object is absent; when it is given, its missing fields take',
    'their own defaults.',
    '',
    ...SECTIONS.map((s) => `- [${s.title}](#${s.anchor}): ${s.files}`),
    '',
    LAYERING,
  ];
  for (const s of SECTIONS) parts.push(sectionText(s));
  return parts.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function sectionText(s: Section): string {
  const lines = [`## ${s.title}`, '', `Files: ${s.files}.`, '', s.intro, ''];
  const fields = visibleFields(s);
  const groups = new Map<string, FieldDoc[]>();
  for (const f of fields) {
    const top = f.path.split(/[.[]/)[0];
    groups.set(top, [...(groups.get(top) ?? []), f]);
  }
  for (const [top, group] of groups) {
    lines.push(`### \`${s.prefix ?? ''}${top}\``, '', '| Path | Type | Default | Description |', '| --- | --- | --- | --- |');
    for (const f of group) lines.push(row(f, s));
    lines.push('');
  }
  return lines.join('\n');
}

/** The section's fields, without the subtrees documented elsewhere. */
export function visibleFields(s: Section): FieldDoc[] {
  const elsewhere = Object.keys(s.elsewhere ?? {});
  return fieldDocs(s.schema).filter((f) => !elsewhere.some((e) => f.path.startsWith(`${e}.`) || f.path.startsWith(`${e}[]`)));
}

function row(f: FieldDoc, s: Section): string {
  const type = [f.type, ...f.constraints].map(cell).join('; ');
  const def = f.required ? '**required**' : f.default === undefined ? '—' : f.default === 'its fields\' defaults' ? f.default : `\`${cell(f.default)}\``;
  const see = s.elsewhere?.[f.path];
  const desc = [f.description ?? '', see ? `See ${see}.` : '', f.examples.length ? `Example: ${f.examples.map((e) => `\`${cell(e)}\``).join(', ')}.` : '']
    .filter(Boolean).map(cell).join(' ');
  return `| \`${f.path}\` | ${type} | ${def} | ${desc} |`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
