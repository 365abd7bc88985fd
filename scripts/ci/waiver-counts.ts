/**
 * The README's per-scanner table: for each environment of dist/, how many object exemptions the
 * waiver list gives each scanner (the WAIVED column of scripts/ci/scan.sh, computed the same way:
 * skip annotations on the rendered objects, trivy ignore-file paths). scan.sh proves in CI that no
 * finding remains beyond them; a test keeps this table equal to the committed dist/.
 *
 * Usage: npx tsx scripts/ci/waiver-counts.ts [--write]   (prints the table; --write updates README.md)
 */
import * as fs from 'fs';
import * as path from 'path';
import { CommandIo, defineCommand, flag, processIo, runCommandSync } from '../../src/cli/command';
import { loadConfig } from '../../src/config/load';
import { KubeObject } from '../../src/model/kube-object';
import { ScannedFile, trivyIgnoreEntries } from '../../src/validation/waivers';
import { readManifests } from './manifest-files';

export const BEGIN = '<!-- scanner-waivers:begin -->';
export const END = '<!-- scanner-waivers:end -->';
export const SCANNERS = ['kube-linter', 'kube-score', 'polaris', 'checkov', 'trivy'] as const;

/** Exemptions per scanner in one environment's rendered folder. */
export function waiverCounts(configDir: string, env: string, manifestDir: string): Record<(typeof SCANNERS)[number], number> {
  const resolved = loadConfig(configDir).environments.find((e) => e.environment.name === env);
  if (!resolved) throw new Error(`no environment "${env}" in ${configDir}/environments/`);
  const counts = { 'kube-linter': 0, 'kube-score': 0, polaris: 0, checkov: 0, trivy: 0 };
  const byFile = new Map<string, KubeObject[]>();
  for (const { file, object } of readManifests(manifestDir)) {
    const o = object as unknown as KubeObject;
    const rel = path.relative(manifestDir, file).split(path.sep).join('/');
    byFile.set(rel, [...(byFile.get(rel) ?? []), o]);
    for (const [k, v] of Object.entries(o.metadata.annotations ?? {})) {
      if (k.startsWith('ignore-check.kube-linter.io/')) counts['kube-linter']++;
      else if (/^polaris\.fairwinds\.com\/[A-Za-z0-9]+-exempt$/.test(k)) counts.polaris++;
      else if (/^checkov\.io\/skip\d+$/.test(k)) counts.checkov++;
      else if (k === 'kube-score/ignore') counts['kube-score'] += String(v).split(',').filter((c) => c.trim()).length;
    }
  }
  const files: ScannedFile[] = [...byFile].map(([p, objects]) => ({ path: p, objects }));
  counts.trivy = trivyIgnoreEntries(resolved.environment, files).reduce((n, e) => n + e.paths.length, 0);
  return counts;
}

/** The Markdown table for the environments of dist/ that have a config (dist/argocd has none). */
export function waiverCountsTable(configDir: string, distDir: string): string {
  const envs = loadConfig(configDir).environments.map((e) => e.environment.name)
    .filter((e) => fs.existsSync(path.join(distDir, e))).sort();
  const counts = Object.fromEntries(envs.map((e) => [e, waiverCounts(configDir, e, path.join(distDir, e))]));
  const rows = [
    `| Scanner | ${envs.join(' | ')} |`,
    `|---|${envs.map(() => '---:').join('|')}|`,
    ...SCANNERS.map((t) => `| ${t} | ${envs.map((e) => counts[e][t]).join(' | ')} |`),
  ];
  return rows.join('\n');
}

export function replaceSection(readme: string, table: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${BEGIN} … ${END} section`);
  return `${readme.slice(0, a + BEGIN.length)}\n${table}\n${readme.slice(b)}`;
}

export const WAIVER_COUNTS_COMMAND = defineCommand({
  name: 'waiver-counts',
  run: 'npx tsx scripts/ci/waiver-counts.ts',
  summary: "Print the README's table of waived objects per scanner and environment, counted on the committed dist/.",
  flags: { write: flag.boolean({ help: "also replace the table in README.md" }) },
  examples: [{ command: 'npx tsx scripts/ci/waiver-counts.ts --write', explain: 'regenerate the README table' }],
  exitCodes: ['0  printed (and written)', '1  an error', '2  bad arguments'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(WAIVER_COUNTS_COMMAND, argv, ({ values }) => {
    const root = path.resolve(__dirname, '../..');
    const table = waiverCountsTable(path.join(root, 'config'), path.join(root, 'dist'));
    if (values.write) {
      const readme = path.join(root, 'README.md');
      fs.writeFileSync(readme, replaceSection(fs.readFileSync(readme, 'utf8'), table));
    }
    io.out(`${table}\n`);
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
