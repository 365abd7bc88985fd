/**
 * Loads rendered manifests (plain multi-document YAML under `dist/<env>/<folder>/*.yaml`) into
 * objects keyed by environment and by API group + kind + namespace + name — from a folder on disk
 * or from a git revision's tree (read with `git ls-tree` / `git cat-file`, no checkout).
 *
 * Layout read: the first path segment under the dist folder is the environment; the second, when
 * it is a folder, is the "folder" the object was rendered into (a workflow name, or `_shared` and
 * the like for per-environment objects). Any depth below that is read too. Files directly under the
 * dist folder belong to the pseudo-environment `(top level)`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from '../model/kube-object';
import { ObjectId, compareObjectIds, objectIdOf, objectKey, objectLabel } from '../model/object-id';

export interface IndexedObject {
  readonly env: string;
  /** Second path segment under the dist folder: the workflow, or `_shared`; `''` for files directly in the env folder. */
  readonly folder: string;
  /** Path relative to the dist folder, with `/` separators. */
  readonly file: string;
  readonly id: ObjectId;
  /** {@link objectKey} of `id`. */
  readonly key: string;
  readonly body: KubeObject;
}

/** Objects per environment, each environment's objects keyed by {@link objectKey}. */
export interface ManifestIndex {
  /** Where it was read from, for reports: a folder path or `<rev>:<path>`. */
  readonly source: string;
  readonly environments: ReadonlyMap<string, ReadonlyMap<string, IndexedObject>>;
}

/** A YAML file's text and its path relative to the dist folder. */
export interface ManifestFile {
  readonly path: string;
  readonly text: string;
}

export const TOP_LEVEL_ENV = '(top level)';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the fields every rendered object must have; errors name the file and document. */
function asKubeObject(value: unknown, where: string): KubeObject {
  if (!isRecord(value)) {
    throw new Error(`${where}: expected a Kubernetes object (a mapping), found ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  const metadata = value.metadata;
  if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    throw new Error(`${where}: object has no apiVersion/kind strings; every rendered document must be a Kubernetes object`);
  }
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    throw new Error(`${where}: ${value.kind} has no metadata.name; every rendered object must be named`);
  }
  if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
    throw new Error(`${where}: ${value.kind} ${metadata.name} has a non-string metadata.namespace`);
  }
  return value as unknown as KubeObject;
}

/** Parses one multi-document YAML text; empty documents (a stray `---`) are skipped. */
export function parseManifestText(text: string, file: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    const where = `${file} (document ${index + 1})`;
    if (doc.errors.length > 0) {
      throw new Error(`${where}: invalid YAML: ${doc.errors[0].message}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: -1 });
    if (value === null || value === undefined) return;
    objects.push(asKubeObject(value, where));
  });
  return objects;
}

function locate(file: string): { env: string; folder: string } {
  const parts = file.split('/');
  if (parts.length === 1) return { env: TOP_LEVEL_ENV, folder: '' };
  return { env: parts[0], folder: parts.length > 2 ? parts[1] : '' };
}

function isManifestPath(file: string): boolean {
  return /\.ya?ml$/i.test(file) && !file.split('/').some((part) => part.startsWith('.'));
}

/**
 * Builds the index from file texts. An object rendered twice in one environment is an error:
 * two Argo CD Applications would fight over it.
 */
export function indexManifestFiles(files: readonly ManifestFile[], source: string): ManifestIndex {
  const environments = new Map<string, Map<string, IndexedObject>>();
  const sorted = [...files].filter((f) => isManifestPath(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  for (const { path: file, text } of sorted) {
    const { env, folder } = locate(file);
    const objects = environments.get(env) ?? new Map<string, IndexedObject>();
    environments.set(env, objects);
    for (const body of parseManifestText(text, `${source}/${file}`)) {
      const id = objectIdOf(body);
      const key = objectKey(id);
      const earlier = objects.get(key);
      if (earlier) {
        throw new Error(
          `${source}: ${objectLabel(id)} is rendered twice in environment "${env}" (${earlier.file} and ${file}); ` +
            'render each object once per environment',
        );
      }
      objects.set(key, { env, folder, file, id, key, body });
    }
  }
  return { source, environments };
}

function listFilesRecursively(root: string, relative = ''): string[] {
  const here = path.join(root, relative);
  const names = fs.readdirSync(here).sort();
  const files: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const rel = relative ? `${relative}/${name}` : name;
    const stat = fs.statSync(path.join(root, rel));
    if (stat.isDirectory()) files.push(...listFilesRecursively(root, rel));
    else if (stat.isFile()) files.push(rel);
  }
  return files;
}

/** Reads every `*.yaml`/`*.yml` under a dist folder. */
export function loadDistDirectory(dir: string): ManifestIndex {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`${dir}: no such folder; pass the folder that holds <env>/<workflow>/*.yaml (e.g. dist)`);
  }
  const files = listFilesRecursively(dir)
    .filter(isManifestPath)
    .map((file) => ({ path: file, text: fs.readFileSync(path.join(dir, file), 'utf8') }));
  return indexManifestFiles(files, dir);
}

export interface GitRevisionSource {
  /** Any revision git understands: a commit, branch, tag, `HEAD~1`, `origin/main`. */
  readonly rev: string;
  /** The dist folder, absolute or relative to `cwd`; read at the same place in the revision's tree. */
  readonly distDir: string;
  /** A folder inside the git work tree. @default process.cwd() */
  readonly cwd?: string;
}

function git(args: readonly string[], cwd: string, input?: Buffer): Buffer {
  const result = spawnSync('git', args, { cwd, input, maxBuffer: 1024 * 1024 * 1024 });
  if (result.error) throw new Error(`git ${args.join(' ')}: ${result.error.message} (is git installed?)`);
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr.toString().trim()}`);
  }
  return result.stdout;
}

/** Splits `git cat-file --batch` output (`<sha> <type> <size>\n<bytes>\n` per object). */
function splitCatFileBatch(output: Buffer, count: number): string[] {
  const texts: string[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const headerEnd = output.indexOf(0x0a, offset);
    const header = output.subarray(offset, headerEnd).toString();
    const match = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!match) throw new Error(`git cat-file: unexpected header "${header}"`);
    const size = Number(match[1]);
    texts.push(output.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8'));
    offset = headerEnd + 1 + size + 1;
  }
  return texts;
}

/**
 * Reads the dist folder as it is in a git revision. A revision whose tree has no such folder
 * gives an empty index (everything in the other side reads as added).
 */
export function loadDistRevision(source: GitRevisionSource): ManifestIndex {
  const cwd = path.resolve(source.cwd ?? process.cwd());
  const topLevel = git(['rev-parse', '--show-toplevel'], cwd).toString().trim();
  const distAbsolute = path.resolve(cwd, source.distDir);
  const distInTree = path.relative(fs.realpathSync(topLevel), realpathOrSelf(distAbsolute)).split(path.sep).join('/');
  if (distInTree.startsWith('..')) {
    throw new Error(`${source.distDir} is outside the git work tree ${topLevel}; pass a dist folder inside it`);
  }
  const commit = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${source.rev}^{commit}`], { cwd: topLevel });
  if (commit.status !== 0) {
    throw new Error(`"${source.rev}" is not a commit in ${topLevel}; pass a branch, tag or commit (git log shows them)`);
  }
  const label = `${source.rev}:${distInTree || '.'}`;
  const listing = git(['ls-tree', '-r', '-z', source.rev, '--', distInTree || '.'], topLevel).toString('utf8');
  const entries = listing
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const [meta, file] = line.split('\t');
      const [mode, type, sha] = meta.split(' ');
      return { mode, type, sha, file };
    })
    // Blobs only: no submodules; symlinks (mode 120000) hold a path, not a manifest.
    .filter((e) => e.type === 'blob' && e.mode !== '120000')
    .map((e) => ({ sha: e.sha, relative: distInTree ? e.file.slice(distInTree.length + 1) : e.file }))
    .filter((e) => isManifestPath(e.relative));
  if (entries.length === 0) return { source: label, environments: new Map() };
  const batch = git(['cat-file', '--batch'], topLevel, Buffer.from(entries.map((e) => e.sha).join('\n') + '\n'));
  const texts = splitCatFileBatch(batch, entries.length);
  return indexManifestFiles(
    entries.map((e, i) => ({ path: e.relative, text: texts[i] })),
    label,
  );
}

function realpathOrSelf(p: string): string {
  // The dist folder need not exist in the work tree to be read from a revision.
  let existing = p;
  const missing: string[] = [];
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) {
    missing.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  return path.join(fs.realpathSync(existing), ...missing);
}

/** All objects of one environment, in display order. */
export function objectsOfEnvironment(index: ManifestIndex, env: string): IndexedObject[] {
  const objects = index.environments.get(env);
  if (!objects) return [];
  return [...objects.values()].sort((a, b) => compareObjectIds(a.id, b.id));
}
