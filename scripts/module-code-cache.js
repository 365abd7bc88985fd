// @ts-check
/**
 * V8's code cache for the CommonJS modules a command loads (what Node.js 22 does with
 * `module.enableCompileCache()`, which Node.js 20 lacks). `npm run synth` loads about 10 MB of
 * JavaScript (cdk8s-plus's Kubernetes bindings alone are 2.5 MB), and parsing and compiling it was
 * the largest single cost of rendering the reference config. With the cache, V8 deserializes the
 * compiled code instead, including the functions compiled while the command ran: the cache of a
 * module is written when the process exits, after it has run.
 *
 * Only files under `root` are cached. Each cache entry is named by a hash of the module's text,
 * its path, Node.js's V8 version and this process's V8 options, because V8 checks a cache only
 * against the source's length, its own version and its flags: an edited file of the same size
 * must never meet the old code. V8 still rejects a cache it cannot use; then it is written again.
 * Never needed for correctness: a missing, unreadable or damaged entry only costs the compile;
 * entries are written to a temporary file and renamed, so concurrent processes never read half
 * of one. Entries live in node_modules/.cache (outside git, gone with the dependencies); when a
 * run writes new entries, those not read for a week (access time) are removed, so the caches of
 * edited sources do not pile up.
 *
 *   require('./module-code-cache').enableModuleCodeCache(root)    before the modules are required
 */
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const UNUSED_DAYS = 7;

/**
 * @param {string} root  modules under this folder are cached (the project: lib/ and node_modules/)
 * @param {{ cacheDir?: string }} [options]  cacheDir: @default `<root>/node_modules/.cache/langgraph-platform/modules`
 */
function enableModuleCodeCache(root, options = {}) {
  const cacheDir = options.cacheDir ?? path.join(root, 'node_modules', '.cache', 'langgraph-platform', 'modules');
  const prefix = path.resolve(root) + path.sep;
  const flags = crypto.createHash('sha256').update(`${process.versions.v8}\0${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`).digest('hex');
  /** @type {{ script: vm.Script, file: string }[]} */
  const pending = [];
  const proto = /** @type {any} */ (Module.prototype);
  const originalCompile = proto._compile;

  /**
   * @this {any} the Module being loaded
   * @param {string} content
   * @param {string} filename
   */
  proto._compile = function compileWithCodeCache(content, filename) {
    if (!filename.startsWith(prefix) || filename.startsWith(cacheDir)) return originalCompile.call(this, content, filename);
    const key = crypto.createHash('sha256').update(`${flags}\0${filename}\0`).update(content).digest('hex');
    const file = path.join(cacheDir, `${key}.v8`);
    /** @type {Buffer | undefined} */
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    /** @type {vm.Script} */
    let script;
    try {
      script = new vm.Script(Module.wrap(content), { filename, cachedData });
    } catch {
      // A syntax error: let Node.js report it as it always does.
      return originalCompile.call(this, content, filename);
    }
    if (cachedData === undefined || script.cachedDataRejected) pending.push({ script, file });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };

  process.once('exit', () => {
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
    } catch {
      return; // a read-only tree only loses the speed-up
    }
    for (const { script, file } of pending) {
      try {
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, script.createCachedData());
        fs.renameSync(partial, file);
      } catch {
        // best effort
      }
    }
    if (pending.length) removeUnused(cacheDir);
  });
}

/**
 * The `require` a module gets, as Node.js makes it (lib/internal/modules/helpers.js): resolution
 * from the module, `resolve` and `resolve.paths`, `main`, `extensions` and `cache`.
 * @param {any} mod
 */
function requireFor(mod) {
  const M = /** @type {any} */ (Module);
  /** @param {string} id */
  const require = (id) => mod.require(id);
  /** @param {string} request @param {{ paths?: string[] }} [opts] */
  const resolve = (request, opts) => M._resolveFilename(request, mod, false, opts);
  /** @param {string} request */
  resolve.paths = (request) => M._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = M._extensions;
  require.cache = M._cache;
  return require;
}

/**
 * Removes entries neither read nor written for {@link UNUSED_DAYS} days. Access times are kept
 * by the file system (`relatime`: at least daily); where they are not, an entry only costs a
 * compile when it is removed early.
 * @param {string} dir
 */
function removeUnused(dir) {
  const cutoff = Date.now() - UNUSED_DAYS * 24 * 3600 * 1000;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      const stat = fs.statSync(file);
      if (Math.max(stat.atimeMs, stat.mtimeMs) < cutoff) fs.rmSync(file, { force: true });
    } catch {
      // best effort
    }
  }
}

module.exports = { enableModuleCodeCache };
