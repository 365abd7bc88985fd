/**
 * Writes trivy's ignore file for one environment's rendered folder from config/waivers.yaml (rules
 * `trivy/<ID>`): trivy has no per-object annotation for Kubernetes manifests, so the waiver list
 * reaches it as `--ignorefile` entries scoped to the waived objects' files (src/validation/waivers.ts,
 * `trivyIgnoreEntries`). Paths are relative to the folder trivy scans.
 *
 * Usage: npx tsx scripts/ci/trivy-ignore.ts <config-dir> <env> <manifest-dir> <out-file>
 * Prints the number of entries written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load';
import { KubeObject } from '../../src/model/kube-object';
import { ScannedFile, trivyIgnoreEntries } from '../../src/validation/waivers';
import { readManifests } from './manifest-files';
import { CommandIo, defineCommand, processIo, runCommandSync } from '../../src/cli/command';

export function trivyIgnoreFile(configDir: string, env: string, manifestDir: string): string {
  const resolved = loadConfig(configDir).environments.find((e) => e.environment.name === env);
  if (!resolved) throw new Error(`no environment "${env}" in ${configDir}/environments/`);
  const byFile = new Map<string, KubeObject[]>();
  for (const { file, object } of readManifests(manifestDir)) {
    const rel = path.relative(manifestDir, file).split(path.sep).join('/');
    byFile.set(rel, [...(byFile.get(rel) ?? []), object as unknown as KubeObject]);
  }
  const files: ScannedFile[] = [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, objects]) => ({ path: p, objects }));
  const misconfigurations = trivyIgnoreEntries(resolved.environment, files);
  return stringify({ misconfigurations }, { lineWidth: 0 });
}

export const TRIVY_IGNORE_COMMAND = defineCommand({
  name: 'trivy-ignore',
  run: 'npx tsx scripts/ci/trivy-ignore.ts',
  summary: "Write trivy's ignore file for one environment's rendered folder from the config's waivers (rules trivy/<ID>), scoped to the waived objects' files; print the number of entries.",
  positionals: [
    { name: 'CONFIG_DIR', help: 'the config folder', required: true },
    { name: 'ENV', help: 'the environment', required: true },
    { name: 'MANIFEST_DIR', help: 'its rendered folder (dist/<env>); ignore paths are relative to it', required: true },
    { name: 'OUT_FILE', help: 'the ignore file to write', required: true },
  ],
  flags: {},
  examples: [{ command: 'npx tsx scripts/ci/trivy-ignore.ts config prod dist/prod /tmp/prod.trivyignore.yaml', explain: 'what scripts/ci/scan.sh runs' }],
  exitCodes: ['0  written', '1  an error (unknown environment, a waived object sharing a file)', '2  bad arguments'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(TRIVY_IGNORE_COMMAND, argv, ({ positionals: [configDir, env, manifestDir, out] }) => {
    const text = trivyIgnoreFile(configDir, env, manifestDir);
    fs.writeFileSync(out, text);
    io.out(`${(text.match(/^ {2}- id:/gm) ?? []).length}\n`);
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
