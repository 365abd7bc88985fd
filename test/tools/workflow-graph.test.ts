import * as path from 'path';
import { runGraph } from '../../src/cli/graph';
import { loadDistDirectory, objectsOfEnvironment } from '../../src/tools/manifest-index';
import { KubeObject } from '../../src/model/kube-object';
import { buildWorkflowGraph, GraphEdge, renderWorkflowGraph, WorkflowGraph } from '../../src/tools/workflow-graph';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'graph');
const prodOf = (fixture: string) => objectsOfEnvironment(loadDistDirectory(path.join(FIXTURES, fixture)), 'prod');

function edge(graph: WorkflowGraph, from: string, to: string): GraphEdge | undefined {
  return graph.edges.find((e) => e.from === from && e.to === to);
}

describe('canary workflow graph', () => {
  const objects = prodOf('canary');
  const graph = buildWorkflowGraph(objects, 'support-bot');
  const mermaid = renderWorkflowGraph(objects, 'support-bot');

  it.each([
    // Traffic path: Gateway → VirtualService → stable/canary Services → Rollout → Deployment → pod template
    ['gateway_public', 'virtualservice_support_bot_api', 'gateway'],
    ['virtualservice_support_bot_api', 'service_support_bot_api_stable', 'route primary'],
    ['virtualservice_support_bot_api', 'service_support_bot_api_canary', 'route primary'],
    ['service_support_bot_api_stable', 'rollout_support_bot_api', 'selects'],
    ['service_support_bot_api_canary', 'rollout_support_bot_api', 'selects'],
    ['service_support_bot_api', 'rollout_support_bot_api', 'selects'],
    ['rollout_support_bot_api', 'deployment_support_bot_api', 'workloadRef'],
    ['deployment_support_bot_api', 'deployment_support_bot_api_pods', 'pod template'],
    // Canary wiring
    ['rollout_support_bot_api', 'service_support_bot_api_stable', 'stableService'],
    ['rollout_support_bot_api', 'service_support_bot_api_canary', 'canaryService'],
    ['rollout_support_bot_api', 'virtualservice_support_bot_api', 'trafficRouting'],
    ['rollout_support_bot_api', 'analysistemplate_support_bot_api_success_rate', 'analysis'],
    ['rollout_support_bot_api', 'analysistemplate_support_bot_api_latency', 'analysis'],
    // Attachments
    ['horizontalpodautoscaler_support_bot_api', 'rollout_support_bot_api', 'scales'],
    ['poddisruptionbudget_support_bot_api', 'rollout_support_bot_api', 'protects'],
    ['networkpolicy_default_deny', 'rollout_support_bot_api', 'applies to all pods'],
    ['networkpolicy_support_bot_api_ingress', 'rollout_support_bot_api', 'applies to'],
    ['podmonitor_support_bot_api', 'rollout_support_bot_api', 'scrapes'],
    ['servicemonitor_support_bot_api', 'service_support_bot_api', 'scrapes'],
    ['authorizationpolicy_support_bot_api', 'rollout_support_bot_api', 'applies to'],
    ['peerauthentication_default', 'rollout_support_bot_api', 'applies to all pods'],
    ['rolebinding_support_bot_oncall', 'role_support_bot_oncall', 'roleRef'],
    // Pod template references
    ['deployment_support_bot_api_pods', 'serviceaccount_support_bot_api', 'serviceAccount'],
    ['deployment_support_bot_api_pods', 'configmap_support_bot_config', 'volume'],
    ['deployment_support_bot_api_pods', 'secret_support_bot_secrets', 'env'],
  ])('has %s → %s (%s)', (from, to, label) => {
    expect(edge(graph, from, to)?.label).toBe(label);
  });

  it('draws the edges in Mermaid syntax, dotted only towards the external Secret', () => {
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid).toContain('\n  gateway_public -->|gateway| virtualservice_support_bot_api\n');
    expect(mermaid).toContain('\n  service_support_bot_api_stable -->|selects| rollout_support_bot_api\n');
    expect(mermaid).toContain('\n  deployment_support_bot_api_pods -.->|env| secret_support_bot_secrets\n');
    expect(graph.edges.filter((e) => e.dotted).map((e) => e.to)).toEqual(['secret_support_bot_secrets']);
  });

  it('does not treat the Deployment lent through workloadRef as selected by the Services', () => {
    expect(edge(graph, 'service_support_bot_api_stable', 'deployment_support_bot_api')).toBeUndefined();
  });

  it('shows the shared Gateway in its namespace, the unrendered Secret as external, and no missing nodes', () => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(byId.get('gateway_public')).toMatchObject({ namespace: 'istio-ingress', status: 'shared' });
    expect(byId.get('secret_support_bot_secrets')).toMatchObject({ status: 'external', lines: ['Secret', 'support-bot-secrets', '(external)'] });
    expect(graph.nodes.filter((n) => n.status === 'missing')).toEqual([]);
    expect(mermaid).toContain('  subgraph ns_istio_ingress["namespace istio-ingress"]\n    direction LR\n    gateway_public["Gateway<br/>public"]:::shared\n  end\n');
    expect(mermaid).toContain('    prometheusrule_support_bot_alerts["PrometheusRule<br/>support-bot-alerts"]\n');
    expect(mermaid).toContain('    deployment_support_bot_api_pods(["pod template<br/>containers: api"])\n');
  });

  it('draws the Namespace object as its subgraph, not as a node', () => {
    expect(graph.nodes.some((n) => n.id === 'namespace_support_bot')).toBe(false);
    expect(mermaid).toContain('  subgraph ns_support_bot["namespace support-bot"]\n');
  });

  it('is deterministic: the same output whatever the input order', () => {
    const reversed = renderWorkflowGraph([...objects].reverse(), 'support-bot');
    const rotated = renderWorkflowGraph([...objects.slice(7), ...objects.slice(0, 7)], 'support-bot');
    expect(reversed).toBe(mermaid);
    expect(rotated).toBe(mermaid);
  });

  it('accepts plain objects, deciding membership by the part-of label or namespace', () => {
    const plain: KubeObject[] = objects.map((o) => o.body);
    const fromPlain = buildWorkflowGraph(plain, 'support-bot');
    expect(edge(fromPlain, 'gateway_public', 'virtualservice_support_bot_api')?.label).toBe('gateway');
    expect(fromPlain.nodes.find((n) => n.id === 'gateway_public')?.status).toBe('shared');
  });
});

describe('broken references', () => {
  const graph = buildWorkflowGraph(prodOf('broken'), 'broken-bot');
  const mermaid = renderWorkflowGraph(prodOf('broken'), 'broken-bot');
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));

  it('shows a Service that selects no pods pointing at a missing "selects nothing" node, dotted', () => {
    expect(byId.get('service_broken_bot_api_selects_nothing')).toMatchObject({ status: 'missing' });
    expect(byId.get('service_broken_bot_api_selects_nothing')!.lines).toContain('app.kubernetes.io/component=web');
    expect(edge(graph, 'service_broken_bot_api', 'service_broken_bot_api_selects_nothing')).toMatchObject({ label: 'selects', dotted: true });
    expect(edge(graph, 'service_broken_bot_api', 'deployment_broken_bot_api')).toBeUndefined();
    expect(mermaid).toContain(':::missing');
  });

  it('shows the HPA target that is not rendered as a missing Rollout node', () => {
    expect(byId.get('rollout_broken_bot_api')).toMatchObject({ status: 'missing', lines: ['Rollout', 'broken-bot-api', '(not rendered)'] });
    expect(edge(graph, 'horizontalpodautoscaler_broken_bot_api', 'rollout_broken_bot_api')).toMatchObject({ label: 'scales', dotted: true });
    expect(mermaid).toContain('    rollout_broken_bot_api["Rollout<br/>broken-bot-api<br/>(not rendered)"]:::missing\n');
    expect(mermaid).toContain('  horizontalpodautoscaler_broken_bot_api -.->|scales| rollout_broken_bot_api\n');
  });

  it('marks a missing ConfigMap, route target and Gateway as missing, and a missing Secret as external', () => {
    expect(byId.get('configmap_broken_bot_config')?.status).toBe('missing');
    expect(byId.get('service_broken_bot_api_stable')?.status).toBe('missing');
    expect(byId.get('gateway_public')).toMatchObject({ status: 'missing', namespace: 'istio-ingress' });
    expect(byId.get('secret_broken_bot_secrets')?.status).toBe('external');
  });
});

describe('selection rules', () => {
  const pods = (name: string, labels: Record<string, string>): KubeObject => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'w' },
    spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'c' }] } } },
  });
  const netpol = (podSelector: unknown): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'w' }, spec: { podSelector } });

  it('an empty podSelector selects every workload in the namespace', () => {
    const graph = buildWorkflowGraph([pods('a', { x: '1' }), pods('b', { x: '2' }), netpol({})], 'w');
    expect(graph.edges.filter((e) => e.from === 'networkpolicy_np').map((e) => e.to)).toEqual(['deployment_a', 'deployment_b']);
  });

  it('matchExpressions are honoured', () => {
    const graph = buildWorkflowGraph([pods('a', { x: '1' }), pods('b', { x: '2' }), netpol({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['1'] }] })], 'w');
    expect(graph.edges.filter((e) => e.from === 'networkpolicy_np').map((e) => e.to)).toEqual(['deployment_b']);
  });

  it('an empty selector in a namespace without workloads selects nothing', () => {
    const graph = buildWorkflowGraph([netpol({})], 'w');
    expect(graph.nodes.find((n) => n.id === 'networkpolicy_np_selects_nothing')?.lines).toEqual(['selects nothing', 'no pods in namespace w']);
  });

  it('qualifies ids with the namespace when two nodes would share one', () => {
    const a: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'w', labels: { 'app.kubernetes.io/part-of': 'w' } } };
    const b: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'other', labels: { 'app.kubernetes.io/part-of': 'w' } } };
    expect(buildWorkflowGraph([a, b], 'w').nodes.map((n) => n.id).sort()).toEqual(['configmap_other_c', 'configmap_w_c']);
  });

  it('names the folders there are when the workflow has no objects', () => {
    expect(() => buildWorkflowGraph(prodOf('canary'), 'nope')).toThrow('no rendered objects belong to workflow "nope"; folders in this environment: _shared, support-bot');
  });
});

describe('graph CLI', () => {
  const runCli = (argv: string[]) => {
    let out = '';
    let err = '';
    const code = runGraph(argv, (t) => (out += t), (t) => (err += t), FIXTURES);
    return { code, out, err };
  };

  it('prints the diagram of one workflow', () => {
    const r = runCli(['--dist', 'canary', '--env', 'prod', '--workflow', 'support-bot']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(renderWorkflowGraph(prodOf('canary'), 'support-bot'));
  });

  it('exits 1 naming what exists when the environment or workflow does not, and 2 on bad arguments', () => {
    expect(runCli(['--dist', 'canary', '--env', 'stage', '--workflow', 'support-bot'])).toMatchObject({
      code: 1, err: 'graph: no environment "stage" in canary; environments there: prod\n',
    });
    expect(runCli(['--dist', 'canary', '--env', 'prod', '--workflow', 'x']).code).toBe(1);
    expect(runCli(['--env', 'prod']).code).toBe(2);
  });
});

describe('Ingress', () => {
  it('routes to its backend Services and references its TLS Secret', () => {
    const ingress: KubeObject = {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'in', namespace: 'w' },
      spec: {
        rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', backend: { service: { name: 'api', port: { name: 'http' } } } }] } }],
        tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }],
      },
    };
    const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'w' }, spec: { selector: { app: 'x' } } };
    const graph = buildWorkflowGraph([ingress, service], 'w');
    expect(graph.edges).toContainEqual({ from: 'ingress_in', to: 'service_api', label: 'route', dotted: false });
    expect(graph.edges).toContainEqual({ from: 'ingress_in', to: 'secret_a_tls', label: 'tls', dotted: true });
  });
});
