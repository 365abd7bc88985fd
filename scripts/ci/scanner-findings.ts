/**
 * Reads one scanner's JSON report on one environment's rendered folder and prints it normalized:
 * `{"tool", "checks", "findings": [{"check", "kind", "name", "message"}]}`, findings sorted. scan.sh
 * prints the findings and the counts (its CHECKS and FINDINGS columns) and feeds the list to
 * scripts/ci/stale-scanner-waivers.ts. What `checks` counts, per tool (each from the tool's own output):
 *   kube-linter  the checks its configuration enabled (the report's `Checks`);
 *   kube-score   distinct checks evaluated on at least one object, or skipped there by a waiver;
 *   polaris      distinct checks in the audit results;
 *   checkov      distinct check ids among passed, failed and skipped results;
 *   trivy        the most checks evaluated on one file (successes + failures of its MisconfSummary;
 *                trivy reports per-file counts, not check ids, for the checks that passed).
 * A finding is what fails the gate: a kube-linter report, a kube-score WARNING or CRITICAL grade, a
 * failed Polaris check, a failed Checkov check, a trivy misconfiguration with status FAIL. Objects
 * are named by kind and name; trivy names a file, so its objects are read from the folder.
 *
 * Usage: npx tsx scripts/ci/scanner-findings.ts <tool> <report.json> <manifest-dir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { CommandIo, defineCommand, processIo, runCommandSync } from '../../src/cli/command';
import { readManifests } from './manifest-files';

export const FINDING_TOOLS = ['kube-linter', 'kube-score', 'polaris', 'checkov', 'trivy'] as const;
export type FindingTool = (typeof FINDING_TOOLS)[number];

export interface Finding {
  readonly check: string;
  readonly kind: string;
  readonly name: string;
  readonly message: string;
}

export interface ScannerReport {
  readonly tool: FindingTool;
  readonly checks: number;
  readonly findings: Finding[];
}

const cmp = (a: Finding, b: Finding) => {
  const ka = `${a.check}\0${a.kind}\0${a.name}\0${a.message}`;
  const kb = `${b.check}\0${b.kind}\0${b.name}\0${b.message}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** Objects by file path relative to the scanned folder (trivy reports files). */
export type FileObjects = ReadonlyMap<string, readonly { kind: string; name: string }[]>;

export function fileObjects(manifestDir: string): FileObjects {
  const out = new Map<string, { kind: string; name: string }[]>();
  for (const { file, object } of readManifests(manifestDir)) {
    const rel = path.relative(manifestDir, file).split(path.sep).join('/');
    out.set(rel, [...(out.get(rel) ?? []), { kind: String(object.kind), name: String(object.metadata?.name) }]);
  }
  return out;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The normalized report of one tool's JSON output. Throws when the output is not that tool's JSON. */
export function scannerReport(tool: FindingTool, json: string, files: FileObjects = new Map()): ScannerReport {
  const data: any = JSON.parse(json);
  const findings: Finding[] = [];
  let checks: number;
  switch (tool) {
    case 'kube-linter': {
      if (!Array.isArray(data?.Checks)) throw new Error('not a kube-linter JSON report (no "Checks" list)');
      checks = data.Checks.length;
      for (const r of data.Reports ?? []) {
        const o = r.Object?.K8sObject ?? {};
        findings.push({ check: r.Check, kind: o.GroupVersionKind?.Kind, name: o.Name, message: r.Diagnostic?.Message ?? '' });
      }
      break;
    }
    case 'kube-score': {
      // kube-score prints `null` when no file held an object it scores (dist/argocd: Argo CD kinds only).
      if (data !== null && !Array.isArray(data)) throw new Error('not a kube-score JSON report (expected a list of objects)');
      const ids = new Set<string>();
      for (const o of data ?? []) {
        for (const c of o.checks ?? []) {
          const waived = c.skipped && (c.comments ?? []).some((x: any) => / is ignored$/.test(x.summary ?? ''));
          if (!c.skipped || waived) ids.add(c.check.id);
          // kube-score grades: 1 CRITICAL, 5 WARNING, 7 ALMOST OK, 10 ALL OK.
          if (!c.skipped && (c.grade === 1 || c.grade === 5)) {
            findings.push({ check: c.check.id, kind: o.type_meta.kind, name: o.object_meta.name,
              message: (c.comments ?? []).map((x: any) => [x.path, x.summary].filter(Boolean).join(': ')).join('; ') });
          }
        }
      }
      checks = ids.size;
      break;
    }
    case 'polaris': {
      if (!Array.isArray(data?.Results)) throw new Error('not a Polaris JSON audit (no "Results" list)');
      const ids = new Set<string>();
      for (const r of data.Results) {
        const groups = [r.Results ?? {}, r.PodResult?.Results ?? {}, ...(r.PodResult?.ContainerResults ?? []).map((c: any) => c.Results ?? {})];
        for (const g of groups) {
          for (const v of Object.values<any>(g)) {
            ids.add(v.ID);
            if (!v.Success) findings.push({ check: v.ID, kind: r.Kind, name: r.Name, message: v.Message });
          }
        }
      }
      checks = ids.size;
      break;
    }
    case 'checkov': {
      // Checkov prints only its summary counts (no "results") when the folder held nothing to check.
      const runs: any[] = (Array.isArray(data) ? data : [data]).filter((x) => !(x && 'passed' in x && x.resource_count === 0));
      if (!runs.every((x) => x?.results && x?.summary)) throw new Error('not a Checkov JSON report (no "results" and "summary")');
      const ids = new Set<string>();
      for (const run of runs) {
        for (const list of ['passed_checks', 'failed_checks', 'skipped_checks']) {
          for (const c of run.results[list] ?? []) {
            ids.add(c.check_id);
            if (list !== 'failed_checks') continue;
            // resource: <Kind>.<namespace>.<name>; a name may hold dots, a kind and namespace cannot.
            const [kind, , ...rest] = String(c.resource).split('.');
            findings.push({ check: c.check_id, kind, name: rest.join('.'), message: c.check_name });
          }
        }
      }
      checks = ids.size;
      break;
    }
    case 'trivy': {
      if (!('SchemaVersion' in (data ?? {})) || !Array.isArray(data.Results ?? [])) throw new Error('not a trivy JSON report (no "SchemaVersion", or "Results" not a list)');
      checks = 0;
      for (const r of data.Results ?? []) {
        const s = r.MisconfSummary ?? {};
        checks = Math.max(checks, (s.Successes ?? 0) + (s.Failures ?? 0));
        for (const m of r.Misconfigurations ?? []) {
          if (m.Status !== 'FAIL') continue;
          const objects = files.get(r.Target) ?? [{ kind: '?', name: r.Target }];
          for (const o of objects) findings.push({ check: m.ID, kind: o.kind, name: o.name, message: m.Message ?? m.Title });
        }
      }
      break;
    }
  }
  return { tool, checks, findings: findings.sort(cmp) };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export const SCANNER_FINDINGS_COMMAND = defineCommand({
  name: 'scanner-findings',
  run: 'npx tsx scripts/ci/scanner-findings.ts',
  summary: "Normalize one scanner's JSON report on one rendered environment: how many checks ran, and each finding as check, kind, name, message (JSON).",
  positionals: [
    { name: 'TOOL', help: `one of ${FINDING_TOOLS.join(', ')}`, required: true },
    { name: 'REPORT', help: "the tool's JSON output", required: true },
    { name: 'MANIFEST_DIR', help: 'the folder it scanned (trivy reports files; their objects are read from here)', required: true },
  ],
  flags: {},
  examples: [{ command: 'npx tsx scripts/ci/scanner-findings.ts polaris /tmp/polaris.json dist/prod', explain: 'what scripts/ci/scan.sh runs' }],
  exitCodes: ['0  printed', '1  an error (unreadable or foreign report)', '2  bad arguments'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(SCANNER_FINDINGS_COMMAND, argv, ({ positionals: [tool, report, manifestDir] }) => {
    if (!(FINDING_TOOLS as readonly string[]).includes(tool)) {
      io.err(`scanner-findings: unknown tool "${tool}"; use one of ${FINDING_TOOLS.join(', ')}\n`);
      return 2;
    }
    const files = tool === 'trivy' ? fileObjects(manifestDir) : new Map();
    io.out(`${JSON.stringify(scannerReport(tool as FindingTool, fs.readFileSync(report, 'utf8'), files))}\n`);
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
