/**
 * A scanner waiver (config/waivers.yaml, rules `kube-linter/…`, `kube-score/…`, `polaris/…`,
 * `checkov/…`, `trivy/…`) is stale when the scanner, run without the waivers, reports nothing for
 * it: the gate (src/validation/waivers.ts) can only see that a waiver names a rendered object, so
 * scripts/ci/scan.sh runs each scanner once more per environment on a copy of dist/<env> with that
 * scanner's skip annotations removed (`--bare-copy`; for trivy, without its ignore file), and this
 * script compares the findings (scripts/ci/scanner-findings.ts) with the waivers: every waived
 * object must have a finding of the waived check.
 *
 * Usage: npx tsx scripts/ci/stale-scanner-waivers.ts <config-dir> <env> <tool> <manifest-dir> <findings.json>
 *        npx tsx scripts/ci/stale-scanner-waivers.ts <config-dir> <env> <tool> <manifest-dir> --bare-copy <out-dir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CommandIo, defineCommand, flag, processIo, runCommandSync } from '../../src/cli/command';
import { Waiver } from '../../src/config/schema';
import { loadConfig } from '../../src/config/load';
import {
  CHECKOV_SKIP_PREFIX, KUBE_LINTER_IGNORE_ALL, KUBE_LINTER_PREFIX, KUBE_SCORE_IGNORE, POLARIS_PREFIX, parseWaiverRule, waiverNames,
} from '../../src/validation/waivers';
import { FINDING_TOOLS, Finding, FindingTool } from './scanner-findings';
import { listManifestFiles, readManifests } from './manifest-files';

/** A rendered object as the waivers see it. */
export interface NamedObject {
  readonly kind: string;
  readonly name: string;
  /** Its `app.kubernetes.io/part-of` label, substituted for `<workflow>`. */
  readonly workflow?: string;
}

/** Is this annotation the tool's own skip switch (what synth renders from its waivers)? */
export function isSkipAnnotationOf(tool: FindingTool, key: string): boolean {
  switch (tool) {
    case 'kube-linter': return key.startsWith(KUBE_LINTER_PREFIX) || key === KUBE_LINTER_IGNORE_ALL;
    case 'kube-score': return key === KUBE_SCORE_IGNORE;
    case 'polaris': return key.startsWith(POLARIS_PREFIX) && key.endsWith('-exempt');
    case 'checkov': return key.includes(CHECKOV_SKIP_PREFIX);
    case 'trivy': return false; // trivy's waivers are its ignore file, which the bare run leaves out
  }
}

/**
 * One message per (waiver, object it names) that the tool's unwaived findings do not cover.
 * Waivers naming no object are left to the gate (`waiver/stale`). Pure.
 */
export function staleScannerWaivers(env: string, tool: FindingTool, waivers: readonly Waiver[], objects: readonly NamedObject[], findings: readonly Finding[]): string[] {
  const found = new Set(findings.map((f) => `${f.check}\0${f.kind}\0${f.name}`));
  const out: string[] = [];
  for (const w of waivers) {
    const { tool: t, check } = parseWaiverRule(w.rule);
    if (t !== tool) continue;
    const named = objects.filter((o) => waiverNames(w, o.kind, o.name, o.workflow));
    const unused = named.filter((o) => !found.has(`${check}\0${o.kind}\0${o.name}`));
    for (const o of unused) {
      const fix = unused.length === named.length
        ? `remove the waiver (or "${env}" from its environments)`
        : `remove the waiver for ${o.kind} ${o.name}: name only the objects ${tool} reports (${named.filter((x) => !unused.includes(x)).map((x) => x.name).join(', ')})`;
      out.push(`config/waivers.yaml: waiver ${w.rule} on ${w.kind} ${w.name} is stale in environment "${env}" for ${o.kind} ${o.name}: `
        + `${tool} run without its waivers reports no ${check} there; fix: ${fix}`);
    }
  }
  return out;
}

/** The manifests of `srcDir` copied to `outDir` (same relative paths) without the tool's skip annotations. */
export function writeBareCopy(tool: FindingTool, srcDir: string, outDir: string): number {
  let removed = 0;
  for (const file of listManifestFiles(srcDir)) {
    const dest = path.join(outDir, path.relative(srcDir, file));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      const annotations = doc.getIn(['metadata', 'annotations']) as { items?: { key: { value?: unknown } }[] } | undefined;
      for (const key of (annotations?.items ?? []).map((i) => String(i.key.value ?? i.key))) {
        if (isSkipAnnotationOf(tool, key)) { doc.deleteIn(['metadata', 'annotations', key]); removed++; }
      }
    }
    fs.writeFileSync(dest, (Array.isArray(docs) ? docs : [docs]).map((d) => d.toString({ lineWidth: 0 })).join('---\n'));
  }
  return removed;
}

export const STALE_SCANNER_WAIVERS_COMMAND = defineCommand({
  name: 'stale-scanner-waivers',
  run: 'npx tsx scripts/ci/stale-scanner-waivers.ts',
  summary: "Print every scanner waiver of one environment that the scanner's own unwaived findings do not need (or, with --bare-copy, write the folder the scanner runs on without its waivers).",
  positionals: [
    { name: 'CONFIG_DIR', help: 'the config folder', required: true },
    { name: 'ENV', help: 'the environment', required: true },
    { name: 'TOOL', help: `one of ${FINDING_TOOLS.join(', ')}`, required: true },
    { name: 'MANIFEST_DIR', help: 'its rendered folder (dist/<env>)', required: true },
    { name: 'FINDINGS', help: "scripts/ci/scanner-findings.ts's output for the tool's run on the bare copy (not with --bare-copy)", required: false },
  ],
  flags: { 'bare-copy': flag.value({ value: 'OUT_DIR', help: "write MANIFEST_DIR to OUT_DIR without the tool's skip annotations and print how many were removed" }) },
  examples: [
    { command: 'npx tsx scripts/ci/stale-scanner-waivers.ts config prod polaris dist/prod --bare-copy /tmp/bare', explain: 'the copy scan.sh runs Polaris on' },
    { command: 'npx tsx scripts/ci/stale-scanner-waivers.ts config prod polaris dist/prod /tmp/polaris-bare.findings.json', explain: 'the stale waivers, one line each' },
  ],
  exitCodes: ['0  no stale waiver (or the copy was written)', '1  stale waivers (printed), or an error', '2  bad arguments'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(STALE_SCANNER_WAIVERS_COMMAND, argv, ({ positionals: [configDir, env, tool, manifestDir, findingsFile], values }) => {
    if (!(FINDING_TOOLS as readonly string[]).includes(tool)) {
      io.err(`stale-scanner-waivers: unknown tool "${tool}"; use one of ${FINDING_TOOLS.join(', ')}\n`);
      return 2;
    }
    const t = tool as FindingTool;
    if (values['bare-copy']) {
      io.out(`${writeBareCopy(t, manifestDir, values['bare-copy'])}\n`);
      return 0;
    }
    if (!findingsFile) {
      io.err('stale-scanner-waivers: FINDINGS is required without --bare-copy (scripts/ci/scanner-findings.ts output)\n');
      return 2;
    }
    const resolved = loadConfig(configDir).environments.find((e) => e.environment.name === env);
    if (!resolved) throw new Error(`no environment "${env}" in ${configDir}/environments/`);
    const objects: NamedObject[] = readManifests(manifestDir).map(({ object }) => ({
      kind: String(object.kind), name: String(object.metadata?.name),
      workflow: (object.metadata?.labels as Record<string, string> | undefined)?.['app.kubernetes.io/part-of'],
    }));
    const findings = (JSON.parse(fs.readFileSync(findingsFile, 'utf8')) as { findings: Finding[] }).findings;
    const stale = staleScannerWaivers(env, t, resolved.environment.waivers, objects, findings);
    for (const line of stale) io.out(`${line}\n`);
    return stale.length ? 1 : 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
