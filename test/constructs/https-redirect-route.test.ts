import { Chart, Testing } from 'cdk8s';
import { EntryGateway } from '../../src/constructs/entry-gateway';
import { HttpsRedirectRoute } from '../../src/constructs/https-redirect-route';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

function render() {
  const chart = new Chart(Testing.app(), 'c');
  const gateway = new EntryGateway(chart, 'Gateway', {
    name: 'langgraph', namespace: 'istio-ingress', gatewayClassName: 'istio',
    listeners: [{ workflow: 'a', namespace: 'a', hostname: 'a.agents.example.com', tlsSecretName: 'a-tls' }],
  });
  new HttpsRedirectRoute(chart, 'Redirect', { name: 'langgraph-https-redirect', gateway });
  return { redirect: Testing.synth(chart).find((o) => o.kind === 'HTTPRoute') };
}

test('the redirect: the HTTP listener only, a 301 to https, no backend', () => {
  const { redirect } = render();
  expect(redirect.metadata).toMatchObject({ name: 'langgraph-https-redirect', namespace: 'istio-ingress' });
  expect(redirect.spec).toEqual({
    parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'langgraph', sectionName: 'http' }],
    // Every path, said as the API server defaults it (what Argo CD compares must be what it stores).
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
  });
});

test('passes the vendored HTTPRoute schema', () => {
  expect(defaultSchemaRegistry().validate(render().redirect)).toEqual([]);
});
