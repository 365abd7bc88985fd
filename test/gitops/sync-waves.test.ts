import { KubeObject, RenderedObject } from '../../src/synth/manifest';
import { SYNC_WAVE_ANNOTATION, applySyncWaves, syncWaveOf } from '../../src/gitops/sync-waves';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { ENVIRONMENTS, committed } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */
const input = committed().objects;
const snapshot = JSON.stringify(input);
const waved = applySyncWaves(input);

const inEnv = (env: string) => waved.filter((r) => r.environment === env).map((r) => r.object as any);
const lookup = (objects: any[], kind: string, namespace: string | undefined, name: string): KubeObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!found) throw new Error(`no ${kind} ${namespace}/${name}`);
  return found;
};

test('the input is not modified', () => {
  expect(JSON.stringify(input)).toBe(snapshot);
});

test('every annotated object still validates strictly, and waves are integer strings', () => {
  for (const r of waved) {
    const wave = r.object.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
    if (wave === undefined) continue;
    expect(wave).toMatch(/^-?\d+$/);
    expect(defaultSchemaRegistry().validate(r.object)).toEqual([]);
  }
});

test('wave-0 objects are returned untouched (no annotation churn in dist/)', () => {
  waved.forEach((r, i) => {
    if (syncWaveOf(r.object) === 0) {
      expect(r).toBe(input[i]);
      expect(r.object.metadata.annotations?.[SYNC_WAVE_ANNOTATION]).toBeUndefined();
    }
  });
  expect(waved.some((r) => syncWaveOf(r.object) === 0)).toBe(true);
});

test('an object that already names its wave keeps it', () => {
  const own: RenderedObject = {
    environment: 'dev',
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y', annotations: { [SYNC_WAVE_ANNOTATION]: '5' } } },
  };
  expect(applySyncWaves([own])[0]).toBe(own);
});

test('metadata keys stay sorted after annotating (stable bytes)', () => {
  for (const r of waved) {
    const keys = Object.keys(r.object.metadata);
    expect(keys).toEqual([...keys].sort());
  }
});

describe.each(ENVIRONMENTS)('%s', (env) => {
  const objects = inEnv(env);

  test('every object comes after the Namespace it lives in', () => {
    for (const o of objects.filter((x) => x.metadata.namespace)) {
      const ns = objects.find((x) => x.kind === 'Namespace' && x.metadata.name === o.metadata.namespace);
      if (!ns) continue; // a namespace the platform does not own (monitoring)
      expect(syncWaveOf(ns)).toBeLessThan(syncWaveOf(o));
    }
    expect(objects.filter((o) => o.kind === 'Namespace').length).toBeGreaterThan(0);
  });

  test('ServiceAccounts and ConfigMaps come before every workload that uses them', () => {
    const workloads = objects.filter((o) => ['Deployment', 'Rollout', 'StatefulSet'].includes(o.kind));
    expect(workloads.length).toBeGreaterThan(0);
    let configMapsSeen = 0;
    for (const w of workloads) {
      const pod = w.kind === 'Rollout' && w.spec.workloadRef ? lookup(objects, w.spec.workloadRef.kind, w.metadata.namespace, w.spec.workloadRef.name) as any : w;
      const podSpec = pod.spec.template.spec;
      if (podSpec.serviceAccountName) {
        expect(syncWaveOf(lookup(objects, 'ServiceAccount', w.metadata.namespace, podSpec.serviceAccountName))).toBeLessThan(syncWaveOf(w));
      }
      const configMaps = [
        ...(podSpec.volumes ?? []).filter((v: any) => v.configMap).map((v: any) => v.configMap.name),
        ...[...(podSpec.containers ?? []), ...(podSpec.initContainers ?? [])].flatMap((c: any) => (c.envFrom ?? []).filter((e: any) => e.configMapRef).map((e: any) => e.configMapRef.name)),
      ];
      for (const name of configMaps) {
        const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === w.metadata.namespace && o.metadata.name === name);
        if (!cm) continue; // a ConfigMap the platform does not render (pre-existing)
        configMapsSeen++;
        expect(syncWaveOf(cm)).toBeLessThan(syncWaveOf(w));
      }
    }
    expect(configMapsSeen).toBeGreaterThan(0);
  });

  test('a Rollout comes after everything it references: Services, VirtualService, analysis templates, its Deployment', () => {
    for (const r of objects.filter((o) => o.kind === 'Rollout')) {
      const ns = r.metadata.namespace;
      const canary = r.spec.strategy.canary;
      const referenced: KubeObject[] = [
        lookup(objects, 'Service', ns, canary.canaryService),
        lookup(objects, 'Service', ns, canary.stableService),
        lookup(objects, 'VirtualService', ns, canary.trafficRouting.istio.virtualService.name),
        ...(canary.analysis?.templates ?? []).map((t: any) => lookup(objects, 'AnalysisTemplate', ns, t.templateName)),
        ...(r.spec.workloadRef ? [lookup(objects, r.spec.workloadRef.kind, ns, r.spec.workloadRef.name)] : []),
      ];
      for (const o of referenced) expect(syncWaveOf(o)).toBeLessThan(syncWaveOf(r));
    }
  });

  test('an autoscaler never comes before its scale target', () => {
    const autoscalers = objects.filter((o) => ['HorizontalPodAutoscaler', 'ScaledObject', 'VerticalPodAutoscaler'].includes(o.kind));
    expect(autoscalers.length).toBeGreaterThan(0);
    for (const a of autoscalers) {
      const ref = a.kind === 'VerticalPodAutoscaler' ? a.spec.targetRef : a.spec.scaleTargetRef;
      const target = lookup(objects, ref.kind ?? 'Deployment', a.metadata.namespace, ref.name);
      expect(syncWaveOf(a)).toBeGreaterThanOrEqual(syncWaveOf(target));
    }
  });

  test('NetworkPolicies guard pods from their first second: before every workload', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    for (const w of objects.filter((o) => ['Deployment', 'Rollout', 'StatefulSet'].includes(o.kind))) {
      for (const p of policies.filter((x) => x.metadata.namespace === w.metadata.namespace)) expect(syncWaveOf(p)).toBeLessThan(syncWaveOf(w));
    }
  });
});
