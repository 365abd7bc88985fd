/**
 * Reads every Kubernetes object in a folder of rendered manifests (recursively: `.yaml`,
 * `.yml`, `.json`), for the CI helpers that inspect `dist/<env>` without a cluster.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** One object found in a manifest file. */
export interface ManifestObject {
  /** The file it was read from. */
  readonly file: string;
  /** Its position among the file's objects, from 0. */
  readonly index: number;
  readonly object: KubernetesObject;
}

/** The fields the CI helpers read; everything else is carried along untouched. */
export interface KubernetesObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Every manifest file under `dir`, sorted so that output is stable. */
export function listManifestFiles(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`manifest folder ${dir} does not exist; render it first (npm run synth) or pass the right path`);
  }
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listManifestFiles(full));
    else if (MANIFEST_EXTENSIONS.has(path.extname(entry.name))) files.push(full);
  }
  return files.sort();
}

/** Every object under `dir`; `kind: List` documents are expanded into their items. */
export function readManifests(dir: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const file of listManifestFiles(dir)) {
    let index = 0;
    // YAML 1.1, as kubectl and the Go tools read these files: an unquoted `no` is a boolean there.
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' })) {
      if (doc.errors.length > 0) {
        throw new Error(`${file}: not valid YAML: ${doc.errors[0].message}`);
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue;
      if (!isObject(value)) throw new Error(`${file}: document ${index} is not a Kubernetes object`);
      const items = value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
      for (const item of items) {
        if (!isObject(item)) throw new Error(`${file}: List item ${index} is not a Kubernetes object`);
        objects.push({ file, index: index++, object: item });
      }
    }
  }
  return objects;
}

/** `Kind namespace/name` for messages. */
export function describeObject(object: KubernetesObject): string {
  const ns = object.metadata?.namespace;
  return `${object.kind ?? '<no kind>'} ${ns ? `${ns}/` : ''}${object.metadata?.name ?? '<no name>'}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
