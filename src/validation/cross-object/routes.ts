/**
 * Traffic entry points reach a rendered Service on a port it has: Ingress backends (service name
 * and port number or name), Gateway API HTTPRoute backendRefs (core Services of the route's own
 * namespace, by port number) and VirtualService destinations whose host is a cluster-local Service
 * (short name, `<svc>.<ns>`, or `….svc.cluster.local`); external hosts are not checked.
 */
import { objectId } from '../../model/object-id';
import { NamespaceIndex } from '../object-index';
import { apiGroupOf } from '../../model/api-group';
import { RenderedObject } from '../../model/rendered-object';
import { Finding } from '../violation';
import { CrossObjectCheck, Json, serviceOfHost, specOf } from './check';

function servicePortFinding(object: RenderedObject, path: string, service: RenderedObject, port: Json): Finding | undefined {
  const ports: Json[] = Array.isArray(specOf(service.object).ports) ? specOf(service.object).ports : [];
  const ok = port.number !== undefined ? ports.some((p) => p?.port === port.number) : port.name !== undefined ? ports.some((p) => p?.name === port.name) : true;
  if (ok) return undefined;
  const want = port.number ?? port.name;
  return {
    object, path, value: want,
    message: `${objectId(service.object)} has no port ${JSON.stringify(want)} (ports: ${ports.map((p) => (p?.name ? `${p.port} (${p.name})` : p?.port)).join(', ') || 'none'})`,
    fix: "use one of the Service's ports",
  };
}

function ingressBackends(spec: Json): { backend: Json; path: string }[] {
  const out: { backend: Json; path: string }[] = [];
  if (spec.defaultBackend) out.push({ backend: spec.defaultBackend, path: '/spec/defaultBackend' });
  (Array.isArray(spec.rules) ? spec.rules : []).forEach((rule: Json, i: number) => {
    (Array.isArray(rule?.http?.paths) ? rule.http.paths : []).forEach((p: Json, j: number) => {
      if (p?.backend) out.push({ backend: p.backend, path: `/spec/rules/${i}/http/paths/${j}/backend` });
    });
  });
  return out;
}

function checkIngress(ns: NamespaceIndex, r: RenderedObject): Finding[] {
  return ingressBackends(specOf(r.object)).flatMap(({ backend, path }): Finding[] => {
    const svc = backend.service;
    if (!svc) return [];
    const service = ns.get('Service', svc.name);
    if (!service) return [{ object: r, path: `${path}/service/name`, value: svc.name, message: `backend Service "${svc.name}" is not rendered in namespace ${ns.namespace}`, fix: 'point the backend at the workflow\'s API Service' }];
    const f = svc.port ? servicePortFinding(r, `${path}/service/port`, service, svc.port) : undefined;
    return f ? [f] : [];
  });
}

function checkHttpRoute(ns: NamespaceIndex, r: RenderedObject): Finding[] {
  const rules: Json[] = Array.isArray(specOf(r.object).rules) ? specOf(r.object).rules : [];
  return rules.flatMap((rule, i) => (Array.isArray(rule?.backendRefs) ? rule.backendRefs : []).flatMap((b: Json, j: number): Finding[] => {
    // Another namespace's backend needs a ReferenceGrant there and is someone else's Service.
    if ((b?.group ?? '') !== '' || (b?.kind ?? 'Service') !== 'Service' || (b?.namespace ?? ns.namespace) !== ns.namespace) return [];
    const path = `/spec/rules/${i}/backendRefs/${j}`;
    const service = ns.get('Service', b.name);
    if (!service) return [{ object: r, path: `${path}/name`, value: b.name, message: `backendRef Service "${b.name}" is not rendered in namespace ${ns.namespace}`, fix: 'point the backendRef at the workflow\'s API Service' }];
    const f = servicePortFinding(r, `${path}/port`, service, { number: b.port });
    return f ? [f] : [];
  }));
}

export const routeDestinations: CrossObjectCheck = {
  id: 'cross-object/route-destination',
  summary: 'Ingress backends, HTTPRoute backendRefs and cluster-local VirtualService destinations are rendered Services with that port',
  check: (index) => {
    const known = new Set(index.namespaces.keys());
    return index.allNamespaces().flatMap((ns) => [
      ...ns.ofKind('Ingress').filter((r) => apiGroupOf(r.object.apiVersion) === 'networking.k8s.io').flatMap((r) => checkIngress(ns, r)),
      ...ns.ofKind('HTTPRoute').filter((r) => apiGroupOf(r.object.apiVersion) === 'gateway.networking.k8s.io').flatMap((r) => checkHttpRoute(ns, r)),
      ...ns.ofKind('VirtualService').filter((r) => apiGroupOf(r.object.apiVersion) === 'networking.istio.io').flatMap((r): Finding[] => {
        const http: Json[] = Array.isArray(specOf(r.object).http) ? specOf(r.object).http : [];
        return http.flatMap((h, i) => (Array.isArray(h?.route) ? h.route : []).flatMap((d: Json, j: number): Finding[] => {
          const host = d?.destination?.host;
          if (typeof host !== 'string') return [];
          const ref = serviceOfHost(host, ns.namespace, known);
          if (!ref) return [];
          const where = index.lookupNamespace(ref.namespace);
          const service = where?.get('Service', ref.name);
          const path = `/spec/http/${i}/route/${j}/destination`;
          if (!service) {
            // A cluster-local host in a namespace this environment does not render is someone else's Service.
            return where ? [{ object: r, path: `${path}/host`, value: host, message: `destination host ${host} names Service "${ref.name}", which is not rendered in namespace ${ref.namespace}`, fix: 'route to a rendered Service (e.g. <workflow>-api-stable)' }] : [];
          }
          const f = d.destination.port ? servicePortFinding(r, `${path}/port`, service, d.destination.port) : undefined;
          return f ? [f] : [];
        }));
      }),
    ]);
  },
};
