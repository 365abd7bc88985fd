import { readManifests } from '../../scripts/ci/manifest-files';
import { NodeInfo, PlacementSpec, PodInfo, judgeSpread, nodeAccepts } from '../../scripts/behaviour/zone-spread';

// The staging research worker: zone and hostname spread (ScheduleAnyway), a hard spread over
// capacity type and a required node affinity to spot or on-demand nodes.
const worker = readManifests('dist/staging/research-assistant').map((m) => m.object)
  .find((o) => o.kind === 'Deployment' && o.metadata?.name === 'research-assistant-worker') as unknown as
  { metadata: { namespace: string }; spec: { template: { metadata: { labels: Record<string, string> }; spec: PlacementSpec } } };
const spec = worker.spec.template.spec;
const labels = worker.spec.template.metadata.labels;
const ns = worker.metadata.namespace;

const node = (name: string, zone: string, capacity?: string, taints: NodeInfo['taints'] = []): NodeInfo => ({
  name, taints,
  labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone, ...(capacity ? { 'karpenter.sh/capacity-type': capacity } : {}) },
});
const nodes = [node('a', 'zone-a', 'on-demand'), node('b', 'zone-b', 'on-demand'), node('c', 'zone-c', 'spot')];
const pod = (name: string, nodeName: string, extra: Partial<PodInfo> = {}): PodInfo => ({ namespace: ns, name, labels, nodeName, terminating: false, ...extra });
const byKey = (results: ReturnType<typeof judgeSpread>, key: string) => results.find((r) => r.constraint.topologyKey === key)!;

describe('judgeSpread on the rendered staging worker', () => {
  it('reads the three rendered constraints', () => {
    expect(spec.topologySpreadConstraints!.map((c) => `${c.topologyKey}/${c.whenUnsatisfiable}/${c.maxSkew}`)).toEqual([
      'topology.kubernetes.io/zone/ScheduleAnyway/1', 'kubernetes.io/hostname/ScheduleAnyway/1', 'karpenter.sh/capacity-type/DoNotSchedule/1',
    ]);
  });

  it('holds with one pod per zone, counting spot against on-demand', () => {
    const r = judgeSpread(spec, ns, [pod('p1', 'a'), pod('p2', 'b'), pod('p3', 'c')], nodes);
    expect(byKey(r, 'topology.kubernetes.io/zone')).toMatchObject({ counts: { 'zone-a': 1, 'zone-b': 1, 'zone-c': 1 }, skew: 0, holds: true });
    expect(byKey(r, 'karpenter.sh/capacity-type')).toMatchObject({ counts: { 'on-demand': 2, spot: 1 }, skew: 1, holds: true });
  });

  it('finds the skew when every pod is in one zone, empty zones counted as 0', () => {
    const r = judgeSpread(spec, ns, [pod('p1', 'c'), pod('p2', 'c'), pod('p3', 'c')], nodes);
    expect(byKey(r, 'topology.kubernetes.io/zone')).toMatchObject({ counts: { 'zone-a': 0, 'zone-b': 0, 'zone-c': 3 }, skew: 3, holds: false });
    expect(byKey(r, 'karpenter.sh/capacity-type')).toMatchObject({ skew: 3, holds: false });
  });

  it('ignores other namespaces, other labels, terminating and unscheduled pods', () => {
    const r = judgeSpread(spec, ns, [
      pod('p1', 'a'), pod('x', 'a', { namespace: 'other' }), pod('y', 'a', { labels: { app: 'else' } }),
      pod('z', 'a', { terminating: true }), pod('u', '', { nodeName: undefined }),
    ], nodes);
    expect(byKey(r, 'topology.kubernetes.io/zone').counts).toEqual({ 'zone-a': 1, 'zone-b': 0, 'zone-c': 0 });
  });

  it('leaves out nodes the required node affinity refuses (nodeAffinityPolicy Honor, the default)', () => {
    const unlabelled = node('d', 'zone-d');
    expect(nodeAccepts(spec, unlabelled)).toBe(false);
    expect(nodeAccepts(spec, nodes[2])).toBe(true);
    const r = judgeSpread(spec, ns, [pod('p1', 'a'), pod('p2', 'b'), pod('p3', 'c')], [...nodes, unlabelled]);
    expect(Object.keys(byKey(r, 'topology.kubernetes.io/zone').counts)).toEqual(['zone-a', 'zone-b', 'zone-c']);
  });

  it('counts a tainted node\'s domain unless nodeTaintsPolicy is Honor and the taint is not tolerated', () => {
    const tainted = [nodes[0], nodes[1], node('c', 'zone-c', 'on-demand', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }])];
    const zone = (policy?: string) => ({ ...spec, topologySpreadConstraints: [{ ...spec.topologySpreadConstraints![0], nodeTaintsPolicy: policy }] });
    expect(Object.keys(judgeSpread(zone(), ns, [], tainted)[0].counts)).toEqual(['zone-a', 'zone-b', 'zone-c']);
    expect(Object.keys(judgeSpread(zone('Honor'), ns, [], tainted)[0].counts)).toEqual(['zone-a', 'zone-b']);
    // The worker tolerates the spot taint, so a tainted spot node stays eligible.
    const spotTainted = [nodes[0], nodes[1], node('c', 'zone-c', 'spot', [{ key: 'karpenter.sh/capacity-type', value: 'spot', effect: 'NoSchedule' }])];
    expect(Object.keys(judgeSpread(zone('Honor'), ns, [], spotTainted)[0].counts)).toEqual(['zone-a', 'zone-b', 'zone-c']);
  });
});
