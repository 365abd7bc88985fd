/**
 * Every pod set is covered by NetworkPolicies for both directions (a policy in its namespace
 * whose podSelector matches it — `{}` matches all — with that policyType), and the egress it is
 * allowed includes DNS, port 53 over UDP and TCP (TCP is used for large answers). Without DNS a
 * default-deny egress breaks every outbound call by name.
 */
import { objectId } from '../../synth/manifest';
import { selectorMatches } from '../label-selector';
import { NamespaceIndex, PodSet } from '../object-index';
import { apiGroupOf, templateLabels } from '../pod-templates';
import { RenderedObject } from '../../synth/manifest';
import { Finding } from '../violation';
import { CrossObjectCheck, Json, specOf } from './check';

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

export const networkPolicyDns: CrossObjectCheck = {
  id: 'cross-object/network-policy-dns',
  summary: 'pods whose egress is restricted may still reach DNS on port 53 over UDP and TCP',
  check: (index) => index.allNamespaces().flatMap((ns) => ns.podSets.filter((s) => s.runsPods).flatMap((set): Finding[] => {
    const egress = policiesSelecting(ns, set).filter((p) => policyTypesOf(specOf(p.object)).includes('Egress'));
    if (!egress.length) return []; // unrestricted egress: the coverage check reports it
    const rules: Json[] = egress.flatMap((p) => (Array.isArray(specOf(p.object).egress) ? specOf(p.object).egress : []));
    const missing = (['UDP', 'TCP'] as const).filter((proto) => !rules.some((r) => egressRuleAllows(r, DNS_PORT, proto)));
    return missing.length ? [{
      object: set.template.owner, path: at(set), value: templateLabels(set.template),
      message: `the egress allowed by ${egress.map((p) => objectId(p.object)).join(', ')} does not include DNS (port ${DNS_PORT}/${missing.join(' and ')}), so name lookups fail`,
      fix: `allow egress to the cluster DNS pods on port ${DNS_PORT} over both UDP and TCP`,
    }] : [];
  })),
};
