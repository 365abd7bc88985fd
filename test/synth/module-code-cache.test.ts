/**
 * scripts/module-code-cache.js, which `npm run synth` enables before loading lib/: modules behave
 * exactly as Node.js loads them, an edited module is never run from its old code (even at the
 * same size), a cache entry is reused rather than rewritten, and a damaged one is only rewritten.
 * Each run is a fresh Node.js process on a small project in a temporary folder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { PROJECT_ROOT } from '../helpers';
import { tmp } from './cli-harness';

const HOOK = path.join(PROJECT_ROOT, 'scripts', 'module-code-cache.js');

function project(): string {
  const root = tmp('module-cache-');
  fs.mkdirSync(path.join(root, 'lib'));
  fs.writeFileSync(path.join(root, 'run.js'), [
    `require(${JSON.stringify(HOOK)}).enableModuleCodeCache(__dirname);`,
    "const a = require('./lib/a');",
    'process.stdout.write(JSON.stringify(a.report()));',
  ].join('\n'));
  fs.writeFileSync(path.join(root, 'lib', 'a.js'), [
    "const b = require('./b');",
    'exports.report = () => ({',
    '  word: b.word(),',
    "  resolved: require.resolve('./b') === __dirname + '/b.js',",
    "  paths: Array.isArray(require.resolve.paths('x')),",
    '  main: require.main === process.mainModule && require.main.filename.endsWith("run.js"),',
    '  cached: Object.keys(require.cache).filter((f) => f.includes("/lib/")).length,',
    '  file: __filename.endsWith("/lib/a.js") && module.filename === __filename,',
    '  self: this === module.exports,',
    '});',
  ].join('\n'));
  writeB(root, 'one');
  return root;
}

function writeB(root: string, word: string): void {
  fs.writeFileSync(path.join(root, 'lib', 'b.js'), `exports.word = () => '${word}';\n`);
}

function run(root: string): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'run.js')], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const cacheDir = (root: string) => path.join(root, 'node_modules', '.cache', 'langgraph-platform', 'modules');
const entries = (root: string) => (fs.existsSync(cacheDir(root)) ? fs.readdirSync(cacheDir(root)).sort() : []);

const EXPECTED = { word: 'one', resolved: true, paths: true, main: true, cached: 2, file: true, self: true };

test('modules see what Node.js gives them; the second run reuses every entry without rewriting it', () => {
  const root = project();
  expect(run(root)).toEqual({ status: 0, out: JSON.stringify(EXPECTED), err: '' });
  const first = entries(root);
  expect(first).toHaveLength(2); // lib/a.js and lib/b.js; run.js was loaded before the hook
  const written = first.map((f) => fs.statSync(path.join(cacheDir(root), f)).mtimeMs);

  expect(run(root)).toEqual({ status: 0, out: JSON.stringify(EXPECTED), err: '' });
  expect(entries(root)).toEqual(first);
  expect(first.map((f) => fs.statSync(path.join(cacheDir(root), f)).mtimeMs)).toEqual(written);
});

test('an edited module of the same size runs its new code', () => {
  const root = project();
  run(root);
  writeB(root, 'two');
  expect(JSON.parse(run(root).out).word).toBe('two');
  expect(entries(root)).toHaveLength(3);
});

test('a damaged entry only costs a compile: the module runs and the entry is written again', () => {
  const root = project();
  run(root);
  for (const f of entries(root)) fs.writeFileSync(path.join(cacheDir(root), f), Buffer.alloc(512, 1));
  expect(run(root)).toEqual({ status: 0, out: JSON.stringify(EXPECTED), err: '' });
  for (const f of entries(root)) expect(fs.readFileSync(path.join(cacheDir(root), f)).equals(Buffer.alloc(512, 1))).toBe(false);
});

test('a syntax error is reported as Node.js reports it, naming the file', () => {
  const root = project();
  fs.writeFileSync(path.join(root, 'lib', 'b.js'), 'exports.word = () => {;\n');
  const r = run(root);
  expect(r.status).toBe(1);
  expect(r.err).toContain(path.join(root, 'lib', 'b.js'));
  expect(r.err).toContain('SyntaxError');
});

test('npm run synth enables it before loading the command', () => {
  const script = fs.readFileSync(path.join(PROJECT_ROOT, 'scripts', 'run-built.js'), 'utf8');
  expect(script.indexOf("require('./module-code-cache').enableModuleCodeCache(root)")).toBeGreaterThan(0);
  expect(script.indexOf('enableModuleCodeCache(root)')).toBeLessThan(script.indexOf("require(path.join(root, OUT_DIR, 'src', target))"));
});
