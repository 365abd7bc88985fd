import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { ApiHttpRoute } from '../../src/constructs/api-http-route';
import { ApiService } from '../../src/constructs/api-service';
import { LangGraphWorkflow } from '../../src/constructs/langgraph-workflow';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { ESSENTIALS } from './workflow-essentials';

const identity = { workflow: 'wf', app: 'langgraph-api', component: 'api' };
const selector = { 'app.kubernetes.io/name': 'langgraph-api', 'app.kubernetes.io/instance': 'wf', 'app.kubernetes.io/component': 'api' };

function route() {
  const chart = new Chart(Testing.app(), 'c');
  const scope = inWorkflow(chart);
  const service = new ApiService(scope, 'Svc', { name: 'wf-api', identity, selector });
  new ApiHttpRoute(scope, 'Route', { name: 'wf-api', hostname: 'wf.agents.example.com', service, gateway: { name: 'langgraph', namespace: 'istio-ingress', sectionName: 'https-wf' } });
  const objects = Testing.synth(chart);
  return { route: objects.find((o) => o.kind === 'HTTPRoute'), service: objects.find((o) => o.kind === 'Service') };
}

test('attaches to the named HTTPS listener of the Gateway in its namespace, for the workflow\'s hostname only', () => {
  const { route: r } = route();
  expect(r.apiVersion).toBe('gateway.networking.k8s.io/v1');
  expect(r.metadata).toMatchObject({ name: 'wf-api', namespace: 'wf' });
  expect(r.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'istio-ingress', name: 'langgraph', sectionName: 'https-wf' }]);
  expect(r.spec.hostnames).toEqual(['wf.agents.example.com']);
  expect(defaultSchemaRegistry().validate(r)).toEqual([]);
});

test('every path goes to the API Service on the Service\'s port (which targets the server\'s http port)', () => {
  const { route: r, service } = route();
  expect(r.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'wf-api', port: 80 }] }]);
  expect(service.spec.ports).toEqual([expect.objectContaining({ port: r.spec.rules[0].backendRefs[0].port, targetPort: 'http' })]);
  // Same namespace as the Service: no cross-namespace backendRef, so no ReferenceGrant.
  expect(r.spec.rules[0].backendRefs[0].namespace).toBeUndefined();
});

describe('LangGraphWorkflow with entry type gateway-api', () => {
  const synth = (props: Partial<typeof ESSENTIALS>) => {
    const chart = new Chart(Testing.app(), 'c');
    new LangGraphWorkflow(chart, 'wf', { ...ESSENTIALS, ...props });
    return Testing.synth(chart);
  };

  test('renders the HTTPRoute and neither Istio Gateway, VirtualService nor Ingress; default parent langgraph in the ingress namespace', () => {
    const objects = synth({ entry: { type: 'gateway-api' }, mesh: true });
    const kinds = objects.map((o) => o.kind);
    expect(kinds).toContain('HTTPRoute');
    for (const k of ['Gateway', 'VirtualService', 'Ingress']) expect(kinds).not.toContain(k);
    const r = objects.find((o) => o.kind === 'HTTPRoute');
    expect(r.spec.parentRefs[0]).toMatchObject({ name: 'langgraph', namespace: 'istio-ingress', sectionName: `https-${ESSENTIALS.workflowName}` });
    expect(r.spec.hostnames).toEqual([ESSENTIALS.hostname]);
  });

  test('the parent Gateway by config: name and namespace', () => {
    const r = synth({ entry: { type: 'gateway-api', gatewayApi: { name: 'public', namespace: 'edge' } } }).find((o) => o.kind === 'HTTPRoute');
    expect(r.spec.parentRefs[0]).toMatchObject({ name: 'public', namespace: 'edge' });
  });

  test('a canary is refused: the gateway would route past the VirtualService weights', () => {
    expect(() => synth({ entry: { type: 'gateway-api' }, mesh: true, canary: {} })).toThrow(/a canary cannot use entry type gateway-api .*use entry type gateway, or rolling delivery/);
  });
});
