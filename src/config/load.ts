/**
 * Reads a config folder, merges its layers and validates them. Nothing downstream ever sees
 * unvalidated data.
 *
 * Every problem is reported in one run, each once: a file that does not parse does not stop the
 * others from being checked, a bad catalog entry does not hide the rest, and semantic checks run on
 * every part that parsed. A problem met in several environments or workflows (a defaults.yaml
 * mistake) is one issue naming all of them. Each message says what was expected, what was found
 * and the fix. A folder or file that cannot be read is one line (ConfigIssue.io), never a stack.
 *
 *   <dir>/defaults.yaml               shared by every environment (optional)
 *   <dir>/environments/<env>.yaml     one per environment; `name` must equal <env>
 *   <dir>/workflows.yaml              the workflow catalog
 */
import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseDocument, Document, isMap, isScalar, visit } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigIssue, mergeConfigIssues } from './errors';
import { deepMerge, getPath, isPlainObject } from './merge';
import { Environment, environmentSchema, Workflow, WorkflowSettings, waiversFileSchema, workflowSchema, workflowSettingsSchema } from './schema';
import { describeZodIssues, parseForConfig, quoteFix } from './zod-issues';
import { PlatformConfig, ResolvedEnvironment, ResolvedWorkflow } from './resolved';
import { checkEnvironment, checkWorkflowSettings, checkCatalog } from './semantic-checks';
import { CONFIG_VERSION_KEY, configVersionIssue } from './version';

interface SourceFile {
  readonly file: string; // relative to the config folder
  readonly text: string;
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
  const shown = displayPath(configDir);
  assertConfigFolder(configDir, shown);
  const issues: ConfigIssue[] = [];
  /** Files that exist but could not be read or parsed: layers that inherit them are checked leniently. */
  const broken = new Set<string>();
  const read = (rel: string, optional: boolean): SourceFile | undefined => readYaml(configDir, shown, rel, optional, issues, broken);

  const defaults = read('defaults.yaml', true);
  const waiversFile = read('waivers.yaml', true);
  const catalogFile = read('workflows.yaml', false);
  const envFiles = listEnvironmentFiles(configDir, shown, issues);
  const envSources = envFiles.map((f) => read(`environments/${f}`, false)).filter((s): s is SourceFile => !!s);
  const envNames = envFiles.map((f) => path.basename(f, '.yaml'));
  const defaultsBroken = broken.has('defaults.yaml');

  // ---- The catalog, entry by entry: one bad entry hides nothing else.
  const entries: CatalogEntry[] = [];
  if (catalogFile) {
    parseLayers(catalogShellSchema, [layer(catalogFile)], issues, {}, { requiredFix: () => 'add `workflows:` with one entry per workflow' });
    const list = getPath(catalogFile.data, ['workflows']);
    (Array.isArray(list) ? list : []).forEach((raw: unknown, index) => {
      const name = isPlainObject(raw) && typeof raw.name === 'string' && raw.name ? raw.name : `#${index}`;
      const entryLayer: Layer = { source: catalogFile, fileKey: ['workflows', index], mount: [], data: raw };
      const parsed = parseLayers(workflowSchema, [entryLayer], issues, { workflows: [name] }, {
        requiredFix: (p) => `add \`${p.join('.')}\` to this workflow's entry in workflows.yaml`,
      });
      entries.push({ index, name, raw, parsed });
    });
    // With no environment files (reported above), every environment name would look unknown.
    for (const i of envNames.length ? checkCatalog({ workflows: entries.map((e) => e.parsed) }, envNames) : []) {
      const entry = entries[Number(i.path[1])];
      issues.push(issueAt([layer(catalogFile)], i.path, { workflows: entry ? [entry.name] : undefined }, i.value, i.message));
    }
  }

  // ---- The one waiver list.
  const waivers = waiversFile
    ? parseLayers(waiversFileSchema, [layer(waiversFile)], issues, {}, { requiredFix: (p) => `add \`${p.join('.')}\` to this waiver` })
    : { waivers: [] };
  waivers?.waivers.forEach((w, i) => {
    if (w.name.includes('*')) issues.push(issueAt([layer(waiversFile!)], ['waivers', i, 'name'], {}, w.name, 'a waiver names one object; wildcards are not allowed (use <workflow> to apply it to each workflow)'));
    for (const e of w.environments ?? []) {
      if (envNames.length && !envNames.includes(e)) issues.push(issueAt([layer(waiversFile!)], ['waivers', i, 'environments'], {}, e, `no such environment; use one of: ${envNames.join(', ')}`));
    }
  });

  // ---- Environments: each checked on its own, semantics included, whatever else failed.
  const environments = new Map<string, Environment>();
  for (const src of envSources) {
    const envName = path.basename(src.file, '.yaml');
    const scope = { environments: [envName] };
    // Waivers are filled in from waivers.yaml; set in an environment layer they are a misplacement.
    const layers = [defaults, src].filter((s): s is SourceFile => !!s).map((s) => {
      if (getPath(s.data, ['waivers']) === undefined) return layer(s);
      issues.push(issueAt([layer(s)], ['waivers'], s === src ? scope : {}, undefined, 'waivers live in config/waivers.yaml: move them there (one reviewed list; give `environments: [...]` per entry)'));
      const { waivers: _, ...rest } = s.data as Record<string, unknown>;
      return { ...layer(s), data: rest };
    });
    const best = parseLayersBestEffort<Environment>(environmentSchema, layers, issues, scope, {
      lenient: defaultsBroken,
      // `name` must equal the file name, so only the environment's own file can hold it.
      requiredFix: (p) => (p.length === 1 && p[0] === 'name'
        ? `add \`name: ${envName}\` to ${src.file} (it must equal the file name)`
        : `add \`${p.join('.')}\` to ${src.file}${defaults ? ' or defaults.yaml' : ''}`),
    });
    if (!best) continue;
    const parsed = best.data;
    const env: Environment = {
      ...parsed,
      waivers: (waivers?.waivers ?? []).filter((w) => !w.environments || w.environments.includes(envName)).map(({ environments: _, ...w }) => w),
    };
    if (env.name !== envName) {
      issues.push(issueAt(layers, ['name'], scope, env.name, `must equal the file name "${envName}"; rename the file or set name: ${envName}`));
    }
    for (const i of checkEnvironment(env).filter(unaffected(best.removed))) issues.push(issueAt(layers, i.path, scope, i.value, i.message));
    // Workflow checks read the environment: only a complete one is trusted for them.
    if (!best.removed.length) environments.set(envName, env);
  }

  // ---- Every workflow in every environment that was read, even where the environment itself failed.
  const settingsOf = new Map<string, WorkflowSettings>();
  for (const src of envSources) {
    const envName = path.basename(src.file, '.yaml');
    const env = environments.get(envName);
    const envLayers: Layer[] = [defaults, src]
      .filter((s): s is SourceFile => !!s)
      .map((s) => ({ source: s, fileKey: ['workflowDefaults'], mount: [], data: getPath(s.data, ['workflowDefaults']) }));
    for (const entry of entries) {
      const wf = entry.parsed;
      const raw = isPlainObject(entry.raw) ? entry.raw : {};
      const wfKey = ['workflows', entry.index];
      const image = wf ? wf.image : objectOrUndefined(raw.image);
      const overrides = wf ? wf.overrides : objectOrUndefined(raw.overrides) ?? {};
      const perEnv = wf ? wf.environments[envName] : objectOrUndefined(getPath(raw, ['environments', envName]));
      const layers: Layer[] = [
        ...envLayers,
        { source: catalogFile!, fileKey: [...wfKey, 'image'], mount: ['image'], data: image },
        { source: catalogFile!, fileKey: [...wfKey, 'overrides'], mount: [], data: overrides },
        { source: catalogFile!, fileKey: [...wfKey, 'environments', envName], mount: [], data: perEnv },
      ];
      const scope = { environments: [envName], workflows: [entry.name] };
      const best = parseLayersBestEffort(workflowSettingsSchema, layers, issues, scope, {
        // A layer that could not be read may hold what seems missing: report only what is set.
        lenient: defaultsBroken || !wf,
        home: envLayers[envLayers.length - 1],
        requiredFix: (p) => `set \`${p.join('.')}\` under workflowDefaults (defaults.yaml or ${src.file}), or in this workflow's overrides in workflows.yaml`,
      });
      if (!best || !env) continue;
      const semantic = checkWorkflowSettings(best.data, env).filter(unaffected(best.removed));
      for (const i of semantic) issues.push(issueAt(layers, i.path, scope, i.value, i.message, envLayers[envLayers.length - 1]));
      if (!semantic.length && !best.removed.length && wf) settingsOf.set(`${envName}\u0000${entry.index}`, best.data);
    }
  }

  if (issues.length) throw new ConfigError(mergeConfigIssues(issues));

  const resolved: ResolvedEnvironment[] = [...environments.values()].map((env) => ({
    environment: env,
    workflows: entries.map((entry) => resolveWorkflow(entry.parsed!, settingsOf.get(`${env.name}\u0000${entry.index}`)!)),
  }));
  return { configDir: path.resolve(configDir), environments: resolved };
}

interface CatalogEntry {
  readonly index: number;
  /** As written, or `#<index>` when the entry has no usable name. */
  readonly name: string;
  readonly raw: unknown;
  /** Undefined when the entry itself is invalid (its settings are still checked, leniently). */
  readonly parsed?: Workflow;
}

/** workflows.yaml's top level; entries are checked one by one against workflowSchema. */
const catalogShellSchema = z.strictObject({ workflows: z.array(z.unknown()).min(1) });

function objectOrUndefined(v: unknown): Record<string, unknown> | undefined {
  return isPlainObject(v) ? v : undefined;
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

function layer(source: SourceFile): Layer {
  return { source, fileKey: [], mount: [], data: source.data };
}

type Scope = { readonly environments?: readonly string[]; readonly workflows?: readonly string[] };

interface ParseOptions {
  /** Where to set a required key that nothing sets (the fix in "is required" messages). */
  readonly requiredFix: (path: readonly (string | number)[]) => string;
  /** A layer could not be read: drop "is required" problems, which it may well have answered. */
  readonly lenient?: boolean;
  /** Where a key that no layer sets belongs (see issueAt). */
  readonly home?: Layer;
}

function parseLayers<T>(
  schema: z.ZodType<T>,
  layers: readonly Layer[],
  issues: ConfigIssue[],
  scope: Scope,
  options: ParseOptions,
): T | undefined {
  const parsed = parseLayersBestEffort(schema, layers, issues, scope, options);
  return parsed && !parsed.removed.length ? parsed.data : undefined;
}

/**
 * Like parseLayers, but when the merged data is invalid, reports the problems and then tries once
 * more without the offending keys (so their defaults apply): if that parses, the result lets the
 * semantic checks look at everything else in the same run. `removed` lists the keys taken out;
 * such a result is for checking only, never for rendering.
 */
function parseLayersBestEffort<T>(
  schema: z.ZodType<T>,
  layers: readonly Layer[],
  issues: ConfigIssue[],
  scope: Scope,
  options: ParseOptions,
): { data: T; removed: (string | number)[][] } | undefined {
  let data = deepMerge(...layers.map((l) => mountAt(l.mount, l.data))) ?? {};
  const removed: (string | number)[][] = [];
  for (let round = 0; round < 4; round++) {
    const result = parseForConfig(schema, data);
    if (result.success) return { data: result.data, removed };
    const described = describeZodIssues(schema, result.error.issues, data, options);
    if (round === 0) {
      for (const d of described) {
        if (options.lenient && d.required) continue;
        issues.push(issueAt(layers, d.path, scope, d.value, d.message, options.home));
      }
    }
    // Take out what failed (a whole list when an item failed); a missing required key ends it.
    const cut = described.map((d) => untilFirstIndex(d.path));
    if (described.some((d) => d.required) || cut.some((p) => p.length === 0)) return undefined;
    data = structuredClone(data);
    for (const p of cut) {
      deleteAt(data, p);
      removed.push(p);
    }
  }
  return undefined;
}

function untilFirstIndex(p: readonly (string | number)[]): (string | number)[] {
  const i = p.findIndex((k) => typeof k === 'number');
  return i === -1 ? [...p] : p.slice(0, i);
}

function deleteAt(data: unknown, p: readonly (string | number)[]): void {
  const parent = getPath(data, p.slice(0, -1));
  if (isPlainObject(parent)) delete parent[p[p.length - 1] as string];
}

/**
 * Semantic issues of a best-effort result are kept only when they do not touch what was taken out
 * (nor its siblings, whose relations to it cannot be judged).
 */
function unaffected(removed: readonly (readonly (string | number)[])[]): (issue: { path: readonly (string | number)[] }) => boolean {
  const related = (a: readonly unknown[], b: readonly unknown[]) => startsWith(a, b) || startsWith(b, a);
  return (issue) => !removed.some((r) => related(issue.path, r.slice(0, -1)));
}

function mountAt(mount: readonly (string | number)[], data: unknown): unknown {
  return mount.reduceRight<unknown>((acc, key) => ({ [key]: acc }), data);
}

/**
 * Attribute an issue at a merged path to the last layer that set it (or its nearest parent). When
 * no layer sets even its top-level key, it belongs in `home` (where such a key is usually set), or
 * else in the last layer.
 */
function issueAt(
  layers: readonly Layer[],
  issuePath: readonly (string | number)[],
  scope: Scope,
  value: unknown,
  message: string,
  home?: Layer,
): ConfigIssue {
  for (let depth = issuePath.length; depth >= 0; depth--) {
    const prefix = issuePath.slice(0, depth);
    const candidates = depth === 0 && home ? [home] : layers;
    for (let i = candidates.length - 1; i >= 0; i--) {
      const l = candidates[i];
      if (l === home && depth === 0) {
        return { ...definedScope(scope), file: `${l.source.file}${lineOf(l.source, l.fileKey)}`, key: [...l.fileKey, ...issuePath].join('.'), value, message };
      }
      if (!startsWith(prefix, l.mount) && !startsWith(l.mount, prefix)) continue;
      if (!startsWith(prefix, l.mount)) continue;
      const rel = prefix.slice(l.mount.length);
      if (getPath(l.data, rel) === undefined) continue;
      const fileKeyPath = [...l.fileKey, ...rel];
      // Report the full issue path, anchored in the file that holds its nearest defined ancestor.
      const fullKey = [...l.fileKey, ...issuePath.slice(l.mount.length)];
      const written = depth === issuePath.length ? writtenNumber(l.source, fileKeyPath, value) : undefined;
      return {
        ...definedScope(scope),
        file: `${l.source.file}${lineOf(l.source, fileKeyPath)}`,
        key: fullKey.join('.'),
        value,
        message: written === undefined ? message : message.split(quoteFix(String(value))).join(quoteFix(written)),
      };
    }
  }
  const last = layers[layers.length - 1];
  return { ...definedScope(scope), file: last?.source.file ?? '?', key: [...(last?.fileKey ?? []), ...issuePath].join('.'), value, message };
}

function startsWith(p: readonly unknown[], prefix: readonly unknown[]): boolean {
  return prefix.length <= p.length && prefix.every((k, i) => p[i] === k);
}

/** `:line` of the key at `keyPath` (a list item: the item itself), or nothing when unknown. */
function lineOf(source: SourceFile, keyPath: readonly (string | number)[]): string {
  if (keyPath.length === 0) return '';
  // The key's line: a value that is a block mapping or list starts on the line below its key.
  const parent = keyPath.length === 1 ? source.doc.contents : source.doc.getIn(keyPath.slice(0, -1), true);
  const last = keyPath[keyPath.length - 1];
  const pair = isMap(parent) ? parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last) : undefined;
  const node = (isScalar(pair?.key) ? pair.key : source.doc.getIn(keyPath, true)) as { range?: [number, number, number] } | undefined;
  if (!node?.range) return '';
  const pos = source.lines.linePos(node.range[0]);
  return `:${pos.line}`;
}

/**
 * A number as it is written at `keyPath` ("1.0"), when the parser read it as another text ("1"):
 * the fix to quote it must quote what was written.
 */
function writtenNumber(source: SourceFile, keyPath: readonly (string | number)[], value: unknown): string | undefined {
  if (typeof value !== 'number') return undefined;
  const node = source.doc.getIn(keyPath, true);
  if (!isScalar(node) || !node.range) return undefined;
  const written = source.text.slice(node.range[0], node.range[1]).trim();
  return written !== String(value) ? written : undefined;
}

function definedScope(scope: Scope): Scope {
  return {
    ...(scope.environments?.length ? { environments: scope.environments } : {}),
    ...(scope.workflows?.length ? { workflows: scope.workflows } : {}),
  };
}

// ---------------------------------------------------------------- reading files

/** The config folder as the user would type it: relative to the working directory when inside it. */
function displayPath(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  if (rel === '') return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? dir : `.${path.sep}${rel}`;
}

/** A missing folder, or one that is not a config folder at all, is one line, not a list of missing files. */
function assertConfigFolder(dir: string, shown: string): void {
  const fail = (message: string): never => { throw new ConfigError([{ io: true, file: shown, key: '', message }]); };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') fail(`config folder ${shown} does not exist (pass --config DIR)`);
    return fail(`cannot open config folder ${shown}: ${ioReason(e)} (pass --config DIR)`);
  }
  if (!stat.isDirectory()) fail(`config folder ${shown} is a file, not a folder (pass --config DIR)`);
  const has = (rel: string) => fs.existsSync(path.join(dir, rel));
  if (!has('workflows.yaml') && !has('defaults.yaml') && !has('environments')) {
    fail(`config folder ${shown} has no workflows.yaml, defaults.yaml or environments/; is it the right folder? (pass --config DIR)`);
  }
}

function listEnvironmentFiles(dir: string, shown: string, issues: ConfigIssue[]): string[] {
  const envDir = path.join(dir, 'environments');
  const where = `${shown}${path.sep}environments`;
  let files: string[] = [];
  try {
    const all = fs.readdirSync(envDir).sort();
    files = all.filter((f) => f.endsWith('.yaml'));
    // Read as nothing, a .yml file would only show as the environment missing everywhere it is named.
    for (const f of all.filter((x) => x.endsWith('.yml'))) {
      const yaml = `${f.slice(0, -'.yml'.length)}.yaml`;
      issues.push({ file: `environments/${f}`, key: '', message: all.includes(yaml)
        ? `is not read: environments/${yaml} is; delete it, or merge it into that file`
        : `is not read: environment files end in .yaml; rename it to environments/${yaml}` });
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      issues.push({ io: true, file: 'environments/', key: '', message: `cannot list ${where}: ${ioReason(e)}` });
      return [];
    }
  }
  if (files.length === 0) {
    issues.push({ io: true, file: 'environments/', key: '', message: `no environment files in ${where}; add environments/<env>.yaml (e.g. dev.yaml)` });
  }
  return files;
}

function ioReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES': case 'EPERM': return `permission denied (${err.code}); make it readable by this user`;
    case 'EISDIR': return 'it is a folder, not a file; replace it with a YAML file';
    case 'ENOTDIR': return 'a part of the path is a file, not a folder; fix the path';
    case 'ENOENT': return 'it does not exist; create it';
    default: return `${err.code ?? 'error'}: ${String(err.message ?? e).split('\n')[0]}; check the file and try again`;
  }
}

/** The source text of the mapping key that starts at `offset`, or undefined when none does. */
function keyWrittenAt(doc: Document, text: string, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      const range = (pair.key as { range?: [number, number, number] } | null)?.range;
      if (range?.[0] === offset) found = text.slice(range[0], range[1]).trim();
    },
  });
  return found;
}

/** `:line:col` of an offset, or nothing when unknown. */
function positionOf(lines: LineCounter, offset: number | undefined): string {
  const pos = offset === undefined ? undefined : lines.linePos(offset);
  return pos ? `:${pos.line}:${pos.col}` : '';
}

/** Fixes for the YAML parser's error codes. */
function yamlFix(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY': return 'remove or rename one of the two keys';
    case 'TAB_AS_INDENT': return 'indent with spaces, not tabs';
    case 'MISSING_CHAR': return 'close the bracket or quote that was opened';
    case 'BAD_INDENT': case 'BLOCK_AS_IMPLICIT_KEY': case 'MULTILINE_IMPLICIT_KEY': return 'check the indentation of this line and the ones above';
    default: return 'check the indentation, brackets and quotes here (quote values that contain ": " or " #")';
  }
}

function readYaml(dir: string, shown: string, rel: string, optional: boolean, issues: ConfigIssue[], broken: Set<string>): SourceFile | undefined {
  const file = path.join(dir, rel);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      if (!optional) {
        issues.push({ io: true, file: rel, key: '', message: rel === 'workflows.yaml'
          ? `${path.join(shown, rel)} does not exist; create it with the workflow catalog (a \`workflows:\` list), or pass --config DIR`
          : `${path.join(shown, rel)} does not exist; create it` });
      }
      return undefined;
    }
    broken.add(rel);
    issues.push({ io: true, file: rel, key: '', message: `cannot read ${path.join(shown, rel)}: ${ioReason(e)}` });
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    broken.add(rel);
    for (const e of doc.errors) {
      // The parser points at the repeated key without naming it: name it as written.
      const repeated = e.code === 'DUPLICATE_KEY' ? keyWrittenAt(doc, text, e.pos[0]) : undefined;
      const what = repeated ? `the key \`${repeated}\` appears twice in this mapping` : e.message.split('\n')[0];
      issues.push({ file: `${rel}${positionOf(lines, e.pos[0])}`, key: '', message: `YAML syntax error: ${what}; ${yamlFix(e.code)}` });
    }
    return undefined;
  }
  // Aliases resolve only when the document becomes data, and a bad one throws there: then every
  // alias to no anchor is reported where it is, else (too many expansions) the parser's reason.
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (e) {
    broken.add(rel);
    const before = issues.length;
    visit(doc, {
      Alias(_, alias) {
        if (alias.resolve(doc) !== undefined) return;
        issues.push({ file: `${rel}${positionOf(lines, alias.range?.[0])}`, key: '', value: `*${alias.source}`, message: `YAML alias to no anchor; define \`&${alias.source}\` on a value above it, or write the value out` });
      },
    });
    if (issues.length === before) issues.push({ file: rel, key: '', message: `YAML error: ${(e as Error).message.split('\n')[0]}; write the repeated values out instead of through aliases` });
    return undefined;
  }
  if (!isPlainObject(data)) {
    broken.add(rel);
    issues.push({ file: rel, key: '', value: data, message: `must be a mapping (key: value pairs) at the top level, got ${Array.isArray(data) ? 'a list' : 'a single value'}; write one \`key: value\` per line` });
    return undefined;
  }
  // A file in another format (or none named) is not read further: its fields could mean anything.
  const versionIssue = configVersionIssue(`${rel}${lineOf({ file: rel, text, doc, lines, data }, [CONFIG_VERSION_KEY])}`, data);
  if (versionIssue) {
    broken.add(rel);
    issues.push(versionIssue);
    return undefined;
  }
  delete data[CONFIG_VERSION_KEY];
  return { file: rel, text, doc, lines, data };
}
