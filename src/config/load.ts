/**
 * Reads a config folder, merges its layers and validates them, reporting every problem at once
 * with the file and key that set it. Nothing downstream ever sees unvalidated data.
 *
 *   <dir>/defaults.yaml               shared by every environment (optional)
 *   <dir>/environments/<env>.yaml     one per environment; `name` must equal <env>
 *   <dir>/workflows.yaml              the workflow catalog
 */
import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseDocument, Document } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigIssue } from './errors';
import { deepMerge, getPath } from './merge';
import { Catalog, catalogSchema, Environment, environmentSchema, Workflow, waiversFileSchema, workflowSettingsSchema } from './schema';
import { PlatformConfig, ResolvedEnvironment, ResolvedWorkflow } from './resolved';
import { checkEnvironment, checkWorkflowSettings, checkCatalog } from './semantic-checks';
import { planCapacity } from '../capacity/planner';
import { plannedScaling } from '../capacity/apply';
import { cpuCores, memoryMebibytes } from '../capacity/quantity';

interface SourceFile {
  readonly file: string; // relative to the config folder
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly data: unknown;
}

/** One layer of a merge: data found at `fileKey` in `source`, placed at `mount` in the merged object. */
interface Layer {
  readonly source: SourceFile;
  readonly fileKey: readonly (string | number)[];
  readonly mount: readonly (string | number)[];
  readonly data: unknown;
}

export function loadConfig(configDir: string): PlatformConfig {
  const issues: ConfigIssue[] = [];
  const read = (rel: string, optional: boolean): SourceFile | undefined => readYaml(configDir, rel, optional, issues);

  const defaults = read('defaults.yaml', true);
  const waiversFile = read('waivers.yaml', true);
  const catalogFile = read('workflows.yaml', false);
  const envDir = path.join(configDir, 'environments');
  const envFiles = fs.existsSync(envDir)
    ? fs.readdirSync(envDir).filter((f) => f.endsWith('.yaml')).sort()
    : [];
  if (envFiles.length === 0) {
    issues.push({ file: 'environments/', key: '', message: 'no environment files found; add environments/<env>.yaml (e.g. dev.yaml)' });
  }
  const envSources = envFiles.map((f) => read(`environments/${f}`, false)).filter((s): s is SourceFile => !!s);
  if (issues.length) throw new ConfigError(issues); // YAML syntax errors: nothing else is meaningful

  // Catalog and the one waiver list
  const catalog = parseLayers<Catalog>(catalogSchema, [layer(catalogFile!)], issues, {});
  const waivers = waiversFile ? parseLayers(waiversFileSchema, [layer(waiversFile)], issues, {}) : { waivers: [] };
  const envNames = envSources.map((src) => path.basename(src.file, '.yaml'));
  waivers?.waivers.forEach((w, i) => {
    if (w.name.includes('*')) issues.push(issueAt([layer(waiversFile!)], ['waivers', i, 'name'], {}, w.name, 'a waiver names one object; wildcards are not allowed (use <workflow> to apply it to each workflow)'));
    for (const e of w.environments ?? []) {
      if (!envNames.includes(e)) issues.push(issueAt([layer(waiversFile!)], ['waivers', i, 'environments'], {}, e, `no such environment; known: ${envNames.join(', ')}`));
    }
  });
  const environments: Environment[] = [];
  for (const src of envSources) {
    const envName = path.basename(src.file, '.yaml');
    const layers = [defaults ? layer(defaults) : undefined, layer(src)].filter((l): l is Layer => !!l);
    const parsed = parseLayers<Environment>(environmentSchema, layers, issues, { environment: envName });
    if (!parsed) continue;
    if (parsed.waivers.length) {
      issues.push(issueAt(layers, ['waivers'], { environment: envName }, undefined, 'waivers live in config/waivers.yaml (one reviewed list; give `environments: [...]` per entry)'));
    }
    const env: Environment = {
      ...parsed,
      waivers: (waivers?.waivers ?? []).filter((w) => !w.environments || w.environments.includes(envName)).map(({ environments: _, ...w }) => w),
    };
    if (env.name !== envName) {
      issues.push(issueAt(layers, ['name'], { environment: envName }, env.name, `must equal the file name "${envName}" (rename the file or fix the name)`));
      continue;
    }
    for (const i of checkEnvironment(env)) issues.push(issueAt(layers, i.path, { environment: envName }, i.value, i.message));
    environments.push(env);
  }
  if (catalog) {
    for (const i of checkCatalog(catalog, envNames)) {
      issues.push(issueAt([layer(catalogFile!)], i.path, {}, i.value, i.message));
    }
  }
  // Go on with every environment that parsed, so all problems are reported in one run.
  if (!catalog) throw new ConfigError(issues);

  const resolved: ResolvedEnvironment[] = environments.map((env) => {
    const envLayers = [defaults, envSources.find((s) => s.file === `environments/${env.name}.yaml`)]
      .filter((s): s is SourceFile => !!s)
      .map((s) => ({ source: s, fileKey: ['workflowDefaults'], mount: [], data: getPath(s.data, ['workflowDefaults']) }));
    const workflows: ResolvedWorkflow[] = [];
    catalog.workflows.forEach((wf, index) => {
      const wfKey = ['workflows', index];
      const layers: Layer[] = [
        ...envLayers,
        { source: catalogFile!, fileKey: [...wfKey, 'image'], mount: ['image'], data: wf.image },
        { source: catalogFile!, fileKey: [...wfKey, 'overrides'], mount: [], data: wf.overrides },
        { source: catalogFile!, fileKey: [...wfKey, 'environments', env.name], mount: [], data: wf.environments[env.name] },
      ];
      const scope = { environment: env.name, workflow: wf.name };
      const settings = parseLayers(workflowSettingsSchema, layers, issues, scope);
      if (!settings) return;
      const semantic = checkWorkflowSettings(settings, env);
      for (const i of semantic) issues.push(issueAt(layers, i.path, scope, i.value, i.message));
      if (semantic.length) return;
      workflows.push(applyCapacityPlan(env, resolveWorkflow(wf, settings)));
    });
    return { environment: env, workflows };
  });
  if (issues.length) throw new ConfigError(issues);
  return { configDir: path.resolve(configDir), environments: resolved };
}

function resolveWorkflow(wf: Workflow, settings: ResolvedWorkflow['settings']): ResolvedWorkflow {
  const { repository, digest, tag } = settings.image;
  // A digest pins the bytes; a tag alongside it is kept only for readers.
  const reference = digest ? `${repository}${tag ? `:${tag}` : ''}@${digest}` : `${repository}:${tag}`;
  return {
    name: wf.name,
    namespace: wf.namespace ?? wf.name,
    description: wf.description,
    owner: wf.owner,
    version: wf.version,
    image: { reference },
    settings,
  };
}

/**
 * Environments that opt in (`capacity.applyToEnvironment`) take each workflow's HPA bounds from the
 * capacity plan, computed at that workflow's own requests and utilization targets.
 */
function applyCapacityPlan(env: Environment, wf: ResolvedWorkflow): ResolvedWorkflow {
  if (!env.capacity?.applyToEnvironment) return wf;
  const s = wf.settings;
  const plan = planCapacity(env.capacity, {
    cpuRequestCores: cpuCores(s.resources.requests.cpu),
    memoryRequestMebibytes: memoryMebibytes(s.resources.requests.memory),
    cpuTargetUtilization: s.autoscaling.cpuUtilization / 100,
    memoryTargetUtilization: s.autoscaling.memoryUtilization / 100,
  });
  const scaling = plannedScaling(env.capacity, plan)!;
  return {
    ...wf,
    settings: { ...s, autoscaling: { ...s.autoscaling, ...scaling.autoscaling } },
    capacityProfile: plan.profileName,
  };
}

function layer(source: SourceFile): Layer {
  return { source, fileKey: [], mount: [], data: source.data };
}

function parseLayers<T>(
  schema: z.ZodType<T>,
  layers: readonly Layer[],
  issues: ConfigIssue[],
  scope: { environment?: string; workflow?: string },
): T | undefined {
  const merged = deepMerge(...layers.map((l) => mountAt(l.mount, l.data)));
  const result = schema.safeParse(merged ?? {}, { reportInput: true });
  if (result.success) return result.data;
  for (const zi of result.error.issues) {
    const p = zi.path.filter((k): k is string | number => typeof k !== 'symbol');
    if (zi.code === 'unrecognized_keys') {
      for (const key of zi.keys) {
        issues.push(issueAt(layers, [...p, key], scope, getPath(merged, [...p, key]),
          `unknown key "${key}"; check the spelling; the allowed keys are in config/schema/*.schema.json`));
      }
      continue;
    }
    const value = getPath(merged, p);
    issues.push(issueAt(layers, p, scope, value, describeZodIssue(zi, value)));
  }
  return undefined;
}

function describeZodIssue(zi: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined && zi.code === 'invalid_type') return `is required (expected ${zi.expected})`;
  if (zi.code === 'invalid_union') return 'matches none of the allowed forms (see config/schema/*.schema.json)';
  return zi.message;
}

function mountAt(mount: readonly (string | number)[], data: unknown): unknown {
  return mount.reduceRight<unknown>((acc, key) => ({ [key]: acc }), data);
}

/** Attribute an issue at a merged path to the last layer that set it (or its nearest parent). */
function issueAt(
  layers: readonly Layer[],
  issuePath: readonly (string | number)[],
  scope: { environment?: string; workflow?: string },
  value: unknown,
  message: string,
): ConfigIssue {
  for (let depth = issuePath.length; depth >= 0; depth--) {
    const prefix = issuePath.slice(0, depth);
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i];
      if (!startsWith(prefix, l.mount) && !startsWith(l.mount, prefix)) continue;
      if (!startsWith(prefix, l.mount)) continue;
      const rel = prefix.slice(l.mount.length);
      if (getPath(l.data, rel) === undefined) continue;
      const fileKeyPath = [...l.fileKey, ...rel];
      // Report the full issue path, anchored in the file that holds its nearest defined ancestor.
      const fullKey = [...l.fileKey, ...issuePath.slice(l.mount.length)];
      return {
        ...scope,
        file: `${l.source.file}${lineOf(l.source, fileKeyPath)}`,
        key: fullKey.join('.'),
        value,
        message,
      };
    }
  }
  const last = layers[layers.length - 1];
  return { ...scope, file: last?.source.file ?? '?', key: [...(last?.fileKey ?? []), ...issuePath].join('.'), value, message };
}

function startsWith(p: readonly unknown[], prefix: readonly unknown[]): boolean {
  return prefix.length <= p.length && prefix.every((k, i) => p[i] === k);
}

function lineOf(source: SourceFile, keyPath: readonly (string | number)[]): string {
  if (keyPath.length === 0) return '';
  const node = source.doc.getIn(keyPath, true) as { range?: [number, number, number] } | undefined;
  if (!node?.range) return '';
  const pos = source.lines.linePos(node.range[0]);
  return `:${pos.line}`;
}

function readYaml(dir: string, rel: string, optional: boolean, issues: ConfigIssue[]): SourceFile | undefined {
  const file = path.join(dir, rel);
  if (!fs.existsSync(file)) {
    if (!optional) issues.push({ file: rel, key: '', message: `file not found in config folder ${dir}` });
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      issues.push({ file: `${rel}${pos ? `:${pos.line}:${pos.col}` : ''}`, key: '', message: `YAML syntax error: ${e.message.split('\n')[0]}` });
    }
    return undefined;
  }
  return { file: rel, doc, lines, data: doc.toJS() ?? {} };
}
