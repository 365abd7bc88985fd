/**
 * The schema data is self-contained and pinned: every file under schemas/ is recorded in
 * schemas/sources.json (upstream, path, tag, commit, sha256) with the sha256 of its bytes, nothing
 * recorded is missing, the defaults point into the package's own schemas/ folder, cdk8s.yaml
 * imports only recorded files, and no source, test or script refers to a folder outside the
 * repository. A missing source is one line naming the file and the fix.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SchemaRegistry } from '../../src/validation/schema-registry';
import {
  defaultSchemasDir,
  DEFINITIONS_FILE_NAME,
  findProjectRoot,
  isSchemaSourceError,
  listCrdFiles,
  readKubernetesDefinitions,
  schemaSourcePaths,
  SchemaSourceError,
} from '../../src/validation/schema-sources';
import { readImports } from '../../scripts/import-crds';

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMAS = path.join(ROOT, 'schemas');
/** Files in schemas/ that document the data rather than being data. */
const METADATA_FILES = new Set(['README.md', 'sources.json', '.gitattributes']);

interface Source {
  readonly upstream: string;
  readonly path: string;
  readonly document?: string;
  readonly tag: string | null;
  readonly commit: string;
  readonly sha256: string;
  readonly license: string;
}
const SOURCES: Readonly<Record<string, Source>> = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'sources.json'), 'utf8'));

/** Every file under `dir`, relative to it, with `/` separators, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  ).sort();
}
const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const dataFiles = filesUnder(SCHEMAS).filter((f) => !METADATA_FILES.has(f));

describe('schemas/sources.json', () => {
  it('lists every data file in schemas/, and nothing that is missing', () => {
    expect(dataFiles.length).toBeGreaterThan(0);
    expect(Object.keys(SOURCES).sort()).toEqual(dataFiles);
  });

  it.each(Object.keys(SOURCES))('%s has the recorded sha256 and a complete pin', (file) => {
    const s = SOURCES[file];
    expect(sha256(path.join(SCHEMAS, file))).toBe(s.sha256);
    expect(s.upstream).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    expect(s.path).not.toBe('');
    expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(s.license).toBe('Apache-2.0');
    // Only the Kubernetes definitions come from a commit without a release tag.
    if (file.startsWith('crds/')) expect(typeof s.tag === 'string' && s.tag !== '').toBe(true);
    else expect(s.tag).toBeNull();
  });

  it('schemas/README.md names every file with its sha256', () => {
    const readme = fs.readFileSync(path.join(SCHEMAS, 'README.md'), 'utf8');
    const missing = Object.entries(SOURCES).filter(([file, s]) => !readme.includes(`\`${file}\``) || !readme.includes(s.sha256)).map(([file]) => file);
    expect(missing).toEqual([]);
  });
});

describe('default schema sources', () => {
  it("are the package's own schemas/ folder, found from the module's location", () => {
    expect(findProjectRoot()).toBe(ROOT);
    expect(defaultSchemasDir()).toBe(SCHEMAS);
    const paths = schemaSourcePaths();
    expect(paths.definitionsFile).toBe(path.join(SCHEMAS, 'kubernetes', DEFINITIONS_FILE_NAME));
    expect(paths.crdDirs).toEqual([path.join(SCHEMAS, 'crds')]);
    expect(listCrdFiles(paths.crdDirs).map((f) => `crds/${path.basename(f)}`)).toEqual(dataFiles.filter((f) => f.startsWith('crds/')));
  });

  it('find the package root of an installed copy from any folder inside it', () => {
    const pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'installed-package-'));
    const nested = path.join(pkg, 'node_modules', 'langgraph-platform', 'src', 'validation');
    fs.mkdirSync(nested, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'node_modules', 'langgraph-platform', 'package.json'), '{}');
    expect(findProjectRoot(nested)).toBe(path.join(pkg, 'node_modules', 'langgraph-platform'));
    fs.rmSync(pkg, { recursive: true, force: true });
  });
});

describe('a missing schema source', () => {
  let empty: string;
  beforeAll(() => {
    empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-schemas-'));
  });
  afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));

  const thrown = (f: () => unknown): Error => {
    try {
      f();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a throw');
  };

  it('is a one-line SchemaSourceError naming the file and the option to check', () => {
    const error = thrown(() => new SchemaRegistry({ schemasDir: empty, schemaCacheDir: false }));
    expect(error).toBeInstanceOf(SchemaSourceError);
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(path.join(empty, 'kubernetes', DEFINITIONS_FILE_NAME));
    expect(error.message).toMatch(/is missing: check the schemasDir/);
  });

  it("inside the package's schemas/ folder, says the folder is incomplete and how to restore it", () => {
    const file = path.join(SCHEMAS, 'kubernetes', 'not-there.json');
    const error = thrown(() => readKubernetesDefinitions(file));
    expect(error).toBeInstanceOf(SchemaSourceError);
    expect(error.message).toBe(
      `the Kubernetes definitions file ${file} is missing: the package's schemas/ folder is incomplete: restore it (in a clone: git checkout -- schemas/; otherwise reinstall the package)`,
    );
    const crds = thrown(() => listCrdFiles([path.join(SCHEMAS, 'crds-gone')]));
    expect(crds).toBeInstanceOf(SchemaSourceError);
    expect(crds.message).toContain(`the CRD folder ${path.join(SCHEMAS, 'crds-gone')} is missing: the package's schemas/ folder is incomplete`);
  });

  it('is still recognised after a worker rebuilt it as a plain Error from message and stack', () => {
    const original = thrown(() => readKubernetesDefinitions(path.join(empty, 'x.json')));
    const rebuilt = new Error(original.message);
    rebuilt.stack = original.stack;
    expect(isSchemaSourceError(original)).toBe(true);
    expect(isSchemaSourceError(rebuilt)).toBe(true);
    expect(isSchemaSourceError(new Error(original.message))).toBe(false);
  });
});

describe('cdk8s.yaml imports', () => {
  const imports = readImports(path.join(ROOT, 'cdk8s.yaml'));

  it('point only at recorded files in schemas/crds', () => {
    const unrecorded = imports.filter((i) => !(path.posix.normalize(i.file).startsWith('schemas/crds/') && SOURCES[i.file.slice('schemas/'.length)]));
    expect(unrecorded).toEqual([]);
  });

  it('name exactly the modules in imports/ (imports/<name>-<group>.ts)', () => {
    const expected = imports.map(({ name, file }) => {
      const group = /^spec:\n(?:[ \t].*\n|\n)*?  group: (\S+)$/m.exec(fs.readFileSync(path.join(ROOT, file), 'utf8'))?.[1];
      return `${name}-${group}.ts`;
    }).sort();
    expect(fs.readdirSync(path.join(ROOT, 'imports')).sort()).toEqual(expected);
  });
});

describe('self-contained', () => {
  it('no source, test or script refers to a folder beside the repository', () => {
    // Built from parts so this file does not match itself.
    const outside = new RegExp(['\\.\\./shared\\b', "'\\.\\.',\\s*'shared'", '/work/[s]hared'].join('|'));
    const hits = ['src', 'test', 'scripts'].flatMap((dir) =>
      filesUnder(path.join(ROOT, dir))
        .map((f) => path.join(dir, f))
        .filter((f) => outside.test(fs.readFileSync(path.join(ROOT, f), 'utf8'))),
    );
    expect(hits).toEqual([]);
  });
});
