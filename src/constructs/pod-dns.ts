/**
 * Pod DNS options. Kubernetes' default `ndots: 5` tries every cluster search domain before a name
 * with fewer than five dots is looked up as given, so each LLM call (`api.openai.com`) first costs
 * three or four NXDOMAIN round trips. With `ndots: 2` such names resolve directly; in-cluster short
 * names (`redis`, `<svc>.<ns>`) still use the search list. Also kube-linter's `dnsconfig-options`.
 */
export const POD_NDOTS = '2';

/** The pod's `dnsConfig` (a fresh object each call: rendered specs are never shared). */
export function podDnsConfig(): { options: { name: string; value: string }[] } {
  return { options: [{ name: 'ndots', value: POD_NDOTS }] };
}
