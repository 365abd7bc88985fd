import { ENVIRONMENTS, committed, objectsOf, ofKind } from '../helpers';
import { CLOUD_METADATA_CIDR } from '../../src/constructs/network-policy';
import { NODE_LOCAL_DNS_ADDRESS, checkNetworkEgress, dnsEgressSchema, httpsEgressSchema } from '../../src/config/features/network-egress';

const WF = 'support-agent';
const envConfig = (env: string) => committed().config.environments.find((e) => e.environment.name === env)!.environment;

/** The API's policies (the namespace may also hold the workers' and dev stores'). */
const apiPolicies = (env: string) => ofKind(objectsOf(env, WF), 'NetworkPolicy').filter((p: any) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === 'api');

/** Every egress rule of the API's policies, flattened, with the port and protocol. */
function egressRules(env: string) {
  return apiPolicies(env).flatMap((p: any) =>
    (p.spec.egress ?? []).flatMap((r: any) => r.ports.map((port: any) => ({ policy: p.metadata.name, to: r.to, ...port }))));
}
function ingressRules(env: string) {
  return apiPolicies(env).flatMap((p: any) =>
    (p.spec.ingress ?? []).flatMap((r: any) => r.ports.map((port: any) => ({ policy: p.metadata.name, from: r.from, ...port }))));
}

describe.each(ENVIRONMENTS)('%s NetworkPolicy', (env) => {
  const mesh = envConfig(env).mesh.enabled;

  test('default-deny covers every pod in both directions', () => {
    const deny = ofKind(objectsOf(env, WF), 'NetworkPolicy').find((p: any) => p.metadata.name === `${WF}-default-deny`);
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('DNS egress on 53 over UDP and TCP to NodeLocal DNSCache and the kube-dns pods (works with and without the cache)', () => {
    expect(envConfig(env).egress.dns.mode).toBe('node-local');
    const dns = egressRules(env).filter((r) => r.port === 53);
    expect(dns.map((r) => r.protocol).sort()).toEqual(['TCP', 'UDP']);
    for (const r of dns) {
      expect(r.to).toEqual([
        { ipBlock: { cidr: `${NODE_LOCAL_DNS_ADDRESS}/32` } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
      ]);
    }
  });

  test('every DNS allow in the namespace (API, workers, dev stores) uses the same resolvers', () => {
    const all = ofKind(objectsOf(env), 'NetworkPolicy').filter((p: any) => (p.spec.egress ?? []).some((r: any) => (r.ports ?? []).some((x: any) => x.port === 53)));
    expect(all.length).toBeGreaterThan(0);
    for (const p of all) expect(p.spec.egress[0].to[0]).toEqual({ ipBlock: { cidr: `${NODE_LOCAL_DNS_ADDRESS}/32` } });
  });

  test('Postgres, Redis and HTTPS egress; HTTPS open (no CIDRs configured) except the cloud metadata address', () => {
    const ports = egressRules(env).map((r) => r.port);
    expect(ports).toEqual(expect.arrayContaining([5432, 6379, 443]));
    const https = egressRules(env).filter((r) => r.port === 443);
    expect(https.length).toBeGreaterThan(0);
    for (const r of https) expect(r.to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0', except: [CLOUD_METADATA_CIDR] } }]);
  });

  test('istiod egress exactly when the mesh is on', () => {
    expect(egressRules(env).some((r) => r.port === 15012)).toBe(mesh);
  });

  test('monitoring scrapes exactly one port: 15020 with the mesh, http without', () => {
    const fromMonitoring = ingressRules(env).filter((r) => r.from.some((f: any) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring'));
    expect(fromMonitoring.map((r) => r.port)).toEqual([mesh ? 15020 : 'http']);
  });

  test('ingress to http only from the ingress namespace, and with the mesh from the named callers\' namespace (support-web), each by name', () => {
    const http = ingressRules(env).filter((r) => r.port === 'http');
    const ingressNs = envConfig(env).namespaces.ingress;
    const sources = http.flatMap((r) => r.from.map((f: any) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']));
    // Without the mesh Prometheus scrapes http too (the test above).
    expect(sources.sort()).toEqual([ingressNs, ...(mesh ? ['support-web'] : ['monitoring'])].sort());
    expect(http.flatMap((r) => r.from).every((f: any) => Object.keys(f.namespaceSelector.matchLabels).length === 1)).toBe(true);
    expect(http.flatMap((r) => r.from).every((f: any) => f.podSelector === undefined)).toBe(true);
  });

  test('a workflow with no meshCallers gets no allow-from-mesh policy: only the gateway reaches its API', () => {
    const names = ofKind(objectsOf(env, 'doc-summarizer'), 'NetworkPolicy').map((p: any) => p.metadata.name);
    expect(names).toContain('doc-summarizer-allow-from-ingress');
    expect(names).not.toContain('doc-summarizer-allow-from-mesh');
  });
});

describe('checkNetworkEgress (config time)', () => {
  const prod = envConfig('prod');
  const withEgress = (egress: object) => ({ ...prod, egress: { ...prod.egress, ...egress } });

  test('the committed config passes', () => {
    for (const env of ENVIRONMENTS) expect(checkNetworkEgress(envConfig(env))).toEqual([]);
  });

  test('mode cidrs without addresses is refused (every lookup would fail)', () => {
    const issues = checkNetworkEgress(withEgress({ dns: dnsEgressSchema.parse({ mode: 'cidrs' }) }));
    expect(issues.map((i) => i.path)).toEqual([['egress', 'dns', 'cidrs']]);
    expect(checkNetworkEgress(withEgress({ dns: dnsEgressSchema.parse({ mode: 'cidrs', cidrs: ['10.96.0.10/32'] }) }))).toEqual([]);
  });

  test('per-host ranges must cover every host the workloads call, unless a shared range is given', () => {
    const partial = httpsEgressSchema.parse({ hostCidrs: { 'api.anthropic.com': ['160.79.104.0/23'] } });
    const [issue] = checkNetworkEgress(withEgress({ https: partial }));
    expect(issue.path).toEqual(['egress', 'https', 'hostCidrs']);
    expect(issue.message).toContain('api.openai.com');
    expect(issue.message).toContain('beacon.langchain.com'); // LangSmith licence checks go out over HTTPS too
    expect(checkNetworkEgress(withEgress({ https: { ...partial, cidrs: ['10.50.0.0/24'] } }))).toEqual([]);
  });
});
