import { Chart, Testing } from 'cdk8s';
import { extraMetadataProblems, reservedKeyReason } from '../../src/constructs/extra-metadata';
import { LangGraphWorkflow } from '../../src/constructs/langgraph-workflow';
import { extraMetadataSchema, checkExtraMetadata } from '../../src/config/features/extra-metadata';
import { WorkflowChart } from '../../src/charts/workflow-chart';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { resolvedEnvironment, workflowOf } from '../charts/features/feature-fixture';

const IMAGE = `registry.corp.internal/langgraph/app@sha256:${'d'.repeat(64)}`;
const base = { workflowName: 'wf', image: IMAGE, version: '1.0.0', hostname: 'wf.corp.internal', owner: { team: 'ai', email: 'ai@corp.internal', group: 'ai' } };

function render(extra: Record<string, unknown>): any[] {
  const chart = new Chart(Testing.app(), 'Test', { disableResourceNameHashes: true });
  new LangGraphWorkflow(chart, 'Workflow', { ...base, ...extra });
  return chart.toJson();
}

describe('reserved keys', () => {
  test.each([
    ['app.kubernetes.io/name', 'label', 'label contract'],
    ['app.kubernetes.io/instance', 'annotation', 'label contract'],
    ['owner', 'label', 'owner.team'],
    ['email', 'annotation', 'owner.email'],
    ['argocd.argoproj.io/sync-wave', 'annotation', 'sync waves'],
    ['policy.waiver.langgraph.platform/single-replica', 'annotation', 'waiver records'],
    ['ignore-check.kube-linter.io/env-value-from', 'annotation', 'config/waivers.yaml'],
    ['sidecar.istio.io/inject', 'annotation', 'Istio'],
    ['proxy.istio.io/config', 'annotation', 'Istio'],
    ['traffic.sidecar.istio.io/excludeOutboundPorts', 'annotation', 'egress policy'],
    ['istio-injection', 'label', 'mesh.enabled'],
    ['prometheus.io/scrape', 'annotation', 'metrics merging'],
    ['pod-security.kubernetes.io/enforce', 'label', 'Pod Security'],
  ] as const)('%s (%s) is the platform\'s', (key, kind, why) => {
    expect(reservedKeyReason(key, kind)).toContain(why);
  });

  test.each([
    ['karpenter.sh/do-not-disrupt', 'annotation'],
    ['vault.hashicorp.com/agent-inject', 'annotation'],
    ['ad.datadoghq.com/api.checks', 'annotation'],
    ['cluster-autoscaler.kubernetes.io/safe-to-evict', 'annotation'],
    ['cost-centre', 'label'],
    ['tags.datadoghq.com/service', 'label'],
    // The owner label is the platform's, an `owner` annotation is not.
    ['owner', 'annotation'],
  ] as const)('%s (%s) is the user\'s', (key, kind) => {
    expect(reservedKeyReason(key, kind)).toBeUndefined();
  });

  test('malformed keys and label values are refused with the fix', () => {
    const problems = extraMetadataProblems({ 'Bad Key': 'x', 'example.com/team': 'a b', 'UPPER.example/x': 'y' }, 'label');
    expect(problems.map((p) => p.key)).toEqual(['Bad Key', 'UPPER.example/x', 'example.com/team']);
    expect(problems[0].message).toContain('no Kubernetes qualified name');
    expect(problems[2].message).toContain('has value "a b", which Kubernetes refuses');
    // Any annotation value is fine.
    expect(extraMetadataProblems({ 'example.com/note': 'a b: c' }, 'annotation')).toEqual([]);
  });
});

describe('LangGraphWorkflow with extra labels and annotations', () => {
  test('off (the default): only the platform\'s keys', () => {
    const objects = render({});
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(Object.keys(deployment.metadata.labels).sort()).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/version', 'owner']);
    expect(Object.keys(deployment.spec.template.metadata.annotations)).toEqual(['kubectl.kubernetes.io/default-container']);
  });

  test('on: object extras on every object, pod extras on the pods only, the contract and selectors unchanged', () => {
    const plain = render({});
    const objects = render({
      labels: { 'cost-centre': 'cc-42' }, annotations: { 'example.com/runbook': 'https://runbooks.corp.internal/wf' },
      podLabels: { 'tags.datadoghq.com/service': 'wf' }, podAnnotations: { 'vault.hashicorp.com/agent-inject': 'true' },
    });
    expect(objects).toHaveLength(plain.length);
    for (const o of objects) {
      expect(o.metadata.labels['cost-centre']).toBe('cc-42');
      expect(o.metadata.annotations['example.com/runbook']).toBe('https://runbooks.corp.internal/wf');
      expect(o.metadata.labels['tags.datadoghq.com/service']).toBeUndefined();
      expect(defaultSchemaRegistry().validate(o)).toEqual([]);
    }
    const d = objects.find((o) => o.kind === 'Deployment');
    const before = plain.find((o) => o.kind === 'Deployment');
    expect(d.spec.selector).toEqual(before.spec.selector);
    expect(d.spec.template.metadata.labels).toMatchObject({ ...before.spec.template.metadata.labels, 'tags.datadoghq.com/service': 'wf', 'cost-centre': 'cc-42' });
    expect(d.spec.template.metadata.annotations).toEqual({ ...before.spec.template.metadata.annotations, 'vault.hashicorp.com/agent-inject': 'true' });
    // Selectors elsewhere (Service, PDB) never take an extra.
    const service = objects.find((o) => o.kind === 'Service');
    expect(service.spec.selector).toEqual(plain.find((o) => o.kind === 'Service').spec.selector);
  });

  test('a contract or platform key is refused at construction, naming the key', () => {
    expect(() => render({ labels: { 'app.kubernetes.io/name': 'other' } })).toThrow(/workflow wf: extraLabels: label "app.kubernetes.io\/name" is set by the platform \(the label contract/);
    expect(() => render({ podAnnotations: { 'argocd.argoproj.io/sync-wave': '5' } })).toThrow(/Deployment wf\/wf-api: podAnnotations: annotation "argocd.argoproj.io\/sync-wave" is set by the platform/);
  });
});

describe('config', () => {
  test('defaults are empty; every problem has its own path', () => {
    const off = extraMetadataSchema.parse(undefined);
    expect(checkExtraMetadata({ metadata: off })).toEqual([]);
    const bad = extraMetadataSchema.parse({ labels: { owner: 'x' }, workerPods: { annotations: { 'sidecar.istio.io/inject': 'false', 'karpenter.sh/do-not-disrupt': 'true' } } });
    expect(checkExtraMetadata({ metadata: bad }).map((i) => i.path.join('.'))).toEqual(['metadata.labels.owner', 'metadata.workerPods.annotations.sidecar.istio.io/inject']);
  });

  test('committed: staging\'s research-assistant workers carry do-not-disrupt, its API pods do not', () => {
    const resolved = resolvedEnvironment('staging');
    const chart = new WorkflowChart(Testing.app(), 'Wf', { environment: resolved.environment, workflow: workflowOf(resolved, 'research-assistant') });
    const objects = chart.toJson();
    const pod = (name: string) => objects.find((o: any) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.metadata.annotations;
    expect(pod('research-assistant-worker')['karpenter.sh/do-not-disrupt']).toBe('true');
    expect(pod('research-assistant-api')['karpenter.sh/do-not-disrupt']).toBeUndefined();
  });
});

describe('the API Service type and annotations', () => {
  const service = (objects: any[]) => objects.find((o) => o.kind === 'Service' && o.metadata.name === 'wf-api');

  test('off (the default): ClusterIP, only the platform\'s annotations', () => {
    const s = service(render({}));
    expect(s.spec.type).toBe('ClusterIP');
    expect(Object.keys(s.metadata.annotations)).toEqual(['email']);
  });

  test.each(['NodePort', 'LoadBalancer'] as const)('on: %s with its annotations, strictly valid, same selector and port', (type) => {
    const plain = service(render({}));
    const s = service(render({ service: { type, annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' } } }));
    expect(s.spec.type).toBe(type);
    expect(s.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internal');
    expect(s.spec.selector).toEqual(plain.spec.selector);
    expect(s.spec.ports).toEqual(plain.spec.ports);
    expect(defaultSchemaRegistry().validate(s)).toEqual([]);
  });

  test('a platform annotation on the Service is refused, naming it', () => {
    expect(() => render({ service: { annotations: { 'prometheus.io/scrape': 'true' } } })).toThrow(/Service wf-api: serviceAnnotations: annotation "prometheus.io\/scrape" is set by the platform/);
  });
});

describe('an extra key an object\'s own platform keys would replace', () => {
  test('the Prometheus discovery label: refused by the config and by the construct', () => {
    const env = { monitoring: { selectorLabels: { release: 'prometheus' } } };
    const issues = checkExtraMetadata({ metadata: extraMetadataSchema.parse({ labels: { release: 'blue' } }) }, env);
    expect(issues.map((i) => i.path.join('.'))).toEqual(['metadata.labels.release']);
    expect(issues[0].message).toContain('monitoring.selectorLabels');
    expect(() => render({ labels: { release: 'blue' } })).toThrow(/extra label "release" \("blue"\) would be replaced on wf-api by the platform's \("prometheus"\)/);
    // The same value is no conflict.
    expect(() => render({ labels: { release: 'prometheus' } })).not.toThrow();
  });
});
