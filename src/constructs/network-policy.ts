import { Construct } from 'constructs';
import { WorkflowScope, objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { ipv4StrictlyContains } from '../util/cidr';

/** Cloud instance-metadata endpoint: never reachable from workloads (credential theft). */
export const CLOUD_METADATA_CIDR = '169.254.169.254/32';
export const DNS_PORT = 53;
export const ISTIOD_XDS_PORT = 15012;
/** Label the Kubernetes API server sets on every namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A NetworkPolicy peer from config: a CIDR, or namespace/pod selectors. */
export type PeerSpec =
  | { readonly cidr: string; readonly except?: readonly string[] }
  | { readonly namespaceSelector?: Readonly<Record<string, string>>; readonly podSelector?: Readonly<Record<string, string>> };

export interface PortRef {
  /** A port number or the name of a container port. */
  readonly port: number | string;
  readonly protocol?: 'TCP' | 'UDP';
}

export interface IngressAllow {
  /** Readable suffix of the policy name, e.g. `from-gateway`. */
  readonly name: string;
  readonly from: readonly PeerSpec[];
  readonly ports: readonly PortRef[];
}

export interface EgressAllow {
  readonly name: string;
  readonly to: readonly PeerSpec[];
  readonly ports: readonly PortRef[];
}

export interface WorkflowNetworkPolicyProps {
  /** Pods these allows apply to (e.g. the API's selector). */
  readonly podSelector: Readonly<Record<string, string>>;
  readonly ingress: readonly IngressAllow[];
  readonly egress: readonly EgressAllow[];
}

/** Default deny for the whole namespace, in both directions. One per namespace. */
export class DefaultDenyPolicy extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: policyMetadata(this, 'default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
}

/** Explicit allows for one set of pods, one policy per purpose so reviews read like a list. */
export class AllowPolicies extends Construct {
  constructor(scope: Construct, id: string, props: WorkflowNetworkPolicyProps) {
    super(scope, id);
    const podSelector = { matchLabels: { ...props.podSelector } };
    for (const allow of props.ingress) {
      new k8s.KubeNetworkPolicy(this, `Ingress-${allow.name}`, {
        metadata: policyMetadata(this, `allow-${allow.name}`),
        spec: { podSelector, policyTypes: ['Ingress'], ingress: [{ from: allow.from.map(peer), ports: allow.ports.map(port) }] },
      });
    }
    for (const allow of props.egress) {
      new k8s.KubeNetworkPolicy(this, `Egress-${allow.name}`, {
        metadata: policyMetadata(this, `allow-${allow.name}`),
        spec: { podSelector, policyTypes: ['Egress'], egress: [{ to: allow.to.map(peer), ports: allow.ports.map(port) }] },
      });
    }
  }
}

/** How pods reach DNS (the shape of `egress.dns`). */
export interface DnsResolvers {
  /**
   * `kube-dns`: the cluster DNS pods. `node-local`: NodeLocal DNSCache's link-local address plus
   * the kube-dns pods as fallback. `cidrs`: only `cidrs`.
   */
  readonly mode: 'kube-dns' | 'node-local' | 'cidrs';
  /** Labels of the cluster DNS pods in the DNS namespace. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** NodeLocal DNSCache's address (169.254.20.10 by default). */
  readonly nodeLocalAddress: string;
  /** Further resolver addresses, allowed in every mode. */
  readonly cidrs: readonly string[];
}

/**
 * The DNS peers of an egress allow. NodeLocal DNSCache answers from a hostNetwork pod on a
 * link-local address, which no pod selector can match (policies that select only the kube-dns
 * pods break resolution there), so `node-local` adds an ipBlock for it and keeps the kube-dns pods
 * for clusters without the cache; see `egress.dns` in src/config/features/network-egress.ts.
 */
export function dnsPeers(dns: DnsResolvers, dnsNamespace: string): PeerSpec[] {
  const pods = namespacePeer(dnsNamespace, dns.podSelector);
  const blocks = dns.cidrs.map((cidr): PeerSpec => ({ cidr }));
  switch (dns.mode) {
    case 'kube-dns': return [pods, ...blocks];
    case 'node-local': return [{ cidr: `${dns.nodeLocalAddress}/32` }, pods, ...blocks];
    case 'cidrs':
      if (blocks.length === 0) throw new Error('DNS egress mode "cidrs" with no cidrs would block every name lookup; list the resolver addresses');
      return blocks;
  }
}

/** Where HTTPS may go (the shape of `egress.https`). */
export interface HttpsDestinations {
  /** Ranges every HTTPS call may go to. @default [] */
  readonly cidrs?: readonly string[];
  /** Published ranges per host; allowed together with `cidrs`. @default {} */
  readonly hostCidrs?: Readonly<Record<string, readonly string[]>>;
  /** Never allowed, on top of the cloud metadata address. @default [] */
  readonly exceptCidrs?: readonly string[];
}

/**
 * HTTPS peers: the union of the configured ranges, else 0.0.0.0/0 (a NetworkPolicy cannot name hosts; with the
 * mesh, the Sidecar's REGISTRY_ONLY policy limits the hosts). The metadata address and the
 * configured exceptions are cut out of every block that contains them (an `except` outside its
 * block is invalid).
 */
export function httpsPeers(https: HttpsDestinations): PeerSpec[] {
  const excluded = [CLOUD_METADATA_CIDR, ...(https.exceptCidrs ?? [])];
  const given = [...(https.cidrs ?? []), ...Object.values(https.hostCidrs ?? {}).flat()];
  const blocks = given.length ? [...new Set(given)] : ['0.0.0.0/0'];
  return blocks.map((cidr) => {
    const except = excluded.filter((e) => ipv4StrictlyContains(cidr, e));
    return except.length ? { cidr, except } : { cidr };
  });
}

/** Selects a namespace by name through the label every namespace carries. */
export function namespacePeer(namespace: string, podSelector?: Readonly<Record<string, string>>): PeerSpec {
  return { namespaceSelector: { [NAMESPACE_NAME_LABEL]: namespace }, ...(podSelector ? { podSelector } : {}) };
}

function peer(p: PeerSpec): k8s.NetworkPolicyPeer {
  if ('cidr' in p) return { ipBlock: { cidr: p.cidr, ...(p.except && p.except.length ? { except: [...p.except] } : {}) } };
  return {
    ...(p.namespaceSelector ? { namespaceSelector: { matchLabels: { ...p.namespaceSelector } } } : {}),
    ...(p.podSelector ? { podSelector: { matchLabels: { ...p.podSelector } } } : {}),
  };
}

function port(p: PortRef): k8s.NetworkPolicyPort {
  return {
    protocol: p.protocol ?? 'TCP',
    port: typeof p.port === 'number' ? k8s.IntOrString.fromNumber(p.port) : k8s.IntOrString.fromString(p.port),
  };
}

/** Every policy of a workflow is named `<workflow>-<purpose>`, so reviews of one namespace read like a list. */
function policyMetadata(scope: Construct, purpose: string) {
  return objectMetadata(scope, `${WorkflowScope.of(scope).workflowName}-${purpose}`, { labels: { 'app.kubernetes.io/component': 'network-policy' } });
}
