/**
 * Where the schemas come from: the Kubernetes definitions file and the CRD files in the
 * read-only shared folder (`../shared` next to the project root), and how to read the
 * group/version/kind (GVK) of each schema out of them. No validation logic here.
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

/** The nearest folder at or above `startDir` holding a package.json. */
export function findProjectRoot(startDir: string = __dirname): string {
  let dir = path.resolve(startDir);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json found at or above ${startDir}; run from inside the project`);
    dir = parent;
  }
}

/** The shared data folder: `../shared` relative to the project root. */
export function defaultSharedDir(): string {
  return path.resolve(findProjectRoot(), '..', 'shared');
}

export function schemaSourcePaths(sharedDir: string = defaultSharedDir()): SchemaSourcePaths {
  return {
    definitionsFile: path.join(sharedDir, 'schemas', DEFINITIONS_FILE_NAME),
    crdDirs: [path.join(sharedDir, 'crds')],
  };
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the Kubernetes definitions ${file}: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed) || !isPlainObject(parsed.definitions)) {
    throw new Error(`${file} has no top-level "definitions" object; expected the Kubernetes JSON-schema definitions file`);
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
    if (!fs.existsSync(dir)) throw new Error(`CRD folder ${dir} does not exist; pass the shared folder that holds crds/`);
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
    if (doc.errors.length > 0) throw new Error(`${file}: YAML error: ${doc.errors[0].message}`);
    const crd: unknown = doc.toJS();
    if (!isPlainObject(crd) || crd.kind !== 'CustomResourceDefinition') continue;
    const spec = crd.spec;
    if (!isPlainObject(spec) || typeof spec.group !== 'string' || !isPlainObject(spec.names) || typeof spec.names.kind !== 'string') {
      throw new Error(`${file}: CustomResourceDefinition without spec.group / spec.names.kind`);
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
