/**
 * scripts/ci/scanner-findings.ts on real reports (test/fixtures/scanners/dev-unwaived: each scanner
 * on dist/dev without its waivers, recorded with the pinned tools).
 */
import * as fs from 'fs';
import * as path from 'path';
import { FINDING_TOOLS, FindingTool, fileObjects, scannerReport } from '../../scripts/ci/scanner-findings';
import { FIXTURES, PROJECT_ROOT } from '../helpers';

const DIR = path.join(FIXTURES, 'scanners', 'dev-unwaived');
const raw = (tool: FindingTool) => fs.readFileSync(path.join(DIR, `${tool}.json`), 'utf8');
// trivy names files; the recorded run scanned dist/dev, whose files hold one object each.
const FILES = fileObjects(path.join(PROJECT_ROOT, 'dist', 'dev'));
const report = (tool: FindingTool) => scannerReport(tool, raw(tool), FILES);
const keys = (tool: FindingTool) => [...new Set(report(tool).findings.map((f) => `${f.check} ${f.kind} ${f.name}`))];

test('kube-linter: checks are the enabled checks of its report, findings its reports', () => {
  const data = JSON.parse(raw('kube-linter'));
  const r = report('kube-linter');
  expect(r.checks).toBe(data.Checks.length);
  expect(r.findings).toHaveLength(data.Reports.length);
  expect(keys('kube-linter')).toContain('minimum-three-replicas StatefulSet support-agent-postgres');
});

test('kube-score: only unskipped WARNING and CRITICAL grades are findings', () => {
  // Without waivers kube-score grades the dev stores' single replica (they are behind a Service)
  // and the HPAs' minimum; it skips the worker (no Service) and the HPA-owned API Deployments.
  expect(keys('kube-score').sort()).toEqual([
    'deployment-replicas Deployment doc-summarizer-redis',
    'deployment-replicas Deployment research-assistant-redis',
    'deployment-replicas Deployment support-agent-redis',
    'horizontalpodautoscaler-replicas HorizontalPodAutoscaler doc-summarizer-api',
    'horizontalpodautoscaler-replicas HorizontalPodAutoscaler research-assistant-api',
    'horizontalpodautoscaler-replicas HorizontalPodAutoscaler support-agent-api',
  ]);
  const data = JSON.parse(raw('kube-score'));
  const evaluated = new Set(data.flatMap((o: any) => o.checks.filter((c: any) => !c.skipped).map((c: any) => c.check.id)));
  expect(report('kube-score').checks).toBeGreaterThanOrEqual(evaluated.size);
});

test('kube-score: its `null` for a folder without scored kinds is no check and no finding', () => {
  expect(scannerReport('kube-score', 'null\n')).toEqual({ tool: 'kube-score', checks: 0, findings: [] });
});

test('polaris: every failed check of every object, pod and container result', () => {
  const data = JSON.parse(raw('polaris'));
  const failed = JSON.stringify(data).match(/"Success":\s*false/g)?.length ?? 0;
  expect(report('polaris').findings).toHaveLength(failed);
  expect(keys('polaris')).toContain('sensitiveContainerEnvVar StatefulSet support-agent-postgres');
  expect(keys('polaris')).toContain('hpaMinAvailability HorizontalPodAutoscaler doc-summarizer-api');
});

test('checkov: failed checks are findings, named by kind and name; checks are distinct ids of all results', () => {
  const data = JSON.parse(raw('checkov'));
  const r = report('checkov');
  expect(r.findings).toHaveLength(data.summary.failed);
  const ids = new Set(['passed_checks', 'failed_checks', 'skipped_checks'].flatMap((k) => data.results[k].map((c: any) => c.check_id)));
  expect(r.checks).toBe(ids.size);
  expect(keys('checkov')).toContain('CKV_K8S_35 Deployment research-assistant-worker');
});

test('trivy: FAIL misconfigurations, named by the object in the reported file', () => {
  const r = report('trivy');
  expect(r.findings.every((f) => f.kind !== '?')).toBe(true);
  expect(keys('trivy')).toContain('KSV-0048 Role support-agent-oncall');
  expect(keys('trivy')).toContain('KSV-0125 StatefulSet doc-summarizer-postgres');
  expect(r.checks).toBeGreaterThan(100);
});

test.each([
  ['kube-linter', 'polaris'], ['kube-score', 'polaris'], ['polaris', 'kube-linter'], ['checkov', 'polaris'], ['trivy', 'kube-score'],
] as [FindingTool, FindingTool][])('%s: a report of %s is refused, not read as zero findings', (tool, other) => {
  expect(() => scannerReport(tool, raw(other))).toThrow(/^not a/);
});

test('every tool has a recorded report', () => {
  expect(FINDING_TOOLS.filter((t) => !fs.existsSync(path.join(DIR, `${t}.json`)))).toEqual([]);
});
