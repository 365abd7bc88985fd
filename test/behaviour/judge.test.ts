import { KubernetesObject, readManifests } from '../../scripts/ci/manifest-files';
import { formatJudgement, judge, pending } from '../../scripts/behaviour/judge';

/* eslint-disable @typescript-eslint/no-explicit-any -- live objects built from rendered ones */
type Obj = Record<string, any>;

const rendered = (env: string) => readManifests(`dist/${env}`).map((m) => m.object);
const find = (objects: readonly KubernetesObject[], kind: string, name: string) =>
  structuredClone(objects.find((o) => o.kind === kind && o.metadata?.name === name)) as Obj;

const nodes: Obj[] = ['a', 'b', 'c'].map((z) => ({
  kind: 'Node', metadata: { name: `lgp-zone-${z}`, labels: { 'kubernetes.io/hostname': `lgp-zone-${z}`, 'topology.kubernetes.io/zone': `zone-${z}`, 'karpenter.sh/capacity-type': z === 'c' ? 'spot' : 'on-demand' } }, spec: {},
}));

/** The live form of a rendered workload as the controllers leave it: `replicas` pods, `ready` of them Ready, one per zone in turn. */
function live(workload: Obj, replicas: number, ready: number): Obj[] {
  const uid = `${workload.metadata.name}-uid`;
  const w = { ...workload, metadata: { ...workload.metadata, uid, generation: 1 }, spec: { ...workload.spec, replicas }, status: { observedGeneration: 1, replicas, readyReplicas: ready } };
  const rs = { kind: 'ReplicaSet', metadata: { name: `${workload.metadata.name}-rs`, namespace: workload.metadata.namespace, uid: `${uid}-rs`, ownerReferences: [{ uid }] } };
  const owner = workload.kind === 'StatefulSet' ? uid : rs.metadata.uid;
  const pods = Array.from({ length: replicas }, (_, i) => ({
    kind: 'Pod',
    metadata: { name: `${workload.metadata.name}-${i}`, namespace: workload.metadata.namespace, labels: workload.spec.template.metadata.labels, ownerReferences: [{ uid: owner }] },
    spec: { nodeName: nodes[i % 3].metadata.name },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: i < ready ? 'True' : 'False' }] },
  }));
  return [w, rs, ...pods];
}

function hpaLive(hpa: Obj, conditions: ([string, string, string] | [string, string, string, string])[]): Obj {
  return { ...hpa, metadata: { ...hpa.metadata, generation: 1 }, status: { conditions: conditions.map(([type, status, reason, message]) => ({ type, status, reason, ...(message ? { message } : {}) })) } };
}
function pdbLive(pdb: Obj, expectedPods: number): Obj {
  return { ...pdb, metadata: { ...pdb.metadata, generation: 1 }, status: { observedGeneration: 1, expectedPods, currentHealthy: expectedPods, disruptionsAllowed: 1 } };
}

describe('judge on dev research-assistant', () => {
  const dev = rendered('dev');
  const api = find(dev, 'Deployment', 'research-assistant-api');
  const hpa = find(dev, 'HorizontalPodAutoscaler', 'research-assistant-api');
  const pdb = find(dev, 'PodDisruptionBudget', 'research-assistant-api');
  const postgres = find(dev, 'StatefulSet', 'research-assistant-postgres');
  const state = (apiReady: number, expectedPods = 1) => [
    ...nodes, ...live(api, 1, apiReady), ...live(postgres, 1, 1),
    hpaLive(hpa, [['AbleToScale', 'True', 'SucceededGetScale'], ['ScalingActive', 'False', 'FailedGetResourceMetric']]),
    pdbLive(pdb, expectedPods),
  ];

  it('passes when the workloads are ready, the PDB expects its pods and the HPA read its target', () => {
    const j = judge(state(1), dev);
    expect(j.failures).toEqual([]);
    expect(j.workloads.map((w) => `${w.kind}/${w.name} ${w.ready}/${w.want}`)).toEqual(['Deployment/research-assistant-api 1/1', 'StatefulSet/research-assistant-postgres 1/1']);
    expect(j.podsPerZone).toEqual({ 'zone-a': 2, 'zone-b': 0, 'zone-c': 0 });
    expect(j.hpas[0]).toMatchObject({ target: 'Deployment/research-assistant-api', min: 1, ok: true, conditions: 'AbleToScale=True/SucceededGetScale ScalingActive=False/FailedGetResourceMetric' });
    expect(j.applied).toBe(dev.length);
  });

  it('names a workload short of ready, and pending() waits for it', () => {
    const j = judge(state(0), dev);
    expect(j.failures).toContain('Deployment research-assistant/research-assistant-api: 0/1 replicas ready');
    expect(pending(state(0))).toEqual(['Deployment research-assistant/research-assistant-api: 0/1 ready']);
    expect(pending(state(1))).toEqual([]);
  });

  it('waits for an HPA until it has read its target\'s scale and tried its metrics', () => {
    const withHpa = (conditions: [string, string, string][]) => state(1).map((o) => (o.kind === 'HorizontalPodAutoscaler' ? hpaLive(hpa, conditions) : o));
    expect(pending(withHpa([]))).toEqual(['HorizontalPodAutoscaler research-assistant/research-assistant-api: no conditions yet']);
    expect(pending(withHpa([['AbleToScale', 'True', 'SucceededRescale']]))).toEqual(['HorizontalPodAutoscaler research-assistant/research-assistant-api: metrics not tried yet']);
    expect(pending(withHpa([['AbleToScale', 'False', 'FailedGetScale']]))).toEqual([]);
  });

  it('keeps waiting while the controller-manager has not yet discovered the target\'s kind', () => {
    // The condition as a CI run's kube-controller-manager v1.35 wrote it, when its discovery cache predated the Rollout CRD.
    const stale = 'the HPA controller was unable to get the target\'s current scale: no matches for kind "Rollout" in group "argoproj.io"';
    const withHpa = (message: string) => state(1).map((o) => (o.kind === 'HorizontalPodAutoscaler' ? hpaLive(hpa, [['AbleToScale', 'False', 'FailedGetScale', message]]) : o));
    expect(pending(withHpa(stale))).toEqual(['HorizontalPodAutoscaler research-assistant/research-assistant-api: its target\'s kind not yet discovered']);
    expect(pending(withHpa('the HPA controller was unable to get the target\'s current scale: deployments.apps "x" not found'))).toEqual([]);
  });

  it('fails a PDB that expects other pods than its selector matches', () => {
    expect(judge(state(1, 3), dev).failures).toEqual(['PodDisruptionBudget research-assistant/research-assistant-api: expects 3 pods, its selector matches 1']);
  });

  it('fails an HPA that could not read its target\'s scale', () => {
    const s = state(1).map((o) => (o.kind === 'HorizontalPodAutoscaler' ? hpaLive(hpa, [['AbleToScale', 'False', 'FailedGetScale']]) : o));
    expect(judge(s, dev).failures).toEqual(['HorizontalPodAutoscaler research-assistant/research-assistant-api: AbleToScale is not True (AbleToScale=False/FailedGetScale)']);
  });

  it('lists the applied kinds nothing reconciles here', () => {
    const ne = judge(state(1), dev).notExercised;
    expect(Object.keys(ne).sort()).toEqual(['Gateway', 'HTTPRoute', 'NetworkPolicy', 'PodMonitor', 'PrometheusRule']);
    // Dev's entry is Gateway API served by Istio: the shared Gateway, its redirect route and one route per workflow.
    expect(ne.Gateway).toEqual({ count: 1, controller: 'Istio' });
    expect(ne.HTTPRoute).toEqual({ count: 4, controller: 'Istio' });
  });
});

describe('judge on prod support-agent (a Rollout over a Deployment scaled to 0, its HPA on the Rollout)', () => {
  const prod = rendered('prod');
  const deployment = find(prod, 'Deployment', 'support-agent-api');
  const rollout = find(prod, 'Rollout', 'support-agent-api');
  const hpa = find(prod, 'HorizontalPodAutoscaler', 'support-agent-api');
  const base = [...nodes, ...live(deployment, 0, 0), { ...rollout, metadata: { ...rollout.metadata, uid: 'ro', generation: 1 } },
    hpaLive(hpa, [['AbleToScale', 'True', 'SucceededGetScale'], ['ScalingActive', 'False', 'ScalingDisabled']])];

  it('without the Rollouts controller: reports the Rollout\'s HPA, judges the Deployment at 0, lists Rollouts as not exercised', () => {
    const j = judge(base, prod);
    expect(j.failures).toEqual([]);
    expect(j.workloads).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'support-agent-api', rendered: 0, want: 0, ready: 0, note: 'Rollout support-agent-api runs these pods (workloadRef)' })]);
    expect(j.hpas[0].note).toMatch(/Rollouts controller does not run here/);
    expect(j.notExercised.Rollout).toEqual({ count: 2, controller: 'Argo Rollouts' });
    expect(formatJudgement('prod', j).join('\n')).toMatch(/not exercised .*Rollout ×2 \(Argo Rollouts\)/);
  });

  it('with the Rollouts controller: the Rollout must be ready and at least at its HPA\'s minimum', () => {
    const j = judge(base, prod, { rolloutsController: true });
    expect(j.failures).toEqual(expect.arrayContaining([
      'Rollout support-agent/support-agent-api: 0/1 replicas ready',
      'HorizontalPodAutoscaler support-agent/support-agent-api: Rollout support-agent-api has 0 replicas, below minReplicas 3',
    ]));
    expect(j.notExercised.Rollout).toBeUndefined();
  });
});
