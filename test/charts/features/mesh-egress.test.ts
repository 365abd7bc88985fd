import { addMeshEgress, llmBaseUrlEnv, TLS_ORIGINATION_PORT } from '../../../src/charts/features/mesh-egress';
import { DEFAULT_LANGSMITH_HOSTS, DEFAULT_SDK_BASE_URLS, checkMeshEgress, meshEgressSchema } from '../../../src/config/features/mesh-egress';
import { Testing } from 'cdk8s';
import { WorkflowChart } from '../../../src/charts/workflow-chart';
import { contextFor, newChart, ofKind, synthValid, workflowChart } from './workflow-context-fixture';

const WF = 'support-agent';
const defaults = meshEgressSchema.parse(undefined);

function render(envName: string, config = defaults, overrides = {}) {
  const ctx = contextFor(envName, WF, overrides);
  const chart = newChart();
  const result = addMeshEgress(chart, ctx, config);
  return { ctx, result, objects: synthValid(chart) };
}
const named = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('addMeshEgress switch', () => {
  test('renders nothing without the mesh (dev)', () => {
    const { result, objects } = render('dev');
    expect(result).toBeUndefined();
    expect(objects).toEqual([]);
  });

  test('meshEgress.enabled: false turns it off in a mesh environment', () => {
    const { result, objects } = render('prod', { ...defaults, enabled: false });
    expect(result).toBeUndefined();
    expect(objects).toEqual([]);
  });

  test('on by default with the mesh; every object is namespaced to the workflow and exported only there', () => {
    const { ctx, objects } = render('staging');
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe(ctx.namespace);
      // A Sidecar is never exported: it configures the proxies of its own namespace.
      if (o.kind !== 'Sidecar') expect(o.spec.exportTo).toEqual(['.']);
    }
  });
});

describe('LLM hosts', () => {
  test('one ServiceEntry, DestinationRule and VirtualService per egress.llmHosts entry', () => {
    const { ctx, objects } = render('prod');
    expect(ctx.env.egress.llmHosts.length).toBeGreaterThan(0);
    for (const host of ctx.env.egress.llmHosts) {
      const name = `${WF}-llm-${host.replace(/\./g, '-')}`;
      for (const kind of ['ServiceEntry', 'DestinationRule', 'VirtualService']) expect(named(objects, kind, name)).toBeDefined();
      const se = named(objects, 'ServiceEntry', name);
      expect(se.spec).toMatchObject({ hosts: [host], location: 'MESH_EXTERNAL', resolution: 'DNS' });
    }
  });

  test('originate (default): port 80 HTTP → 443, TLS SIMPLE with SNI on port 80 only, pool and outlier repeated there', () => {
    const { ctx, objects, result } = render('prod');
    const host = ctx.env.egress.llmHosts[0];
    const name = `${WF}-llm-${host.replace(/\./g, '-')}`;
    const tlsPort = ctx.env.egress.https.port;
    expect(named(objects, 'ServiceEntry', name).spec.ports).toEqual([
      { number: TLS_ORIGINATION_PORT, name: 'http-originate-tls', protocol: 'HTTP', targetPort: tlsPort },
      { number: tlsPort, name: 'tls', protocol: 'TLS' },
    ]);
    const tp = named(objects, 'DestinationRule', name).spec.trafficPolicy;
    expect(tp.tls).toBeUndefined(); // the TLS port passes the app's own TLS through untouched
    expect(tp.portLevelSettings).toHaveLength(1);
    const [pl] = tp.portLevelSettings;
    expect(pl.port).toEqual({ number: TLS_ORIGINATION_PORT });
    expect(pl.tls).toEqual({ mode: 'SIMPLE', sni: host });
    expect(pl.connectionPool).toEqual(tp.connectionPool);
    expect(pl.outlierDetection).toEqual(tp.outlierDetection);
    expect(result!.llmHosts.find((h) => h.host === host)!.appBaseUrl).toBe(`http://${host}`);
  });

  test('originate: timeout and bounded retries on the HTTP route only; TLS port routed by SNI', () => {
    const { ctx, objects } = render('prod');
    const host = ctx.env.egress.llmHosts[0];
    const vs = named(objects, 'VirtualService', `${WF}-llm-${host.replace(/\./g, '-')}`);
    const d = defaults.llm.defaults;
    expect(vs.spec.hosts).toEqual([host]);
    expect(vs.spec.http).toEqual([{
      name: 'egress',
      match: [{ port: TLS_ORIGINATION_PORT }],
      route: [{ destination: { host, port: { number: TLS_ORIGINATION_PORT } } }],
      timeout: `${d.timeoutSeconds}s`,
      retries: { attempts: d.retries.attempts, retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes,503' },
    }]);
    expect(d.retries.attempts).toBeLessThanOrEqual(3);
    expect(vs.spec.tls).toEqual([{ match: [{ port: ctx.env.egress.https.port, sniHosts: [host] }], route: [{ destination: { host, port: { number: ctx.env.egress.https.port } } }] }]);
  });

  test('passthrough per host: TLS port only, no origination, no HTTP route; other hosts keep the default', () => {
    const base = render('prod').ctx.env.egress.llmHosts;
    // Two hosts at least: the second one proves the override stays per host.
    expect(base.length).toBeGreaterThanOrEqual(2);
    const [first, second] = base;
    const config = meshEgressSchema.parse({ llm: { hosts: { [first]: { tls: 'passthrough', outlierDetection: { consecutive5xxErrors: 2 } } } } });
    const { objects, result } = render('prod', config);
    const name = `${WF}-llm-${first.replace(/\./g, '-')}`;
    expect(named(objects, 'ServiceEntry', name).spec.ports).toEqual([{ number: 443, name: 'tls', protocol: 'TLS' }]);
    const dr = named(objects, 'DestinationRule', name).spec.trafficPolicy;
    expect(dr.portLevelSettings).toBeUndefined();
    expect(dr.outlierDetection.consecutive5xxErrors).toBe(2);
    expect(dr.outlierDetection.interval).toBe(`${defaults.llm.defaults.outlierDetection.intervalSeconds}s`);
    const vs = named(objects, 'VirtualService', name).spec;
    expect(vs.http).toBeUndefined();
    expect(vs.tls[0].match[0].sniHosts).toEqual([first]);
    expect(result!.llmHosts.find((h) => h.host === first)!.appBaseUrl).toBe(`https://${first}`);
    const secondName = `${WF}-llm-${second.replace(/\./g, '-')}`;
    expect(named(objects, 'VirtualService', secondName).spec.http).toHaveLength(1);
    expect(named(objects, 'DestinationRule', secondName).spec.trafficPolicy.portLevelSettings).toHaveLength(1);
    expect(named(objects, 'DestinationRule', secondName).spec.trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(defaults.llm.defaults.outlierDetection.consecutive5xxErrors);
    expect(result!.llmHosts.find((h) => h.host === second)!.appBaseUrl).toBe(`http://${second}`);
  });

  test('connection pool and outlier detection come from config', () => {
    const config = meshEgressSchema.parse({ llm: { defaults: {
      connectionPool: { maxConnections: 7, maxPendingRequests: 3, maxRequests: 9, connectTimeoutSeconds: 2, idleTimeoutSeconds: 60 },
      outlierDetection: { consecutive5xxErrors: 4, intervalSeconds: 10, baseEjectionSeconds: 45, maxEjectionPercent: 100 },
      retries: { attempts: 1, perTryTimeoutSeconds: 30, retryOn: 'connect-failure,503' },
    } } });
    const { ctx, objects } = render('prod', config);
    const name = `${WF}-llm-${ctx.env.egress.llmHosts[0].replace(/\./g, '-')}`;
    const tp = named(objects, 'DestinationRule', name).spec.trafficPolicy;
    expect(tp.connectionPool).toEqual({ tcp: { maxConnections: 7, connectTimeout: '2s' }, http: { http1MaxPendingRequests: 3, http2MaxRequests: 9, idleTimeout: '60s' } });
    expect(tp.outlierDetection).toEqual({ consecutive5xxErrors: 4, interval: '10s', baseEjectionTime: '45s', maxEjectionPercent: 100 });
    expect(named(objects, 'VirtualService', name).spec.http[0].retries).toEqual({ attempts: 1, retryOn: 'connect-failure,503', perTryTimeout: '30s' });
  });

  test('attempts 0 disables retries explicitly (Istio otherwise retries twice by default)', () => {
    const { ctx, objects } = render('prod', meshEgressSchema.parse({ llm: { defaults: { retries: { attempts: 0, retryOn: 'connect-failure' } } } }));
    const name = `${WF}-llm-${ctx.env.egress.llmHosts[0].replace(/\./g, '-')}`;
    expect(named(objects, 'VirtualService', name).spec.http[0].retries).toEqual({ attempts: 0 });
  });
});

describe('registry-only allow-list', () => {
  test('Postgres and Redis: TCP entries on the NetworkPolicy\'s ports; CIDR addresses switch to resolution NONE', () => {
    const config = meshEgressSchema.parse({
      postgres: { hosts: ['pg.db.example.com'], addresses: ['10.20.0.0/24'] },
      redis: { hosts: ['cache.db.example.com'] },
    });
    const { ctx, objects } = render('prod', config);
    const pg = named(objects, 'ServiceEntry', `${WF}-postgres`);
    expect(pg.spec).toMatchObject({ hosts: ['pg.db.example.com'], addresses: ['10.20.0.0/24'], resolution: 'NONE', location: 'MESH_EXTERNAL' });
    expect(pg.spec.ports).toEqual([{ number: ctx.env.egress.postgres.port, name: 'tcp-postgres', protocol: 'TCP' }]);
    const redis = named(objects, 'ServiceEntry', `${WF}-redis`);
    expect(redis.spec).toMatchObject({ hosts: ['cache.db.example.com'] });
    expect(redis.spec.ports).toEqual([{ number: ctx.env.egress.redis.port, name: 'tcp-redis', protocol: 'TCP' }]);
  });

  test('no data-store entries without hostnames', () => {
    const { objects } = render('prod');
    // The feature did render its entries (so the absences below are not an empty render).
    expect(ofKind(objects, 'ServiceEntry').length).toBeGreaterThan(0);
    expect(named(objects, 'ServiceEntry', `${WF}-postgres`)).toBeUndefined();
    expect(named(objects, 'ServiceEntry', `${WF}-redis`)).toBeUndefined();
  });

  test('LangSmith licence and tracing endpoints by default, as TLS passthrough; extra HTTPS hosts too', () => {
    const { objects } = render('prod', meshEgressSchema.parse({ httpsHosts: ['api.tavily.com'] }));
    expect(named(objects, 'ServiceEntry', `${WF}-langsmith`).spec).toMatchObject({ hosts: DEFAULT_LANGSMITH_HOSTS, ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] });
    expect(DEFAULT_LANGSMITH_HOSTS).toEqual(['api.smith.langchain.com', 'beacon.langchain.com']);
    expect(named(objects, 'ServiceEntry', `${WF}-external-https`).spec.hosts).toEqual(['api.tavily.com']);
  });

  test('a host already covered as an LLM host is not entered twice', () => {
    const base = render('prod');
    const llm = base.ctx.env.egress.llmHosts[0];
    const { objects } = render('prod', meshEgressSchema.parse({ httpsHosts: [llm, 'api.tavily.com'] }));
    const hosts = ofKind(objects, 'ServiceEntry').flatMap((se) => se.spec.hosts);
    expect(hosts.filter((h: string) => h === llm)).toHaveLength(1);
  });
});

describe('checkMeshEgress (config time)', () => {
  const prod = contextFor('prod').env;
  const dev = contextFor('dev').env;

  test('the committed config passes; the schema defaults pass without the mesh', () => {
    expect(checkMeshEgress(prod)).toEqual([]);
    expect(checkMeshEgress({ ...dev, meshEgress: defaults })).toEqual([]);
  });

  test('registryOnly is the default (the Sidecar is the allow-list)', () => {
    expect(defaults.registryOnly).toBe(true);
    expect(prod.meshEgress.registryOnly).toBe(true);
  });

  test('an originated host without a known SDK variable, a shared variable, and an entry for an unknown host are refused', () => {
    const llmHosts = ['api.openai.com', 'llm.example.com'];
    const unknown = checkMeshEgress({ ...prod, egress: { ...prod.egress, llmHosts }, meshEgress: prod.meshEgress });
    expect(unknown.map((i) => i.path)).toEqual([['meshEgress', 'llm', 'sdkBaseUrls', 'llm.example.com']]);
    expect(unknown[0].message).toMatch(/https:\/\/ and bypass the timeout/);
    // Passthrough needs no variable: the SDK's https:// default is right.
    const passthrough = { ...prod.meshEgress, llm: { ...prod.meshEgress.llm, hosts: { 'llm.example.com': { tls: 'passthrough' as const } } } };
    expect(checkMeshEgress({ ...prod, egress: { ...prod.egress, llmHosts }, meshEgress: passthrough })).toEqual([]);
    const shared = { ...prod.meshEgress, llm: { ...prod.meshEgress.llm, sdkBaseUrls: { 'llm.example.com': [{ env: 'OPENAI_BASE_URL', path: '/v1' }] } } };
    expect(checkMeshEgress({ ...prod, egress: { ...prod.egress, llmHosts }, meshEgress: shared }).map((i) => i.value)).toEqual(['OPENAI_BASE_URL']);
    const stray = { ...prod.meshEgress, llm: { ...prod.meshEgress.llm, sdkBaseUrls: { 'llm.example.com': [{ env: 'LLM_BASE_URL', path: '' }] } } };
    expect(checkMeshEgress({ ...prod, meshEgress: stray }).map((i) => i.path)).toEqual([['meshEgress', 'llm', 'sdkBaseUrls', 'llm.example.com']]);
  });

  test('enabled: true without the mesh is refused', () => {
    expect(checkMeshEgress({ ...dev, meshEgress: { ...defaults, enabled: true } }).map((i) => i.path)).toEqual([['meshEgress', 'enabled']]);
  });

  test('registryOnly demands Postgres and Redis hostnames (the server cannot start otherwise)', () => {
    const issues = checkMeshEgress({ ...prod, meshEgress: { ...defaults, registryOnly: true } });
    expect(checkMeshEgress({ ...prod, meshEgress: { ...defaults, registryOnly: false } })).toEqual([]);
    expect(issues.map((i) => i.path)).toEqual([['meshEgress', 'postgres', 'hosts'], ['meshEgress', 'redis', 'hosts']]);
    expect(issues[0].message).toMatch(/cannot start/);
    const complete = meshEgressSchema.parse({ registryOnly: true, postgres: { hosts: ['pg.example.com'] }, redis: { hosts: ['redis.example.com'] } });
    expect(checkMeshEgress({ ...prod, meshEgress: complete })).toEqual([]);
  });

  test('an override for a host that is not in egress.llmHosts, and a per-try timeout above the route timeout, are refused', () => {
    const host = prod.egress.llmHosts[0];
    const config = meshEgressSchema.parse({ registryOnly: false, llm: { hosts: { 'api.unknown.example': { timeoutSeconds: 5 }, [host]: { timeoutSeconds: 10, retries: { perTryTimeoutSeconds: 20 } } } } });
    expect(checkMeshEgress({ ...prod, meshEgress: config }).map((i) => i.path)).toEqual([
      ['meshEgress', 'llm', 'hosts', 'api.unknown.example'],
      ['meshEgress', 'llm', 'hosts', host, 'retries', 'perTryTimeoutSeconds'],
    ]);
  });

  test('retry conditions that can re-send a processed request are refused by the schema; more than 3 attempts too', () => {
    for (const retryOn of ['5xx', 'gateway-error', 'connect-failure,reset', '500']) {
      expect(meshEgressSchema.safeParse({ llm: { defaults: { retries: { attempts: 2, retryOn } } } }).success).toBe(false);
    }
    expect(meshEgressSchema.safeParse({ llm: { defaults: { retries: { attempts: 4, retryOn: 'connect-failure' } } } }).success).toBe(false);
  });
});

describe('SDK base URLs (TLS origination only works if the SDK calls http://)', () => {
  test('OpenAI keeps /v1 and Anthropic has none, as in each SDK\'s own default base URL', () => {
    expect(DEFAULT_SDK_BASE_URLS['api.openai.com']).toEqual([{ env: 'OPENAI_BASE_URL', path: '/v1' }]);
    expect(DEFAULT_SDK_BASE_URLS['api.anthropic.com']).toEqual([{ env: 'ANTHROPIC_BASE_URL', path: '' }]);
    const { ctx, result } = render('prod');
    expect(ctx.env.egress.llmHosts).toEqual(expect.arrayContaining(['api.openai.com', 'api.anthropic.com']));
    expect(llmBaseUrlEnv(ctx.env)).toEqual({ OPENAI_BASE_URL: 'http://api.openai.com/v1', ANTHROPIC_BASE_URL: 'http://api.anthropic.com' });
    expect(result!.llmHosts.find((h) => h.host === 'api.openai.com')!.sdkEnv).toEqual({ OPENAI_BASE_URL: 'http://api.openai.com/v1' });
  });

  test('none without the mesh, with meshEgress off, or for a passthrough host; config adds or replaces a host\'s variables', () => {
    expect(llmBaseUrlEnv(contextFor('dev').env)).toEqual({});
    const prod = contextFor('prod').env;
    expect(llmBaseUrlEnv({ ...prod, meshEgress: { ...prod.meshEgress, enabled: false } })).toEqual({});
    const config = meshEgressSchema.parse({
      llm: {
        hosts: { 'api.anthropic.com': { tls: 'passthrough' } },
        sdkBaseUrls: { 'api.openai.com': [{ env: 'OPENAI_BASE_URL', path: '/v1' }, { env: 'OPENAI_API_BASE', path: '/v1' }] },
      },
    });
    expect(llmBaseUrlEnv({ ...prod, meshEgress: config })).toEqual({ OPENAI_BASE_URL: 'http://api.openai.com/v1', OPENAI_API_BASE: 'http://api.openai.com/v1' });
  });

  test('every LLM-calling container of the full chart carries them: the API and the queue workers', () => {
    const objects = synthValid(workflowChart('prod', 'research-assistant'));
    const containers = objects.filter((o) => o.kind === 'Deployment').map((d) => ({ name: d.metadata.name, env: d.spec.template.spec.containers[0].env }));
    expect(containers.map((c) => c.name).sort()).toEqual(['research-assistant-api', 'research-assistant-worker']);
    for (const c of containers) {
      expect(c.env).toEqual(expect.arrayContaining([
        { name: 'OPENAI_BASE_URL', value: 'http://api.openai.com/v1' },
        { name: 'ANTHROPIC_BASE_URL', value: 'http://api.anthropic.com' },
      ]));
    }
    // Dev has no mesh: the SDKs keep their https:// defaults.
    const dev = synthValid(workflowChart('dev', 'research-assistant'));
    for (const d of dev.filter((o) => o.kind === 'Deployment')) expect((d.spec.template.spec.containers[0].env ?? []).map((e: any) => e.name)).not.toContain('OPENAI_BASE_URL');
  });

  test('an explicit value in the workflow\'s env wins (the gate then checks it still points at the host)', () => {
    const ctx = contextFor('prod', WF, { settings: { env: { OPENAI_BASE_URL: 'https://llm-gateway.example.com/v1' } } });
    const objects = synthValid(new WorkflowChart(Testing.app(), 'wf', { environment: ctx.env, workflow: ctx.workflow }));
    const env = named(objects, 'Deployment', `${WF}-api`).spec.template.spec.containers[0].env;
    expect(env.filter((e: any) => e.name === 'OPENAI_BASE_URL')).toEqual([{ name: 'OPENAI_BASE_URL', value: 'https://llm-gateway.example.com/v1' }]);
    expect(env).toContainEqual({ name: 'ANTHROPIC_BASE_URL', value: 'http://api.anthropic.com' });
  });
});

describe('Sidecar: the namespace\'s allow-list', () => {
  test('REGISTRY_ONLY; egress limited to the namespace, istio-system and the ServiceEntry hosts', () => {
    const { ctx, objects } = render('prod');
    const [sidecar] = ofKind(objects, 'Sidecar');
    expect(ofKind(objects, 'Sidecar')).toHaveLength(1);
    expect(sidecar.metadata.namespace).toBe(ctx.namespace);
    // Every pod of this workflow (API and workers), not the whole namespace.
    expect(sidecar.spec.workloadSelector).toEqual({ labels: { 'app.kubernetes.io/instance': ctx.workflow.name } });
    expect(sidecar.spec.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    const hosts = ofKind(objects, 'ServiceEntry').flatMap((se) => se.spec.hosts);
    expect(sidecar.spec.egress).toEqual([{ hosts: ['./*', `${ctx.env.namespaces.istio}/*`, ...hosts.map((h: string) => `./${h}`)] }]);
    expect(hosts).toEqual(expect.arrayContaining([...ctx.env.egress.llmHosts, ...DEFAULT_LANGSMITH_HOSTS]));
  });

  test('registryOnly: false keeps the Sidecar with ALLOW_ANY', () => {
    const { objects } = render('prod', { ...defaults, registryOnly: false });
    expect(ofKind(objects, 'Sidecar')[0].spec.outboundTrafficPolicy).toEqual({ mode: 'ALLOW_ANY' });
  });

  test('data-store entries take their addresses from the NetworkPolicy\'s CIDR peers unless given', () => {
    const { ctx, objects } = render('prod', meshEgressSchema.parse({ postgres: { hosts: ['pg.db.example.com'] }, redis: { hosts: ['cache.db.example.com'], addresses: ['10.30.0.7'] } }));
    const cidrs = ctx.env.egress.postgres.to.flatMap((p: any) => ('cidr' in p ? [p.cidr] : []));
    expect(cidrs.length).toBeGreaterThan(0);
    expect(named(objects, 'ServiceEntry', `${WF}-postgres`).spec).toMatchObject({ addresses: cidrs, resolution: 'NONE' });
    expect(named(objects, 'ServiceEntry', `${WF}-redis`).spec).toMatchObject({ addresses: ['10.30.0.7'], resolution: 'DNS' });
  });
});

test('snapshot: what meshEgress (defaults) adds to support-agent in prod', () => {
  const { ctx, objects } = render('prod');
  expect(ofKind(objects, 'ServiceEntry').length).toBe(ctx.env.egress.llmHosts.length + 1); // + LangSmith
  expect(ofKind(objects, 'Sidecar')).toHaveLength(1);
  expect(ofKind(objects, 'VirtualService').length).toBe(ctx.env.egress.llmHosts.length);
  expect(objects).toMatchSnapshot('meshEgress: objects added to support-agent in prod');
});
