/**
 * Every pod set is covered by NetworkPolicies for both directions (a policy in its namespace
 * whose podSelector matches it — `{}` matches all — with that policyType), and the egress it is
 * allowed includes DNS, port 53 over UDP and TCP (TCP is used for large answers). Without DNS a
 * default-deny egress breaks every outbound call by name.
 *
 * With the environment's config, DNS must reach each resolver of its `egress.dns` mode: the
 * kube-dns pods (`kube-dns`), NodeLocal DNSCache's address and the kube-dns pods (`node-local`),
 * and every configured CIDR. Port 53 to the wrong peer (say, kube-dns pods only where NodeLocal
 * DNSCache answers on 169.254.20.10) passes a port-only check and still breaks resolution.
 */
import { objectId } from '../../model/object-id';
import { selectorMatches } from '../../model/label-selector';
import { NamespaceIndex, PodSet } from '../object-index';
import { templateLabels } from '../pod-templates';
import { apiGroupOf } from '../../model/api-group';
import { RenderedObject } from '../../model/rendered-object';
import { Finding } from '../violation';
import { CrossObjectCheck, Json, specOf } from './check';
import { Environment } from '../../config/schema';
import { NAMESPACE_NAME_LABEL } from '../../constructs/network-policy';
import { cidrCovers } from '../../util/cidr';

export const DNS_PORT = 53;
/** Conventional port names of cluster DNS pods (CoreDNS: dns/UDP, dns-tcp/TCP). */
const DNS_PORT_NAMES: Readonly<Record<string, string>> = { dns: 'UDP', 'dns-tcp': 'TCP' };

const isNetworkPolicy = (r: RenderedObject) => r.object.kind === 'NetworkPolicy' && apiGroupOf(r.object.apiVersion) === 'networking.k8s.io';

/** policyTypes as the API server defaults them: Ingress always, Egress when egress rules exist. */
export function policyTypesOf(spec: Json): string[] {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length) return spec.policyTypes;
  return Array.isArray(spec.egress) && spec.egress.length ? ['Ingress', 'Egress'] : ['Ingress'];
}

function policiesSelecting(ns: NamespaceIndex, set: PodSet): RenderedObject[] {
  const labels = templateLabels(set.template);
  return ns.ofKind('NetworkPolicy').filter(isNetworkPolicy).filter((p) => selectorMatches(specOf(p.object).podSelector ?? {}, labels));
}

/** Does one egress rule allow traffic to `port`/`protocol` (to some peer)? */
export function egressRuleAllows(rule: Json, port: number, protocol: 'UDP' | 'TCP'): boolean {
  const ports: Json[] | undefined = rule?.ports;
  if (!Array.isArray(ports) || !ports.length) return true; // no ports: every port
  return ports.some((p) => {
    if ((p?.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.port <= port && port <= (typeof p.endPort === 'number' ? p.endPort : p.port);
    return DNS_PORT_NAMES[String(p.port)] === protocol && port === DNS_PORT;
  });
}

/** Where a coverage finding lands: the template's labels in the object that holds it. */
const at = (set: PodSet) => `${set.template.pointer}/metadata/labels`;

export const networkPolicyCoverage: CrossObjectCheck = {
  id: 'cross-object/network-policy-coverage',
  summary: 'every pod set is selected by NetworkPolicies for Ingress and for Egress',
  check: (index) => index.allNamespaces().flatMap((ns) => ns.podSets.filter((s) => s.runsPods).flatMap((set): Finding[] => {
    const types = new Set(policiesSelecting(ns, set).flatMap((p) => policyTypesOf(specOf(p.object))));
    return (['Ingress', 'Egress'] as const).filter((t) => !types.has(t)).map((t) => ({
      object: set.template.owner, path: at(set), value: templateLabels(set.template),
      message: `no NetworkPolicy in namespace ${ns.namespace} with policyTypes ${t} selects these pods, so all ${t.toLowerCase()} traffic is allowed`,
      fix: `render a default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress]) plus explicit allows`,
    }));
  })),
};

/** A DNS resolver the pods must reach: cluster DNS pods, or an address range. */
export type DnsResolver =
  | { readonly kind: 'pods'; readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly label: string }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly label: string };

/** The resolvers `egress.dns` says pods use (mirrors dnsPeers in src/constructs/network-policy.ts). */
export function dnsResolversOf(env: Pick<Environment, 'egress' | 'namespaces'>): DnsResolver[] {
  const dns = env.egress.dns;
  const pods: DnsResolver = { kind: 'pods', namespace: env.namespaces.dns, labels: dns.podSelector, label: `the kube-dns pods in ${env.namespaces.dns}` };
  const cidrs = dns.cidrs.map((cidr): DnsResolver => ({ kind: 'cidr', cidr, label: cidr }));
  switch (dns.mode) {
    case 'kube-dns': return [pods, ...cidrs];
    case 'node-local': return [{ kind: 'cidr', cidr: `${dns.nodeLocalAddress}/32`, label: `NodeLocal DNSCache ${dns.nodeLocalAddress}` }, pods, ...cidrs];
    case 'cidrs': return cidrs;
  }
}

/** Does a NetworkPolicy egress peer (in namespace `ns`) include the resolver? */
export function peerReaches(peer: Json, ns: string, r: DnsResolver): boolean {
  if (!peer || typeof peer !== 'object') return false;
  if (peer.ipBlock) {
    if (r.kind !== 'cidr' || typeof peer.ipBlock.cidr !== 'string') return false;
    const except: string[] = Array.isArray(peer.ipBlock.except) ? peer.ipBlock.except : [];
    return cidrCovers(peer.ipBlock.cidr, r.cidr) && !except.some((e) => cidrCovers(e, r.cidr) || cidrCovers(r.cidr, e));
  }
  if (r.kind !== 'pods') return false;
  // A peer with only a podSelector selects pods in the policy's own namespace.
  const inNamespace = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, { [NAMESPACE_NAME_LABEL]: r.namespace }) : r.namespace === ns;
  return inNamespace && (peer.podSelector ? selectorMatches(peer.podSelector, r.labels) : true);
}

function ruleReaches(rule: Json, ns: string, r: DnsResolver, proto: 'UDP' | 'TCP'): boolean {
  if (!egressRuleAllows(rule, DNS_PORT, proto)) return false;
  const to: Json[] | undefined = rule?.to;
  if (!Array.isArray(to) || to.length === 0) return true; // no peers: every destination
  return to.some((p) => peerReaches(p, ns, r));
}

export const networkPolicyDns: CrossObjectCheck = {
  id: 'cross-object/network-policy-dns',
  summary: 'pods whose egress is restricted may still reach DNS on port 53 over UDP and TCP (each resolver of egress.dns, given the config)',
  check: (index) => index.allNamespaces().flatMap((ns) => ns.podSets.filter((s) => s.runsPods).flatMap((set): Finding[] => {
    const egress = policiesSelecting(ns, set).filter((p) => policyTypesOf(specOf(p.object)).includes('Egress'));
    if (!egress.length) return []; // unrestricted egress: the coverage check reports it
    const rules: Json[] = egress.flatMap((p) => (Array.isArray(specOf(p.object).egress) ? specOf(p.object).egress : []));
    const by = egress.map((p) => objectId(p.object)).join(', ');
    const missing = (['UDP', 'TCP'] as const).filter((proto) => !rules.some((r) => egressRuleAllows(r, DNS_PORT, proto)));
    if (missing.length) {
      return [{
        object: set.template.owner, path: at(set), value: templateLabels(set.template),
        message: `the egress allowed by ${by} does not include DNS (port ${DNS_PORT}/${missing.join(' and ')}), so name lookups fail`,
        fix: `allow egress to the cluster DNS resolvers on port ${DNS_PORT} over both UDP and TCP`,
      }];
    }
    const env = index.environment;
    if (!env) return [];
    const unreached = dnsResolversOf(env).flatMap((r) => (['UDP', 'TCP'] as const).filter((proto) => !rules.some((rule) => ruleReaches(rule, ns.namespace, r, proto))).map((proto) => `${r.label} (${proto})`));
    return unreached.length ? [{
      object: set.template.owner, path: at(set), value: templateLabels(set.template),
      message: `egress.dns.mode is "${env.egress.dns.mode}", but the egress allowed by ${by} does not reach ${unreached.join(', ')} on port ${DNS_PORT}, so name lookups through ${unreached.length > 1 ? 'them' : 'it'} fail`,
      fix: `allow port ${DNS_PORT} UDP and TCP to every resolver of egress.dns (dnsPeers in src/constructs/network-policy.ts renders them), or set egress.dns to the resolvers the cluster really uses`,
    }] : [];
  })),
};
