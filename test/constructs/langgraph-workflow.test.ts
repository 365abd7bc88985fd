import { Chart, Testing } from 'cdk8s';
import { LangGraphWorkflow, LangGraphWorkflowProps } from '../../src/constructs/langgraph-workflow';
import { ESSENTIALS, IMAGE } from './workflow-essentials';
import { CanaryRollout } from '../../src/constructs/canary-rollout';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';


function render(props: Partial<LangGraphWorkflowProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const workflow = new LangGraphWorkflow(chart, 'Workflow', { ...ESSENTIALS, ...props });
  const objects = Testing.synth(chart);
  return { workflow, objects };
}
const find = (objects: any[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
const kinds = (objects: any[]) => [...new Set(objects.map((o) => o.kind))].sort();

describe('LangGraphWorkflow with only the essentials', () => {
  const { workflow, objects } = render();

  test('renders the whole stack, every object valid against the strict schemas', () => {
    expect(kinds(objects)).toEqual([
      'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget',
      'PodMonitor', 'PrometheusRule', 'Role', 'RoleBinding', 'Service', 'ServiceAccount',
    ]);
    expect(objects.flatMap((o) => defaultSchemaRegistry().validate(o))).toEqual([]);
  });

  test('namespace, labels and version come from the workflow scope', () => {
    for (const o of objects) {
      expect(o.metadata.labels['app.kubernetes.io/instance']).toBe('support');
      expect(o.metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
      expect(o.metadata.labels.owner).toBe('ai-platform');
      if (o.kind === 'Namespace') expect(o.metadata.namespace).toBeUndefined();
      else if (o.metadata.name === 'support-dashboard') expect(o.metadata.namespace).toBe('monitoring');
      else expect(o.metadata.namespace).toBe('support');
    }
  });

  test('the pod is hardened and pinned to the given image', () => {
    const pod = find(objects, 'Deployment', 'support-api').spec.template.spec;
    const [server] = pod.containers;
    expect(server.image).toBe(IMAGE);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(server.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(server.resources.requests).toEqual({ cpu: '1', memory: '2048Mi', 'ephemeral-storage': '1Gi' });
    // Credentials only by reference to `<workflow>-secrets`.
    const fromSecret = server.env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef.name]);
    expect(fromSecret).toContainEqual(['DATABASE_URI', 'support-secrets']);
    expect(server.env.filter((e: any) => e.value !== undefined && /KEY|PASSWORD|URI/.test(e.name))).toEqual([]);
  });

  test('the HPA scales the Deployment, from 2 to 10 on cpu; the Deployment leaves replicas to it', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'support-api');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'support-api' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 10]);
    expect(hpa.spec.metrics.map((m: any) => m.resource?.name)).toEqual(['cpu']);
    expect(find(objects, 'Deployment', 'support-api').spec.replicas).toBeUndefined();
    expect(workflow.scaleTarget).toBe(workflow.workload);
  });

  test('network: default deny, and no database allow until a destination is given (an empty `to` would allow all)', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name)).toContain('support-default-deny');
    expect(policies.map((p) => p.metadata.name)).not.toContain('support-allow-postgres');
    for (const p of policies) for (const rule of p.spec.egress ?? []) expect(rule.to.length).toBeGreaterThan(0);
    const https = find(objects, 'NetworkPolicy', 'support-allow-https');
    expect(https.spec.egress[0].to[0].ipBlock).toEqual({ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] });
  });
});

describe('LangGraphWorkflow options', () => {
  test('a canary in the mesh: the HPA scales the Rollout, the Deployment keeps no pods', () => {
    const { workflow, objects } = render({ mesh: true, canary: {} });
    expect(workflow.rollout).toBeInstanceOf(CanaryRollout);
    expect(workflow.scaleTarget).toBe(workflow.rollout);
    expect(find(objects, 'HorizontalPodAutoscaler', 'support-api').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'support-api' });
    expect(find(objects, 'Deployment', 'support-api').spec.replicas).toBe(0);
    expect(find(objects, 'Rollout', 'support-api').spec.strategy.canary.steps.filter((s: any) => s.setWeight).map((s: any) => s.setWeight)).toEqual([10, 25, 50, 75]);
    expect(objects.some((o) => o.kind === 'Ingress')).toBe(false);
  });

  test('in-mesh callers reach the API port only from the namespaces named, each by name; none named, no such policy', () => {
    const fromMesh = (props: Partial<LangGraphWorkflowProps>) => render(props).objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'support-allow-from-mesh');
    expect(fromMesh({ mesh: true })).toBeUndefined();
    expect(fromMesh({ meshCallerNamespaces: ['web'] })).toBeUndefined(); // no mesh, no mesh callers
    const policy = fromMesh({ mesh: true, meshCallerNamespaces: ['web', 'api', 'web'] });
    expect(policy.spec.ingress).toEqual([{
      from: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'api' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } },
      ],
      ports: [{ port: 'http', protocol: 'TCP' }],
    }]);
  });

  test('a canary without the mesh is refused with the fix', () => {
    expect(() => render({ canary: {} })).toThrow(/canary needs the mesh.*set mesh: true or drop canary/);
  });

  test('with queue workers the API runs no jobs itself', () => {
    const env = (props: Partial<LangGraphWorkflowProps>) =>
      find(render(props).objects, 'Deployment', 'support-api').spec.template.spec.containers[0].env.find((e: any) => e.name === 'N_JOBS_PER_WORKER');
    expect(env({ queueWorkers: { workloadName: 'support-worker', containerName: 'worker' } })).toEqual({ name: 'N_JOBS_PER_WORKER', value: '0' });
    expect(env({})).toBeUndefined();
  });

  test('a database destination becomes one named allow on its port', () => {
    const { objects } = render({ egress: { postgres: { port: 5432, to: [{ cidr: '10.20.0.0/24' }] } } });
    const pg = find(objects, 'NetworkPolicy', 'support-allow-postgres');
    expect(pg.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
  });

  test('an image without a tag needs an explicit version', () => {
    const digestOnly = 'registry.example.com/agents/support@sha256:' + 'b'.repeat(64);
    expect(() => render({ image: digestOnly })).toThrow(/no tag to take the version from; set version/);
    expect(find(render({ image: digestOnly, version: '2.0.0' }).objects, 'Deployment', 'support-api').metadata.labels['app.kubernetes.io/version']).toBe('2.0.0');
  });
});
