import { ENVIRONMENTS, committed, objectsOf, ofKind } from '../helpers';
import { CLOUD_METADATA_CIDR } from '../../src/constructs/network-policy';

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

  test('DNS egress to kube-dns on 53 over UDP and TCP (the playbook forgot it)', () => {
    const dns = egressRules(env).filter((r) => r.port === 53);
    expect(dns.map((r) => r.protocol).sort()).toEqual(['TCP', 'UDP']);
    for (const r of dns) expect(r.to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('kube-system');
  });

  test('Postgres, Redis and HTTPS egress; the cloud metadata address is excluded', () => {
    const ports = egressRules(env).map((r) => r.port);
    expect(ports).toEqual(expect.arrayContaining([5432, 6379, 443]));
    const https = egressRules(env).filter((r) => r.port === 443);
    for (const r of https) for (const peer of r.to) expect(peer.ipBlock.except).toContain(CLOUD_METADATA_CIDR);
  });

  test('istiod egress exactly when the mesh is on', () => {
    expect(egressRules(env).some((r) => r.port === 15012)).toBe(mesh);
  });

  test('monitoring scrapes exactly one port: 15020 with the mesh, http without', () => {
    const fromMonitoring = ingressRules(env).filter((r) => r.from.some((f: any) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring'));
    expect(fromMonitoring.map((r) => r.port)).toEqual([mesh ? 15020 : 'http']);
  });

  test('ingress to http only from the ingress namespace (and mesh clients with the mesh)', () => {
    const http = ingressRules(env).filter((r) => r.port === 'http');
    const ingressNs = envConfig(env).namespaces.ingress;
    expect(http.some((r) => r.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] === ingressNs)).toBe(true);
    expect(http.some((r) => r.from[0].namespaceSelector.matchLabels['istio-injection'] === 'enabled')).toBe(mesh);
  });
});
