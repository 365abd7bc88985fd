/**
 * `npm run import [-- --output DIR]` (`--help` for the details): regenerates imports/ with `cdk8s import`, offline, from the
 * `imports:` list in cdk8s.yaml, whose entries are `NAME:=schemas/crds/FILE` (CRD files kept in
 * this repository; provenance in schemas/README.md), by running the stock `cdk8s import` on
 * that list. Every entry needs its NAME: several CRDs share an API group, and without a module
 * name each import would overwrite the previous one. The generated module is
 * imports/<NAME>-<group>.ts. `--output DIR` writes elsewhere (the
 * byte-identity check in .ci/check-imports.sh uses it).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { CommandIo, defineCommand, flag, processIo, runCommandSync } from '../src/cli/command';

const ROOT = path.resolve(__dirname, '..');
export const CDK8S_CONFIG = path.join(ROOT, 'cdk8s.yaml');

export interface CrdImport {
  /** Module name: the generated file is imports/<name>-<group>.ts. */
  readonly name: string;
  /** The CRD file as written in cdk8s.yaml, relative to the repository root. */
  readonly file: string;
}

/** The `imports:` list of cdk8s.yaml, as `NAME:=FILE` pairs. Throws one line per problem. */
export function readImports(configFile: string = CDK8S_CONFIG): CrdImport[] {
  const config: unknown = YAML.parse(fs.readFileSync(configFile, 'utf8'));
  const list = typeof config === 'object' && config !== null ? (config as Record<string, unknown>).imports : undefined;
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${configFile} has no imports: list (entries NAME:=schemas/crds/FILE)`);
  return list.map((entry, i) => {
    const m = typeof entry === 'string' ? /^([a-z0-9][a-z0-9-]*):=(.+)$/.exec(entry) : null;
    if (!m) throw new Error(`${configFile}: imports[${i}] is ${JSON.stringify(entry)}; expected NAME:=schemas/crds/FILE`);
    const [, name, file] = m;
    if (path.isAbsolute(file) || path.normalize(file).startsWith('..')) {
      throw new Error(`${configFile}: imports[${i}] (${name}) points outside the repository (${file}); copy the CRD into schemas/crds/ and record it in schemas/README.md`);
    }
    return { name, file };
  });
}

export const IMPORT_CRDS_COMMAND = defineCommand({
  name: 'import-crds',
  run: 'npm run import --',
  summary: 'Regenerate imports/ (typed constructs of the CRDs the project uses) with the stock `cdk8s import`, offline, from the `imports:` list of cdk8s.yaml (NAME:=schemas/crds/FILE entries).',
  flags: {
    output: flag.value({ value: 'DIR', help: 'folder to write the modules into', default: path.join(ROOT, 'imports'), defaultText: 'imports/ of this project' }),
  },
  examples: [
    { command: 'npm run import', explain: 'regenerate imports/ after changing the imports: list or a CRD file' },
    { command: 'npm run import -- --output=/tmp/imports', explain: 'into a scratch folder (.ci/check-imports.sh compares it with imports/)' },
  ],
  exitCodes: ['0  imported', '1  a bad imports: list, a missing CRD file, or cdk8s import failed', '2  bad arguments'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(IMPORT_CRDS_COMMAND, argv, ({ values }) => {
    try {
      importCrds(path.resolve(values.output), io);
      return 0;
    } catch (error) {
      io.err(`import-crds: ${(error as Error).message}\n`);
      return 1;
    }
  }, io);
}

function importCrds(output: string, io: CommandIo): void {
  const imports = readImports();
  for (const { name, file } of imports) {
    if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`${file} (module ${name}, from cdk8s.yaml) is missing; restore schemas/ (git checkout -- schemas/)`);
    io.out(`import ${name} ← ${file}\n`);
  }
  fs.mkdirSync(output, { recursive: true });
  // Without a SPEC, `cdk8s import` imports every entry of cdk8s.yaml's `imports:` list (paths
  // relative to cwd), in one process: about 9x faster than one process per entry.
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['import', '--language', 'typescript', '--output', output, '--no-check-upgrade'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
