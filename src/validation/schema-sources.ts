/**
 * Where the schemas come from: the Kubernetes definitions file and the CRD files in the package's
 * own `schemas/` folder (`schemas/kubernetes/`, `schemas/crds/`; provenance in schemas/README.md
 * and schemas/sources.json), and how to read the group/version/kind (GVK) of each schema out of
 * them. No validation logic here. Nothing outside the package is read unless a caller passes
 * other paths.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { isPlainObject, JsonSchema } from './strict-schema';

/** Identity of a Kubernetes kind at one API version. `group` is '' for the core group. */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface SchemaSourcePaths {
  /** The Kubernetes definitions file (`{ definitions: { <name>: schema } }`). */
  readonly definitionsFile: string;
  /** Folders whose `*.yaml`/`*.yml`/`*.json` files are CustomResourceDefinitions. */
  readonly crdDirs: readonly string[];
}

export const DEFINITIONS_FILE_NAME = 'k8s-v1.27.0-definitions.json';
/** The package's data folder, beside package.json. */
export const SCHEMAS_DIR_NAME = 'schemas';
/** Inside a schemas folder: the Kubernetes definitions and the CRDs. */
export const DEFINITIONS_SUBDIR = 'kubernetes';
export const CRDS_SUBDIR = 'crds';

/**
 * A schema source is missing or unreadable (an environment problem, not a bug): the message is
 * one line naming the file and the fix, so a CLI prints `error.message` without a stack trace.
 */
export class SchemaSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaSourceError';
  }
}

/**
 * Whether `error` is a {@link SchemaSourceError}, also after it crossed a worker boundary as a
 * plain Error that kept only its message and stack (src/synth/fleet rebuilds errors that way).
 */
export function isSchemaSourceError(error: unknown): error is Error {
  if (error instanceof SchemaSourceError) return true;
  if (!(error instanceof Error)) return false;
  return error.name === 'SchemaSourceError' || (typeof error.stack === 'string' && error.stack.startsWith('SchemaSourceError: '));
}

/**
 * The package root: the nearest folder at or above `startDir` holding a package.json. From this
 * module's own folder that is this package's root, wherever the package is installed.
 */
export function findProjectRoot(startDir: string = __dirname): string {
  let dir = path.resolve(startDir);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new SchemaSourceError(`no package.json found at or above ${startDir}: the package is incomplete; reinstall it (or, in a clone, run from inside the repository)`);
    }
    dir = parent;
  }
}

/** The package's `schemas/` folder: beside the package.json above this module. */
export function defaultSchemasDir(): string {
  return path.join(findProjectRoot(), SCHEMAS_DIR_NAME);
}

/** The definitions file and CRD folder inside a schemas folder (default: the package's own). */
export function schemaSourcePaths(schemasDir: string = defaultSchemasDir()): SchemaSourcePaths {
  return {
    definitionsFile: path.join(schemasDir, DEFINITIONS_SUBDIR, DEFINITIONS_FILE_NAME),
    crdDirs: [path.join(schemasDir, CRDS_SUBDIR)],
  };
}

/** How to fix a missing or unreadable schema source at `file`. */
function fixFor(file: string): string {
  let packaged: string | undefined;
  try {
    packaged = defaultSchemasDir();
  } catch {
    packaged = undefined;
  }
  const relative = packaged === undefined ? undefined : path.relative(packaged, path.resolve(file));
  if (relative !== undefined && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return `the package's ${SCHEMAS_DIR_NAME}/ folder is incomplete: restore it (in a clone: git checkout -- ${SCHEMAS_DIR_NAME}/; otherwise reinstall the package)`;
  }
  return 'check the schemasDir / definitionsFile / crdDirs option that points there (or leave it unset to use the package\'s own schemas/)';
}

// ---------------------------------------------------------------- GVK helpers

export function apiVersionOf(gvk: Pick<GroupVersionKind, 'group' | 'version'>): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

export function parseApiVersion(apiVersion: string): { readonly group: string; readonly version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Map key for one kind at one apiVersion, e.g. `apps/v1 Deployment`. */
export function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

// ---------------------------------------------------------------- Kubernetes definitions

export interface KubernetesDefinitions {
  readonly definitions: Readonly<Record<string, unknown>>;
  /** gvkKey → definition name, from each definition's `x-kubernetes-group-version-kind`. */
  readonly kinds: ReadonlyMap<string, string>;
}

export function readKubernetesDefinitions(file: string): KubernetesDefinitions {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? (error as Error).message})`;
    throw new SchemaSourceError(`the Kubernetes definitions file ${file} ${what}: ${fixFor(file)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SchemaSourceError(`the Kubernetes definitions file ${file} is not valid JSON (${(error as Error).message}): ${fixFor(file)}`);
  }
  if (!isPlainObject(parsed) || !isPlainObject(parsed.definitions)) {
    throw new SchemaSourceError(`${file} has no top-level "definitions" object; expected the Kubernetes JSON-schema definitions file: ${fixFor(file)}`);
  }
  const kinds = new Map<string, string>();
  for (const [name, definition] of Object.entries(parsed.definitions)) {
    if (!isPlainObject(definition)) continue;
    const gvks = definition['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) continue;
    for (const gvk of gvks) {
      if (!isPlainObject(gvk) || typeof gvk.kind !== 'string' || typeof gvk.version !== 'string') continue;
      const group = typeof gvk.group === 'string' ? gvk.group : '';
      kinds.set(gvkKey(apiVersionOf({ group, version: gvk.version }), gvk.kind), name);
    }
  }
  return { definitions: parsed.definitions, kinds };
}

// ---------------------------------------------------------------- CRDs

/** One version of one CRD. */
export interface CrdVersionSchema extends GroupVersionKind {
  /** Whether the API server serves this version (an unserved version is rejected at apply). */
  readonly served: boolean;
  /** The version's `openAPIV3Schema`, untransformed; undefined when the CRD has none. */
  readonly openAPIV3Schema: JsonSchema | undefined;
  readonly file: string;
}

export function listCrdFiles(crdDirs: readonly string[]): string[] {
  const files: string[] = [];
  for (const dir of crdDirs) {
    if (!fs.existsSync(dir)) throw new SchemaSourceError(`the CRD folder ${dir} is missing: ${fixFor(dir)}`);
    for (const name of fs.readdirSync(dir).sort()) {
      if (/\.(ya?ml|json)$/.test(name)) files.push(path.join(dir, name));
    }
  }
  return files;
}

/** Every CRD version defined in `file` (a multi-document YAML or JSON file). */
export function readCrdVersions(file: string, text: string = fs.readFileSync(file, 'utf8')): CrdVersionSchema[] {
  const versions: CrdVersionSchema[] = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new SchemaSourceError(`${file}: YAML error: ${doc.errors[0].message.split('\n')[0]}: ${fixFor(file)}`);
    const crd: unknown = doc.toJS();
    if (!isPlainObject(crd) || crd.kind !== 'CustomResourceDefinition') continue;
    const spec = crd.spec;
    if (!isPlainObject(spec) || typeof spec.group !== 'string' || !isPlainObject(spec.names) || typeof spec.names.kind !== 'string') {
      throw new SchemaSourceError(`${file}: CustomResourceDefinition without spec.group / spec.names.kind: ${fixFor(file)}`);
    }
    const kind = spec.names.kind;
    for (const version of Array.isArray(spec.versions) ? spec.versions : []) {
      if (!isPlainObject(version) || typeof version.name !== 'string') continue;
      const schema = isPlainObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
      versions.push({
        group: spec.group,
        version: version.name,
        kind,
        served: version.served !== false,
        openAPIV3Schema: isPlainObject(schema) ? schema : undefined,
        file,
      });
    }
  }
  return versions;
}

/**
 * Cheap pre-filter: can `text` define a CRD for `kind`? Parsing every CRD file costs about a
 * second (they total ~5 MB), so the registry parses only files that mention the kind. False
 * positives only cost time; the parse decides.
 */
export function mayDefineKind(text: string, kind: string): boolean {
  const escaped = kind.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`["']?kind["']?[ \\t]*:[ \\t]*["']?${escaped}["']?[ \\t\\r]*(?:[,}]|$)`, 'm').test(text);
}
