/**
 * Self-test of every cross-object check: changes to the committed objects of an environment that
 * must make it fire (at the right object and field) and changes that must not.
 */
import { CROSS_OBJECT_CHECKS } from '../../src/validation/cross-object';
import { allowedDisruptions } from '../../src/validation/cross-object/disruption-budgets';
import { isIstioMergedMetricsEndpoint } from '../../src/validation/cross-object/monitors';
import { API, GateCase as Case, Mutable, Scenario, WF, at, gate, scenario, violationsAfter } from '../fixtures/gate/helpers';
import { DAY2_CASES } from './day2-cases';


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

/** An Ingress to `service` (dev renders none since its entry is gateway-api). */
const ingress = (service: string, port: Mutable): Mutable => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: API, namespace: WF },
  spec: { rules: [{ host: 'x.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port } } }] } }] },
});
/** An HTTPRoute to the API Service attached to `parent`. */
const httpRoute = (s: Scenario, parent: Mutable): Mutable => ({
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: API, namespace: WF },
  spec: { parentRefs: [{ group: 'gateway.networking.k8s.io', ...parent }], hostnames: ['x.example.com'], rules: [{ backendRefs: [{ name: API, port: s.get('Service', API).spec.ports[0].port }] }] },
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
      { name: 'RBAC name with a colon', env: 'dev', change: (s) => { s.get('Role', `${WF}-oncall`).metadata.name = 'support-agent:oncall'; } },
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
      // Port 53 is open, but only to the kube-dns pods: under NodeLocal DNSCache (egress.dns.mode node-local) lookups go to 169.254.20.10.
      { name: 'node-local: kube-dns pods only (the NodeLocal DNSCache address is unreachable)', env: 'prod', change: (s) => { const r = s.get('NetworkPolicy', `${WF}-allow-dns`).spec.egress[0]; r.to = r.to.filter((p: Mutable) => !p.ipBlock); }, object: at('Deployment'), path: '/spec/template/metadata/labels' },
      { name: 'node-local: NodeLocal DNSCache only (no fallback to the kube-dns pods)', env: 'dev', change: (s) => { const r = s.get('NetworkPolicy', `${WF}-allow-dns`).spec.egress[0]; r.to = r.to.filter((p: Mutable) => p.ipBlock); } },
      { name: 'the resolver address cut out by an except', env: 'prod', change: (s) => { s.get('NetworkPolicy', `${WF}-allow-dns`).spec.egress[0].to[0] = { ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.20.0/24'] } }; } },
      { name: 'the kube-dns pods of another namespace', env: 'dev', change: (s) => { const r = s.get('NetworkPolicy', `${WF}-allow-dns`).spec.egress[0]; r.to = r.to.map((p: Mutable) => (p.namespaceSelector ? { ...p, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } } } : p)); } },
    ],
    passes: [
      // Without ports and peers the rule allows everything; an ipBlock alone does not count for the kube-dns pods.
      { name: 'an egress rule without ports or peers allows DNS', env: 'dev', change: (s) => { s.remove('NetworkPolicy', `${WF}-allow-dns`); const r = s.get('NetworkPolicy', `${WF}-allow-https`).spec.egress[0]; r.ports = undefined; r.to = undefined; } },
      { name: 'a port range covering 53 for both protocols', env: 'dev', change: (s) => { s.get('NetworkPolicy', `${WF}-allow-dns`).spec.egress[0].ports = [{ port: 1, endPort: 1024, protocol: 'UDP' }, { port: 50, endPort: 60 }]; } },
      { name: 'node-local: a wider block holding 169.254.20.10 and a namespace-wide kube-system peer', env: 'prod', change: (s) => { s.get('NetworkPolicy', `${WF}-allow-dns`).spec.egress[0].to = [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }]; } },
    ],
  },
  'cross-object/egress-base-url': {
    fires: [
      { name: 'prod: the API container lacks the OpenAI base URL (its SDK stays on https://, unrouted)', env: 'prod', change: (s) => { s.api.env = s.api.env.filter((e: Mutable) => e.name !== 'OPENAI_BASE_URL'); }, object: at('Deployment'), path: '/spec/template/spec/containers/0/env' },
      { name: 'prod: the base URL left on https://', env: 'prod', change: (s) => { s.api.env.find((e: Mutable) => e.name === 'ANTHROPIC_BASE_URL').value = 'https://api.anthropic.com'; }, object: at('Deployment') },
      { name: 'prod: the queue worker lacks it', env: 'prod', change: (s) => {
        const worker = s.get('Deployment', 'research-assistant-worker').spec.template.spec.containers[0];
        worker.env = worker.env.filter((e: Mutable) => e.name !== 'OPENAI_BASE_URL');
      }, object: 'Deployment/research-assistant/research-assistant-worker', path: '/spec/template/spec/containers/0/env' },
      { name: 'a plain-HTTP URL to an external host without an originating entry (cleartext to the internet)', env: 'prod', change: (s) => { s.api.env.push({ name: 'SEARCH_API_URL', value: 'http://api.tavily.com/search' }); }, object: at('Deployment') },
      { name: 'dev (no mesh): an http:// base URL goes out in cleartext', env: 'dev', change: (s) => { s.api.env.push({ name: 'OPENAI_BASE_URL', value: 'http://api.openai.com/v1' }); }, object: at('Deployment') },
      { name: 'the base URL names a host whose entry only passes TLS through', env: 'prod', change: (s) => {
        const name = `${WF}-llm-api-anthropic-com`;
        const se = s.get('ServiceEntry', name);
        se.spec.ports = se.spec.ports.filter((p: Mutable) => p.protocol !== 'HTTP');
        delete s.get('DestinationRule', name).spec.trafficPolicy.portLevelSettings;
      }, object: at('Deployment') },
      { name: 'an originating entry in a namespace with no LangGraph pods', env: 'prod', change: (s) => {
        const se = JSON.parse(JSON.stringify(s.get('ServiceEntry', `${WF}-llm-api-openai-com`)));
        se.metadata.namespace = 'tools';
        s.add(se);
      }, object: `ServiceEntry/tools/${WF}-llm-api-openai-com`, path: '/spec/ports/0' },
      { name: 'origination declared by the DestinationRule alone (tls SIMPLE on an HTTP port without targetPort)', env: 'prod', change: (s) => {
        const se = s.get('ServiceEntry', `${WF}-llm-api-openai-com`);
        delete se.spec.ports[0].targetPort;
        s.api.env = s.api.env.filter((e: Mutable) => e.name !== 'OPENAI_BASE_URL');
      }, object: at('Deployment') },
    ],
    passes: [
      { name: 'dev: no mesh, no entries, SDK defaults', env: 'dev', change: () => undefined },
      { name: 'a cluster-local http:// URL is not checked', env: 'prod', change: (s) => { s.api.env.push({ name: 'TOOLS_URL', value: 'http://tools.tools.svc.cluster.local:8080' }, { name: 'PEER_URL', value: 'http://research-assistant-api.research-assistant' }); } },
      { name: 'the default port written out', env: 'prod', change: (s) => { s.api.env.find((e: Mutable) => e.name === 'OPENAI_BASE_URL').value = 'http://api.openai.com:80/v1'; } },
      { name: 'a passthrough host called over https://', env: 'prod', change: (s) => {
        const name = `${WF}-llm-api-anthropic-com`;
        const se = s.get('ServiceEntry', name);
        se.spec.ports = se.spec.ports.filter((p: Mutable) => p.protocol !== 'HTTP');
        delete s.get('DestinationRule', name).spec.trafficPolicy.portLevelSettings;
        s.api.env.find((e: Mutable) => e.name === 'ANTHROPIC_BASE_URL').value = 'https://api.anthropic.com';
      } },
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
  'cross-object/metric-references': {
    fires: [
      { name: 'dev (no mesh): an alert reading istio_requests_total', env: 'dev', change: (s) => {
        s.get('PrometheusRule', API).spec.groups[0].rules.push({ alert: 'X', expr: `sum(rate(istio_requests_total{namespace="${WF}",reporter="destination"}[5m])) > 1` });
      }, object: at('PrometheusRule') },
      { name: "the dashboard's old dead panel (langgraph_workflow_executions_total)", env: 'prod', change: (s) => {
        const cm = s.get('ConfigMap', `${WF}-dashboard`);
        const key = Object.keys(cm.data)[0];
        const d = JSON.parse(cm.data[key]);
        d.panels[0].targets[0].expr = 'sum by (status) (increase(langgraph_workflow_executions_total{namespace="x"}[1h]))';
        cm.data[key] = JSON.stringify(d);
      } },
      { name: 'the canary analysis filtering on a Service label the server metric lacks', env: 'prod', change: (s) => {
        s.get('AnalysisTemplate', `${WF}-success-rate`).spec.metrics[0].provider.prometheus.query = `sum(rate(lg_api_http_requests_total{namespace="${WF}",destination_service_name="${API}-canary"}[2m]))`;
      }, path: '/spec/metrics/0/provider/prometheus/query' },
      { name: 'an HPA Pods metric on the queue-wide running-runs gauge', env: 'prod', change: (s) => {
        s.get('HorizontalPodAutoscaler', API).spec.metrics.push({ type: 'Pods', pods: { metric: { name: 'lg_api_num_running_runs' }, target: { type: 'AverageValue', averageValue: '5' } } });
      }, object: at('HorizontalPodAutoscaler') },
    ],
    passes: [
      { name: 'prod (mesh): istio_* may be read', env: 'prod', change: (s) => {
        s.get('PrometheusRule', API).spec.groups[0].rules.push({ alert: 'X', expr: `sum(rate(istio_requests_total{namespace="${WF}",reporter="destination"}[5m])) > 1` });
      } },
      { name: 'an External metric on the pending-runs gauge (aggregated by the adapter)', env: 'prod', change: (s) => {
        s.get('HorizontalPodAutoscaler', API).spec.metrics.push({ type: 'External', external: { metric: { name: 'lg_api_num_pending_runs' }, target: { type: 'AverageValue', averageValue: '5' } } });
      } },
    ],
  },
  'cross-object/rollout-refs': {
    fires: [
      { name: 'stable Service not rendered', env: 'prod', change: (s) => { s.get('Rollout', API).spec.strategy.canary.stableService = `${API}-primary`; }, object: at('Rollout'), path: '/spec/strategy/canary/stableService' },
      { name: 'route name not in the VirtualService', env: 'prod', change: (s) => { s.get('Rollout', API).spec.strategy.canary.trafficRouting.istio.virtualService.routes = ['main']; }, path: '/spec/strategy/canary/trafficRouting/istio/virtualService/routes/0' },
      { name: 'VirtualService not rendered', env: 'prod', change: (s) => { s.get('Rollout', API).spec.strategy.canary.trafficRouting.istio.virtualService.name = 'support-vs'; }, path: '/spec/strategy/canary/trafficRouting/istio/virtualService/name' },
      { name: 'route without a canary destination', env: 'prod', change: (s) => { s.get('VirtualService', API).spec.http[0].route.pop(); }, path: '/spec/strategy/canary/canaryService' },
      { name: 'AnalysisTemplate not rendered', env: 'prod', change: (s) => s.remove('AnalysisTemplate', `${WF}-latency`), path: '/spec/strategy/canary/analysis/templates/1/templateName' },
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
      { name: 'Ingress backend Service not rendered', env: 'dev', change: (s) => s.add(ingress('support-agent', { name: 'http' })), object: at('Ingress'), path: '/spec/rules/0/http/paths/0/backend/service/name' },
      { name: 'Ingress backend port name not on the Service', env: 'dev', change: (s) => s.add(ingress(API, { name: 'https' })), path: '/spec/rules/0/http/paths/0/backend/service/port' },
      { name: 'HTTPRoute backendRef Service not rendered', env: 'dev', change: (s) => { s.get('HTTPRoute', API).spec.rules[0].backendRefs[0].name = 'support-agent'; }, object: at('HTTPRoute'), path: '/spec/rules/0/backendRefs/0/name' },
      { name: 'HTTPRoute backendRef port not on the Service (the container port instead of the Service\'s)', env: 'dev', change: (s) => { s.get('HTTPRoute', API).spec.rules[0].backendRefs[0].port = 8000; }, object: at('HTTPRoute'), path: '/spec/rules/0/backendRefs/0/port' },
      { name: 'VirtualService destination port not on the Service', env: 'prod', change: (s) => { s.get('VirtualService', API).spec.http[0].route[0].destination.port.number = 8000; }, object: at('VirtualService'), path: '/spec/http/0/route/0/destination/port' },
    ],
    passes: [
      { name: 'an external host is not checked', env: 'prod', change: (s) => { s.get('VirtualService', API).spec.http.push({ name: 'external', route: [{ destination: { host: 'api.openai.com', port: { number: 443 } } }] }); } },
      { name: 'an Ingress to the API Service by port name', env: 'dev', change: (s) => s.add(ingress(API, { name: 'http' })) },
      { name: 'a backendRef to another namespace\'s Service is not checked here', env: 'dev', change: (s) => { Object.assign(s.get('HTTPRoute', API).spec.rules[0].backendRefs[0], { name: 'shared-proxy', namespace: 'proxies' }); } },
    ],
  },
  'cross-object/edge-authentication': {
    fires: [
      { name: 'prod: the RequestAuthentication missing (auth.mode none)', env: 'prod', change: (s) => { s.remove('RequestAuthentication', `${API}-jwt`); }, object: at('VirtualService'), path: '/spec/gateways' },
      { name: 'staging: the gateway rule no longer requires a request principal', env: 'staging', change: (s) => { for (const r of s.get('AuthorizationPolicy', `${API}-allow`).spec.rules) for (const f of r.from ?? []) delete f.source.requestPrincipals; }, object: at('VirtualService') },
      { name: 'prod: a JWT rule-less RequestAuthentication', env: 'prod', change: (s) => { s.get('RequestAuthentication', `${API}-jwt`).spec.jwtRules = []; } },
      { name: 'prod: a Gateway API HTTPRoute to pods without authentication', env: 'prod', change: (s) => { s.remove('RequestAuthentication', `${API}-jwt`); s.remove('VirtualService', API); s.add(httpRoute(s, { kind: 'Gateway', name: 'langgraph', namespace: 'istio-ingress' })); }, object: at('HTTPRoute'), path: '/spec/parentRefs' },
    ],
    passes: [
      { name: 'dev (development tier, an HTTPRoute without auth)', env: 'dev', change: () => undefined },
      {
        name: 'prod: an external authorizer (CUSTOM) instead of a JWT', env: 'prod', change: (s) => {
          s.remove('RequestAuthentication', `${API}-jwt`);
          s.add({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: `${API}-ext-authz`, namespace: WF }, spec: { selector: { matchLabels: s.get('Service', API).spec.selector }, action: 'CUSTOM', provider: { name: 'oauth2-proxy' }, rules: [{}] } });
        },
      },
      { name: 'a VirtualService bound only to the mesh is no entry', env: 'prod', change: (s) => { s.remove('RequestAuthentication', `${API}-jwt`); s.get('VirtualService', API).spec.gateways = ['mesh']; } },
      { name: 'prod: a Gateway API HTTPRoute to pods that require a JWT', env: 'prod', change: (s) => { s.remove('VirtualService', API); s.add(httpRoute(s, { kind: 'Gateway', name: 'langgraph', namespace: 'istio-ingress' })); } },
      { name: 'an HTTPRoute whose parent is a Service (a GAMMA mesh route) is no entry', env: 'prod', change: (s) => { s.remove('RequestAuthentication', `${API}-jwt`); s.remove('VirtualService', API); s.add(httpRoute(s, { group: '', kind: 'Service', name: API })); } },
    ],
  },
  ...DAY2_CASES,
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
