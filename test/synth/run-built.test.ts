/**
 * scripts/run-built.js, which `npm run synth` starts: it runs the precompiled lib/ and rebuilds it
 * first whenever a source or compiler setting changed, so nobody runs stale code. Exercised on a
 * one-file project in a temporary folder (the real build is exercised by `.ci/run`'s synth).
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { PROJECT_ROOT } from '../helpers';
import { tmp } from './cli-harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt, isBuilt } = require('../../scripts/run-built.js') as {
  ensureBuilt: (root: string, options?: { log?: (line: string) => void }) => boolean;
  isBuilt: (root: string) => boolean;
};

function project(): string {
  const root = tmp('run-built-');
  fs.mkdirSync(path.join(root, 'src', 'cli'), { recursive: true });
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, types: ['node'] } }));
  fs.writeFileSync(path.join(root, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { outDir: 'lib', rootDir: '.', incremental: true, tsBuildInfoFile: 'lib/.tsbuildinfo' }, include: ['src/**/*.ts'] }));
  fs.writeFileSync(path.join(root, 'package-lock.json'), '{}');
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  write(root, 'one');
  return root;
}

function write(root: string, word: string): void {
  fs.writeFileSync(path.join(root, 'src', 'cli', 'say.ts'), `export function main(argv: string[]): number { process.stdout.write('${word} ' + argv.join(' ')); return argv.length; }\n`);
}

test('builds when lib/ is missing, not again while nothing changed, and again after an edit; a new file, a settings change or a deleted lib/ is seen', () => {
  const root = project();
  const logged: string[] = [];
  expect(ensureBuilt(root, { log: (l) => logged.push(l) })).toBe(true);
  expect(logged).toEqual(['sources changed since the last build: compiling them into lib/ (npm run build)']);
  expect(fs.readFileSync(path.join(root, 'lib', 'src', 'cli', 'say.js'), 'utf8')).toContain("'one '");
  expect(ensureBuilt(root)).toBe(false);

  write(root, 'two');
  expect(isBuilt(root)).toBe(false);
  expect(ensureBuilt(root)).toBe(true);
  expect(fs.readFileSync(path.join(root, 'lib', 'src', 'cli', 'say.js'), 'utf8')).toContain("'two '");
  expect(isBuilt(root)).toBe(true);

  const changes: [string, () => void, () => void][] = [
    ['a deleted lib/', () => fs.renameSync(path.join(root, 'lib'), path.join(root, 'lib.away')), () => fs.renameSync(path.join(root, 'lib.away'), path.join(root, 'lib'))],
    ['a new source file', () => fs.writeFileSync(path.join(root, 'src', 'extra.ts'), 'export const x = 1;\n'), () => fs.rmSync(path.join(root, 'src', 'extra.ts'))],
    ['a lockfile change', () => fs.writeFileSync(path.join(root, 'package-lock.json'), '{ "lockfileVersion": 3 }'), () => fs.writeFileSync(path.join(root, 'package-lock.json'), '{}')],
  ];
  // Each undone before the next (the last, a rewrite, leaves a new modification time behind).
  for (const [what, change, undo] of changes) {
    expect({ what, before: isBuilt(root) }).toEqual({ what, before: true });
    change();
    expect({ what, built: isBuilt(root) }).toEqual({ what, built: false });
    undo();
  }
});

test('a failed build throws, records nothing, and the next run tries again', () => {
  const root = project();
  fs.writeFileSync(path.join(root, 'src', 'broken.ts'), 'export const n: number = "not a number";\n');
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(() => ensureBuilt(root)).toThrow('the build failed (tsc -p tsconfig.build.json exited with 2); fix the errors above');
  } finally {
    stderr.mockRestore();
  }
  expect(fs.existsSync(path.join(root, 'lib', '.inputs-fingerprint'))).toBe(false);
  fs.rmSync(path.join(root, 'src', 'broken.ts'));
  expect(ensureBuilt(root)).toBe(true);
});

test('the script runs the built module\'s main(argv) and exits with its result; the build messages never reach stdout', () => {
  const root = project();
  fs.mkdirSync(path.join(root, 'scripts'));
  for (const script of ['run-built.js', 'module-code-cache.js']) fs.copyFileSync(path.join(PROJECT_ROOT, 'scripts', script), path.join(root, 'scripts', script));
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-built.js'), 'cli/say', 'a', 'b'], { cwd: root, encoding: 'utf8' });
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: 'one a b' });
  const usage = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-built.js')], { cwd: root, encoding: 'utf8' });
  expect({ status: usage.status, stderr: usage.stderr }).toEqual({ status: 2, stderr: 'usage: node scripts/run-built.js <module under src/> [args...]\n' });
});

test('npm run synth starts it on the synth command', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
  expect(pkg.scripts.synth).toBe('node scripts/run-built.js cli/synth');
  expect(fs.existsSync(path.join(PROJECT_ROOT, 'src', 'cli', 'synth.ts'))).toBe(true);
});
