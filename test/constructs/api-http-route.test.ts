/* eslint-disable @typescript-eslint/no-explicit-any -- rendered objects are read loosely */
import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { ApiHttpRoute, gatewayPathMatch } from '../../src/constructs/api-http-route';
import { EDGE_DENIED_ROUTES } from '../../src/constructs/langgraph-server';
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

/**
 * The rule an HTTPRoute picks for a path, by the Gateway API's precedence (HTTPRouteRule docs):
 * an exact path match first, then the longest prefix; a prefix matches whole path elements
 * (`/internal` matches `/internal` and `/internal/x`, never `/internalx`). The query is not part of the path.
 */
function ruleFor(r: any, url: string): any {
  const path = url.split('?')[0];
  let best: { rule: any; exact: boolean; length: number } | undefined;
  for (const rule of r.spec.rules) {
    for (const m of rule.matches) {
      const { type, value } = m.path;
      const hit = type === 'Exact' ? path === value
        : type === 'PathPrefix' ? value === '/' || path === value || path.startsWith(`${value}/`)
          : (() => { throw new Error(`path match type ${type} is not evaluated here`); })();
      if (!hit) continue;
      const cand = { rule, exact: type === 'Exact', length: value.length };
      if (!best || (cand.exact && !best.exact) || (cand.exact === best.exact && cand.length > best.length)) best = cand;
    }
  }
  return best?.rule;
}

test('every other path goes to the API Service on the Service\'s port (which targets the server\'s http port)', () => {
  const { route: r, service } = route();
  for (const path of ['/', '/ok', '/threads', '/threads/abc/runs', '/runs/wait', '/assistants/search', '/store/items', '/docsearch', '/internalx', '/metrics/x']) {
    // weight 1 said, as the API server stores it: what Argo CD compares must be what it stores.
    expect(ruleFor(r, path)?.backendRefs).toEqual([{ group: '', kind: 'Service', name: 'wf-api', port: 80, weight: 1 }]);
  }
  expect(service.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 'http' })]);
  // Same namespace as the Service: no cross-namespace backendRef, so no ReferenceGrant.
  expect(r.spec.rules[0].backendRefs[0].namespace).toBeUndefined();
});

test('the server\'s admin routes match a rule without a backend: the gateway never forwards them', () => {
  const { route: r } = route();
  for (const path of EDGE_DENIED_ROUTES.map((x) => x.path.replace(/\*$/, 'truncate'))) {
    const rule = ruleFor(r, path);
    expect(rule).toBeDefined();
    expect(rule.backendRefs).toBeUndefined();
    expect(rule.filters).toBeUndefined();
  }
  for (const path of ['/metrics?format=json', '/internal', '/internal/truncate', '/openapi.json', '/docs']) expect(ruleFor(r, path).backendRefs).toBeUndefined();
});

test('gatewayPathMatch: exact paths, a trailing /* as a prefix, other wildcards refused', () => {
  expect(gatewayPathMatch('/docs')).toEqual({ type: 'Exact', value: '/docs' });
  expect(gatewayPathMatch('/internal/*')).toEqual({ type: 'PathPrefix', value: '/internal' });
  expect(() => gatewayPathMatch('*/docs')).toThrow(/only a trailing "\/\*"/);
});

test('a mount prefix denies the admin routes under it too; no denied paths leaves one rule', () => {
  const objects = (() => {
    const chart = new Chart(Testing.app(), 'c');
    new LangGraphWorkflow(chart, 'wf', { ...ESSENTIALS, entry: { type: 'gateway-api' }, env: { MOUNT_PREFIX: '/api/v1' } });
    return Testing.synth(chart);
  })();
  const r = objects.find((o) => o.kind === 'HTTPRoute');
  for (const path of ['/api/v1/docs', '/api/v1/metrics', '/docs', '/api/v1/internal/truncate']) expect(ruleFor(r, path).backendRefs).toBeUndefined();
  expect(ruleFor(r, '/api/v1/threads').backendRefs).toHaveLength(1);
  expect(defaultSchemaRegistry().validate(r)).toEqual([]);

  const chart = new Chart(Testing.app(), 'c');
  const scope = inWorkflow(chart);
  const service = new ApiService(scope, 'Svc', { name: 'wf-api', identity, selector });
  new ApiHttpRoute(scope, 'Route', { name: 'wf-api', hostname: 'wf.example.com', service, gateway: { name: 'g', namespace: 'n', sectionName: 's' }, deniedPaths: [] });
  expect(Testing.synth(chart).find((o) => o.kind === 'HTTPRoute').spec.rules).toHaveLength(1);
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
