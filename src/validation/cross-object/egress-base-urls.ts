/**
 * TLS origination only works if the app speaks plain HTTP to the originating port: an SDK left on
 * its https:// default sends opaque TLS on 443, which the mesh passes through without the
 * timeout, retries, outlier detection on HTTP errors or the LLM-failure metrics. Both directions:
 *
 * - every ServiceEntry port that originates TLS (an HTTP port whose targetPort differs, e.g.
 *   80 → 443, or a DestinationRule with tls SIMPLE/MUTUAL on that port) has, on every container of
 *   the LangGraph server pods (API and queue workers) in its namespace, a variable whose value is
 *   an `http://<host>[:port]` URL (the SDK base URL, e.g. OPENAI_BASE_URL=http://api.openai.com/v1);
 * - no container has an `http://` URL to an external host without such an entry: that request
 *   would leave the cluster in cleartext (or be dropped by a REGISTRY_ONLY Sidecar).
 */
import { objectId } from '../../model/object-id';
import { RenderedObject } from '../../model/rendered-object';
import { NamespaceIndex, PodSet } from '../object-index';
import { containersOf, templateLabels } from '../pod-templates';
import { apiGroupOf } from '../../model/api-group';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck, Json, serviceOfHost, specOf } from './check';

/** `app.kubernetes.io/name` of the pods that run graphs and so call the LLM: the API and the queue workers. */
export const LLM_CALLER_APPS: readonly string[] = ['langgraph-api', 'langgraph-worker'];
const ISTIO_PROXY = 'istio-proxy';

interface Origination {
  readonly host: string;
  readonly port: number;
  readonly entry: RenderedObject;
  /** Pointer of the port in the ServiceEntry. */
  readonly path: string;
}

const isIstio = (r: RenderedObject) => apiGroupOf(r.object.apiVersion) === 'networking.istio.io';

/** Host/port pairs on which the sidecar originates TLS, from the ServiceEntries and DestinationRules of one namespace. */
export function originations(ns: NamespaceIndex): Origination[] {
  const tlsByDr = new Map<string, Set<number>>();
  for (const dr of ns.ofKind('DestinationRule').filter(isIstio)) {
    const spec = specOf(dr.object);
    const levels: Json[] = Array.isArray(spec.trafficPolicy?.portLevelSettings) ? spec.trafficPolicy.portLevelSettings : [];
    for (const l of levels) {
      if (['SIMPLE', 'MUTUAL'].includes(l?.tls?.mode) && typeof l?.port?.number === 'number' && typeof spec.host === 'string') {
        const set = tlsByDr.get(spec.host) ?? new Set<number>();
        set.add(l.port.number);
        tlsByDr.set(spec.host, set);
      }
    }
  }
  const out: Origination[] = [];
  for (const se of ns.ofKind('ServiceEntry').filter(isIstio)) {
    const spec = specOf(se.object);
    const hosts: string[] = Array.isArray(spec.hosts) ? spec.hosts.filter((h: unknown): h is string => typeof h === 'string') : [];
    const ports: Json[] = Array.isArray(spec.ports) ? spec.ports : [];
    ports.forEach((p, i) => {
      if (typeof p?.number !== 'number' || String(p.protocol ?? '').toUpperCase() !== 'HTTP') return;
      for (const host of hosts) {
        const remapped = typeof p.targetPort === 'number' && p.targetPort !== p.number;
        if (remapped || tlsByDr.get(host)?.has(p.number)) out.push({ host, port: p.number, entry: se, path: pointer('spec', 'ports', i) });
      }
    });
  }
  return out;
}

/** The http:// URL in an env var's literal value, if it is one. */
function httpUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string' || !/^http:\/\/[^\s]+$/i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const urlPort = (u: URL) => (u.port ? Number(u.port) : 80);
const targets = (u: URL, o: { host: string; port: number }) => u.hostname === o.host && urlPort(u) === o.port;
const isIp = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');

interface EnvRef {
  readonly set: PodSet;
  readonly container: string;
  readonly name: string;
  readonly url: URL;
  readonly path: string;
}

function httpEnv(set: PodSet): EnvRef[] {
  return containersOf(set.template.template, ['containers', 'initContainers']).flatMap(({ container, pointer: cp }) =>
    (Array.isArray(container.env) ? container.env : []).flatMap((e: Json, i: number): EnvRef[] => {
      const url = httpUrl(e?.value);
      return url ? [{ set, container: String(container.name), name: String(e.name), url, path: `${set.template.pointer}${cp}/env/${i}/value` }] : [];
    }));
}

const callers = (ns: NamespaceIndex) => ns.podSets.filter((s) => s.runsPods && LLM_CALLER_APPS.includes(templateLabels(s.template)['app.kubernetes.io/name']));

function checkNamespace(ns: NamespaceIndex, known: ReadonlySet<string>): Finding[] {
  const origin = originations(ns);
  const findings: Finding[] = [];
  const llmPods = callers(ns);
  // Forward: each originating host is the base URL of every LLM-calling container.
  for (const o of origin) {
    const where = `${objectId(o.entry.object)} ${o.path}`;
    if (llmPods.length === 0) {
      findings.push({
        object: o.entry, path: o.path, value: o.host,
        message: `originates TLS for ${o.host} on port ${o.port}, but no LangGraph server pods (${LLM_CALLER_APPS.join(', ')}) run in namespace ${ns.namespace} to call it`,
        fix: 'render the entry in the namespace of the workloads that call the host, or drop it',
      });
      continue;
    }
    for (const set of llmPods) {
      const base = `http://${o.host}${o.port === 80 ? '' : `:${o.port}`}`;
      const env = httpEnv(set);
      containersOf(set.template.template, ['containers']).filter(({ container }) => container.name !== ISTIO_PROXY).forEach(({ container, pointer: cp }) => {
        if (env.some((e) => e.container === container.name && targets(e.url, o))) return;
        findings.push({
          object: set.template.owner, path: `${set.template.pointer}${cp}/env`, value: o.host, related: where,
          message: `container ${container.name} has no variable pointing at ${base} although ${objectId(o.entry.object)} originates TLS for ${o.host} on port ${o.port}, so its SDK keeps calling https:// on the TLS port: the mesh passes it through without timeout, retries or the LLM-failure metrics`,
          fix: `set the SDK's base-URL variable (e.g. OPENAI_BASE_URL=${base}/v1, ANTHROPIC_BASE_URL=${base}) through meshEgress.llm.sdkBaseUrls, or set meshEgress.llm.hosts.${o.host}.tls: passthrough`,
        });
      });
    }
  }
  // Reverse: no http:// URL to an external host the mesh does not originate TLS for.
  for (const set of ns.podSets.filter((s) => s.runsPods)) {
    for (const e of httpEnv(set)) {
      const host = e.url.hostname;
      if (isIp(host) || serviceOfHost(host, ns.namespace, known) || host.endsWith('.cluster.local') || !host.includes('.')) continue;
      if (origin.some((o) => targets(e.url, o))) continue;
      const passthrough = ns.ofKind('ServiceEntry').filter(isIstio).some((se) => (specOf(se.object).hosts ?? []).includes(host));
      findings.push({
        object: set.template.owner, path: e.path, value: e.url.href,
        message: `${e.name} of container ${e.container} is a plain-HTTP URL to the external host ${host}:${urlPort(e.url)}, and no ServiceEntry in namespace ${ns.namespace} originates TLS for it${passthrough ? ' (its entry passes TLS through)' : ''}, so the request would leave the cluster unencrypted or be dropped`,
        fix: passthrough
          ? `set meshEgress.llm.hosts.${host}.tls: originate, or point ${e.name} at https://${host}`
          : `add ${host} to egress.llmHosts (TLS originated by the mesh), or point ${e.name} at https://${host}`,
      });
    }
  }
  return findings;
}

export const egressBaseUrls: CrossObjectCheck = {
  id: 'cross-object/egress-base-url',
  summary: 'every TLS-originating ServiceEntry is the http:// base URL of every LLM-calling container in its namespace, and no http:// URL leaves the cluster without one',
  check: (index) => {
    const known = new Set(index.namespaces.keys());
    return index.allNamespaces().flatMap((ns) => checkNamespace(ns, known));
  },
};
