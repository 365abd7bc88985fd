/**
 * The SyncWaves aspect on objects that carry NO wave yet: the committed workflows rendered with
 * every platform aspect but this one, plus hand-built objects without any annotations. Feeding it
 * the finished output (which already carries every wave) would skip the branch that adds them,
 * and nothing here could fail.
 */
import { App } from 'cdk8s';
import { loadConfig } from '../../src/config/load';
import { WorkflowChart } from '../../src/charts/workflow-chart';
import { SharedChart } from '../../src/charts/shared-chart';
import { KubeObject } from '../../src/model/kube-object';
import { RenderedObject } from '../../src/model/rendered-object';
import { objectId } from '../../src/model/object-id';
import { renderEnvironment, synthChart } from '../../src/synth/render';
import { Aspects } from '../../src/util/aspects';
import { Waivers } from '../../src/validation/waivers';
import { KeepOnDelete } from '../../src/gitops/keep-on-delete';
import { SYNC_WAVE_ANNOTATION, SYNC_WAVES, SyncWaves, syncWaveOf } from '../../src/gitops/sync-waves';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { CONFIG_DIR, ENVIRONMENTS } from '../helpers';
import { renderedThroughAspects } from '../util/aspect-harness';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The contract, written out independently of SYNC_WAVES: `group/Kind` → wave (core group: '').
 * Unlisted kinds are wave 0 and stay unannotated.
 */
const CONTRACT: Readonly<Record<string, { apiVersion: string; wave: number }>> = {
  '/Namespace': { apiVersion: 'v1', wave: -2 },
  'scheduling.k8s.io/PriorityClass': { apiVersion: 'scheduling.k8s.io/v1', wave: -2 },
  '/ServiceAccount': { apiVersion: 'v1', wave: -1 },
  '/ConfigMap': { apiVersion: 'v1', wave: -1 },
  'external-secrets.io/ExternalSecret': { apiVersion: 'external-secrets.io/v1', wave: -1 },
  'rbac.authorization.k8s.io/Role': { apiVersion: 'rbac.authorization.k8s.io/v1', wave: -1 },
  'rbac.authorization.k8s.io/RoleBinding': { apiVersion: 'rbac.authorization.k8s.io/v1', wave: -1 },
  'networking.k8s.io/NetworkPolicy': { apiVersion: 'networking.k8s.io/v1', wave: -1 },
  'security.istio.io/PeerAuthentication': { apiVersion: 'security.istio.io/v1', wave: -1 },
  'security.istio.io/AuthorizationPolicy': { apiVersion: 'security.istio.io/v1', wave: -1 },
  'security.istio.io/RequestAuthentication': { apiVersion: 'security.istio.io/v1', wave: -1 },
  'argoproj.io/AnalysisTemplate': { apiVersion: 'argoproj.io/v1alpha1', wave: -1 },
  'argoproj.io/Rollout': { apiVersion: 'argoproj.io/v1alpha1', wave: 1 },
  'autoscaling/HorizontalPodAutoscaler': { apiVersion: 'autoscaling/v2', wave: 1 },
  'keda.sh/ScaledObject': { apiVersion: 'keda.sh/v1alpha1', wave: 1 },
  'autoscaling.k8s.io/VerticalPodAutoscaler': { apiVersion: 'autoscaling.k8s.io/v1', wave: 1 },
};
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const expectedWave = (o: KubeObject) => CONTRACT[`${groupOf(o.apiVersion)}/${o.kind}`]?.wave ?? 0;
const waveAnnotation = (o: KubeObject) => o.metadata.annotations?.[SYNC_WAVE_ANNOTATION];

/** Every committed workflow with the platform's other aspects (waivers, keep-on-delete), not yet waved. */
const config = loadConfig(CONFIG_DIR);
const rendered: RenderedObject[] = config.environments.flatMap((e) => [
  ...e.workflows.flatMap((wf) => {
    const chart = new WorkflowChart(new App({ outdir: 'unused' }), wf.name, { environment: e.environment, workflow: wf });
    Aspects.of(chart).add(new Waivers({ waivers: e.environment.waivers, workflow: wf.name }));
    Aspects.of(chart).add(new KeepOnDelete());
    return synthChart(chart).map((object): RenderedObject => ({ environment: e.environment.name, workflow: wf.name, object }));
  }),
  // The environment's shared objects (the PriorityClass), as renderEnvironment adds them last.
  ...(() => {
    const chart = new SharedChart(new App({ outdir: 'unused' }), '_shared', { resolved: e });
    Aspects.of(chart).add(new KeepOnDelete());
    return synthChart(chart).map((object): RenderedObject => ({ environment: e.environment.name, object }));
  })(),
]);

/** One object per contract kind with no `annotations` at all, plus wave-0 kinds and look-alikes from other groups. */
const bare = (apiVersion: string, kind: string, name: string): RenderedObject => ({
  environment: 'dev',
  object: { apiVersion, kind, metadata: { name, namespace: 'bare' } },
});
const handBuilt: RenderedObject[] = [
  ...Object.entries(CONTRACT).map(([key, { apiVersion }]) => bare(apiVersion, key.split('/')[1], `bare-${key.split('/')[1].toLowerCase()}`)),
  bare('v1', 'Service', 'bare-service'),
  bare('apps/v1', 'Deployment', 'bare-deployment'),
  // Same kind name, another API group: not the contract's kind, so wave 0.
  bare('example.com/v1', 'Rollout', 'lookalike-rollout'),
  bare('example.com/v1', 'ConfigMap', 'lookalike-configmap'),
  // An empty annotations map is not "already has a wave".
  { environment: 'dev', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { annotations: {}, name: 'empty-annotations', namespace: 'bare' } } },
];

const input: RenderedObject[] = [...rendered, ...handBuilt];
const before = structuredClone(input);
const waved = renderedThroughAspects(input, [new SyncWaves()]);
const wavedRendered = waved.slice(0, rendered.length);

const inEnv = (env: string) => wavedRendered.filter((r) => r.environment === env).map((r) => r.object as any);
const lookup = (objects: any[], kind: string, namespace: string | undefined, name: string): KubeObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!found) throw new Error(`no ${kind} ${namespace}/${name}`);
  return found;
};

describe('preconditions: the input really lacks waves', () => {
  test('no input object carries a sync wave, and every environment rendered something', () => {
    expect(before.filter((r) => waveAnnotation(r.object) !== undefined).map((r) => objectId(r.object))).toEqual([]);
    for (const env of ENVIRONMENTS) expect(rendered.filter((r) => r.environment === env).length).toBeGreaterThan(0);
  });

  test('the rendered input holds every non-zero contract kind and wave-0 kinds; the hand-built ones have no annotations', () => {
    const renderedKinds = new Set(rendered.map((r) => `${groupOf(r.object.apiVersion)}/${r.object.kind}`));
    // Every non-zero kind of the contract is rendered somewhere in the committed config.
    expect(Object.keys(CONTRACT).filter((k) => !renderedKinds.has(k))).toEqual([]);
    expect(rendered.filter((r) => expectedWave(r.object) === 0).length).toBeGreaterThan(0);
    const withoutAnnotations = handBuilt.filter((r) => r.object.metadata.annotations === undefined);
    expect(withoutAnnotations.length).toBeGreaterThanOrEqual(Object.keys(CONTRACT).length);
  });
});

describe('the waves', () => {
  test('SYNC_WAVES is exactly the documented contract', () => {
    const contract = Object.fromEntries(Object.entries(CONTRACT).map(([key, { wave }]) => {
      const [group, kind] = key.split('/');
      return [group ? `${kind}.${group}` : kind, wave];
    }));
    expect(SYNC_WAVES).toEqual(contract);
  });

  test('every rendered object gets exactly its kind\'s wave; wave-0 kinds get no annotation', () => {
    const wrong = wavedRendered
      .map((r) => ({ id: `${r.environment} ${objectId(r.object)}`, got: waveAnnotation(r.object), want: expectedWave(r.object) }))
      .filter(({ got, want }) => got !== (want === 0 ? undefined : String(want)));
    expect(wrong).toEqual([]);
    expect(wavedRendered.filter((r) => waveAnnotation(r.object) !== undefined).length).toBeGreaterThan(0);
  });

  test.each(Object.entries(CONTRACT).map(([key, { wave }]) => [key, wave] as const))('%s without any annotations gets wave %i', (key) => {
    const kind = key.split('/')[1];
    const out = waved[input.findIndex((r) => r.object.metadata.name === `bare-${kind.toLowerCase()}`)].object;
    expect(out.metadata.annotations).toEqual({ [SYNC_WAVE_ANNOTATION]: String(CONTRACT[key].wave) });
    expect(syncWaveOf(out)).toBe(CONTRACT[key].wave);
  });

  test('wave-0 kinds and same-named kinds of other API groups stay unannotated; an empty annotation map is filled', () => {
    const byName = (name: string) => waved[input.findIndex((r) => r.object.metadata.name === name)].object;
    for (const name of ['bare-service', 'bare-deployment', 'lookalike-rollout', 'lookalike-configmap']) {
      expect(byName(name).metadata.annotations).toBeUndefined();
    }
    expect(byName('empty-annotations').metadata.annotations).toEqual({ [SYNC_WAVE_ANNOTATION]: '-1' });
  });

  test('an object that already names its wave keeps it, whatever its kind', () => {
    for (const [apiVersion, kind] of [['v1', 'ConfigMap'], ['argoproj.io/v1alpha1', 'Rollout'], ['v1', 'Service']]) {
      const own: RenderedObject = {
        environment: 'dev',
        object: { apiVersion, kind, metadata: { annotations: { [SYNC_WAVE_ANNOTATION]: '5' }, name: 'x', namespace: 'y' } },
      };
      const [out] = renderedThroughAspects([own], [new SyncWaves()]);
      expect(out).toEqual(own);
      expect(syncWaveOf(out.object)).toBe(5);
    }
  });

  test('a custom wave table replaces the default one', () => {
    const [ns, svc] = renderedThroughAspects(handBuilt.filter((r) => ['bare-namespace', 'bare-service'].includes(r.object.metadata.name)), [new SyncWaves({ waves: { Service: 3 } })]);
    expect(ns.object.metadata.annotations).toBeUndefined();
    expect(svc.object.metadata.annotations).toEqual({ [SYNC_WAVE_ANNOTATION]: '3' });
  });

  test('the synthesis path applies it: every object of renderEnvironment carries the same wave as here', () => {
    const synthesized = config.environments.flatMap((e) => renderEnvironment(e));
    expect(synthesized.map((r) => objectId(r.object))).toEqual(wavedRendered.map((r) => objectId(r.object)));
    expect(synthesized.map((r) => waveAnnotation(r.object))).toEqual(wavedRendered.map((r) => waveAnnotation(r.object)));
  });

  test('every annotated object still validates strictly, and waves are integer strings', () => {
    const annotated = wavedRendered.filter((r) => waveAnnotation(r.object) !== undefined);
    expect(annotated.length).toBeGreaterThan(0);
    for (const r of annotated) {
      expect(waveAnnotation(r.object)).toMatch(/^-?\d+$/);
      expect(defaultSchemaRegistry().validate(r.object)).toEqual([]);
    }
  });
});

describe('stable bytes', () => {
  test('running the aspect again changes nothing', () => {
    expect(renderedThroughAspects(waved, [new SyncWaves()])).toEqual(waved);
  });

  test('same length and order; wave-0 objects are unchanged; waved ones differ only by the wave', () => {
    expect(waved.map((r) => objectId(r.object))).toEqual(input.map((r) => objectId(r.object)));
    let changed = 0;
    waved.forEach((r, i) => {
      if (expectedWave(r.object) === 0) {
        expect(r).toEqual(before[i]);
        return;
      }
      changed++;
      const o = input[i].object;
      const withWave = { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), [SYNC_WAVE_ANNOTATION]: String(expectedWave(o)) } };
      expect(r).toEqual({ ...input[i], object: { ...o, metadata: withWave } });
    });
    expect(changed).toBeGreaterThan(0);
  });

  test('metadata and annotation keys stay sorted after annotating (cdk8s order, stable bytes)', () => {
    const annotated = waved.filter((r) => waveAnnotation(r.object) !== undefined);
    expect(annotated.length).toBeGreaterThan(0);
    for (const r of annotated) {
      const keys = Object.keys(r.object.metadata);
      expect(keys).toEqual([...keys].sort());
      const annotationKeys = Object.keys(r.object.metadata.annotations!);
      expect(annotationKeys).toEqual([...annotationKeys].sort());
    }
  });
});

describe.each(ENVIRONMENTS)('ordering contract in %s (Argo CD applies lower waves first)', (env) => {
  const objects = inEnv(env);
  const workloads = objects.filter((o) => ['Deployment', 'Rollout', 'StatefulSet'].includes(o.kind));

  test('every object comes after the Namespace it lives in', () => {
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    expect(namespaces.length).toBeGreaterThan(0);
    let checked = 0;
    for (const o of objects.filter((x) => x.metadata.namespace)) {
      const ns = namespaces.find((x) => x.metadata.name === o.metadata.namespace);
      if (!ns) continue; // a namespace the platform does not own (monitoring); counted below
      checked++;
      expect(syncWaveOf(ns)).toBeLessThan(syncWaveOf(o));
    }
    expect(checked).toBeGreaterThan(objects.length / 2);
  });

  test('ServiceAccounts and ConfigMaps come before every workload that uses them', () => {
    expect(workloads.length).toBeGreaterThan(0);
    let serviceAccountsSeen = 0;
    let configMapsSeen = 0;
    for (const w of workloads) {
      const pod = w.kind === 'Rollout' && w.spec.workloadRef ? lookup(objects, w.spec.workloadRef.kind, w.metadata.namespace, w.spec.workloadRef.name) as any : w;
      const podSpec = pod.spec.template.spec;
      if (podSpec.serviceAccountName) {
        serviceAccountsSeen++;
        expect(syncWaveOf(lookup(objects, 'ServiceAccount', w.metadata.namespace, podSpec.serviceAccountName))).toBeLessThan(syncWaveOf(w));
      }
      const configMaps = [
        ...(podSpec.volumes ?? []).filter((v: any) => v.configMap).map((v: any) => v.configMap.name),
        ...[...(podSpec.containers ?? []), ...(podSpec.initContainers ?? [])].flatMap((c: any) => (c.envFrom ?? []).filter((e: any) => e.configMapRef).map((e: any) => e.configMapRef.name)),
      ];
      for (const name of configMaps) {
        const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === w.metadata.namespace && o.metadata.name === name);
        if (!cm) continue; // a ConfigMap the platform does not render (pre-existing); counted below
        configMapsSeen++;
        expect(syncWaveOf(cm)).toBeLessThan(syncWaveOf(w));
      }
    }
    expect(serviceAccountsSeen).toBeGreaterThan(0);
    expect(configMapsSeen).toBeGreaterThan(0);
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
    let pairs = 0;
    for (const w of workloads) {
      for (const p of policies.filter((x) => x.metadata.namespace === w.metadata.namespace)) {
        pairs++;
        expect(syncWaveOf(p)).toBeLessThan(syncWaveOf(w));
      }
    }
    expect(pairs).toBeGreaterThan(0);
  });
});

test('dev renders no Rollout (the Rollout ordering below covers staging and prod)', () => {
  expect(inEnv('dev').filter((o) => o.kind === 'Rollout')).toEqual([]);
});

describe.each(['staging', 'prod'])('Rollout ordering in %s', (env) => {
  test('a Rollout comes after everything it references: Services, VirtualService, analysis templates, its Deployment', () => {
    const objects = inEnv(env);
    const rollouts = objects.filter((o) => o.kind === 'Rollout');
    expect(rollouts.length).toBeGreaterThan(0);
    for (const r of rollouts) {
      const ns = r.metadata.namespace;
      const canary = r.spec.strategy.canary;
      const templates = (canary.analysis?.templates ?? []).map((t: any) => lookup(objects, 'AnalysisTemplate', ns, t.templateName));
      expect(templates.length).toBeGreaterThan(0);
      expect(r.spec.workloadRef).toBeDefined();
      const referenced: KubeObject[] = [
        lookup(objects, 'Service', ns, canary.canaryService),
        lookup(objects, 'Service', ns, canary.stableService),
        lookup(objects, 'VirtualService', ns, canary.trafficRouting.istio.virtualService.name),
        ...templates,
        lookup(objects, r.spec.workloadRef.kind, ns, r.spec.workloadRef.name),
      ];
      for (const o of referenced) expect(syncWaveOf(o)).toBeLessThan(syncWaveOf(r));
    }
  });
});
