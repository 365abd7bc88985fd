import { addMeshSecurity } from '../../../src/charts/features/mesh-security';
import { checkMeshSecurity, meshCallersSchema, meshSecuritySchema } from '../../../src/config/features/mesh-security';

/** prod's gateway: namespaces.ingress istio-ingress, the chart's default ServiceAccount. */
const DEFAULT_GATEWAY_PRINCIPAL = 'cluster.local/ns/istio-ingress/sa/istio-ingressgateway';
import { SIDECAR_UNCAPTURED_INBOUND_PORTS } from '../../../src/constructs/mesh-mtls';
import { committed, objectsOf } from '../../helpers';
import { contextFor, newChart, ofKind, synthValid, workflowChart } from './workflow-context-fixture';

const WF = 'support-agent';
const defaults = { security: meshSecuritySchema.parse(undefined), callers: meshCallersSchema.parse(undefined) };

describe('addMeshSecurity switch', () => {
  test('renders nothing without the mesh (dev)', () => {
    const chart = newChart();
    expect(addMeshSecurity(chart, contextFor('dev'), defaults)).toBeUndefined();
    expect(synthValid(chart)).toEqual([]);
  });

  test('on by default with the mesh: PeerAuthentication, deny-by-default and the API allow policy', () => {
    const chart = newChart();
    expect(addMeshSecurity(chart, contextFor('staging'), defaults)).toBeDefined();
    const objects = synthValid(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      `AuthorizationPolicy/${WF}-api-allow`,
      `AuthorizationPolicy/${WF}-api-edge-deny`,
      `AuthorizationPolicy/${WF}-deny-by-default`,
      `PeerAuthentication/${WF}`,
    ]);
    for (const o of objects) expect(o.metadata.namespace).toBe(WF);
  });

  test('meshSecurity.enabled: false turns it off in a mesh environment', () => {
    const chart = newChart();
    expect(addMeshSecurity(chart, contextFor('prod'), { ...defaults, security: { ...defaults.security, enabled: false } })).toBeUndefined();
    expect(synthValid(chart)).toEqual([]);
  });

  test('denyByDefault: false drops only the allow-nothing policy', () => {
    const chart = newChart();
    addMeshSecurity(chart, contextFor('staging'), { ...defaults, security: { ...defaults.security, denyByDefault: false } });
    const names = synthValid(chart).map((o) => o.metadata.name);
    expect(names).not.toContain(`${WF}-deny-by-default`);
    expect(names).toContain(`${WF}-api-allow`);
  });
});

describe('mesh policy content', () => {
  const render = (callers = defaults.callers) => {
    const chart = newChart();
    addMeshSecurity(chart, contextFor('prod'), { ...defaults, callers });
    return synthValid(chart);
  };

  test('STRICT for the whole namespace, never PERMISSIVE, no port exception', () => {
    const [pa] = ofKind(render(), 'PeerAuthentication');
    expect(pa.apiVersion).toBe('security.istio.io/v1');
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('deny-by-default is an ALLOW policy with no rules and no selector (Istio allow-nothing)', () => {
    const deny = ofKind(render(), 'AuthorizationPolicy').find((p) => p.metadata.name === `${WF}-deny-by-default`);
    expect(deny.spec).toEqual({});
  });

  test('without named callers only the gateway principal may call, on the API port only', () => {
    const allow = ofKind(render(), 'AuthorizationPolicy').find((p) => p.metadata.name === `${WF}-api-allow`);
    expect(allow.spec.action).toBe('ALLOW');
    expect(allow.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'langgraph-api', 'app.kubernetes.io/instance': WF, 'app.kubernetes.io/component': 'api',
    });
    expect(allow.spec.rules).toEqual([{ from: [{ source: { principals: [DEFAULT_GATEWAY_PRINCIPAL] } }], to: [{ operation: { ports: ['8000'] } }] }]);
  });

  test('named callers become one rule per kind, each limited to the API port', () => {
    const callers = meshCallersSchema.parse({ principals: ['cluster.local/ns/frontend/sa/web'], namespaces: ['batch'] });
    const allow = ofKind(render(callers), 'AuthorizationPolicy').find((p) => p.metadata.name === `${WF}-api-allow`);
    const sources = allow.spec.rules.map((r: any) => r.from[0].source);
    expect(sources).toEqual([
      { principals: [DEFAULT_GATEWAY_PRINCIPAL] },
      { principals: ['cluster.local/ns/frontend/sa/web'] },
      { namespaces: ['batch'] },
    ]);
    for (const r of allow.spec.rules) expect(r.to).toEqual([{ operation: { ports: ['8000'] } }]);
  });
});

describe('gateway principal: derived from the gateway namespace and ServiceAccount', () => {
  const principalsOf = (ctx: ReturnType<typeof contextFor>, security = defaults.security) => {
    const chart = newChart();
    addMeshSecurity(chart, ctx, { ...defaults, security });
    const allow = ofKind(synthValid(chart), 'AuthorizationPolicy').find((p) => p.metadata.name === `${WF}-api-allow`);
    return allow.spec.rules[0].from[0].source.principals;
  };

  test('follows namespaces.ingress, gatewayServiceAccount and trustDomain', () => {
    const base = contextFor('prod');
    const ctx = { ...base, env: { ...base.env, namespaces: { ...base.env.namespaces, ingress: 'edge' } } } as typeof base;
    expect(principalsOf(ctx, { ...defaults.security, gatewayServiceAccount: 'public-gw', trustDomain: 'corp.example' }))
      .toEqual(['corp.example/ns/edge/sa/public-gw']);
  });

  test('an explicit principal outside the gateway namespace is refused by the construct and the config check', () => {
    const wrong = { ...defaults.security, gatewayPrincipals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] };
    expect(() => principalsOf(contextFor('prod'), wrong)).toThrow(/names namespace "istio-system", but the gateway runs in namespaces.ingress "istio-ingress"/);
    const env = { name: 'prod', mesh: { enabled: true }, namespaces: { ingress: 'istio-ingress' }, meshSecurity: wrong };
    expect(checkMeshSecurity(env)).toEqual([expect.objectContaining({ path: ['meshSecurity', 'gatewayPrincipals', 0], message: expect.stringMatching(/403/) })]);
    const otherDomain = { ...env, meshSecurity: { ...wrong, gatewayPrincipals: ['corp.example/ns/istio-ingress/sa/gw'] } };
    expect(checkMeshSecurity(otherDomain)[0].message).toMatch(/trust domain "corp.example", but meshSecurity.trustDomain is "cluster.local"/);
    expect(checkMeshSecurity({ ...env, meshSecurity: { ...wrong, gatewayPrincipals: ['cluster.local/ns/istio-ingress/sa/gw-a', 'cluster.local/ns/istio-ingress/sa/gw-b'] } })).toEqual([]);
  });
});

/**
 * The monitor, the NetworkPolicy and the mesh policy agree on the scrape port: Prometheus scrapes
 * 15020, the NetworkPolicy lets the monitoring namespace reach exactly that port, and the mesh
 * policy neither names it (istio-init leaves it unintercepted) nor opens the API port to the
 * monitoring namespace or to plaintext.
 */
function expectMeshPortsAgree(objects: readonly any[], workflow: string, monitoringNamespace: string, ingressNamespace: string) {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${workflow}-api`);
  const apiPort: number = deployment.spec.template.spec.containers[0].ports.find((p: any) => p.name === 'http').containerPort;

  const monitor = objects.find((o) => o.kind === 'PodMonitor' && o.metadata.name === `${workflow}-api`);
  const endpoint = monitor.spec.podMetricsEndpoints[0];
  const addressRewrite = endpoint.relabelings.find((r: any) => r.targetLabel === '__address__');
  const scrapePort = Number(/:(\d+)$/.exec(addressRewrite.replacement)![1]);

  const fromMonitoring = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === `${workflow}-allow-from-monitoring`);
  const rule = fromMonitoring.spec.ingress[0];
  expect(rule.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(monitoringNamespace);
  expect(rule.ports.map((p: any) => p.port)).toEqual([scrapePort]);

  // The scrape port bypasses the sidecar, so no mesh policy can (or does) speak about it …
  expect(SIDECAR_UNCAPTURED_INBOUND_PORTS).toContain(scrapePort);
  expect(scrapePort).not.toBe(apiPort);
  const pa = objects.filter((o) => o.kind === 'PeerAuthentication');
  expect(pa).toHaveLength(1);
  expect(pa[0].spec.mtls.mode).toBe('STRICT');
  expect(pa[0].spec.portLevelMtls).toBeUndefined();
  expect(pa[0].spec.selector).toBeUndefined();

  // … and the API port is open to the gateway and named callers only, never to monitoring.
  const apiSelector = deployment.spec.selector.matchLabels;
  const allow = objects.filter((o) => o.kind === 'AuthorizationPolicy' && o.spec.rules && (o.spec.action ?? 'ALLOW') === 'ALLOW'
    && JSON.stringify(o.spec.selector?.matchLabels) === JSON.stringify(apiSelector));
  expect(allow).toHaveLength(1);
  const rules = allow.flatMap((p) => p.spec.rules);
  expect(rules.length).toBeGreaterThan(0);
  for (const r of rules) {
    expect(r.to.flatMap((t: any) => t.operation.ports)).toEqual([String(apiPort)]);
    for (const f of r.from) expect(f.source.namespaces ?? []).not.toContain(monitoringNamespace);
  }
  const gatewayNamespaces = rules.flatMap((r: any) => r.from.flatMap((f: any) => f.source.principals ?? [])).map((p: string) => p.split('/')[2]);
  expect(gatewayNamespaces).toContain(ingressNamespace);
}

describe('internal servers (closed by deny-by-default)', () => {
  test('each gets an ALLOW policy for the named ServiceAccounts of the namespace, on its port', () => {
    const ctx = contextFor('staging');
    const chart = newChart();
    const selector = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': WF, 'app.kubernetes.io/component': 'postgres' };
    addMeshSecurity(chart, ctx, { ...defaults, internalServers: [{ name: 'postgres', selector, port: 5432, callerServiceAccounts: [ctx.apiName, `${WF}-worker`] }] });
    const pg = synthValid(chart).find((o) => o.metadata.name === `${WF}-postgres-allow`);
    expect(pg.spec.selector.matchLabels).toEqual(selector);
    expect(pg.spec.rules).toEqual([{
      from: [{ source: { principals: [`cluster.local/ns/${ctx.namespace}/sa/${ctx.apiName}`, `cluster.local/ns/${ctx.namespace}/sa/${WF}-worker`] } }],
      to: [{ operation: { ports: ['5432'] } }],
    }]);
  });

  test('an internal server without callers is refused (an empty source would allow everyone)', () => {
    expect(() => addMeshSecurity(newChart(), contextFor('staging'), { ...defaults, internalServers: [{ name: 'redis', selector: { a: 'b' }, port: 6379, callerServiceAccounts: [] }] }))
      .toThrow(/neither principals nor namespaces/);
  });
});

describe('monitor, NetworkPolicy and mesh policy agree on the port', () => {
  // The WorkflowChart composes addMeshSecurity itself.
  test.each(['staging', 'prod'])('%s: the WorkflowChart output', (envName) => {
    const ctx = contextFor(envName);
    const objects = synthValid(workflowChart(envName));
    expectMeshPortsAgree(objects, WF, ctx.env.namespaces.monitoring, ctx.env.namespaces.ingress);
  });

  test('dev (no mesh): the monitor scrapes the API port by name and no mesh policy exists', () => {
    const objects = synthValid(workflowChart('dev'));
    const monitor = objects.find((o) => o.kind === 'PodMonitor');
    expect(monitor.spec.podMetricsEndpoints[0].port).toBe('http');
    expect(objects.filter((o) => ['PeerAuthentication', 'AuthorizationPolicy'].includes(o.kind))).toEqual([]);
  });

  test.each(['staging', 'prod'])('%s: synthesize(config) output', (envName) => {
    const env = committed().config.environments.find((e) => e.environment.name === envName)!.environment;
    expectMeshPortsAgree(objectsOf(envName, WF), WF, env.namespaces.monitoring, env.namespaces.ingress);
  });
});

test('snapshot: what meshSecurity (defaults) adds to support-agent in prod', () => {
  const chart = newChart();
  addMeshSecurity(chart, contextFor('prod'), defaults);
  const objects = synthValid(chart);
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
    `AuthorizationPolicy/${WF}-api-allow`, `AuthorizationPolicy/${WF}-api-edge-deny`, `AuthorizationPolicy/${WF}-deny-by-default`, `PeerAuthentication/${WF}`,
  ]);
  expect(objects).toMatchSnapshot('meshSecurity: objects added to support-agent in prod');
});
