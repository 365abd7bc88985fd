/**
 * What `npm pack` ships: the library (lib/, built by `npm run build`), the gate's schemas and the
 * docs; never the rendered manifests, tests, CI, scripts or config. Lists the tarball with
 * `npm pack --dry-run` (offline; without the prepack build, so lib/ is listed only once built).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from './helpers';
import { CRDS_SUBDIR, DEFINITIONS_FILE_NAME, DEFINITIONS_SUBDIR, SCHEMAS_DIR_NAME } from '../src/validation/schema-sources';

const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline'], { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path).sort();
}

test('the tarball holds the library, the gate\'s schemas and the docs, and nothing else', () => {
  const files = packedFiles();
  const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|lib\/(src|imports)\/.+\.(js|d\.ts)|schemas\/(README\.md|sources\.json|kubernetes\/[^/]+\.json|crds\/[^/]+\.ya?ml))$/;
  expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  // The gate reads these at run time, from the package's own folder (src/validation/schema-sources.ts).
  expect(files).toContain(`${SCHEMAS_DIR_NAME}/${DEFINITIONS_SUBDIR}/${DEFINITIONS_FILE_NAME}`);
  const crds = fs.readdirSync(path.join(PROJECT_ROOT, SCHEMAS_DIR_NAME, CRDS_SUBDIR)).filter((f) => /\.(ya?ml|json)$/.test(f));
  expect(files.filter((f) => f.startsWith(`${SCHEMAS_DIR_NAME}/${CRDS_SUBDIR}/`))).toEqual(crds.map((f) => `${SCHEMAS_DIR_NAME}/${CRDS_SUBDIR}/${f}`).sort());
  expect(files).toContain('CHANGELOG.md');
});

test('the entry point is the compiled src/index.ts, with its declarations, and the only one', () => {
  expect(pkg.private).toBeUndefined();
  expect(pkg.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  expect(pkg.main).toBe('lib/src/index.js');
  expect(pkg.types).toBe('lib/src/index.d.ts');
  expect(pkg.exports).toEqual({ '.': { types: './lib/src/index.d.ts', default: './lib/src/index.js' }, './package.json': './package.json' });
  expect(pkg.scripts.prepack).toBe('npm run build');
  const build = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  expect(build.compilerOptions).toMatchObject({ declaration: true, outDir: 'lib', rootDir: '.' });
});

test('cdk8s, cdk8s-plus-27 and constructs are peer dependencies (and dev dependencies here), never bundled ones', () => {
  for (const name of ['cdk8s', 'cdk8s-plus-27', 'constructs']) {
    expect({ name, peer: pkg.peerDependencies?.[name], dev: pkg.devDependencies?.[name], dependency: pkg.dependencies?.[name] })
      .toEqual({ name, peer: expect.any(String), dev: pkg.peerDependencies[name], dependency: undefined });
  }
});

test('the CHANGELOG has an entry for the package\'s version', () => {
  const changelog = fs.readFileSync(path.join(PROJECT_ROOT, 'CHANGELOG.md'), 'utf8');
  expect(changelog).toContain(`\n## [${pkg.version}]`);
});
