/**
 * Where NetworkPolicies let the workloads go outside the cluster: DNS resolvers and HTTPS
 * destinations (`egress.dns`, `egress.https`). Environment level.
 *
 * A NetworkPolicy matches IP blocks and pod selectors, never DNS names, so HTTPS egress can only be
 * narrowed where the config gives CIDRs; with the mesh, the Sidecar's REGISTRY_ONLY outbound policy
 * (src/charts/features/mesh-egress.ts) is what limits traffic to the hosts with a ServiceEntry.
 */
import { z } from 'zod';
import type { SemanticIssue } from '../semantic-issue';
import { DEFAULT_DNS_RESOLVERS, DEFAULT_HTTPS_EGRESS_PORT } from '../../constructs/langgraph-workflow';

const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, 'a CIDR such as "10.0.0.0/16"');
const ipv4 = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'an IPv4 address such as 169.254.20.10');
const hostname = z
  .string()
  .max(253)
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, 'a DNS hostname such as api.openai.com');

/** The link-local address NodeLocal DNSCache listens on (its documented default). */
export const NODE_LOCAL_DNS_ADDRESS = DEFAULT_DNS_RESOLVERS.nodeLocalAddress;
/** Labels of the cluster DNS pods (CoreDNS keeps kube-dns's label). */
export const KUBE_DNS_POD_LABELS = { ...DEFAULT_DNS_RESOLVERS.podSelector };

/** The constructs' resolvers (DEFAULT_DNS_RESOLVERS), as the mutable copy zod's types ask for. */
export const DNS_EGRESS_DEFAULTS = {
  mode: DEFAULT_DNS_RESOLVERS.mode,
  podSelector: KUBE_DNS_POD_LABELS,
  nodeLocalAddress: NODE_LOCAL_DNS_ADDRESS,
  cidrs: [...DEFAULT_DNS_RESOLVERS.cidrs],
};

/**
 * Which resolvers pods may reach on port 53 (UDP and TCP).
 *
 * - `kube-dns`: the cluster DNS pods (`namespaces.dns` + `podSelector`) only.
 * - `node-local` (default): also `nodeLocalAddress`/32. NodeLocal DNSCache runs as a hostNetwork
 *   DaemonSet on 169.254.20.10: traffic to it never reaches a pod, so a pod selector cannot match it
 *   and kube-dns-only policies break name resolution. The kube-dns selector stays as the fallback
 *   (without the cache, or while it restarts, queries go to the kube-dns pods), so this default
 *   works with and without the cache.
 * - `cidrs`: only the addresses in `cidrs` (e.g. a VPC resolver).
 *
 * In every mode `cidrs` are allowed too: with NodeLocal DNSCache in kube-proxy iptables mode the
 * cache also answers on the kube-dns Service ClusterIP without DNAT, so add that IP (`x.x.x.x/32`).
 */
export const dnsEgressSchema = z.strictObject({
  mode: z.enum(['kube-dns', 'node-local', 'cidrs']).default(DNS_EGRESS_DEFAULTS.mode).meta({ description: '`kube-dns`: only the cluster DNS pods. `node-local`: also NodeLocal DNSCache at `nodeLocalAddress` (works with and without the cache). `cidrs`: only `cidrs`.' }),
  podSelector: z.record(z.string(), z.string()).default(DNS_EGRESS_DEFAULTS.podSelector).meta({ description: 'Labels of the cluster DNS pods in `namespaces.dns`.' }),
  nodeLocalAddress: ipv4.default(DNS_EGRESS_DEFAULTS.nodeLocalAddress).meta({ description: 'Address NodeLocal DNSCache listens on (mode `node-local`).' }),
  cidrs: z.array(cidr).default([]).meta({ description: 'Resolver addresses allowed in every mode; with NodeLocal DNSCache in kube-proxy iptables mode add the kube-dns Service IP (`x.x.x.x/32`).' }),
}).default(DNS_EGRESS_DEFAULTS);
export type DnsEgress = z.infer<typeof dnsEgressSchema>;

export const HTTPS_EGRESS_DEFAULTS = { port: DEFAULT_HTTPS_EGRESS_PORT, exceptCidrs: [] as string[], cidrs: [] as string[], hostCidrs: {} as Record<string, string[]> };

/**
 * External HTTPS (LLM providers, LangSmith, tools). The cloud metadata address is always excluded.
 * Without `cidrs` or `hostCidrs` the NetworkPolicy allows `0.0.0.0/0` on `port` (it cannot name
 * hosts); with either, it allows only their union, so every host the workloads call must be covered.
 */
export const httpsEgressSchema = z.strictObject({
  port: z.number().int().min(1).max(65535).default(HTTPS_EGRESS_DEFAULTS.port).meta({ description: 'Port of external HTTPS calls.' }),
  exceptCidrs: z.array(cidr).default([]).meta({ description: 'Never reachable even inside the allowed ranges.' }),
  cidrs: z.array(cidr).default([]).meta({ description: 'Ranges every HTTPS call may go to (e.g. an egress proxy or NAT range).' }),
  hostCidrs: z.record(hostname, z.array(cidr).min(1)).default({}).meta({ description: 'Published ranges per host, e.g. a provider\'s API addresses: `{ api.anthropic.com: [160.79.104.0/23] }`.' }),
}).default(HTTPS_EGRESS_DEFAULTS);
export type HttpsEgress = z.infer<typeof httpsEgressSchema>;

/** The HTTPS destination ranges from config, or undefined when HTTPS egress is open (0.0.0.0/0). */
export function httpsDestinationCidrs(https: HttpsEgress): string[] | undefined {
  const all = [...https.cidrs, ...Object.values(https.hostCidrs).flat()];
  return all.length ? [...new Set(all)] : undefined;
}

interface NetworkEgressEnv {
  readonly egress: { readonly dns: DnsEgress; readonly https: HttpsEgress; readonly llmHosts: readonly string[] };
  /** Further hosts the workloads call over HTTPS: LangSmith (licence, tracing) and `meshEgress.httpsHosts`. */
  readonly meshEgress?: { readonly langsmith: { readonly hosts: readonly string[] }; readonly httpsHosts: readonly string[] };
}

/** Environment-level rules for `egress.dns` and `egress.https`. */
export function checkNetworkEgress(env: NetworkEgressEnv): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const { dns, https } = env.egress;
  if (dns.mode === 'cidrs' && dns.cidrs.length === 0) {
    issues.push({ path: ['egress', 'dns', 'cidrs'], value: [], message: 'mode "cidrs" allows DNS only to these addresses, and none are listed, so every name lookup would fail; list the resolver addresses (e.g. ["10.96.0.10/32"]) or use mode "node-local"' });
  }
  // Narrowed HTTPS: a host the workloads call but no range covers would be blocked by the NetworkPolicy.
  if (https.cidrs.length === 0 && Object.keys(https.hostCidrs).length > 0) {
    const called = [...env.egress.llmHosts, ...(env.meshEgress ? [...env.meshEgress.langsmith.hosts, ...env.meshEgress.httpsHosts] : [])];
    const uncovered = [...new Set(called)].filter((h) => !(h in https.hostCidrs));
    if (uncovered.length) {
      issues.push({
        path: ['egress', 'https', 'hostCidrs'], value: Object.keys(https.hostCidrs),
        message: `narrows HTTPS egress to the listed hosts' ranges, but ${uncovered.join(', ')} ${uncovered.length === 1 ? 'has' : 'have'} none, so calls to ${uncovered.length === 1 ? 'it' : 'them'} would be dropped; add ${uncovered.length === 1 ? 'its' : 'their'} published ranges to hostCidrs, or list a shared range (egress proxy, NAT) in egress.https.cidrs`,
      });
    }
  }
  return issues;
}
