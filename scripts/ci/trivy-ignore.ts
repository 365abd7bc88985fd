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
import { KubeObject } from '../../src/synth/manifest';
import { ScannedFile, trivyIgnoreEntries } from '../../src/validation/waivers';
import { readManifests } from './manifest-files';

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

if (require.main === module) {
  const [configDir, env, manifestDir, out] = process.argv.slice(2);
  if (!out) {
    console.error('usage: npx tsx scripts/ci/trivy-ignore.ts <config-dir> <env> <manifest-dir> <out-file>');
    process.exit(2);
  }
  try {
    const text = trivyIgnoreFile(configDir, env, manifestDir);
    fs.writeFileSync(out, text);
    console.log((text.match(/^ {2}- id:/gm) ?? []).length);
  } catch (e) {
    console.error(`trivy-ignore: ${(e as Error).message}`);
    process.exit(1);
  }
}
