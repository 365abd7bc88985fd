/**
 * Prometheus-operator monitors scrape what they mean to: a PodMonitor selects exactly one pod set
 * and each endpoint's port is a container port name of it; a ServiceMonitor selects exactly one
 * Service and each endpoint's port is a port name of that Service.
 *
 * Documented exception (Istio metrics merging): with the mesh, the sidecar serves the app's
 * metrics and its own on :15020 at /stats/prometheus, a port that is not in our pod template (the
 * sidecar is injected at admission). An endpoint with `path: /stats/prometheus` that targets 15020
 * — by `portNumber`/`targetPort`/`port`, or, as src/constructs/pod-monitor.ts renders it, by a
 * relabeling that rewrites `__address__` to `<pod IP>:15020` — is accepted without a declared
 * port, provided the environment runs the mesh.
 */
import { objectId } from '../../model/object-id';
import { describeSelector, selectorMatches } from '../../model/label-selector';
import { EnvironmentIndex, NamespaceIndex, PodSet, selectedPodSets } from '../object-index';
import { containersOf } from '../pod-templates';
import { apiGroupOf } from '../../model/api-group';
import { RenderedObject } from '../../model/rendered-object';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck, Json, specOf } from './check';

export const ISTIO_MERGED_METRICS_PORT = 15020;
export const ISTIO_MERGED_METRICS_PATH = '/stats/prometheus';

const isMonitor = (kind: string) => (r: RenderedObject) => r.object.kind === kind && apiGroupOf(r.object.apiVersion) === 'monitoring.coreos.com';

/** Is this endpoint a scrape of Istio's merged metrics on the sidecar? */
export function isIstioMergedMetricsEndpoint(endpoint: Json): boolean {
  if (endpoint?.path !== ISTIO_MERGED_METRICS_PATH) return false;
  const port = String(ISTIO_MERGED_METRICS_PORT);
  if ([endpoint.portNumber, endpoint.targetPort, endpoint.port].some((p) => p !== undefined && String(p) === port)) return true;
  const relabelings: Json[] = Array.isArray(endpoint.relabelings) ? endpoint.relabelings : [];
  return relabelings.some((r) => r?.targetLabel === '__address__' && typeof r.replacement === 'string' && r.replacement.endsWith(`:${port}`));
}

/** Namespaces a monitor's namespaceSelector covers (its own by default). */
function monitorNamespaces(index: EnvironmentIndex, monitor: RenderedObject, own: NamespaceIndex): NamespaceIndex[] {
  const selector: Json | undefined = specOf(monitor.object).namespaceSelector;
  if (selector?.any === true) return [...index.namespaces.values()];
  if (Array.isArray(selector?.matchNames) && selector!.matchNames.length) return selector!.matchNames.map((n: string) => index.lookupNamespace(n)).filter((n: NamespaceIndex | undefined): n is NamespaceIndex => !!n);
  return [own];
}

function podSetsOf(index: EnvironmentIndex, monitor: RenderedObject, own: NamespaceIndex): PodSet[] {
  const selector = specOf(monitor.object).selector;
  return monitorNamespaces(index, monitor, own).flatMap((ns) => selectedPodSets(ns, (labels) => selectorMatches(selector, labels)));
}

function servicesOf(index: EnvironmentIndex, monitor: RenderedObject, own: NamespaceIndex): RenderedObject[] {
  const selector = specOf(monitor.object).selector;
  return monitorNamespaces(index, monitor, own).flatMap((ns) => ns.ofKind('Service')
    .filter((s) => s.object.apiVersion === 'v1' && selectorMatches(selector, s.object.metadata.labels ?? {})));
}

export const monitorSelector: CrossObjectCheck = {
  id: 'cross-object/monitor-selector',
  summary: 'every PodMonitor selects exactly one pod set and every ServiceMonitor exactly one Service',
  check: (index) => index.allNamespaces().flatMap((ns) => [
    ...ns.ofKind('PodMonitor').filter(isMonitor('PodMonitor')).flatMap((m): Finding[] => {
      const sets = podSetsOf(index, m, ns);
      if (sets.length === 1) return [];
      const selector = specOf(m.object).selector;
      return [{
        object: m, path: pointer('spec', 'selector'), value: selector,
        message: sets.length
          ? `the selector ${describeSelector(selector)} matches ${sets.length} pod sets (${sets.map((s) => objectId(s.runner.object)).join(', ')}), so their series mix under one job`
          : `the selector ${describeSelector(selector)} matches no running pod template, so nothing is scraped`,
        fix: "select exactly one workload's pods by its selector labels (app.kubernetes.io/name, instance, component)",
      }];
    }),
    ...ns.ofKind('ServiceMonitor').filter(isMonitor('ServiceMonitor')).flatMap((m): Finding[] => {
      const services = servicesOf(index, m, ns);
      if (services.length === 1) return [];
      const selector = specOf(m.object).selector;
      return [{
        object: m, path: pointer('spec', 'selector'), value: selector,
        message: services.length
          ? `the selector ${describeSelector(selector)} matches ${services.length} Services (${services.map((s) => objectId(s.object)).join(', ')}), so every pod is scraped ${services.length} times`
          : `the selector ${describeSelector(selector)} matches no rendered Service's labels, so nothing is scraped`,
        fix: 'give the Service a distinguishing label and select on it (or use a PodMonitor)',
      }];
    }),
  ]),
};

export const monitorPort: CrossObjectCheck = {
  id: 'cross-object/monitor-port',
  summary: "every monitor endpoint's port exists on what it selects (Istio's merged :15020 excepted, with the mesh)",
  check: (index) => index.allNamespaces().flatMap((ns) => [
    ...ns.ofKind('PodMonitor').filter(isMonitor('PodMonitor')).flatMap((m): Finding[] => {
      const endpoints: Json[] = Array.isArray(specOf(m.object).podMetricsEndpoints) ? specOf(m.object).podMetricsEndpoints : [];
      const sets = podSetsOf(index, m, ns);
      return endpoints.flatMap((ep, i): Finding[] => {
        const base = pointer('spec', 'podMetricsEndpoints', i);
        if (isIstioMergedMetricsEndpoint(ep)) {
          return index.environment && !index.environment.mesh.enabled ? [{
            object: m, path: `${base}/path`, value: ep.path,
            message: `scrapes Istio's merged metrics on :${ISTIO_MERGED_METRICS_PORT}, but environment "${index.name}" runs no mesh (mesh.enabled is false), so no sidecar serves that port`,
            fix: 'scrape the application port by name (port: http, path: /metrics) where there is no mesh',
          }] : [];
        }
        const field = ep.port !== undefined ? 'port' : ep.portNumber !== undefined ? 'portNumber' : ep.targetPort !== undefined ? 'targetPort' : undefined;
        if (!field) {
          return [{
            object: m, path: base, value: ep,
            message: 'the endpoint names no port, so Prometheus scrapes every declared container port',
            fix: 'set port to the container port name that serves metrics (e.g. "http")',
          }];
        }
        const want = ep[field];
        return sets.flatMap((set): Finding[] => {
          const ports = containersOf(set.template.template).flatMap((c) => (Array.isArray(c.container.ports) ? c.container.ports : []));
          const ok = field === 'port'
            ? ports.some((p: Json) => p?.name === want)
            : ports.some((p: Json) => p?.containerPort === Number(want) || p?.name === want);
          return ok ? [] : [{
            object: m, path: `${base}/${field}`, value: want,
            message: `${field} ${JSON.stringify(want)} is not a container port${field === 'port' ? ' name' : ''} of ${objectId(set.template.owner.object)} (declared: ${ports.map((p: Json) => p?.name ?? p?.containerPort).join(', ') || 'none'})`,
            fix: 'use the name of the container port that serves /metrics (e.g. "http")',
          }];
        });
      });
    }),
    ...ns.ofKind('ServiceMonitor').filter(isMonitor('ServiceMonitor')).flatMap((m): Finding[] => {
      const endpoints: Json[] = Array.isArray(specOf(m.object).endpoints) ? specOf(m.object).endpoints : [];
      const services = servicesOf(index, m, ns);
      return endpoints.flatMap((ep, i): Finding[] => {
        const base = pointer('spec', 'endpoints', i);
        if (isIstioMergedMetricsEndpoint(ep)) return [];
        if (ep.port === undefined) {
          return ep.targetPort !== undefined ? [] : [{ object: m, path: base, value: ep, message: 'the endpoint names no port', fix: 'set port to the Service port name that serves metrics' }];
        }
        return services.flatMap((svc): Finding[] => {
          const ports: Json[] = Array.isArray(specOf(svc.object).ports) ? specOf(svc.object).ports : [];
          return ports.some((p) => p?.name === ep.port) ? [] : [{
            object: m, path: `${base}/port`, value: ep.port,
            message: `port "${ep.port}" is not a port name of ${objectId(svc.object)} (ports: ${ports.map((p) => p?.name ?? p?.port).join(', ') || 'none'})`,
            fix: "use the name of the Service port that serves metrics",
          }];
        });
      });
    }),
  ]),
};
