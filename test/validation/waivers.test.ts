/**
 * Waivers: matching drops exactly the named violation; non-matching and stale waivers are
 * reported; every waiver is recorded on its object; scanner waivers render each tool's own skip
 * annotation; skip annotations that do not come from the list are refused.
 */
import { parse } from 'yaml';
import * as fs from 'fs';
import * as path from 'path';
import { ResolvedEnvironment } from '../../src/config/resolved';
import { Waiver } from '../../src/config/schema';
import { KubeObject } from '../../src/model/kube-object';
import { RenderedObject } from '../../src/model/rendered-object';
import { Waivers, waiverAnnotations } from '../../src/validation/waivers';
import { renderedThroughAspects } from '../util/aspect-harness';
import { CONFIG_DIR, committed } from '../helpers';
import { WF, environmentObjects, gate, resolvedEnvironment } from '../fixtures/gate/helpers';

const withWaivers = (env: string, waivers: Waiver[]): ResolvedEnvironment => {
  const r = resolvedEnvironment(env);
  return { ...r, environment: { ...r.environment, waivers } };
};
const waiver = (rule: string, kind = 'Deployment', name = '<workflow>-api', reason = 'a reason that is long enough to pass review'): Waiver => ({ rule, kind, name, reason });
/** An environment's committed objects with the annotations of the given waivers applied instead. */
const rendered = (env: string, resolved: ResolvedEnvironment): RenderedObject[] => applyWaiverAnnotations(
  environmentObjects(env).map((r) => ({ ...r, object: stripWaiverAnnotations(r.object) })), resolved);
/** The Waivers aspect over rendered objects, each workflow's objects with that workflow for `<workflow>`. */
function applyWaiverAnnotations(objects: readonly RenderedObject[], resolved: ResolvedEnvironment): RenderedObject[] {
  const out = [...objects];
  const byWorkflow = new Map<string | undefined, number[]>();
  objects.forEach((r, i) => byWorkflow.set(r.workflow, [...(byWorkflow.get(r.workflow) ?? []), i]));
  for (const [workflow, indices] of byWorkflow) {
    const done = renderedThroughAspects(indices.map((i) => objects[i]), [new Waivers({ waivers: resolved.environment.waivers, workflow })]);
    indices.forEach((i, j) => { out[i] = done[j]; });
  }
  return out;
}
function stripWaiverAnnotations(o: KubeObject): KubeObject {
  // Our reason annotations and every scanner's skip annotation (all of them come from the waivers).
  const fromWaivers = (k: string) => k.includes('waiver.langgraph.platform/') || k === 'kube-score/ignore' || k.startsWith('checkov.io/skip')
    || k.startsWith('ignore-check.kube-linter.io/') || (k.startsWith('polaris.fairwinds.com/') && k.endsWith('-exempt'));
  const annotations = Object.fromEntries(Object.entries(o.metadata.annotations ?? {}).filter(([k]) => !fromWaivers(k)));
  const { annotations: _, ...rest } = o.metadata;
  return { ...o, metadata: Object.keys(annotations).length ? { ...rest, annotations } : rest };
}

describe('the committed dev waiver', () => {
  const waiversFile = parse(fs.readFileSync(path.join(CONFIG_DIR, 'waivers.yaml'), 'utf8'));
  const configured: Waiver = waiversFile.waivers.find((w: Waiver) => w.rule === 'policy/single-replica');

  test('drops single-replica for every dev workflow, and only that', () => {
    const result = gate('dev', environmentObjects('dev'));
    expect(result.violations).toEqual([]);
    const workflows = resolvedEnvironment('dev').workflows.map((w) => w.name).sort();
    expect(result.waived!.map((w) => w.violation.object).sort()).toEqual(workflows.map((w) => `Deployment/${w}/${w}-api`).sort());
    expect(new Set(result.waived!.map((w) => w.violation.rule))).toEqual(new Set(['policy/single-replica']));
  });

  test('without it, the rule fires on every dev API Deployment', () => {
    const resolved = withWaivers('dev', []);
    const found = gate('dev', rendered('dev', resolved), resolved).violations;
    expect(found.map((v) => v.rule)).toEqual(resolvedEnvironment('dev').workflows.map(() => 'policy/single-replica'));
    expect(found[0].related).toMatch(/^HorizontalPodAutoscaler\/.+ \/spec\/minReplicas$/);
  });

  test('its reason is rendered on each waived Deployment, from the config', () => {
    const waived = committed().objects.filter((o) => o.environment === 'dev' && o.object.kind === 'Deployment' && o.object.metadata.name.endsWith('-api'));
    expect(waived).toHaveLength(resolvedEnvironment('dev').workflows.length);
    for (const r of waived) {
      expect(r.object.metadata.annotations?.['policy.waiver.langgraph.platform/single-replica']).toBe(configured.reason);
    }
    for (const r of committed().objects.filter((o) => o.environment !== 'dev' || o.object.kind !== 'Deployment' || !o.object.metadata.name.endsWith('-api'))) {
      // Only the example-image waivers (staging and prod; example-image.test.ts) besides this one.
      expect(Object.keys(r.object.metadata.annotations ?? {}).filter((k) => k.startsWith('policy.waiver') && k !== 'policy.waiver.langgraph.platform/example-image')).toEqual([]);
    }
  });

  test('every committed scanner waiver renders the tool\'s own skip annotation on its object', () => {
    const byKey = (o: { object: { kind: string; metadata: { name: string } } }) => `${o.object.kind}/${o.object.metadata.name}`;
    const objects = committed().objects;
    for (const env of committed().config.environments) {
      for (const w of env.environment.waivers) {
        const names = env.workflows.map((wf) => w.name.replace(/<workflow>/g, wf.name));
        const targets = objects.filter((o) => o.environment === env.environment.name && o.object.kind === w.kind && names.includes(o.object.metadata.name));
        expect({ waiver: w.rule, env: env.environment.name, targets: targets.length > 0 }).toEqual({ waiver: w.rule, env: env.environment.name, targets: true });
        const [tool, check] = w.rule.split('/');
        for (const t of targets) {
          const a = t.object.metadata.annotations ?? {};
          if (tool === 'kube-score') expect(a['kube-score/ignore'].split(',')).toContain(check);
          if (tool === 'checkov') expect(Object.entries(a).some(([k, v]) => k.startsWith('checkov.io/skip') && String(v).startsWith(`${check}=`))).toBe(true);
          expect(Object.keys(a).some((k) => k === `${tool}.waiver.langgraph.platform/${check}`)).toBe(true);
          void byKey;
        }
      }
    }
  });
});

describe('matching', () => {
  test('a waiver naming another object does not drop the violation, and is itself stale', () => {
    const resolved = withWaivers('dev', [waiver('policy/single-replica', 'Rollout')]);
    const found = gate('dev', rendered('dev', resolved), resolved).violations;
    expect(found.filter((v) => v.rule === 'policy/single-replica')).toHaveLength(resolvedEnvironment('dev').workflows.length);
    expect(found.filter((v) => v.rule === 'waiver/stale')).toHaveLength(1);
  });

  test('a name without <workflow> names one object only', () => {
    const resolved = withWaivers('dev', [waiver('policy/single-replica', 'Deployment', `${WF}-api`)]);
    const found = gate('dev', rendered('dev', resolved), resolved);
    expect(found.waived!.map((w) => w.violation.object)).toEqual([`Deployment/${WF}/${WF}-api`]);
    expect(found.violations.map((v) => v.object).sort()).toEqual(
      resolvedEnvironment('dev').workflows.map((w) => w.name).filter((w) => w !== WF).map((w) => `Deployment/${w}/${w}-api`).sort());
  });
});

describe('problems with the list itself', () => {
  const problems = (env: string, waivers: Waiver[]) => {
    const resolved = withWaivers(env, waivers);
    return gate(env, rendered(env, resolved), resolved).violations.filter((v) => v.rule.startsWith('waiver/'));
  };

  test('a gate waiver that matches no violation is stale', () => {
    const [v] = problems('staging', [waiver('policy/single-replica')]);
    expect(v).toMatchObject({ environment: 'staging', rule: 'waiver/stale', path: '/waivers/0' });
    expect(v.message).toContain('does not fire on Deployment <workflow>-api');
    expect(v.fix).toContain('delete this waiver');
  });

  test('a scanner waiver naming no rendered object is stale; naming one is not', () => {
    expect(problems('staging', [waiver('kube-score/pod-probes', 'Deployment', '<workflow>-nothing')]).map((v) => v.rule)).toEqual(['waiver/stale']);
    expect(problems('staging', [waiver('kube-score/pod-probes')])).toEqual([]);
  });

  test.each([
    ['an unknown gate rule', waiver('policy/single-replicas'), 'waiver/unknown-rule'],
    ['an unknown tool', waiver('kubelinter/no-liveness-probe'), 'waiver/unknown-rule'],
    ['a schema rule', waiver('schema/strict'), 'waiver/not-waivable'],
    ['a malformed checkov id', waiver('checkov/K8S_35'), 'waiver/invalid'],
    ['a check id too long for an annotation name', waiver(`kube-linter/${'x'.repeat(64)}`), 'waiver/invalid'],
  ])('%s is refused', (_name, w, rule) => {
    const found = problems('staging', [w]);
    expect(found.map((v) => v.rule)).toEqual([rule]);
    expect(found[0].value).toBe(w.rule);
  });

  test('a repeated waiver is refused', () => {
    expect(problems('staging', [waiver('kube-score/pod-probes'), waiver('kube-score/pod-probes')]).map((v) => v.rule)).toEqual(['waiver/duplicate']);
  });

  test('a scanner skip annotation that does not come from the list is refused', () => {
    const objects = environmentObjects('staging');
    // The doc-summarizer HPA has no committed waiver (it targets a Deployment).
    const hpa = objects.find((r) => r.object.kind === 'HorizontalPodAutoscaler' && r.workflow === 'doc-summarizer')!;
    (hpa.object.metadata.annotations as Record<string, string>)['kube-score/ignore'] = 'horizontalpodautoscaler-has-target';
    const found = gate('staging', objects).violations;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'waiver/unlisted-exception', path: '/metadata/annotations/kube-score~1ignore' });
  });
});

describe('annotation rendering', () => {
  const deployment = (name: string, workflow: string): KubeObject => ({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: workflow, labels: { 'app.kubernetes.io/part-of': workflow } },
  });
  const environment = {
    waivers: [
      waiver('kube-linter/no-read-only-root-fs', 'Deployment', '<workflow>-api', 'the image writes a lock file next to its binary'),
      waiver('kube-score/pod-probes'),
      waiver('kube-score/container-image-pull-policy'),
      waiver('polaris/deploymentMissingReplicas', 'Deployment', '<workflow>-api', 'the HPA owns replicas; setting them would fight it'),
      waiver('checkov/CKV_K8S_35', 'Deployment', '<workflow>-api', 'LangGraph reads credentials from env; key=value pairs come from secretKeyRef'),
      waiver('checkov/CKV_K8S_21'),
      waiver('policy/single-replica', 'Deployment', '<workflow>-api', 'dev runs one replica to save cost'),
      waiver('kube-score/pod-probes', 'Rollout'),
    ],
  };

  test('each tool gets its own documented annotation; the reason is recorded per rule', () => {
    const a = waiverAnnotations(environment, deployment('support-agent-api', 'support-agent'));
    expect(a).toEqual({
      'kube-linter.waiver.langgraph.platform/no-read-only-root-fs': 'the image writes a lock file next to its binary',
      'ignore-check.kube-linter.io/no-read-only-root-fs': 'the image writes a lock file next to its binary',
      'kube-score.waiver.langgraph.platform/pod-probes': 'a reason that is long enough to pass review',
      'kube-score.waiver.langgraph.platform/container-image-pull-policy': 'a reason that is long enough to pass review',
      'kube-score/ignore': 'container-image-pull-policy,pod-probes',
      'polaris.waiver.langgraph.platform/deploymentMissingReplicas': 'the HPA owns replicas; setting them would fight it',
      'polaris.fairwinds.com/deploymentMissingReplicas-exempt': 'true',
      'checkov.waiver.langgraph.platform/CKV_K8S_35': 'LangGraph reads credentials from env; key=value pairs come from secretKeyRef',
      'checkov.waiver.langgraph.platform/CKV_K8S_21': 'a reason that is long enough to pass review',
      // checkov splits the value on "=" into exactly id and comment
      'checkov.io/skip1': 'CKV_K8S_21=a reason that is long enough to pass review',
      'checkov.io/skip2': 'CKV_K8S_35=LangGraph reads credentials from env; key:value pairs come from secretKeyRef',
      'policy.waiver.langgraph.platform/single-replica': 'dev runs one replica to save cost',
    });
    for (const key of Object.keys(a)) {
      const [prefix, name] = key.split('/');
      expect(name.length).toBeLessThanOrEqual(63);
      expect(prefix.length).toBeLessThanOrEqual(253);
      expect(name).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
    }
    expect(a['checkov.io/skip2'].split('=')).toHaveLength(2);
  });

  test('a waiver names its object by kind and by name after <workflow> substitution', () => {
    expect(waiverAnnotations(environment, deployment('support-agent-worker', 'support-agent'))).toEqual({});
    expect(waiverAnnotations(environment, { ...deployment('support-agent-api', 'support-agent'), kind: 'StatefulSet' })).toEqual({});
    expect(Object.keys(waiverAnnotations(environment, deployment('support-agent-api', 'other')))).toEqual([]);
    expect(waiverAnnotations(environment, deployment('support-agent-api', 'other'), 'support-agent')['kube-score/ignore']).toBe('container-image-pull-policy,pod-probes');
    expect(waiverAnnotations(environment, { ...deployment('support-agent-api', 'support-agent'), kind: 'Rollout' })).toEqual({
      'kube-score.waiver.langgraph.platform/pod-probes': 'a reason that is long enough to pass review',
      'kube-score/ignore': 'pod-probes',
    });
  });

  test('the Waivers aspect adds them to named objects only, keeping keys sorted', () => {
    const resolved = withWaivers('staging', [waiver('kube-score/pod-probes'), waiver('polaris/deploymentMissingReplicas')]);
    const before = environmentObjects('staging').map((r) => ({ ...r, object: stripWaiverAnnotations(r.object) }));
    const after = applyWaiverAnnotations(before, resolved);
    after.forEach((r, i) => {
      const named = r.object.kind === 'Deployment' && r.object.metadata.name === `${r.workflow}-api`;
      if (!named) {
        expect(r).toEqual(before[i]);
        return;
      }
      const keys = Object.keys(r.object.metadata.annotations!);
      expect(keys).toEqual([...keys].sort());
      expect(r.object.metadata.annotations).toMatchObject({ 'kube-score/ignore': 'pod-probes', 'polaris.fairwinds.com/deploymentMissingReplicas-exempt': 'true', email: expect.any(String) });
      expect(before[i].object.metadata.annotations!['kube-score/ignore']).toBeUndefined();
    });
    // This list replaces the committed one, so the example images are no longer waived.
    expect(gate('staging', after, resolved).violations.filter((v) => v.rule !== 'policy/example-image')).toEqual([]);
  });
});
