import { Chart, Testing } from 'cdk8s';
import { EntryGateway, MAX_WORKFLOW_LISTENERS, WorkflowListener, workflowListenerName } from '../../src/constructs/entry-gateway';
import { HttpsRedirectRoute } from '../../src/constructs/https-redirect-route';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const listener = (wf: string): WorkflowListener => ({ workflow: wf, namespace: `${wf}-ns`, hostname: `${wf}.agents.example.com`, tlsSecretName: `${wf}-tls` });

function render(listeners: WorkflowListener[]) {
  const chart = new Chart(Testing.app(), 'c');
  const gateway = new EntryGateway(chart, 'Gateway', { name: 'langgraph', namespace: 'istio-ingress', gatewayClassName: 'istio', listeners });
  new HttpsRedirectRoute(chart, 'Redirect', { name: 'langgraph-https-redirect', gateway });
  const objects = Testing.synth(chart);
  return { gateway: objects.find((o) => o.kind === 'Gateway'), redirect: objects.find((o) => o.kind === 'HTTPRoute') };
}

test('both objects pass the vendored Gateway API schemas', () => {
  const { gateway, redirect } = render([listener('b'), listener('a')]);
  expect(defaultSchemaRegistry().validate(gateway)).toEqual([]);
  expect(defaultSchemaRegistry().validate(redirect)).toEqual([]);
  expect(gateway.metadata).toMatchObject({ name: 'langgraph', namespace: 'istio-ingress' });
  expect(gateway.spec.gatewayClassName).toBe('istio');
});

test('the HTTP listener first, then one HTTPS listener per workflow sorted by workflow, each terminating TLS with a Secret named only', () => {
  const { gateway } = render([listener('b'), listener('a')]);
  expect(gateway.spec.listeners.map((l: any) => [l.name, l.port, l.protocol, l.hostname])).toEqual([
    ['http', 80, 'HTTP', undefined],
    [workflowListenerName('a'), 443, 'HTTPS', 'a.agents.example.com'],
    [workflowListenerName('b'), 443, 'HTTPS', 'b.agents.example.com'],
  ]);
  const a = gateway.spec.listeners[1];
  expect(a.tls).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'a-tls' }] });
  expect(a.allowedRoutes.namespaces).toEqual({ from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'a-ns' } } });
  expect(gateway.spec.listeners[0].allowedRoutes.namespaces).toEqual({ from: 'Same' });
});

test('refusals: no listener, a shared hostname, more listeners than a Gateway holds', () => {
  expect(() => render([])).toThrow(/no workflow listeners/);
  expect(() => render([listener('a'), { ...listener('b'), hostname: 'a.agents.example.com' }])).toThrow(/workflows "a" and "b" both use hostname a\.agents\.example\.com/);
  const many = Array.from({ length: MAX_WORKFLOW_LISTENERS + 1 }, (_x, i) => listener(`w${i}`));
  expect(() => render(many)).toThrow(/at most 64 listeners/);
  const { gateway } = render(many.slice(0, MAX_WORKFLOW_LISTENERS));
  expect(gateway.spec.listeners).toHaveLength(64);
  expect(defaultSchemaRegistry().validate(gateway)).toEqual([]);
});
