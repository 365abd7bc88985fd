import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { LangGraphWorkload, LangGraphWorkloadProps, renderedEnvOrder } from '../../src/constructs/langgraph-workload';
import { podExtrasSchema, schedulingSchema } from '../../src/config/features/pod';
import { secretEnvFor } from '../../src/charts/credentials';
import { WorkflowContext, featureScope } from '../../src/charts/context';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { contextOf, expectHardenedPod } from '../charts/features/feature-fixture';

type Props = Omit<LangGraphWorkloadProps, 'serviceAccount' | 'configMap'>;

/** The API's props as src/charts/workflow-chart.ts builds them. */
function apiProps(ctx: WorkflowContext, extra: Partial<Props> = {}): Props {
  const s = ctx.settings;
  return {
    name: ctx.apiName, identity: ctx.api, image: ctx.workflow.image.reference, allowImageTags: ctx.env.images.allowTags,
    requests: s.resources.requests, limits: s.resources.limits, probes: s.probes,
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds, rollingUpdate: s.rollingUpdate,
    secretEnv: secretEnvFor(ctx), env: s.env,
    mesh: ctx.env.mesh.enabled ? { terminationDrainSeconds: ctx.env.mesh.terminationDrainSeconds } : undefined,
    replicas: ctx.canary ? 0 : undefined,
    ...extra,
  };
}

function render(build: (chart: Chart, sa: kplus.IServiceAccount, cm: kplus.IConfigMap) => void): any[] {
  const chart = new Chart(Testing.app(), 'Test', { disableResourceNameHashes: true });
  build(chart, kplus.ServiceAccount.fromServiceAccountName(chart, 'SA', 'support-agent-api'), kplus.ConfigMap.fromConfigMapName(chart, 'CM', 'support-agent-config'));
  return chart.toJson();
}

const extras = podExtrasSchema.parse({
  envFrom: [{ configMap: 'graph-settings' }],
  volumes: [{ name: 'cache', mountPath: '/cache', readOnly: false, emptyDir: { sizeLimit: '64Mi' } }],
  sidecars: [{
    name: 'log-shipper', image: `registry.example.com/shipper@sha256:${'a'.repeat(64)}`, port: { name: 'shipper', number: 2020, healthPath: '/healthz' },
    mounts: [{ volume: 'cache', mountPath: '/cache' }],
  }],
  initContainers: [{ name: 'warmup', image: `registry.example.com/warmup@sha256:${'b'.repeat(64)}` }],
});
const spot = schedulingSchema.parse({ priorityClassName: 'langgraph', spot: { enabled: true, tolerations: [{ key: 'spot', effect: 'NoSchedule' }] } });

describe('LangGraphWorkload as the API', () => {
  test.each([
    ['dev, no mesh', 'dev', {}],
    ['prod, mesh and a canary (replicas 0)', 'prod', {}],
    ['staging, with sidecar, init container, volumes, envFrom and spot scheduling', 'staging', { extras, scheduling: spot }],
  ] as const)('%s: one hardened, strictly valid Deployment', (_label, envName, extra) => {
    const ctx = contextOf(envName);
    const props = apiProps(ctx, extra as Partial<Props>);
    const rendered = render((chart, serviceAccount, configMap) => new LangGraphWorkload(featureScope(chart, ctx), 'Api', { ...props, serviceAccount, configMap }));
    expect(rendered).toHaveLength(1);
    expect(defaultSchemaRegistry().validate(rendered[0])).toEqual([]);
    expectHardenedPod(rendered[0].spec.template);
    expect(rendered[0].spec.replicas).toBe(ctx.canary ? 0 : undefined);
  });

  test('with spot scheduling: tolerations, a preference for spot, and a hard spread over capacity type', () => {
    const ctx = contextOf('staging');
    const [d] = render((chart, serviceAccount, configMap) => new LangGraphWorkload(featureScope(chart, ctx), 'Api', { ...apiProps(ctx, { scheduling: spot }), serviceAccount, configMap }));
    const spec = d.spec.template.spec;
    expect(spec.priorityClassName).toBe('langgraph');
    expect(spec.tolerations).toEqual([{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0]).toEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] });
    expect(spec.topologySpreadConstraints).toContainEqual(expect.objectContaining({ topologyKey: 'karpenter.sh/capacity-type', whenUnsatisfiable: 'DoNotSchedule', maxSkew: 1 }));
  });

  test('with extras: envFrom, init container, sidecar with its port, extra volume', () => {
    const ctx = contextOf('staging');
    const [d] = render((chart, serviceAccount, configMap) => new LangGraphWorkload(featureScope(chart, ctx), 'Api', { ...apiProps(ctx, { extras }), serviceAccount, configMap }));
    const spec = d.spec.template.spec;
    expect(spec.containers.map((c: any) => c.name)).toEqual(['api', 'log-shipper']);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['warmup']);
    expect(spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'graph-settings' } }]);
    expect(spec.containers[0].volumeMounts).toContainEqual({ mountPath: '/cache', name: 'cache', readOnly: false });
    expect(spec.volumes).toContainEqual({ name: 'cache', emptyDir: { sizeLimit: '64Mi' } });
    expect(spec.containers[1].ports).toEqual([{ containerPort: 2020, name: 'shipper' }]);
  });
});

describe('LangGraphWorkload in another role', () => {
  const ctx = contextOf('dev');
  const identity = { workflow: ctx.workflow.name, app: 'langgraph-worker', component: 'worker' };
  const [deployment] = render((chart, serviceAccount, configMap) => new LangGraphWorkload(featureScope(chart, ctx), 'Worker', {
    ...apiProps(ctx), name: 'support-agent-worker', identity, serviceAccount, configMap, command: ['/storage/queue_entrypoint.sh'],
  }));
  const container = deployment.spec.template.spec.containers[0];

  test('runs the given command in a container named after the component', () => {
    expect(container.name).toBe('worker');
    expect(container.command).toEqual(['/storage/queue_entrypoint.sh']);
  });

  test('selects and labels its pods by its own identity', () => {
    expect(deployment.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'langgraph-worker', 'app.kubernetes.io/instance': 'support-agent', 'app.kubernetes.io/component': 'worker',
    });
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('langgraph-worker');
  });

  test('is hardened and validates strictly', () => {
    expectHardenedPod(deployment.spec.template);
    expect(defaultSchemaRegistry().validate(deployment)).toEqual([]);
  });

  test('without a command the image entrypoint runs (no command field)', () => {
    const [api] = render((chart, serviceAccount, configMap) => new LangGraphWorkload(featureScope(chart, ctx), 'Api', { ...apiProps(ctx), serviceAccount, configMap }));
    expect(api.spec.template.spec.containers[0].command).toBeUndefined();
  });
});

describe('renderedEnvOrder', () => {
  const ref = { secretName: 's', key: 'k' };

  test('Secret references first in their order, then plain values by name', () => {
    expect(renderedEnvOrder({ B_SECRET: ref, A_SECRET: ref }, { Z: '1', M: '2' }, 'x')).toEqual(['B_SECRET', 'A_SECRET', 'M', 'Z']);
  });

  test('a plain value may reference a Secret variable or an earlier plain one', () => {
    expect(() => renderedEnvOrder({ POSTGRES_PASSWORD: ref }, { DATABASE_URI: 'postgres://u:$(POSTGRES_PASSWORD)@h/db', ZED: '$(DATABASE_URI)' }, 'x')).not.toThrow();
  });

  test('a reference to a variable defined later (or never) is refused, naming both', () => {
    expect(() => renderedEnvOrder({}, { A_URI: '$(Z_PASSWORD)', Z_PASSWORD: 'p' }, 'support-agent-worker'))
      .toThrow(/support-agent-worker: env A_URI references \$\(Z_PASSWORD\), which is not defined before it/);
    expect(() => renderedEnvOrder({}, { A: '$(MISSING)' }, 'x')).toThrow(/\$\(MISSING\)/);
  });

  test('a name given both as a Secret reference and as a plain value is refused', () => {
    expect(() => renderedEnvOrder({ DATABASE_URI: ref }, { DATABASE_URI: 'postgres://…' }, 'x')).toThrow(/DATABASE_URI defined both from a Secret and as a plain value/);
  });

  test('the construct applies the check', () => {
    expect(() => render((chart, serviceAccount, configMap) => new LangGraphWorkload(featureScope(chart, contextOf('dev')), 'Api', {
      ...apiProps(contextOf('dev')), serviceAccount, configMap, env: { A_URI: '$(NOT_DEFINED)' },
    }))).toThrow(/NOT_DEFINED/);
  });
});

test('snapshot: the API Deployment of the reference workflow in dev (no mesh, no canary)', () => {
  const ctx = contextOf('dev');
  const rendered = render((chart, serviceAccount, configMap) => new LangGraphWorkload(featureScope(chart, ctx), 'Api', { ...apiProps(ctx), serviceAccount, configMap }));
  expect(rendered.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`Deployment/${ctx.apiName}`]);
  expect(rendered).toMatchSnapshot('LangGraphWorkload: API Deployment support-agent-api in dev');
});
