/**
 * The only place the capacity planner reads files. It takes, from `<config>/defaults.yaml` and
 * `<config>/environments/<env>.yaml` (deep-merged, the environment wins) and, for one workflow,
 * its entry in `<config>/workflows.yaml` (`overrides`, then `environments.<env>`):
 *   - the `capacity:` block (absent → every default), with the workflow's own `capacity:`
 *     (profile and coefficients) merged over it, and
 *   - the pod shape: `resources.requests` (default: LangChain's chart, as rendered) and the
 *     `autoscaling` targets of the workflow's settings (`workflowDefaults` without a workflow).
 * Every problem is reported at once, naming the file (and line), the key, the value and the fix.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigIssue } from '../config/errors';
import { deepMerge, getPath, isPlainObject } from '../config/merge';
import { PLANNED_MEMORY_FILL_PERCENT, PodSizing } from './planner';
import { LANGGRAPH_SERVER_RESOURCES } from '../constructs/resources';
import { CapacityConfig, capacitySchema } from '../config/features/capacity';
import { cpuCores, memoryMebibytes } from '../model/quantity';

export interface CapacityInputs {
  readonly capacity: CapacityConfig;
  readonly podSizing: PodSizing;
  /** Files read, in merge order, as paths under the config folder given. */
  readonly sources: readonly string[];
  /** The environment's own HPA bounds (workflowDefaults.autoscaling), to compare with the plan's. */
  readonly configuredReplicas?: ConfiguredReplicas;
}

export interface ConfiguredReplicas {
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** HPA target used when the config sets none; the same as the config schema's default. */
const DEFAULT_CPU_UTILIZATION_PERCENT = 70;

interface SourceFile {
  /** As shown to people: the config folder joined with the file's relative path. */
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly data: unknown;
}

type KeyPath = readonly (string | number)[];

/**
 * @param environment omit to plan from defaults.yaml alone.
 * @throws ConfigError listing every problem.
 */
export function loadCapacityInputs(configDir: string, environment?: string, workflow?: string): CapacityInputs {
  const issues: ConfigIssue[] = [];
  if (!fs.existsSync(configDir) || !fs.statSync(configDir).isDirectory()) {
    throw new ConfigError([{ file: configDir, key: '', message: 'config folder not found; pass --config DIR (the folder holding defaults.yaml and environments/)' }]);
  }
  const layers: SourceFile[] = [];
  const defaults = readYaml(configDir, 'defaults.yaml', issues);
  if (defaults) layers.push(defaults);
  if (environment !== undefined) {
    const relative = path.join('environments', `${environment}.yaml`);
    if (!fs.existsSync(path.join(configDir, relative))) {
      issues.push({
        file: path.join(configDir, relative),
        key: '',
        message: `no such environment; pass --env with one of: ${listEnvironments(configDir).join(', ') || '(none found)'}`,
      });
    }
    const envFile = readYaml(configDir, relative, issues);
    if (envFile) layers.push(envFile);
  } else if (!defaults) {
    issues.push({ file: path.join(configDir, 'defaults.yaml'), key: '', message: 'not found; pass --env NAME to read environments/NAME.yaml' });
  }
  if (workflow !== undefined) layers.push(...workflowLayers(configDir, environment, workflow, issues));
  if (issues.length) throw new ConfigError(issues);

  const capacity = parseCapacity(layers, issues);
  const podSizing = readPodSizing(layers, issues);
  if (issues.length || !capacity || !podSizing) throw new ConfigError(issues);
  return { capacity, podSizing, sources: [...new Set(layers.map((l) => l.file))], configuredReplicas: readConfiguredReplicas(layers) };
}

/** Shown for comparison only; the config loader validates these, so anything odd is just left out. */
function readConfiguredReplicas(layers: readonly SourceFile[]): ConfiguredReplicas | undefined {
  const autoscaling = deepMerge(...layers.map((l) => getPath(l.data, ['workflowDefaults', 'autoscaling'])));
  const minReplicas = getPath(autoscaling, ['minReplicas']);
  const maxReplicas = getPath(autoscaling, ['maxReplicas']);
  return Number.isInteger(minReplicas) && Number.isInteger(maxReplicas)
    ? { minReplicas: minReplicas as number, maxReplicas: maxReplicas as number }
    : undefined;
}

function parseCapacity(layers: readonly SourceFile[], issues: ConfigIssue[]): CapacityConfig | undefined {
  // The environment's block, then a workflow's own `capacity:` (in its settings) over it.
  const merged = deepMerge(
    ...layers.map((l) => getPath(l.data, ['capacity'])),
    ...layers.map((l) => getPath(l.data, ['workflowDefaults', 'capacity'])),
  );
  const result = capacitySchema.safeParse(merged ?? {});
  if (result.success) return result.data;
  for (const zi of result.error.issues) {
    const p = zi.path.filter((k): k is string | number => typeof k !== 'symbol');
    if (zi.code === 'unrecognized_keys') {
      for (const key of zi.keys) {
        const allowed = allowedKeys(p);
        issues.push(issueAt(layers, ['capacity', ...p, key], getPath(merged, [...p, key]),
          `unknown key "${key}"; check the spelling${allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''}`));
      }
      continue;
    }
    const value = getPath(merged, p);
    const message = value === undefined && zi.code === 'invalid_type' ? `is required (expected ${zi.expected})` : zi.message;
    issues.push(issueAt(layers, ['capacity', ...p], value, message));
  }
  return undefined;
}

/** What the renderer uses when the config sets no requests: LangChain's chart's (src/constructs/resources.ts). */
function fallback(keys: readonly string[]): string {
  const amount = keys[keys.length - 1] as 'cpu' | 'memory';
  return LANGGRAPH_SERVER_RESOURCES.requests[amount];
}

/**
 * A workflow's catalog entry as layers over workflowDefaults: its `overrides`, then its
 * `environments.<env>` (as the config loader merges them).
 */
function workflowLayers(configDir: string, environment: string | undefined, workflow: string, issues: ConfigIssue[]): SourceFile[] {
  const catalog = readYaml(configDir, 'workflows.yaml', issues);
  if (!catalog) {
    if (!issues.length) issues.push({ file: path.join(configDir, 'workflows.yaml'), key: '', message: 'not found; --workflow needs the workflow catalog' });
    return [];
  }
  const entries = getPath(catalog.data, ['workflows']);
  const entry = Array.isArray(entries) ? entries.find((e) => getPath(e, ['name']) === workflow) : undefined;
  if (!entry) {
    const names = Array.isArray(entries) ? entries.map((e) => getPath(e, ['name'])).filter((n) => typeof n === 'string') : [];
    issues.push({ file: catalog.file, key: 'workflows', value: workflow, message: `no such workflow; pass --workflow with one of: ${names.join(', ') || '(none)'}` });
    return [];
  }
  const mounted = (data: unknown): SourceFile => ({ ...catalog, data: { workflowDefaults: data ?? {} } });
  return [mounted(getPath(entry, ['overrides'])), ...(environment !== undefined ? [mounted(getPath(entry, ['environments', environment]))] : [])];
}

function readPodSizing(layers: readonly SourceFile[], issues: ConfigIssue[]): PodSizing | undefined {
  const merged = deepMerge(...layers.map((l) => getPath(l.data, ['workflowDefaults'])));
  const at = (...keys: string[]) => ({ key: ['workflowDefaults', ...keys], value: getPath(merged, keys) });
  const before = issues.length;

  const quantity = (keys: string[], parse: (q: string) => number, example: string): number => {
    const { key, value } = at(...keys);
    if (value === undefined) return parse(fallback(keys));
    try {
      if (typeof value !== 'string') throw new Error(`expected a string such as "${example}"`);
      const amount = parse(value);
      if (amount > 0) return amount;
      throw new Error(`must be greater than 0, e.g. "${example}"`);
    } catch (e) {
      issues.push(issueAt(layers, key, value, (e as Error).message));
      return NaN;
    }
  };
  const percent = (keys: string[], fallback: number): number => {
    const { key, value } = at(...keys);
    if (value === undefined) return fallback / 100;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
      issues.push(issueAt(layers, key, value, `must be a whole percentage from 1 to 100, e.g. ${fallback}`));
      return NaN;
    }
    return value / 100;
  };

  const sizing: PodSizing = {
    cpuRequestCores: quantity(['resources', 'requests', 'cpu'], cpuCores, '250m'),
    memoryRequestMebibytes: quantity(['resources', 'requests', 'memory'], memoryMebibytes, '256Mi'),
    cpuTargetUtilization: percent(['autoscaling', 'cpuUtilization'], DEFAULT_CPU_UTILIZATION_PERCENT),
    // No memory target (the default): the plan fills requests to PLANNED_MEMORY_FILL_PERCENT.
    memoryTargetUtilization: percent(['autoscaling', 'memoryUtilization'], PLANNED_MEMORY_FILL_PERCENT),
  };
  return issues.length === before ? sizing : undefined;
}

/** Keys a strict object accepts at `p` inside the capacity block, for "did you mean" help. */
function allowedKeys(p: KeyPath): string[] {
  let schema: unknown = capacitySchema;
  for (const key of [...p, undefined]) {
    // Look through wrappers (default, prefault, optional) to the object inside.
    while ((schema as z.ZodType | undefined)?._zod?.def && 'innerType' in (schema as z.ZodType)._zod.def) {
      schema = ((schema as z.ZodType)._zod.def as unknown as { innerType: unknown }).innerType;
    }
    if (!(schema instanceof z.ZodObject)) return [];
    if (key === undefined) return Object.keys(schema.shape);
    schema = (schema.shape as Record<string, unknown>)[key];
  }
  return [];
}

/** Attribute a key to the last file that sets it (or its nearest parent), with the line. */
function issueAt(layers: readonly SourceFile[], key: KeyPath, value: unknown, message: string): ConfigIssue {
  for (let depth = key.length; depth >= 1; depth--) {
    for (let i = layers.length - 1; i >= 0; i--) {
      const prefix = key.slice(0, depth);
      if (getPath(layers[i].data, prefix) !== undefined) {
        return { file: `${layers[i].file}${lineOf(layers[i], prefix)}`, key: key.join('.'), value, message };
      }
    }
  }
  // Set nowhere: point at the most specific file, where the fix belongs.
  return { file: layers[layers.length - 1]?.file ?? '?', key: key.join('.'), value, message };
}

function lineOf(source: SourceFile, keyPath: KeyPath): string {
  const node = source.doc.getIn(keyPath, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? `:${source.lines.linePos(node.range[0]).line}` : '';
}

function readYaml(configDir: string, relative: string, issues: ConfigIssue[]): SourceFile | undefined {
  const file = path.join(configDir, relative);
  if (!fs.existsSync(file)) return undefined;
  const lines = new LineCounter();
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      // With prettyErrors off, `e.linePos` stays unset; the line counter gives the position.
      const pos = lines.linePos(e.pos[0]);
      issues.push({ file: `${file}:${pos.line}:${pos.col}`, key: '', message: `YAML syntax error: ${e.message.split('\n')[0]}` });
    }
    return undefined;
  }
  const data = doc.toJS() ?? {};
  if (!isPlainObject(data)) {
    issues.push({ file, key: '', value: data, message: 'must be a YAML mapping (key: value pairs) at the top level' });
    return undefined;
  }
  return { file, doc, lines, data };
}

function listEnvironments(configDir: string): string[] {
  const dir = path.join(configDir, 'environments');
  return fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort()
    : [];
}

/** Names in `<config>/workflows.yaml`, or undefined when there is no readable catalog. */
export function listWorkflows(configDir: string): string[] | undefined {
  const issues: ConfigIssue[] = [];
  const catalog = readYaml(configDir, 'workflows.yaml', issues);
  const entries = catalog ? getPath(catalog.data, ['workflows']) : undefined;
  if (!Array.isArray(entries)) return undefined;
  return entries.map((e) => getPath(e, ['name'])).filter((n): n is string => typeof n === 'string');
}
