import { parse } from 'yaml';
import { addVpa } from '../../../src/charts/features/vpa';
import { checkVpa, vpaSchema } from '../../../src/config/features/vpa';
import { toYaml } from '../../../src/synth/serialize';
import { contextFor, newChart, synthValid } from './workflow-context-fixture';
import { WorkflowContext } from '../../../src/charts/context';
import { IScalable } from '../../../src/constructs/autoscaler';

/** What LangGraphWorkflow decides (the Rollout with a canary, else the Deployment), here for the feature alone. */
const scaleTarget = (ctx: WorkflowContext): IScalable => ({
  scaleTargetRef: ctx.canary
    ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: ctx.apiName }
    : { apiVersion: 'apps/v1', kind: 'Deployment', name: ctx.apiName },
});
const vpaOf = (chart: Parameters<typeof addVpa>[0], ctx: WorkflowContext, options: Parameters<typeof addVpa>[2]) => addVpa(chart, ctx, options, scaleTarget(ctx));

const on = (extra: object = {}) => vpaSchema.parse({ enabled: true, ...extra });

describe('addVpa', () => {
  test('off by default', () => {
    const chart = newChart();
    expect(vpaOf(chart, contextFor('prod'), vpaSchema.parse(undefined))).toBeUndefined();
    expect(synthValid(chart)).toEqual([]);
  });

  test('recommendation-only by default, for the server container', () => {
    const chart = newChart();
    vpaOf(chart, contextFor('dev'), on());
    const [vpa] = synthValid(chart);
    expect(vpa.apiVersion).toBe('autoscaling.k8s.io/v1');
    expect(vpa.spec.updatePolicy).toEqual({ updateMode: 'Off' });
    expect(vpa.spec.resourcePolicy.containerPolicies).toEqual([{ containerName: 'api', controlledResources: ['cpu', 'memory'] }]);
  });

  test('targets the Rollout with a canary, the Deployment otherwise', () => {
    const target = (envName: string, wf: string) => {
      const ctx = contextFor(envName, wf);
      const chart = newChart();
      vpaOf(chart, ctx, on());
      return { canary: ctx.canary, ref: synthValid(chart)[0].spec.targetRef };
    };
    const canary = target('prod', 'support-agent');
    expect(canary.canary).toBe(true);
    expect(canary.ref).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'support-agent-api' });
    const rolling = target('prod', 'doc-summarizer');
    expect(rolling.canary).toBe(false);
    expect(rolling.ref).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'doc-summarizer-api' });
  });

  test('with the mesh the sidecar is left alone; bounds are rendered', () => {
    const chart = newChart();
    vpaOf(chart, contextFor('staging'), on({ minAllowed: { cpu: '100m', memory: '128Mi' }, maxAllowed: { cpu: '2', memory: '4Gi' } }));
    const [vpa] = synthValid(chart);
    expect(vpa.spec.resourcePolicy.containerPolicies).toEqual([
      { containerName: 'api', controlledResources: ['cpu', 'memory'], minAllowed: { cpu: '100m', memory: '128Mi' }, maxAllowed: { cpu: '2', memory: '4Gi' } },
      { containerName: 'istio-proxy', mode: 'Off' },
    ]);
  });

  test.each(['Initial', 'Recreate', 'InPlaceOrRecreate', 'Auto'])('active mode %s is refused while the HPA scales on cpu/memory', (mode) => {
    expect(() => vpaOf(newChart(), contextFor('prod'), on({ updateMode: mode }))).toThrow(/HPA scales on cpu\/memory.*fight/);
  });
});

describe('checkVpa (config time)', () => {
  const autoscaling = contextFor('prod').settings.autoscaling;

  test('Off passes; an active mode is refused with the reason and both utilization targets', () => {
    expect(checkVpa({ vpa: on(), autoscaling })).toEqual([]);
    const [issue, ...rest] = checkVpa({ vpa: on({ updateMode: 'Auto' }), autoscaling });
    expect(rest).toEqual([]);
    expect(issue.path).toEqual(['vpa', 'updateMode']);
    expect(issue.value).toBe('Auto');
    expect(issue.message).toContain(`cpu (${autoscaling.cpuUtilization}%)`);
    // No memory target unless opted into: the message names only what the HPA scales on.
    expect(autoscaling.memoryUtilization).toBeUndefined();
    expect(issue.message).not.toContain('memory (');
    expect(issue.message).toMatch(/fight/);
  });

  test('a disabled VPA is never refused, whatever its mode', () => {
    expect(checkVpa({ vpa: vpaSchema.parse({ enabled: false, updateMode: 'Auto' }), autoscaling })).toEqual([]);
  });

  test('minAllowed above maxAllowed is refused', () => {
    const issues = checkVpa({ vpa: on({ minAllowed: { memory: '8Gi' }, maxAllowed: { memory: '4Gi' } }), autoscaling });
    expect(issues.map((i) => i.path)).toEqual([['vpa', 'minAllowed', 'memory']]);
  });

  test('unknown modes are refused by the schema', () => {
    expect(vpaSchema.safeParse({ enabled: true, updateMode: 'Sometimes' }).success).toBe(false);
  });
});

describe('YAML output', () => {
  // Kubernetes decodes manifests as YAML 1.1 (sigs.k8s.io/yaml → go-yaml v2), where a bare Off is
  // the boolean false. updateMode: Off must reach the API server as the string "Off".
  // Fails until src/synth/serialize.ts writes YAML-1.1-safe scalars (e.g. `version: '1.1'` in
  // YAML_OPTIONS); then turn `test.failing` into `test`.
  test('updateMode Off survives a YAML 1.1 reader as the string "Off"', () => {
    const chart = newChart();
    vpaOf(chart, contextFor('staging'), on());
    const [vpa] = synthValid(chart);
    const read = parse(toYaml(vpa), { version: '1.1' });
    expect(read.spec.updatePolicy.updateMode).toBe('Off');
    expect(read.spec.resourcePolicy.containerPolicies[1].mode).toBe('Off');
  });
});

test('snapshot: what vpa (defaults) adds to support-agent in prod', () => {
  const chart = newChart();
  vpaOf(chart, contextFor('prod'), on());
  const objects = synthValid(chart);
  expect(objects.map((o) => o.kind)).toEqual(['VerticalPodAutoscaler']);
  expect(objects[0].spec.updatePolicy).toEqual({ updateMode: 'Off' });
  expect(objects).toMatchSnapshot('vpa: objects added to support-agent in prod');
});
