/**
 * The waiver list reaches every scanner through that scanner's real mechanism, and a condition
 * waived for one scanner is waived, with the same reason, for each scanner that reports it too.
 *   kube-linter: `ignore-check.kube-linter.io/<check>` (pkg/ignore/ignore.go)
 *   Polaris:     `polaris.fairwinds.com/<check>-exempt: "true"` (pkg/validator/schema.go)
 *   trivy:       its YAML ignore file, scoped to the waived object's file (pkg/result/ignore.go);
 *                trivy reads no annotation and no inline comment for Kubernetes manifests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { Waiver } from '../../src/config/schema';
import { KubeObject } from '../../src/model/kube-object';
import { ScannedFile, trivyIgnoreEntries, waiverAnnotations } from '../../src/validation/waivers';
import { trivyIgnoreFile } from '../../scripts/ci/trivy-ignore';
import { CONFIG_DIR, committed } from '../helpers';
import { gate, environmentObjects, resolvedEnvironment } from '../fixtures/gate/helpers';

const waiver = (rule: string, kind = 'Deployment', name = '<workflow>-api', reason = 'a reason that is long enough to pass review'): Waiver => ({ rule, kind, name, reason });
const object = (kind: string, name: string, workflow: string): KubeObject => ({
  apiVersion: 'apps/v1', kind, metadata: { name, namespace: workflow, labels: { 'app.kubernetes.io/part-of': workflow } },
});

describe('each committed scanner waiver renders its tool\'s own skip mechanism on exactly its objects', () => {
  const { objects, config } = committed();
  for (const env of config.environments) {
    for (const w of env.environment.waivers) {
      const [tool, check] = w.rule.split('/');
      if (!['kube-linter', 'polaris'].includes(tool)) continue;
      test(`${env.environment.name}: ${w.rule} on ${w.kind} ${w.name}`, () => {
        const names = env.workflows.map((wf) => w.name.replace(/<workflow>/g, wf.name));
        const targets = objects.filter((o) => o.environment === env.environment.name && o.object.kind === w.kind && names.includes(o.object.metadata.name));
        expect(targets.length).toBeGreaterThan(0);
        const key = tool === 'kube-linter' ? `ignore-check.kube-linter.io/${check}` : `polaris.fairwinds.com/${check}-exempt`;
        for (const t of targets) expect(t.object.metadata.annotations?.[key]).toBe(tool === 'kube-linter' ? w.reason : 'true');
        // No other object of the environment carries it unless another waiver names it.
        const others = objects.filter((o) => o.environment === env.environment.name && !targets.includes(o) && o.object.metadata.annotations?.[key] !== undefined);
        for (const o of others) {
          expect(env.environment.waivers.some((x) => x.rule === w.rule && x.kind === o.object.kind
            && env.workflows.some((wf) => x.name.replace(/<workflow>/g, wf.name) === o.object.metadata.name))).toBe(true);
        }
      });
    }
  }
});

describe('trivy: the ignore file from the waiver list', () => {
  const files: ScannedFile[] = [
    { path: 'support-agent/deployment-support-agent-api.yaml', objects: [object('Deployment', 'support-agent-api', 'support-agent')] },
    { path: 'doc-summarizer/deployment-doc-summarizer-api.yaml', objects: [object('Deployment', 'doc-summarizer-api', 'doc-summarizer')] },
    { path: 'support-agent/deployment-support-agent-redis.yaml', objects: [object('Deployment', 'support-agent-redis', 'support-agent')] },
  ];

  test('one entry per trivy waiver, with the id, the reason as statement and the files of the named objects only', () => {
    const entries = trivyIgnoreEntries({ waivers: [
      waiver('trivy/KSV-0125', 'Deployment', '<workflow>-api', 'our registry is not on trivy\'s public list'),
      waiver('kube-linter/minimum-three-replicas'),
      waiver('trivy/KSV-0011', 'Deployment', 'support-agent-redis', 'scratch store'),
    ] }, files);
    expect(entries).toEqual([
      { id: 'KSV-0125', paths: ['doc-summarizer/deployment-doc-summarizer-api.yaml', 'support-agent/deployment-support-agent-api.yaml'], statement: 'our registry is not on trivy\'s public list' },
      { id: 'KSV-0011', paths: ['support-agent/deployment-support-agent-redis.yaml'], statement: 'scratch store' },
    ]);
  });

  test('no trivy waiver, or none naming a scanned object: no entry (so nothing is ignored)', () => {
    expect(trivyIgnoreEntries({ waivers: [waiver('polaris/deploymentMissingReplicas')] }, files)).toEqual([]);
    expect(trivyIgnoreEntries({ waivers: [waiver('trivy/KSV-0125', 'StatefulSet')] }, files)).toEqual([]);
  });

  test('a waived object that shares its file is an error: trivy would ignore the check for the whole file', () => {
    const shared: ScannedFile[] = [{ path: 'all.yaml', objects: [object('Deployment', 'support-agent-api', 'support-agent'), object('Deployment', 'support-agent-redis', 'support-agent')] }];
    expect(() => trivyIgnoreEntries({ waivers: [waiver('trivy/KSV-0125')] }, shared)).toThrow(/all\.yaml: holds 2 objects.*KSV-0125.*file of its own/);
  });

  test('the gate refuses a trivy rule that is not a trivy Kubernetes check id', () => {
    const r = resolvedEnvironment('staging');
    const resolved = { ...r, environment: { ...r.environment, waivers: [waiver('trivy/AVD-KSV-125')] } };
    // (Only problems with the list itself: the committed objects' skip annotations now lack their waivers.)
    const problems = gate('staging', environmentObjects('staging'), resolved).violations.filter((v) => v.object.startsWith('waivers['));
    expect(problems.map((v) => [v.rule, v.value])).toEqual([['waiver/invalid', 'trivy/AVD-KSV-125']]);
    expect(problems[0].message).toContain('KSV-<nnnn>');
  });

  test('trivy waivers get the reason record on the object and no annotation trivy would ignore anyway', () => {
    const a = waiverAnnotations({ waivers: [waiver('trivy/KSV-0125', 'Deployment', '<workflow>-api', 'why')] }, object('Deployment', 'support-agent-api', 'support-agent'));
    expect(a).toEqual({ 'trivy.waiver.langgraph.platform/KSV-0125': 'why' });
  });

  test('scripts/ci/trivy-ignore.ts writes the committed list for a rendered folder, paths relative to it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trivy-ignore-'));
    try {
      fs.mkdirSync(path.join(dir, 'support-agent'));
      fs.writeFileSync(path.join(dir, 'support-agent', 'deployment-support-agent-api.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: support-agent-api\n  labels:\n    app.kubernetes.io/part-of: support-agent\n');
      const written = parse(trivyIgnoreFile(CONFIG_DIR, 'prod', dir));
      const expected = trivyIgnoreEntries(resolvedEnvironment('prod').environment, [
        { path: 'support-agent/deployment-support-agent-api.yaml', objects: [object('Deployment', 'support-agent-api', 'support-agent')] },
      ]);
      expect(written).toEqual({ misconfigurations: expected });
      expect(() => trivyIgnoreFile(CONFIG_DIR, 'nowhere', dir)).toThrow(/no environment "nowhere"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('even across tools: a waived condition is waived for every tool that reports it, with the same reason', () => {
  // A ⇒ B: wherever A fires, B fires too (B's threshold is at least as strict), so a waiver for A
  // needs one for B on the same object, in the same environments, saying the same thing.
  const implied: [string, string][] = [
    ['checkov/CKV_K8S_35', 'kube-linter/read-secret-from-env-var'],
    ['kube-linter/read-secret-from-env-var', 'checkov/CKV_K8S_35'],
    ['kube-score/deployment-replicas', 'kube-linter/minimum-three-replicas'],
    ['polaris/deploymentMissingReplicas', 'kube-linter/minimum-three-replicas'],
    ['kube-score/horizontalpodautoscaler-replicas', 'kube-linter/hpa-minimum-three-replicas'],
    ['polaris/hpaMinAvailability', 'kube-linter/hpa-minimum-three-replicas'],
    ['kube-score/horizontalpodautoscaler-has-target', 'kube-linter/dangling-horizontalpodautoscaler'],
    ['kube-linter/dangling-horizontalpodautoscaler', 'kube-score/horizontalpodautoscaler-has-target'],
  ];
  const { waivers } = parse(fs.readFileSync(path.join(CONFIG_DIR, 'waivers.yaml'), 'utf8')) as { waivers: (Waiver & { environments?: string[] })[] };
  const envs = (w: { environments?: string[] }) => w.environments ?? ['dev', 'staging', 'prod'];

  test.each(implied)('%s ⇒ %s', (a, b) => {
    for (const w of waivers.filter((x) => x.rule === a)) {
      for (const env of envs(w)) {
        const partner = waivers.find((x) => x.rule === b && x.kind === w.kind && x.name === w.name && envs(x).includes(env));
        const id = `${a} ${w.kind} ${w.name} in ${env}`;
        expect({ id, partner: partner?.rule, reason: partner?.reason }).toEqual({ id, partner: b, reason: w.reason });
      }
    }
  });
});
