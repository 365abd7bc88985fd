/**
 * scripts/ci/stale-scanner-waivers.ts: a scanner waiver is stale where the scanner, run without
 * waivers, reports nothing for it (recorded reports: test/fixtures/scanners/dev-unwaived).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { FindingTool, fileObjects, scannerReport } from '../../scripts/ci/scanner-findings';
import { NamedObject, staleScannerWaivers, writeBareCopy } from '../../scripts/ci/stale-scanner-waivers';
import { readManifests } from '../../scripts/ci/manifest-files';
import { FIXTURES, PROJECT_ROOT } from '../helpers';

const DEV = path.join(PROJECT_ROOT, 'dist', 'dev');
const findings = (tool: FindingTool) =>
  scannerReport(tool, fs.readFileSync(path.join(FIXTURES, 'scanners', 'dev-unwaived', `${tool}.json`), 'utf8'), fileObjects(DEV)).findings;
const OBJECTS: NamedObject[] = readManifests(DEV).map(({ object }) => ({
  kind: String(object.kind), name: String(object.metadata?.name),
  workflow: (object.metadata?.labels as Record<string, string> | undefined)?.['app.kubernetes.io/part-of'],
}));
const waiver = (rule: string, kind: string, name: string) => ({ rule, kind, name, reason: 'dev runs one replica to save cost.' });

test('a waiver for an object the scanner does not report is stale, with env, object and fix', () => {
  // kube-score skips deployment-replicas for a Deployment no Service targets (the worker).
  const stale = staleScannerWaivers('dev', 'kube-score', [
    waiver('kube-score/deployment-replicas', 'Deployment', '<workflow>-redis'),
    waiver('kube-score/deployment-replicas', 'Deployment', 'research-assistant-worker'),
  ], OBJECTS, findings('kube-score'));
  expect(stale).toEqual([
    'config/waivers.yaml: waiver kube-score/deployment-replicas on Deployment research-assistant-worker is stale in environment "dev" '
    + 'for Deployment research-assistant-worker: kube-score run without its waivers reports no deployment-replicas there; '
    + 'fix: remove the waiver (or "dev" from its environments)',
  ]);
});

test('a <workflow> waiver is needed when the scanner reports each object it names', () => {
  for (const [tool, rule, kind, name] of [
    ['kube-linter', 'kube-linter/minimum-three-replicas', 'StatefulSet', '<workflow>-postgres'],
    ['polaris', 'polaris/hpaMinAvailability', 'HorizontalPodAutoscaler', '<workflow>-api'],
    ['checkov', 'checkov/CKV_K8S_35', 'Deployment', 'research-assistant-worker'],
    ['trivy', 'trivy/KSV-0048', 'Role', '<workflow>-oncall'],
  ] as const) {
    expect(staleScannerWaivers('dev', tool, [waiver(rule, kind, name)], OBJECTS, findings(tool))).toEqual([]);
  }
});

test('a <workflow> waiver reported for some workflows only names the objects to keep', () => {
  const some = findings('polaris').filter((f) => f.name !== 'support-agent-api');
  const stale = staleScannerWaivers('dev', 'polaris', [waiver('polaris/hpaMinAvailability', 'HorizontalPodAutoscaler', '<workflow>-api')], OBJECTS, some);
  expect(stale).toHaveLength(1);
  expect(stale[0]).toContain('for HorizontalPodAutoscaler support-agent-api');
  expect(stale[0]).toContain('fix: remove the waiver for HorizontalPodAutoscaler support-agent-api: name only the objects polaris reports (doc-summarizer-api, research-assistant-api)');
});

test("another tool's waivers and waivers naming no object are left alone", () => {
  expect(staleScannerWaivers('dev', 'kube-score', [
    waiver('polaris/deploymentMissingReplicas', 'Deployment', 'nothing-here'),
    waiver('kube-score/deployment-replicas', 'Deployment', 'nothing-here'),
  ], OBJECTS, [])).toEqual([]);
});

test('the bare copy drops exactly the tool’s skip annotations and keeps everything else', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bare-'));
  try {
    const removed = writeBareCopy('polaris', DEV, out);
    expect(removed).toBeGreaterThan(0);
    for (const { file, object } of readManifests(DEV)) {
      const copy = parse(fs.readFileSync(path.join(out, path.relative(DEV, file)), 'utf8'));
      const own = { ...(object.metadata?.annotations as Record<string, string> | undefined) };
      for (const k of Object.keys(own)) if (/^polaris\.fairwinds\.com\/.*-exempt$/.test(k)) delete own[k];
      expect({ ...copy, metadata: { ...copy.metadata, annotations: undefined } }).toEqual({ ...object, metadata: { ...object.metadata, annotations: undefined } });
      expect(copy.metadata.annotations ?? {}).toEqual(own);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
