/**
 * Self-test of every cross-object check: changes to the committed objects of an environment that
 * must make it fire (at the right object and field) and changes that must not.
 */
import { CROSS_OBJECT_CHECKS } from '../../src/validation/cross-object';
import { allowedDisruptions } from '../../src/validation/cross-object/disruption-budgets';
import { isIstioMergedMetricsEndpoint } from '../../src/validation/cross-object/monitors';
import { Mutable, Scenario, WF, gate, scenario, violationsAfter } from '../fixtures/gate/helpers';

interface Case {
  readonly name: string;
  readonly env: string;
  readonly change: (s: Scenario) => void;
  /** `Kind/namespace/name` the violation is reported on, and its JSON pointer. */
  readonly object?: string;
  readonly path?: string;
}

const API = `${WF}-api`;
const at = (kind: string, name = API) => `${kind}/${WF}/${name}`;
const vpa = (targetRef: Mutable, updateMode?: string): Mutable => ({
  apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler',
  metadata: { name: `${WF}-api-vpa`, namespace: WF },
  spec: { targetRef, ...(updateMode ? { updatePolicy: { updateMode } } : {}) },
});
const ROLLOUT_REF = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: API };
const DEPLOYMENT_REF = { apiVersion: 'apps/v1', kind: 'Deployment', name: API };
const networkPolicies = (s: Scenario) => s.objects.filter((r) => r.object.kind === 'NetworkPolicy' && r.workflow === WF).map((r) => r.object.metadata.name);
const removeAll = (s: Scenario, names: string[]) => names.forEach((n) => s.remove('NetworkPolicy', n));
const serviceMonitor = (selector: Mutable): Mutable => ({
  apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor',
  metadata: { name: `${WF}-api-sm`, namespace: WF },
  spec: { selector: { matchLabels: selector }, endpoints: [{ port: 'http', path: '/metrics' }] },
});

const CASES: Record<string, { fires: Case[]; passes: Case[] }> = {
  'cross-object/duplicate-object': {
    fires: [{ name: 'a ConfigMap rendered twice', env: 'dev', change: (s) => s.add(JSON.parse(JSON.stringify(s.get('ConfigMap', `${WF}-config`)))), object: at('ConfigMap', `${WF}-config`), path: '/metadata/name' }],
    passes: [{ name: 'same name, different kind', env: 'dev', change: (s) => s.add({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${WF}-config`, namespace: WF } }) }],
  },
  'cross-object/invalid-name': {
    fires: [
      { name: 'Service name starting with a digit', env: 'dev', change: (s) => s.add({ apiVersion: 'v1', kind: 'Service', metadata: { name: '1api', namespace: WF }, spec: { selector: s.get('Service', API).spec.selector, ports: [{ port: 80, targetPort: 'http' }] } }), object: at('Service', '1api'), path: '/metadata/name' },
      { name: 'upper case', env: 'dev', change: (s) => { s.get('ConfigMap', `${WF}-config`).metadata.name = 'Support-Config'; }, object: at('ConfigMap', 'Support-Config') },
      { name: 'Service name with a dot', env: 'dev', change: (s) => { s.get('Service', API).metadata.name = 'support.api'; }, object: at('Service', 'support.api') },
    ],
    passes: [
      { name: 'dotted ConfigMap name (a DNS subdomain)', env: 'dev', change: (s) => { s.get('ConfigMap', `${WF}-config`).metadata.name = 'support-agent.config'; } },
      { name: 'RBAC name with a colon', env: 'dev', change: (s) => { s.get('Role', `${WF}-reader`).metadata.name = 'support-agent:reader'; } },
    ],
  },
  'cross-object/namespace-scope': {
    fires: [
      { name: 'Namespace with a namespace', env: 'dev', change: (s) => { s.get('Namespace', WF).metadata.namespace = WF; }, object: `Namespace/${WF}/${WF}`, path: '/metadata/namespace' },
      { name: 'ConfigMap without one', env: 'dev', change: (s) => { delete s.get('ConfigMap', `${WF}-config`).metadata.namespace; }, object: `ConfigMap/${WF}-config`, path: '/metadata/namespace' },
    ],
    passes: [{ name: 'a ClusterRole without one', env: 'dev', change: (s) => s.add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `${WF}-view` }, rules: [] }) }],
  },
  'cross-object/service-selector': {
    fires: [
      { name: 'selector matches no template', env: 'dev', change: (s) => { s.get('Service', API).spec.selector['app.kubernetes.io/component'] = 'worker'; }, object: at('Service'), path: '/spec/selector' },
      { name: 'no selector', env: 'dev', change: (s) => { delete s.get('Service', API).spec.selector; }, object: at('Service'), path: '/spec/selector' },
      { name: 'selects a Deployment rendered with replicas 0 that no Rollout runs', env: 'dev', change: (s) => { s.get('Deployment', API).spec.replicas = 0; }, object: at('Service') },
    ],
    passes: [
      { name: 'prod: the Deployment with replicas 0 that the Rollout runs counts', env: 'prod', change: (s) => { expect(s.get('Deployment', API).spec.replicas).toBe(0); } },
      { name: 'an ExternalName Service needs no selector', env: 'dev', change: (s) => s.add({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'llm-proxy', namespace: WF }, spec: { type: 'ExternalName', externalName: 'proxy.example.com' } }) },
    ],
  },
  'cross-object/service-target-port': {
    fires: [
      { name: 'undeclared port name', env: 'prod', change: (s) => { s.get('Service', `${API}-canary`).spec.ports[0].targetPort = 'metrics'; }, object: at('Service', `${API}-canary`), path: '/spec/ports/0/targetPort' },
      { name: 'undeclared port number', env: 'dev', change: (s) => { s.get('Service', API).spec.ports[0].targetPort = 9090; }, object: at('Service'), path: '/spec/ports/0/targetPort' },
      { name: 'no targetPort: the port itself must be declared', env: 'dev', change: (s) => { delete s.get('Service', API).spec.ports[0].targetPort; }, object: at('Service'), path: '/spec/ports/0/port' },
    ],
    passes: [{ name: 'targetPort by number', env: 'dev', change: (s) => { s.get('Service', API).spec.ports[0].targetPort = 8000; } }],
  },
  'cross-object/service-account': {
    fires: [{ name: 'ServiceAccount not rendered', env: 'dev', change: (s) => { s.pod.spec.serviceAccountName = 'agent-sa'; }, object: at('Deployment'), path: '/spec/template/spec/serviceAccountName' }],
    passes: [{ name: 'another rendered ServiceAccount', env: 'dev', change: (s) => {
      s.add({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'agent-sa', namespace: WF }, automountServiceAccountToken: false });
      s.pod.spec.serviceAccountName = 'agent-sa';
    } }],
  },
  'cross-object/hpa-target': {
    fires: [
      { name: 'unknown name', env: 'dev', change: (s) => { s.get('HorizontalPodAutoscaler', API).spec.scaleTargetRef.name = 'support-api'; }, object: at('HorizontalPodAutoscaler'), path: '/spec/scaleTargetRef' },
      { name: 'wrong API group', env: 'prod', change: (s) => { s.get('HorizontalPodAutoscaler', API).spec.scaleTargetRef.apiVersion = 'apps/v1'; }, object: at('HorizontalPodAutoscaler') },
      { name: 'a kind without replicas', env: 'dev', change: (s) => { s.get('HorizontalPodAutoscaler', API).spec.scaleTargetRef = { apiVersion: 'v1', kind: 'ConfigMap', name: `${WF}-config` }; }, path: '/spec/scaleTargetRef/kind' },
    ],
    passes: [{ name: 'prod: targets the Rollout', env: 'prod', change: (s) => { expect(s.get('HorizontalPodAutoscaler', API).spec.scaleTargetRef.kind).toBe('Rollout'); } }],
  },
  'cross-object/hpa-managed-deployment': {
    fires: [{ name: 'prod: HPA on the Deployment the Rollout runs', env: 'prod', change: (s) => { s.get('HorizontalPodAutoscaler', API).spec.scaleTargetRef = DEPLOYMENT_REF; }, object: at('HorizontalPodAutoscaler'), path: '/spec/scaleTargetRef' }],
    passes: [{ name: 'dev: HPA on a Deployment no Rollout runs', env: 'dev', change: (s) => { expect(s.get('HorizontalPodAutoscaler', API).spec.scaleTargetRef.kind).toBe('Deployment'); } }],
  },
  'cross-object/vpa-target': {
    fires: [{ name: 'unknown workload', env: 'dev', change: (s) => s.add(vpa({ ...DEPLOYMENT_REF, name: 'nope' }, 'Off')), object: at('VerticalPodAutoscaler', `${WF}-api-vpa`), path: '/spec/targetRef' }],
    passes: [{ name: 'the Deployment', env: 'dev', change: (s) => s.add(vpa(DEPLOYMENT_REF, 'Off')) }],
  },
  'cross-object/vpa-hpa-conflict': {
    fires: [
      { name: 'Auto by default on the HPA\'s Deployment', env: 'dev', change: (s) => s.add(vpa(DEPLOYMENT_REF)), object: at('VerticalPodAutoscaler', `${WF}-api-vpa`), path: '/spec/updatePolicy/updateMode' },
      { name: 'prod: Recreate on the Deployment while the HPA scales the Rollout that runs it', env: 'prod', change: (s) => s.add(vpa(DEPLOYMENT_REF, 'Recreate')) },
      { name: 'prod: Initial on the Rollout', env: 'prod', change: (s) => s.add(vpa(ROLLOUT_REF, 'Initial')) },
    ],
    passes: [
      { name: 'updateMode Off (recommendations only)', env: 'prod', change: (s) => s.add(vpa(ROLLOUT_REF, 'Off')) },
      { name: 'HPA on a custom metric only', env: 'dev', change: (s) => {
        s.get('HorizontalPodAutoscaler', API).spec.metrics = [{ type: 'Pods', pods: { metric: { name: 'lg_api_num_running_runs' }, target: { type: 'AverageValue', averageValue: '10' } } }];
        s.add(vpa(DEPLOYMENT_REF, 'Auto'));
      } },
    ],
  },
  'cross-object/pdb-selector': {
    fires: [{ name: 'selects nothing', env: 'staging', change: (s) => { s.get('PodDisruptionBudget', API).spec.selector.matchLabels['app.kubernetes.io/name'] = 'langgraph-worker'; }, object: at('PodDisruptionBudget'), path: '/spec/selector' }],
    passes: [{ name: 'matchExpressions selecting the API', env: 'staging', change: (s) => { s.get('PodDisruptionBudget', API).spec.selector = { matchExpressions: [{ key: 'app.kubernetes.io/instance', operator: 'In', values: [WF] }] }; } }],
  },
  'cross-object/pdb-blocks-drain': {
    fires: [
      { name: 'maxUnavailable 0', env: 'staging', change: (s) => { s.get('PodDisruptionBudget', API).spec.maxUnavailable = 0; }, object: at('PodDisruptionBudget'), path: '/spec/maxUnavailable' },
      { name: 'minAvailable equal to HPA minReplicas (3)', env: 'staging', change: (s) => { const p = s.get('PodDisruptionBudget', API); delete p.spec.maxUnavailable; p.spec.minAvailable = 3; }, path: '/spec/minAvailable' },
      { name: 'minAvailable 100%', env: 'prod', change: (s) => { const p = s.get('PodDisruptionBudget', API); delete p.spec.maxUnavailable; p.spec.minAvailable = '100%'; }, path: '/spec/minAvailable' },
      { name: 'dev: minAvailable 1 with one replica', env: 'dev', change: (s) => { const p = s.get('PodDisruptionBudget', API); delete p.spec.maxUnavailable; p.spec.minAvailable = 1; } },
    ],
    passes: [
      { name: 'minAvailable 2 of 3', env: 'staging', change: (s) => { const p = s.get('PodDisruptionBudget', API); delete p.spec.maxUnavailable; p.spec.minAvailable = 2; } },
      { name: 'maxUnavailable 34% (rounds up to 1 of 3)', env: 'staging', change: (s) => { s.get('PodDisruptionBudget', API).spec.maxUnavailable = '34%'; } },
    ],
  },
  'cross-object/network-policy-coverage': {
    fires: [
      { name: 'no policies at all', env: 'dev', change: (s) => removeAll(s, networkPolicies(s)), object: at('Deployment'), path: '/spec/template/metadata/labels' },
      { name: 'only egress policies', env: 'prod', change: (s) => removeAll(s, networkPolicies(s).filter((n) => n.includes('default-deny') || n.includes('-from-'))), object: at('Deployment') },
    ],
    passes: [{ name: 'only the default deny (podSelector {} with both types)', env: 'dev', change: (s) => removeAll(s, networkPolicies(s).filter((n) => !n.includes('default-deny'))) }],
  },
  'cross-object/network-policy-dns': {
    fires: [
      { name: 'no DNS allow', env: 'dev', change: (s) => s.remove('NetworkPolicy', `${WF}-allow-dns`), object: at('Deployment'), path: '/spec/template/metadata/labels' },
      { name: 'UDP only', env: 'prod', change: (s) => { const p = s.get('NetworkPolicy', `${WF}-allow-dns`); p.spec.egress[0].ports = [{ port: 53, protocol: 'UDP' }]; } },
    ],
    passes: [
      { name: 'an egress rule without ports allows DNS', env: 'dev', change: (s) => { s.remove('NetworkPolicy', `${WF}-allow-dns`); s.get('NetworkPolicy', `${WF}-allow-https`).spec.egress[0].ports = undefined; } },
      { name: 'a port range covering 53 for both protocols', env: 'dev', change: (s) => { s.get('NetworkPolicy', `${WF}-allow-dns`).spec.egress[0].ports = [{ port: 1, endPort: 1024, protocol: 'UDP' }, { port: 50, endPort: 60 }]; } },
    ],
  },
  'cross-object/monitor-selector': {
    fires: [
      { name: 'PodMonitor selects nothing', env: 'dev', change: (s) => { s.get('PodMonitor', API).spec.selector.matchLabels['app.kubernetes.io/component'] = 'worker'; }, object: at('PodMonitor'), path: '/spec/selector' },
      { name: 'PodMonitor selects two pod sets', env: 'dev', change: (s) => {
        const worker = JSON.parse(JSON.stringify(s.get('Deployment', API)));
        worker.metadata.name = `${WF}-worker`;
        for (const labels of [worker.spec.selector.matchLabels, worker.spec.template.metadata.labels]) labels['app.kubernetes.io/component'] = 'worker';
        s.add(worker);
        s.get('PodMonitor', API).spec.selector = { matchLabels: { 'app.kubernetes.io/instance': WF } };
      }, object: at('PodMonitor') },
      { name: 'prod: a ServiceMonitor on the API labels selects the three API Services', env: 'prod', change: (s) => s.add(serviceMonitor({ 'app.kubernetes.io/instance': WF, 'app.kubernetes.io/component': 'api' })), object: at('ServiceMonitor', `${WF}-api-sm`) },
    ],
    passes: [
      { name: 'prod: the Deployment and the Rollout that runs it are one pod set', env: 'prod', change: () => undefined },
      { name: 'a ServiceMonitor selecting one Service by a distinguishing label', env: 'prod', change: (s) => {
        s.get('Service', API).metadata.labels['langgraph.platform/service-role'] = 'main';
        s.add(serviceMonitor({ 'langgraph.platform/service-role': 'main' }));
      } },
    ],
  },
  'cross-object/monitor-port': {
    fires: [
      { name: 'dev: undeclared port name', env: 'dev', change: (s) => { s.get('PodMonitor', API).spec.podMetricsEndpoints[0].port = 'metrics'; }, object: at('PodMonitor'), path: '/spec/podMetricsEndpoints/0/port' },
      { name: 'dev: Istio merged metrics without a mesh', env: 'dev', change: (s) => { s.get('PodMonitor', API).spec.podMetricsEndpoints[0] = { path: '/stats/prometheus', portNumber: 15020 }; }, path: '/spec/podMetricsEndpoints/0/path' },
      { name: 'no port and not the Istio endpoint', env: 'prod', change: (s) => { s.get('PodMonitor', API).spec.podMetricsEndpoints[0].path = '/metrics'; }, path: '/spec/podMetricsEndpoints/0' },
      { name: 'ServiceMonitor port not on the Service', env: 'prod', change: (s) => {
        s.get('Service', API).metadata.labels['langgraph.platform/service-role'] = 'main';
        const sm = serviceMonitor({ 'langgraph.platform/service-role': 'main' });
        sm.spec.endpoints[0].port = 'metrics';
        s.add(sm);
      }, path: '/spec/endpoints/0/port' },
    ],
    passes: [
      { name: 'prod: Istio merged metrics via __address__ relabeling (committed shape)', env: 'prod', change: (s) => { expect(s.get('PodMonitor', API).spec.podMetricsEndpoints[0].port).toBeUndefined(); } },
      { name: 'prod: Istio merged metrics by portNumber 15020', env: 'prod', change: (s) => { s.get('PodMonitor', API).spec.podMetricsEndpoints[0] = { path: '/stats/prometheus', portNumber: 15020 }; } },
      { name: 'dev: the app port by name (committed)', env: 'dev', change: () => undefined },
    ],
  },
  'cross-object/rollout-refs': {
    fires: [
      { name: 'stable Service not rendered', env: 'prod', change: (s) => { s.get('Rollout', API).spec.strategy.canary.stableService = `${API}-primary`; }, object: at('Rollout'), path: '/spec/strategy/canary/stableService' },
      { name: 'route name not in the VirtualService', env: 'prod', change: (s) => { s.get('Rollout', API).spec.strategy.canary.trafficRouting.istio.virtualService.routes = ['main']; }, path: '/spec/strategy/canary/trafficRouting/istio/virtualService/routes/0' },
      { name: 'VirtualService not rendered', env: 'prod', change: (s) => { s.get('Rollout', API).spec.strategy.canary.trafficRouting.istio.virtualService.name = 'support-vs'; }, path: '/spec/strategy/canary/trafficRouting/istio/virtualService/name' },
      { name: 'route without a canary destination', env: 'prod', change: (s) => { s.get('VirtualService', API).spec.http[0].route.pop(); }, path: '/spec/strategy/canary/canaryService' },
      { name: 'AnalysisTemplate not rendered', env: 'prod', change: (s) => s.remove('AnalysisTemplate', `${WF}-latency-p95`), path: '/spec/strategy/canary/analysis/templates/1/templateName' },
      { name: 'workloadRef to a missing Deployment', env: 'prod', change: (s) => { s.get('Rollout', API).spec.workloadRef.name = 'support-agent'; }, path: '/spec/workloadRef/name' },
      { name: 'neither template nor workloadRef', env: 'prod', change: (s) => { delete s.get('Rollout', API).spec.workloadRef; }, path: '/spec' },
    ],
    passes: [{ name: 'destinations by FQDN, short name or <svc>.<ns> all resolve', env: 'prod', change: (s) => {
      const route = s.get('VirtualService', API).spec.http[0].route;
      route[0].destination.host = `${API}-stable`;
      route[1].destination.host = `${API}-canary.${WF}`;
    } }],
  },
  'cross-object/rollout-managed-replicas': {
    fires: [{ name: 'the Deployment keeps its own replicas', env: 'prod', change: (s) => { delete s.get('Deployment', API).spec.replicas; }, object: at('Deployment'), path: '/spec/replicas' }],
    passes: [{ name: 'scaleDown onsuccess lets Argo scale it down', env: 'prod', change: (s) => { delete s.get('Deployment', API).spec.replicas; s.get('Rollout', API).spec.workloadRef.scaleDown = 'onsuccess'; } }],
  },
  'cross-object/route-destination': {
    fires: [
      { name: 'Ingress backend Service not rendered', env: 'dev', change: (s) => { s.get('Ingress', API).spec.rules[0].http.paths[0].backend.service.name = 'support-agent'; }, object: at('Ingress'), path: '/spec/rules/0/http/paths/0/backend/service/name' },
      { name: 'Ingress backend port name not on the Service', env: 'dev', change: (s) => { s.get('Ingress', API).spec.rules[0].http.paths[0].backend.service.port = { name: 'https' }; }, path: '/spec/rules/0/http/paths/0/backend/service/port' },
      { name: 'VirtualService destination port not on the Service', env: 'prod', change: (s) => { s.get('VirtualService', API).spec.http[0].route[0].destination.port.number = 8000; }, object: at('VirtualService'), path: '/spec/http/0/route/0/destination/port' },
    ],
    passes: [{ name: 'an external host is not checked', env: 'prod', change: (s) => { s.get('VirtualService', API).spec.http.push({ name: 'external', route: [{ destination: { host: 'api.openai.com', port: { number: 443 } } }] }); } }],
  },
};

test('every cross-object check has firing and passing cases', () => {
  expect(Object.keys(CASES).sort()).toEqual(CROSS_OBJECT_CHECKS.map((c) => c.id).sort());
});

test('the committed output passes every cross-object check in every environment', () => {
  for (const env of ['dev', 'staging', 'prod']) {
    expect(gate(env, scenario(env).objects).violations.filter((v) => v.rule.startsWith('cross-object/'))).toEqual([]);
  }
});

describe.each(Object.entries(CASES))('%s', (rule, { fires, passes }) => {
  test.each(fires.map((c) => [c.name, c] as const))('fires: %s', (_name, c) => {
    const found = violationsAfter(c.env, rule, c.change);
    expect(found.length).toBeGreaterThan(0);
    if (c.object) expect(found.map((v) => v.object)).toContain(c.object);
    if (c.path) expect(found.map((v) => v.path)).toContain(c.path);
    for (const v of found) expect(v.fix.length).toBeGreaterThan(10);
  });
  test.each(passes.map((c) => [c.name, c] as const))('passes: %s', (_name, c) => {
    expect(violationsAfter(c.env, rule, c.change)).toEqual([]);
  });
});

describe('disruption arithmetic', () => {
  test.each([
    [{ maxUnavailable: 1 }, 3, 1],
    [{ maxUnavailable: 0 }, 3, 0],
    [{ maxUnavailable: '0%' }, 3, 0],
    [{ maxUnavailable: '10%' }, 3, 1],
    [{ minAvailable: 2 }, 3, 1],
    [{ minAvailable: 3 }, 3, 0],
    [{ minAvailable: '50%' }, 3, 1],
    [{ minAvailable: '67%' }, 3, 0],
  ])('%j with %d pods allows %d evictions', (spec, total, allowed) => {
    expect(allowedDisruptions(spec, total)).toBe(allowed);
  });
});

test('the Istio merged-metrics exception has exactly the documented shapes', () => {
  expect(isIstioMergedMetricsEndpoint({ path: '/stats/prometheus', targetPort: 15020 })).toBe(true);
  expect(isIstioMergedMetricsEndpoint({ path: '/stats/prometheus', relabelings: [{ targetLabel: '__address__', replacement: '$1:15020' }] })).toBe(true);
  expect(isIstioMergedMetricsEndpoint({ path: '/metrics', portNumber: 15020 })).toBe(false);
  expect(isIstioMergedMetricsEndpoint({ path: '/stats/prometheus', port: 'http-envoy-prom' })).toBe(false);
});
