import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HOSTNAME_TOPOLOGY_KEY, ZONE_TOPOLOGY_KEY, Scheduling, podScheduling, schedulingConflicts } from '../../src/constructs/scheduling';
import { LangGraphWorkload } from '../../src/constructs/langgraph-workload';
import { schedulingSchema } from '../../src/config/features/pod';
import { secretEnvFor } from '../../src/charts/credentials';
import { featureScope } from '../../src/charts/context';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { contextOf } from '../charts/features/feature-fixture';

const SELECTOR = { 'app.kubernetes.io/name': 'langgraph-api', 'app.kubernetes.io/instance': 'wf', 'app.kubernetes.io/component': 'api' };
const CAPACITY = 'karpenter.sh/capacity-type';
const spot = { enabled: true, tolerations: [{ key: 'spot', operator: 'Exists' as const, effect: 'NoSchedule' as const }] };
const parse = (s: unknown): Scheduling => schedulingSchema.parse(s);

/** The platform's placement, which no extra may drop. */
function expectPlatformPlacement(fields: ReturnType<typeof podScheduling>) {
  const keys = fields.topologySpreadConstraints.map((c) => c.topologyKey);
  expect(keys.slice(0, 2)).toEqual([ZONE_TOPOLOGY_KEY, HOSTNAME_TOPOLOGY_KEY]);
  const anti = (fields.affinity.podAntiAffinity as any).preferredDuringSchedulingIgnoredDuringExecution;
  expect(anti[0]).toEqual({ weight: 100, podAffinityTerm: { topologyKey: HOSTNAME_TOPOLOGY_KEY, labelSelector: { matchLabels: SELECTOR } } });
}

describe('podScheduling with free-form placement', () => {
  test('off (the defaults): no nodeSelector, no extra tolerations, the platform\'s affinity alone', () => {
    const fields = podScheduling(SELECTOR, parse(undefined));
    expect(fields).toEqual(podScheduling(SELECTOR));
    expect(fields.nodeSelector).toBeUndefined();
    expect(fields.tolerations).toBeUndefined();
    expect(Object.keys(fields.affinity)).toEqual(['podAntiAffinity']);
    expectPlatformPlacement(fields);
  });

  test('on, with spot: merged, never replacing the spread, the spot terms or the anti-affinity', () => {
    const fields = podScheduling(SELECTOR, parse({
      spot,
      nodeSelector: { 'node.kubernetes.io/instance-type': 'm7i.2xlarge', 'kubernetes.io/arch': 'amd64' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'langgraph', effect: 'NoSchedule' }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
            { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b'] }] },
            { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
          ] },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['nvme'] }] } }],
        },
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, podAffinityTerm: { topologyKey: ZONE_TOPOLOGY_KEY, labelSelector: { matchLabels: { app: 'vector-db' } } } }] },
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOSTNAME_TOPOLOGY_KEY, labelSelector: { matchLabels: { app: 'batch' } } }] },
      },
    }));
    expectPlatformPlacement(fields);
    // The hard spread over capacity type stays.
    expect(fields.topologySpreadConstraints[2]).toMatchObject({ topologyKey: CAPACITY, whenUnsatisfiable: 'DoNotSchedule' });
    // Keys sorted: stable bytes.
    expect(Object.keys(fields.nodeSelector!)).toEqual(['kubernetes.io/arch', 'node.kubernetes.io/instance-type']);
    expect(fields.tolerations).toEqual([
      { key: 'spot', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'langgraph', effect: 'NoSchedule' },
    ]);
    const node = fields.affinity.nodeAffinity as any;
    // (zone or team) and capacity-type: each of the config's terms carries the spot requirement.
    const spotTerm = { key: CAPACITY, operator: 'In', values: ['spot', 'on-demand'] };
    expect(node.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b'] }, spotTerm] },
      { matchExpressions: [{ key: 'team', operator: 'Exists' }, spotTerm] },
    ]);
    expect(node.preferredDuringSchedulingIgnoredDuringExecution.map((p: any) => p.weight)).toEqual([50, 10]);
    expect((fields.affinity.podAffinity as any).preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    const anti = fields.affinity.podAntiAffinity as any;
    expect(anti.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(anti.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toEqual({ app: 'batch' });
  });

  test('required node terms without spot are the config\'s own', () => {
    const term = { matchExpressions: [{ key: 'team', operator: 'In' as const, values: ['ai'] }] };
    const fields = podScheduling(SELECTOR, parse({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } } }));
    expect((fields.affinity.nodeAffinity as any).requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([term]);
  });
});

describe('schedulingConflicts', () => {
  const paths = (s: unknown) => schedulingConflicts(parse(s)).map((c) => c.path.join('.'));

  test('the committed and default placements have none', () => {
    expect(paths(undefined)).toEqual([]);
    expect(paths({ spot, nodeSelector: { 'kubernetes.io/arch': 'amd64' }, tolerations: [{ key: 'gpu', effect: 'NoSchedule' }] })).toEqual([]);
  });

  test('a nodeSelector on the capacity-type label contradicts spot, and only spot', () => {
    const [c, ...more] = schedulingConflicts(parse({ spot, nodeSelector: { [CAPACITY]: 'on-demand' } }));
    expect(more).toEqual([]);
    expect(c).toMatchObject({ path: ['nodeSelector', CAPACITY], value: 'on-demand' });
    expect(c.message).toContain('pins every replica to karpenter.sh/capacity-type=on-demand');
    expect(c.message).toContain('turn spot.enabled off');
    expect(paths({ nodeSelector: { [CAPACITY]: 'on-demand' } })).toEqual([]);
  });

  test('a node term on the capacity-type label contradicts spot (a custom label too)', () => {
    expect(paths({
      spot: { ...spot, capacityTypeLabel: 'node.example.com/lifecycle' },
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: { matchExpressions: [{ key: 'node.example.com/lifecycle', operator: 'In', values: ['spot'] }] } }] } },
    })).toEqual(['affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.preference.matchExpressions.0.key']);
  });

  test('a toleration of a spot taint: another effect refused with both effects named, the same one as a repeat', () => {
    const [c] = schedulingConflicts(parse({ spot, tolerations: [{ key: 'spot', effect: 'NoExecute' }] }));
    expect(c).toMatchObject({ path: ['tolerations', 0, 'effect'], value: 'NoExecute' });
    expect(c.message).toContain('with NoSchedule');
    expect(schedulingConflicts(parse({ spot, tolerations: [{ key: 'spot', effect: 'NoSchedule' }] }))[0].message).toContain('repeats the spot toleration');
    // Without spot it is an ordinary toleration.
    expect(paths({ tolerations: [{ key: 'spot', effect: 'NoExecute' }] })).toEqual([]);
  });

  test('a taint tolerated twice, and requirements Kubernetes refuses', () => {
    expect(paths({ tolerations: [{ key: 'gpu', effect: 'NoSchedule' }, { key: 'gpu', effect: 'NoExecute' }] })).toEqual(['tolerations.1']);
    expect(paths({ tolerations: [{ key: 'gpu', operator: 'Exists', value: 'a100', effect: 'NoSchedule' }] })).toEqual(['tolerations.0.value']);
    expect(paths({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [
      { key: 'a', operator: 'In', values: [] }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Gt', values: ['many'] },
    ] }] } } } })).toEqual([0, 1, 2].map((i) => `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchExpressions.${i}.values`));
    expect(paths({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: ZONE_TOPOLOGY_KEY, labelSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn' }] } }] } } }))
      .toEqual(['affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.labelSelector.matchExpressions.0.values']);
  });

  test('the schema refuses what is no Kubernetes field', () => {
    expect(schedulingSchema.safeParse({ affinity: { nodeAffinity: { required: [] } } }).success).toBe(false);
    expect(schedulingSchema.safeParse({ nodeSelector: { 'bad key!': 'x' } }).success).toBe(false);
  });
});

describe('LangGraphWorkload with free-form placement', () => {
  const ctx = contextOf('staging');
  const s = ctx.settings;
  const render = (scheduling: Scheduling) => {
    const chart = new Chart(Testing.app(), 'Test', { disableResourceNameHashes: true });
    new LangGraphWorkload(featureScope(chart, ctx), 'Api', {
      name: ctx.apiName, identity: ctx.api, image: ctx.workflow.image.reference, requests: s.resources.requests, limits: s.resources.limits,
      probes: s.probes, terminationGracePeriodSeconds: s.terminationGracePeriodSeconds, rollingUpdate: s.rollingUpdate, secretEnv: secretEnvFor(ctx), scheduling,
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'SA', 'sa'), configMap: kplus.ConfigMap.fromConfigMapName(chart, 'CM', 'cm'),
    });
    return chart.toJson()[0];
  };

  test('the merged placement is a strictly valid pod spec', () => {
    const d = render(parse({
      spot, nodeSelector: { 'kubernetes.io/arch': 'amd64' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'langgraph', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'team', operator: 'Exists' }] }] } } },
    }));
    expect(defaultSchemaRegistry().validate(d)).toEqual([]);
    expect(d.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(d.spec.template.spec.tolerations).toHaveLength(2);
    expect(d.spec.template.spec.topologySpreadConstraints).toHaveLength(3);
  });

  test('a conflict is refused at synth, naming the Deployment, the field and the value', () => {
    expect(() => render(parse({ spot, nodeSelector: { [CAPACITY]: 'spot' } })))
      .toThrow(/Deployment support-agent\/support-agent-api: scheduling\.nodeSelector\.karpenter\.sh\/capacity-type \(value: "spot"\) pins every replica/);
  });
});
