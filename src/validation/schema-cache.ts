/**
 * What the schema registry derives from its inputs, kept on disk between runs:
 *  - compiled validators: ajv compiles each kind's schema to a JavaScript function; for the
 *    Kubernetes definitions and the big CRDs (Rollout, AnalysisTemplate, the Istio kinds) that
 *    costs about 1.5 s per process, more than rendering a small catalog. Stored as ajv's
 *    standalone code, compiled only for the kinds that are validated, with V8's code cache of it
 *    beside it once it has run (parsing and compiling the big ones costs more than running them),
 *    and the data the registry keeps with it (the patterns its schema had to drop).
 *  - parsed CRD files: parsing the CRDs' YAML costs about 0.3 s per process; stored as JSON.
 *
 * Content-addressed, in two levels. A source set (the definitions file and CRD folders, by path)
 * has a folder; in it, one generation folder per hash of everything the entries derive from (ajv's
 * version and options, the definitions, every CRD file's name and text, the code that derives the
 * schemas from them). Each entry is named by a hash of its key within the generation (a
 * validator's kind, which with the generation determines its schema, so a hit derives and hashes
 * no schema; a CRD file's path, text and parser). So a changed schema, CRD, transform or ajv is a
 * new generation, and every entry of the current generation matches the current inputs. Pruning (once
 * per cache, on first use) removes the source set's other generations, the folders of source sets
 * whose files are gone, and anything else in the cache folder it does not know.
 *
 * Never needed for correctness: a missing, unreadable or damaged entry is computed again (and
 * rewritten); a cache that cannot be written or pruned is skipped. Safe with concurrent processes
 * and threads: entries are written to a temporary file and renamed, and stale folders are renamed
 * away before they are removed (a reader that loses its entry just compiles). The folder lives in
 * node_modules/.cache (outside git, removed with the dependencies it was compiled with); the
 * stored code is run with this module's `require`, so any folder works.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { CrdVersionSchema } from './schema-sources';
import { removeAway, removeQuietly as remove, sha256, writeAtomically as writeFileAtomically } from '../util/cache-files';

export interface SchemaCacheProps {
  /** Folder of the cache (created on first write). */
  readonly dir: string;
  /** The schema sources, by absolute path: they name the source set's folder (see the file comment). */
  readonly sources: readonly string[];
  /**
   * Everything the entries derive from, hashed into the generation (see the file comment). Called
   * once, on the first use of the cache, so that its inputs are read only when the cache is used.
   */
  readonly generationKey: () => string;
}

/** The file, in a source set's folder, that lists its sources (so a set whose files are gone is pruned). */
const SOURCES_FILE = 'sources.json';
const VALIDATORS = 'validators';
const CRDS = 'crds';

export class SchemaCache {
  /** `<project>/node_modules/.cache/langgraph-platform/schemas`. */
  static defaultDir(projectRoot: string): string {
    return path.join(projectRoot, 'node_modules', '.cache', 'langgraph-platform', 'schemas');
  }

  /** A generation key: ajv's version and options plus the caller's inputs (texts, or their hashes). */
  static generationKeyOf(ajvOptions: object, ...inputs: readonly string[]): string {
    const ajvVersion = (require('ajv/package.json') as { version: string }).version;
    return [ajvVersion, JSON.stringify(ajvOptions), ...inputs].join('\0');
  }

  private generationDir: string | undefined;

  constructor(private readonly props: SchemaCacheProps) {}

  /**
   * The validator stored under `key`, and the data stored beside it; undefined when there is none
   * (or it is damaged). `key` names the schema within the generation (a kind, say): the generation
   * holds everything a schema derives from, so a hit costs neither deriving nor hashing the schema.
   */
  cached(key: string): { readonly validator: ValidateFunction; readonly extra: unknown } | undefined {
    const file = this.entry(VALIDATORS, key, '.js');
    let extra: unknown;
    try {
      extra = JSON.parse(fs.readFileSync(extraFile(file), 'utf8'));
    } catch {
      return undefined; // never stored, or cut short: compile again
    }
    const validator = this.load(file);
    return validator ? { validator, extra } : undefined;
  }

  /**
   * Compiles `schema` with `ajv` (created with `code: { source: true }`), stores it under `key`
   * with `extra` (plain JSON data) beside it, and returns it.
   */
  compile(key: string, ajv: Ajv, schema: object, extra: unknown = null): ValidateFunction {
    const file = this.entry(VALIDATORS, key, '.js');
    const validator = ajv.compile(schema);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
    this.store(file, standaloneCode(ajv, validator));
    this.store(extraFile(file), JSON.stringify(extra));
    // Run what was stored, so that its machine code is kept too (below) and the next run starts warm.
    return this.load(file) ?? validator;
  }

  /**
   * Writes V8's code cache of the validators loaded without a usable one. Taken after they have
   * run, so it holds the functions compiled on their first objects too: the big CRD validators
   * (ApplicationSet's is 13 MB of code) cost more to parse and compile than to run, hundreds of
   * milliseconds per process. Runs by itself once the current synchronous work is done; callable
   * directly (tests). Best effort, like every write of the cache.
   */
  writeCodeCaches(): void {
    const pending = this.pendingCodeCaches.splice(0);
    for (const { script, file } of pending) {
      try {
        this.store(codeCacheFile(file), script.createCachedData());
      } catch {
        // best effort
      }
    }
  }

  private readonly pendingCodeCaches: { readonly script: vm.Script; readonly file: string }[] = [];

  private load(file: string): ValidateFunction | undefined {
    const loaded = loadModule(file);
    if (loaded && !loaded.codeCacheUsed) {
      if (this.pendingCodeCaches.length === 0) setImmediate(() => this.writeCodeCaches());
      this.pendingCodeCaches.push({ script: loaded.script, file });
    }
    return loaded?.validator;
  }

  /** `parse(file, text)`, from the cache when this very text was parsed by this very parser before. */
  crdVersions(file: string, text: string, parse: (file: string, text: string) => CrdVersionSchema[]): CrdVersionSchema[] {
    const entry = this.entry(CRDS, `${parse.toString()}\0${file}\0${text}`, '.json');
    try {
      if (fs.existsSync(entry)) return JSON.parse(fs.readFileSync(entry, 'utf8')) as CrdVersionSchema[];
    } catch {
      // truncated: parse again (and overwrite)
    }
    const versions = parse(file, text);
    this.store(entry, JSON.stringify(versions));
    return versions;
  }

  /** The current generation's folder; the first call prunes the cache. */
  private generation(): string {
    if (this.generationDir === undefined) {
      const sourcesDir = path.join(this.props.dir, sha256(JSON.stringify(this.props.sources)));
      this.generationDir = path.join(sourcesDir, sha256(this.props.generationKey()));
      pruneCache(this.props.dir, sourcesDir, this.generationDir);
    }
    return this.generationDir;
  }

  private entry(kind: string, key: string, extension: string): string {
    return path.join(this.generation(), kind, `${sha256(key)}${extension}`);
  }

  private store(file: string, content: string | Buffer): void {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeAtomically(path.join(path.dirname(path.dirname(path.dirname(file))), SOURCES_FILE), JSON.stringify(this.props.sources), { onlyIfMissing: true });
      writeAtomically(file, content);
    } catch {
      // A read-only tree only loses the speed-up.
    }
  }
}

/**
 * Removes, in `dir`: the other generations of `sourcesDir`, source-set folders whose listed
 * sources are gone (or that list none), and any other entry (e.g. an older layout). Best effort.
 */
export function pruneCache(dir: string, sourcesDir: string, generationDir: string): void {
  const entries = (folder: string) => {
    try {
      return fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  for (const entry of entries(dir)) {
    const full = path.join(dir, entry.name);
    if (full === sourcesDir) continue;
    if (entry.name.startsWith('.')) {
      // A folder renamed away by a pruner that stopped before removing it.
      if (entry.name.includes('.stale-')) remove(full);
      continue;
    }
    if (!entry.isDirectory() || !sourcesExist(path.join(full, SOURCES_FILE))) removeAway(full);
  }
  for (const entry of entries(sourcesDir)) {
    const full = path.join(sourcesDir, entry.name);
    if (full === generationDir || entry.name === SOURCES_FILE || entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) removeAway(full);
  }
}

/**
 * Whether a source-set folder's list names files and folders that all still exist. A set being
 * created by another process (a hash-named folder, no list yet) is kept for a minute.
 */
function sourcesExist(listFile: string): boolean {
  let listed: unknown;
  try {
    listed = JSON.parse(fs.readFileSync(listFile, 'utf8'));
  } catch {
    try {
      return /^[0-9a-f]{64}$/.test(path.basename(path.dirname(listFile))) && Date.now() - fs.statSync(path.dirname(listFile)).mtimeMs < 60_000;
    } catch {
      return false;
    }
  }
  return Array.isArray(listed) && listed.length > 0 && listed.every((p) => typeof p === 'string' && fs.existsSync(p));
}

function writeAtomically(file: string, content: string | Buffer, options: { onlyIfMissing?: boolean } = {}): void {
  if (options.onlyIfMissing && fs.existsSync(file)) return;
  writeFileAtomically(file, content);
}

/**
 * Where V8's code cache of a stored validator is kept: beside it, one per V8 version and set of
 * V8 options (V8 rejects a cache made under other flags, so processes run with different options,
 * such as the test runner's, would otherwise keep rewriting each other's).
 */
function codeCacheFile(file: string): string {
  return `${file}.${V8_KEY}.v8`;
}

const V8_KEY = sha256(`${process.versions.v8}\0${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`).slice(0, 16);

/** Where the data stored with a validator is kept. */
function extraFile(file: string): string {
  return `${file}.json`;
}

/**
 * Runs a stored validator's code with this module's `require`, so that the ajv runtime helpers it
 * requires resolve to the project's ajv wherever the cache folder is. Compiled with V8's code
 * cache when one was kept for it (V8 checks that it fits this code and this V8, and rejects it
 * otherwise: then it is written again).
 */
function loadModule(file: string): { readonly validator: ValidateFunction; readonly script: vm.Script; readonly codeCacheUsed: boolean } | undefined {
  let code: string;
  try {
    code = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(codeCacheFile(file));
  } catch {
    cachedData = undefined;
  }
  try {
    const script = new vm.Script(`(function (module, exports, require) {${code}\n})`, { filename: file, cachedData });
    const module = { exports: {} as unknown };
    (script.runInThisContext() as (m: unknown, e: unknown, r: NodeRequire) => void)(module, module.exports, require);
    const loaded = module.exports as ValidateFunction | { default?: ValidateFunction };
    const validator = typeof loaded === 'function' ? loaded : loaded.default;
    if (typeof validator !== 'function') return undefined;
    return { validator, script, codeCacheUsed: cachedData !== undefined && !script.cachedDataRejected };
  } catch {
    return undefined; // cut short or from an incompatible ajv: compile again (and overwrite)
  }
}

export { sha256 };
