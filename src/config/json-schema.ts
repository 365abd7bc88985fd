/**
 * Editor JSON Schemas for the config files, generated from the zod schema (never hand-written).
 * Each file is one layer of a merge, so no key is required in any single file: `required` is
 * dropped and any key may be `null` (which removes an inherited value), while unknown keys and
 * wrong types are still flagged. Override blocks (workflowDefaults,
 * overrides, environments.*) get the workflow-settings schema the merged result is checked against.
 */
import { z } from 'zod';
import { catalogSchema, environmentSchema, workflowSettingsSchema } from './schema';
import { CONFIG_API_VERSION, CONFIG_VERSION_KEY } from './version';

type Json = Record<string, unknown>;

export function environmentJsonSchema(): Json {
  const schema = toLayerSchema(environmentSchema, false);
  (schema.properties as Json).workflowDefaults = toLayerSchema(workflowSettingsSchema, false);
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'LangGraph platform environment (config/defaults.yaml, config/environments/*.yaml)', ...withVersion(schema) };
}

export function catalogJsonSchema(): Json {
  const schema = toLayerSchema(catalogSchema);
  const settings = toLayerSchema(workflowSettingsSchema, false);
  const wf = ((schema.properties as Json).workflows as Json).items as Json;
  const props = wf.properties as Json;
  props.overrides = settings;
  props.environments = { type: 'object', additionalProperties: settings };
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'LangGraph workflow catalog (config/workflows.yaml)', ...withVersion(schema) };
}

/** Every file names its format (the loader checks it, src/config/version.ts; it is not part of the merged data). */
function withVersion(schema: Json): Json {
  const version = { const: CONFIG_API_VERSION, description: `The config format this file is written in; this release reads \`${CONFIG_API_VERSION}\`.` };
  return {
    ...schema,
    properties: { [CONFIG_VERSION_KEY]: version, ...(schema.properties as Json) },
    required: [CONFIG_VERSION_KEY, ...((schema.required as string[] | undefined) ?? [])],
  };
}

function toLayerSchema(schema: z.ZodType, keepTop = true): Json {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete json.$schema;
  dropRequired(json, keepTop ? ['workflows', 'name'] : []);
  return json;
}

function dropRequired(node: unknown, keep: readonly string[]): void {
  if (Array.isArray(node)) { node.forEach((n) => dropRequired(n, keep)); return; }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Json;
  if (Array.isArray(obj.required)) {
    const kept = (obj.required as string[]).filter((k) => keep.includes(k));
    if (kept.length) obj.required = kept; else delete obj.required;
  }
  for (const v of Object.values(obj)) dropRequired(v, keep);
  // `null` removes an inherited value in a layer (see merge.ts), so every property may be null.
  if (obj.properties && typeof obj.properties === 'object') {
    for (const [k, v] of Object.entries(obj.properties as Json)) {
      if (!keep.includes(k)) (obj.properties as Json)[k] = { anyOf: [v, { type: 'null' }] };
    }
  }
}

export const SCHEMA_FILES = {
  'config/schema/environment.schema.json': environmentJsonSchema,
  'config/schema/workflows.schema.json': catalogJsonSchema,
} as const;
