#!/usr/bin/env node
// @ts-check
/**
 * `npm run synth` runs the precompiled JavaScript in lib/ (what `npm run build` emits), not the
 * TypeScript sources through tsx, which transpiled them on every run (a third of the synth's CPU).
 * So that nobody runs stale code, lib/ is rebuilt first whenever an input changed since the last
 * build: the inputs' fingerprint (path, size and modification time of every .ts file under src/
 * and imports/, and of the compiler settings and lockfile) is recorded beside the build and
 * compared on every run, which costs a few milliseconds of stat calls.
 *
 *   node scripts/run-built.js <module> [args...]    <module>: under src/, e.g. cli/synth
 *
 * The module's exported `main(argv)` runs in this process and its result is the exit code.
 * Concurrent runs build once: the first takes a lock folder, the others wait for its build.
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');

const SOURCE_FOLDERS = ['src', 'imports'];
const SETTINGS_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const OUT_DIR = 'lib';
const STAMP = '.inputs-fingerprint';
const LOCK = '.build-lock';
/** A lock older than this is left over from a killed build. */
const STALE_LOCK_MS = 10 * 60 * 1000;
const WAIT_STEP_MS = 100;

/**
 * The inputs' fingerprint: every .ts file under the source folders and the settings files, by
 * path, size and modification time (sorted, so the order of directory listings does not matter).
 * @param {string} root
 * @returns {string}
 */
function fingerprint(root) {
  /** @type {string[]} */
  const entries = [];
  const add = (/** @type {string} */ file) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    entries.push(stat ? `${path.relative(root, file)}\0${stat.size}\0${stat.mtimeMs}` : `${path.relative(root, file)}\0missing`);
  };
  const walk = (/** @type {string} */ dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) add(full);
    }
  };
  for (const folder of SOURCE_FOLDERS) {
    const dir = path.join(root, folder);
    if (fs.existsSync(dir)) walk(dir);
  }
  for (const file of SETTINGS_FILES) add(path.join(root, file));
  return crypto.createHash('sha256').update(entries.sort().join('\n')).digest('hex');
}

/** @param {string} root */
function recorded(root) {
  try {
    return fs.readFileSync(path.join(root, OUT_DIR, STAMP), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether lib/ was built from the inputs as they are now.
 * @param {string} root
 */
function isBuilt(root) {
  return recorded(root) === fingerprint(root);
}

/** @param {number} ms */
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds lib/ unless it was built from the current inputs. Returns whether it built.
 * Throws when the build fails (the compiler's messages went to stderr).
 * @param {string} root the project folder (holding tsconfig.build.json)
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {boolean}
 */
function ensureBuilt(root, options = {}) {
  const before = fingerprint(root);
  if (recorded(root) === before) return false;
  const outDir = path.join(root, OUT_DIR);
  fs.mkdirSync(outDir, { recursive: true });
  const lock = path.join(outDir, LOCK);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) fs.rmSync(lock, { recursive: true, force: true });
      else sleep(WAIT_STEP_MS);
      if (isBuilt(root)) return false; // another run built it meanwhile
    }
  }
  try {
    const current = fingerprint(root);
    if (recorded(root) === current) return false;
    options.log?.('sources changed since the last build: compiling them into lib/ (npm run build)');
    const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
    // The compiler's messages go to stderr: stdout may carry a command's JSON.
    const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });
    if (r.status !== 0) throw new Error(`the build failed (tsc -p tsconfig.build.json exited with ${r.status ?? r.signal}); fix the errors above`);
    // The fingerprint taken before compiling: an edit made during the build triggers the next one.
    const stamp = path.join(outDir, `${STAMP}.${process.pid}`);
    fs.writeFileSync(stamp, current);
    fs.renameSync(stamp, path.join(outDir, STAMP));
    return true;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

module.exports = { ensureBuilt, fingerprint, isBuilt };

if (require.main === module) {
  const [target, ...argv] = process.argv.slice(2);
  if (!target) {
    process.stderr.write('usage: node scripts/run-built.js <module under src/> [args...]\n');
    process.exit(2);
  }
  const root = path.resolve(__dirname, '..');
  try {
    ensureBuilt(root, { log: process.stderr.isTTY ? (line) => process.stderr.write(`${line}\n`) : undefined });
  } catch (e) {
    process.stderr.write(`${/** @type {Error} */ (e).message}\n`);
    process.exit(1);
  }
  require('./module-code-cache').enableModuleCodeCache(root);
  const { main } = require(path.join(root, OUT_DIR, 'src', target));
  Promise.resolve(main(argv)).then((code) => { process.exitCode = code; });
}
