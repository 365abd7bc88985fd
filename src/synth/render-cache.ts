/**
 * Rendered workflows kept between runs of `npm run synth`. A workflow's objects are a function of
 * its environment's resolved settings, its own resolved settings and the code that renders them
 * (src/charts, src/constructs, cdk8s and friends): rendering them is most of a big catalog's CPU
 * (500 workflows × 3 environments: 13 of 29 CPU-seconds), yet a change to the config touches a
 * few workflows. So each workflow's objects are stored as JSON under a hash of exactly those
 * inputs, and a later run with the same inputs reads them instead of rendering. They still go
 * through the whole gate, and are serialized and written like rendered ones; the bytes written are
 * the same (test/synth/render-cache.test.ts).
 *
 * Keys, in two levels:
 *  - the generation: a hash of the running program (every file under its root: lib/ when built,
 *    src/ and imports/ when run from sources), the versions of Node.js, cdk8s, cdk8s-plus-27 and
 *    constructs, the lockfile, and the CDK8S_* environment variables cdk8s reads while rendering
 *    (CDK8S_DISABLE_SORT changes every object's key order). Any change to the code, even to the
 *    gate's, makes a new generation: every workflow is rendered once more.
 *  - the entry: a hash of the environment's and the workflow's resolved settings, encoded exactly
 *    (key order, absent versus undefined, -0 and NaN kept apart). Inputs that are not plain data
 *    cannot be encoded exactly, and are never cached.
 * The environment's other workflows are no input: a workflow's chart is given its environment and
 * itself only (src/synth/render.ts).
 *
 * Objects that JSON would not give back exactly (-0, NaN, undefined…) are not stored.
 *
 * Never needed for correctness: a missing, unreadable or damaged entry is rendered again and
 * rewritten; a cache that cannot be written is skipped. Safe with concurrent processes and threads
 * (write to a temporary file, then rename). Bounded: the two most recently used generations are
 * kept, each with at most {@link MAX_ENTRIES} entries (or the run's own renders, when more), the
 * least recently used removed first (a hit touches its entry). Pruning touches only what this module
 * writes (generation folders named by their hash), whatever else the folder holds. The folder lives
 * in node_modules/.cache, beside the schema cache.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ResolvedEnvironment, ResolvedWorkflow } from '../config/resolved';
import { KubeObject } from '../model/kube-object';
import { removeAway, removeQuietly, sha256, writeAtomically } from '../util/cache-files';

/** How a run uses the cache; plain data, so it crosses to the fleet's workers. */
export interface RenderCacheProps {
  /** The cache folder (see {@link RenderCache.defaultDir}). */
  readonly dir: string;
  /** The generation: see {@link codeIdentity}. */
  readonly generation: string;
  /**
   * Read stored entries. Without it every workflow is rendered, and what is rendered is stored
   * (`--no-cache`: a cold run, which also replaces any damaged entry).
   * @default true
   */
  readonly read?: boolean;
}

/** Entries kept per generation: 500 workflows × 3 environments take 1,500, at about 90 KB each. */
export const MAX_ENTRIES = 4000;
/** Generations kept: the current one and the one before it (a branch switched to and back). */
const GENERATIONS_KEPT = 2;
const ENTRY = /^[0-9a-f]{64}\.json$/;
const GENERATION = /^[0-9a-f]{64}$/;
/** A generation renamed away by a pruner that stopped before removing it. */
const STALE_GENERATION = /^\.[0-9a-f]{64}\.stale-/;
/** What {@link RENDER_CACHE_VARIABLE} may say to turn the cache off. */
const OFF = /^(off|false|no|0)$/i;

/** The environment variable that moves the cache (a folder) or turns it off (`off`). */
export const RENDER_CACHE_VARIABLE = 'LGP_RENDER_CACHE';

export class RenderCache {
  /** `<project>/node_modules/.cache/langgraph-platform/renders`. */
  static defaultDir(projectRoot: string): string {
    return path.join(projectRoot, 'node_modules', '.cache', 'langgraph-platform', 'renders');
  }

  /**
   * The folder `npm run synth` uses: {@link RENDER_CACHE_VARIABLE} when set (a relative path from
   * the working directory), else {@link defaultDir}; undefined when that variable is `off` (or
   * `false`, `no`, `0`).
   */
  static dirOf(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const set = env[RENDER_CACHE_VARIABLE]?.trim();
    if (set !== undefined && OFF.test(set)) return undefined;
    return set ? path.resolve(set) : RenderCache.defaultDir(projectRoot);
  }

  /**
   * Makes the cache ready for a run (in the main thread, before the renders): marks the
   * generation as the most recently used and prunes the cache (see the file comment), keeping at
   * least `renders` entries (the workflow renders of this run, which it is about to read). Best effort.
   */
  static prepare(props: RenderCacheProps, renders = 0): void {
    const current = generationDir(props);
    try {
      fs.mkdirSync(current, { recursive: true });
      const now = new Date();
      fs.utimesSync(current, now, now);
    } catch {
      return; // a read-only tree only loses the speed-up
    }
    pruneGenerations(props.dir, current);
    capEntries(current, Math.max(MAX_ENTRIES, renders));
  }

  private readonly folder: string;
  private readonly environmentKey: string | undefined;

  /** The cache of one environment's workflows; nothing is cached when its settings are not plain data. */
  constructor(private readonly props: RenderCacheProps, resolved: ResolvedEnvironment) {
    this.folder = generationDir(props);
    const encoded = exactEncoding(resolved.environment);
    this.environmentKey = encoded === undefined ? undefined : sha256(encoded);
  }

  /** `render(workflow)`, or the objects it rendered for the same inputs before. */
  objectsOf(workflow: ResolvedWorkflow, render: () => KubeObject[]): KubeObject[] {
    const file = this.entryOf(workflow);
    if (file === undefined) return render();
    if (this.props.read !== false) {
      const stored = readEntry(file);
      if (stored) return stored;
    }
    const objects = render();
    if (sameThroughJson(objects)) store(file, JSON.stringify(objects));
    return objects;
  }

  private entryOf(workflow: ResolvedWorkflow): string | undefined {
    if (this.environmentKey === undefined) return undefined;
    const encoded = exactEncoding(workflow);
    return encoded === undefined ? undefined : path.join(this.folder, `${sha256(`${this.environmentKey}\0${encoded}`)}.json`);
  }
}

/**
 * The generation key of the running program: see the file comment. Costs one read of the
 * program's files (lib/ is about 5 MB), once per run.
 */
export function codeIdentity(projectRoot: string, roots: readonly string[] = programRoots(), env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256');
  hash.update(`node ${process.version}\0`);
  // cdk8s reads CDK8S_DISABLE_SORT and CDK8S_LEGACY_HASH while rendering; CDK8S_OUTDIR only says where `cdk8s synth` wants files.
  for (const name of Object.keys(env).filter((n) => n.startsWith('CDK8S_') && n !== 'CDK8S_OUTDIR').sort()) hash.update(`${name}=${env[name]}\0`);
  for (const pkg of ['cdk8s', 'cdk8s-plus-27', 'constructs']) {
    hash.update(`${pkg} ${(require(`${pkg}/package.json`) as { version: string }).version}\0`);
  }
  try {
    hash.update(fs.readFileSync(path.join(projectRoot, 'package-lock.json')));
  } catch {
    hash.update('no lockfile\0'); // an installed package: the versions above
  }
  for (const root of roots) {
    for (const file of programFiles(root)) {
      hash.update(`${path.relative(root, file)}\0`);
      hash.update(fs.readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

/** The folders of the running program: lib/ when built (lib/src/synth/render-cache.js), else src/ and imports/. */
export function programRoots(): string[] {
  return path.extname(__filename) === '.ts' ? [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..', 'imports')] : [path.resolve(__dirname, '..', '..')];
}

/** Code and data files under `root`, sorted (so the order of directory listings does not matter). */
function programFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(js|ts|json)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(root);
  return files.sort();
}

/**
 * An encoding of plain data that tells apart every two values the renderer could tell apart: key
 * order kept, undefined properties and array holes, -0, NaN and the infinities marked (JSON would
 * drop or merge them). Undefined for anything else (class instances, maps, functions…).
 */
export function exactEncoding(value: unknown): string | undefined {
  const parts: string[] = [];
  const encode = (v: unknown): boolean => {
    switch (typeof v) {
      case 'string':
        parts.push(JSON.stringify(v));
        return true;
      case 'boolean':
        parts.push(v ? 't' : 'f');
        return true;
      case 'undefined':
        parts.push('u');
        return true;
      case 'number':
        parts.push(Object.is(v, -0) ? '-0' : Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf');
        return true;
      case 'object': {
        if (v === null) {
          parts.push('n');
          return true;
        }
        if (Array.isArray(v)) {
          parts.push('[');
          for (let i = 0; i < v.length; i++) {
            if (i > 0) parts.push(',');
            if (!(i in v)) parts.push('h');
            else if (!encode(v[i])) return false;
          }
          parts.push(']');
          return true;
        }
        if (!isPlainObject(v) || Object.getOwnPropertySymbols(v).length) return false;
        parts.push('{');
        let first = true;
        for (const key of Object.keys(v)) {
          if (!first) parts.push(',');
          first = false;
          parts.push(JSON.stringify(key), ':');
          if (!encode((v as Record<string, unknown>)[key])) return false;
        }
        parts.push('}');
        return true;
      }
      default:
        return false; // bigint, symbol, function
    }
  };
  return encode(value) ? parts.join('') : undefined;
}

/**
 * No prototype, or Object.prototype of this realm or another (data cloned between realms, as jest
 * does, is still plain); not class instances, maps, dates, nor objects inheriting data.
 */
function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as { constructor?: unknown } | null;
  if (proto === null || proto === Object.prototype) return true;
  return Object.getPrototypeOf(proto) === null && typeof proto.constructor === 'function' && proto.constructor.name === 'Object' && Object.prototype.hasOwnProperty.call(proto, 'hasOwnProperty');
}

/**
 * Whether JSON gives `value` back exactly: finite numbers other than -0, strings, booleans, null,
 * arrays without holes or undefined, plain objects without undefined properties.
 */
export function sameThroughJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !sameThroughJson(value[i])) return false;
        return true;
      }
      if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length) return false;
      for (const key of Object.keys(value)) if (key === '__proto__' || !sameThroughJson((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}

function generationDir(props: RenderCacheProps): string {
  return path.join(props.dir, props.generation);
}

/** The stored objects, and the entry touched (most recently used); undefined when missing or damaged. */
function readEntry(file: string): KubeObject[] | undefined {
  let objects: unknown;
  try {
    objects = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // never stored, or cut short: render again (and overwrite)
  }
  if (!Array.isArray(objects) || !objects.every((o) => o !== null && typeof o === 'object' && !Array.isArray(o))) return undefined;
  try {
    const now = new Date();
    fs.utimesSync(file, now, now);
  } catch {
    // best effort: it may be pruned a little early
  }
  return objects as KubeObject[];
}

function store(file: string, content: string): void {
  try {
    writeAtomically(file, content);
  } catch {
    // a cache that cannot be written only loses the speed-up
  }
}

/** Keeps the {@link GENERATIONS_KEPT} most recently used generations (by their folder's time), `current` among them. */
function pruneGenerations(dir: string, current: string): void {
  const generations: { readonly full: string; readonly used: number }[] = [];
  try {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (full === current || !entry.isDirectory()) continue;
      // Only what this module writes: the folder may be one the user named, holding other things.
      if (STALE_GENERATION.test(entry.name)) removeQuietly(full);
      else if (GENERATION.test(entry.name)) generations.push({ full, used: fs.statSync(full).mtimeMs });
    }
  } catch {
    return;
  }
  generations.sort((a, b) => b.used - a.used);
  for (const { full } of generations.slice(GENERATIONS_KEPT - 1)) removeAway(full);
}

/** Removes the least recently used entries above `max` (and leftover temporary files). Best effort. */
export function capEntries(folder: string, max: number): void {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  const entries: { readonly file: string; readonly used: number }[] = [];
  for (const name of names) {
    const file = path.join(folder, name);
    if (ENTRY.test(name) && names.length <= max) continue; // under the cap: no need to know when it was used
    try {
      const stat = fs.statSync(file);
      // A temporary file of a writer that stopped (any still being written is younger than a minute).
      if (!ENTRY.test(name)) {
        if (Date.now() - stat.mtimeMs > 60_000) fs.rmSync(file, { force: true, recursive: true });
        continue;
      }
      entries.push({ file, used: stat.mtimeMs });
    } catch {
      // gone already
    }
  }
  if (entries.length <= max) return;
  entries.sort((a, b) => a.used - b.used);
  for (const { file } of entries.slice(0, entries.length - max)) {
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // best effort
    }
  }
}

