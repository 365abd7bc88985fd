/**
 * In production-tier environments, an entry from outside the cluster (a VirtualService bound to a
 * gateway other than `mesh`, an Ingress, or a Gateway API HTTPRoute attached to a Gateway) reaches
 * only pods whose sidecars authenticate callers:
 *   - a RequestAuthentication with JWT rules selecting them AND an ALLOW AuthorizationPolicy
 *     selecting them with a rule that requires a request principal (the token check itself is
 *     optional in Istio: without such a rule a request with no token passes), or
 *   - a CUSTOM AuthorizationPolicy (an external authorizer) selecting them.
 * The workflow's `auth` config renders either; `auth.mode: none` or no `auth` renders neither. The
 * exact semantics are proven by the evaluator test (test/charts/features/edge-auth.test.ts); this
 * rule checks that the intent is there. Development-tier environments are exempt.
 */
import { objectId } from '../../model/object-id';
import { mapSelectorMatches } from '../../model/label-selector';
import { apiGroupOf } from '../../model/api-group';
import { RenderedObject } from '../../model/rendered-object';
import { NamespaceIndex, selectedPodSets } from '../object-index';
import { templateLabels } from '../pod-templates';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck, Json, serviceOfHost, specOf } from './check';

const isIstioSecurity = (r: RenderedObject) => apiGroupOf(r.object.apiVersion) === 'security.istio.io';

/** Does a workload selector (`selector.matchLabels`; absent: the whole namespace) select these labels? */
function selects(spec: Json, labels: Record<string, string>): boolean {
  return mapSelectorMatches(spec.selector?.matchLabels ?? {}, labels);
}

function requiresRequestPrincipal(rule: Json): boolean {
  return (Array.isArray(rule?.from) ? rule.from : []).some((f: Json) => Array.isArray(f?.source?.requestPrincipals) && f.source.requestPrincipals.length > 0);
}

/** Whether the pods with these labels authenticate callers (JWT or external authorizer). */
function authenticated(ns: NamespaceIndex, labels: Record<string, string>): boolean {
  const policies = ns.ofKind('AuthorizationPolicy').filter(isIstioSecurity).map((r) => specOf(r.object)).filter((s) => selects(s, labels));
  if (policies.some((s) => s.action === 'CUSTOM' && typeof s.provider?.name === 'string' && s.provider.name !== '')) return true;
  const jwt = ns.ofKind('RequestAuthentication').filter(isIstioSecurity).map((r) => specOf(r.object))
    .some((s) => selects(s, labels) && Array.isArray(s.jwtRules) && s.jwtRules.length > 0);
  const required = policies.some((s) => (s.action ?? 'ALLOW') === 'ALLOW' && (Array.isArray(s.rules) ? s.rules : []).some(requiresRequestPrincipal));
  return jwt && required;
}

/** Service names an entry routes to. */
function entryServices(r: RenderedObject, ns: NamespaceIndex, known: ReadonlySet<string>): string[] {
  const spec = specOf(r.object);
  if (r.object.kind === 'HTTPRoute') {
    // backendRefs default to core Services in the route's namespace; another namespace's is not this workflow's.
    const refs: Json[] = (Array.isArray(spec.rules) ? spec.rules : []).flatMap((rule: Json) => (Array.isArray(rule?.backendRefs) ? rule.backendRefs : []));
    return refs.filter((b) => (b?.group ?? '') === '' && (b?.kind ?? 'Service') === 'Service' && (b?.namespace ?? ns.namespace) === ns.namespace)
      .map((b) => b?.name).filter((n): n is string => typeof n === 'string');
  }
  if (r.object.kind === 'Ingress') {
    const backends: Json[] = [spec.defaultBackend, ...(Array.isArray(spec.rules) ? spec.rules : []).flatMap((rule: Json) => (Array.isArray(rule?.http?.paths) ? rule.http.paths : []).map((p: Json) => p?.backend))];
    return backends.map((b) => b?.service?.name).filter((n): n is string => typeof n === 'string');
  }
  const routes: Json[] = Array.isArray(spec.http) ? spec.http.flatMap((h: Json) => (Array.isArray(h?.route) ? h.route : [])) : [];
  return routes.flatMap((d) => {
    const ref = typeof d?.destination?.host === 'string' ? serviceOfHost(d.destination.host, ns.namespace, known) : undefined;
    return ref && ref.namespace === ns.namespace ? [ref.name] : [];
  });
}

/** A Gateway API route attached to a Gateway (not a mesh route, whose parentRef is a Service). */
function attachedToGateway(r: RenderedObject): boolean {
  const refs: Json[] = Array.isArray(specOf(r.object).parentRefs) ? specOf(r.object).parentRefs : [];
  return refs.some((p) => (p?.group ?? GATEWAY_API) === GATEWAY_API && (p?.kind ?? 'Gateway') === 'Gateway');
}

const GATEWAY_API = 'gateway.networking.k8s.io';

/** VirtualServices bound to a gateway (not only `mesh`), Ingresses and HTTPRoutes on a Gateway: the doors from outside. */
function entries(ns: NamespaceIndex): RenderedObject[] {
  const gatewayBound = ns.ofKind('VirtualService').filter((r) => apiGroupOf(r.object.apiVersion) === 'networking.istio.io'
    && (Array.isArray(specOf(r.object).gateways) ? specOf(r.object).gateways : []).some((g: unknown) => g !== 'mesh'));
  const ingresses = ns.ofKind('Ingress').filter((r) => apiGroupOf(r.object.apiVersion) === 'networking.k8s.io');
  const routes = ns.ofKind('HTTPRoute').filter((r) => apiGroupOf(r.object.apiVersion) === GATEWAY_API && attachedToGateway(r));
  return [...gatewayBound, ...ingresses, ...routes];
}

export const edgeAuthentication: CrossObjectCheck = {
  id: 'cross-object/edge-authentication',
  summary: 'in production-tier environments every gateway, Ingress or Gateway API HTTPRoute entry reaches only pods that require a JWT (RequestAuthentication + a requestPrincipals ALLOW rule) or an external authorizer (CUSTOM)',
  check: (index) => {
    if (index.environment?.tier === 'development') return [];
    const known = new Set(index.namespaces.keys());
    return index.allNamespaces().flatMap((ns) => entries(ns).flatMap((r): Finding[] => {
      const open = new Map<string, string>();
      for (const name of new Set(entryServices(r, ns, known))) {
        const selector: Record<string, string> = specOf(ns.get('Service', name)?.object ?? {}).selector ?? {};
        if (!Object.keys(selector).length) continue;
        for (const set of selectedPodSets(ns, (labels) => mapSelectorMatches(selector, labels))) {
          const labels = templateLabels(set.template);
          if (!authenticated(ns, labels)) open.set(name, labels['app.kubernetes.io/instance'] ?? ns.namespace);
        }
      }
      if (open.size === 0) return [];
      const workflow = [...open.values()][0];
      const via = r.object.kind === 'Ingress' ? 'the Ingress' : r.object.kind === 'HTTPRoute' ? 'the Gateway API gateway' : 'the ingress gateway';
      const env = index.name;
      return [{
        object: r,
        path: r.object.kind === 'Ingress' ? pointer('spec', 'rules') : r.object.kind === 'HTTPRoute' ? pointer('spec', 'parentRefs') : pointer('spec', 'gateways'),
        message: `in production-tier environment "${env}", workflow "${workflow}" is reachable from outside through ${via} (${objectId(r.object)} → Service ${[...open.keys()].join(', ')}) without authentication: its auth.mode is none or unset, so anyone can list threads and start runs`,
        fix: `set auth for workflow "${workflow}" in "${env}" (workflowDefaults.auth in environments/${env}.yaml, or overrides/environments.${env} in workflows.yaml): mode jwt with auth.jwt.issuer, jwksUri and audiences, or mode external with auth.external.provider (both need the mesh); or waive cross-object/edge-authentication for ${r.object.kind} ${r.object.metadata?.name ?? '?'} in config/waivers.yaml with the reason`,
      }];
    }));
  },
};
