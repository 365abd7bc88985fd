// @ts-check
/**
 * The status a Gateway API controller (Istio here) would write, for the Argo CD stage, where no such
 * controller runs: Argo CD's built-in health checks keep a Gateway Progressing ("Waiting for
 * controller") until it is Programmed, and an HTTPRoute ("Waiting for HTTPRoute status") until its
 * parents have conditions, which holds every Application with an entry at Progressing.
 *
 * Not a blind stamp: a route's parent is Accepted only where the Gateway API's attachment rules
 * admit it, so a rendered route that no real controller would attach fails the stage (Argo CD
 * reports it Degraded). Judged per parentRef: the Gateway exists; the listener named by
 * `sectionName` exists (or, without one, some listener admits the route); the listener's
 * `allowedRoutes` admit HTTPRoute from the route's namespace (`Same`, `All`, or `Selector` by the
 * namespace's labels, `matchLabels` only); and when both name hostnames, they intersect (exact, or
 * the listener's `*.` wildcard). Not judged: TLS certificates, backends (ResolvedRefs is set True),
 * matching precedence (test/constructs/api-http-route.test.ts), data plane.
 *
 *   kubectl get gateways,httproutes,namespaces -A -o json | node gateway-status.js
 * prints one line per object whose status differs from what it should be:
 *   <resource> <namespace> <name> <status JSON for a merge patch of the status subresource>
 */
const fs = require('fs');

const CONTROLLER = 'istio.io/gateway-controller';
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** @param {string} type @param {'True' | 'False'} status @param {string} reason @param {string} message @param {number} generation */
const condition = (type, status, reason, message, generation) => ({ type, status, reason, message, lastTransitionTime: now(), observedGeneration: generation });

/**
 * Whether two hostnames intersect: equal, or one a `*.` wildcard that the other ends in (a suffix
 * match of one or more labels, as the Gateway API defines it).
 * @param {string} listenerHost @param {string} routeHost
 */
function hostMatches(listenerHost, routeHost) {
  if (listenerHost === routeHost) return true;
  if (listenerHost.startsWith('*.')) return routeHost.endsWith(listenerHost.slice(1));
  if (routeHost.startsWith('*.')) return listenerHost.endsWith(routeHost.slice(1));
  return false;
}

/**
 * Why `listener` of `gateway` does not admit `route`, or undefined when it does.
 * @param {any} listener @param {any} gateway @param {any} route @param {Map<string, any>} namespaces
 */
function refusal(listener, gateway, route, namespaces) {
  const allowed = listener.allowedRoutes ?? {};
  const kinds = allowed.kinds ?? [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }];
  if (!kinds.some((/** @type {any} */ k) => k.kind === 'HTTPRoute' && (k.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io')) return `listener ${listener.name} does not allow HTTPRoutes`;
  const from = allowed.namespaces?.from ?? 'Same';
  const routeNs = route.metadata.namespace;
  if (from === 'Same' && routeNs !== gateway.metadata.namespace) return `listener ${listener.name} allows routes from its own namespace only`;
  if (from === 'Selector') {
    const labels = namespaces.get(routeNs)?.metadata?.labels ?? {};
    const wanted = allowed.namespaces?.selector?.matchLabels ?? {};
    if (allowed.namespaces?.selector?.matchExpressions?.length) return `listener ${listener.name}: matchExpressions are not judged here`;
    if (!Object.entries(wanted).every(([k, v]) => labels[k] === v)) return `listener ${listener.name} does not select namespace ${routeNs} (wants ${JSON.stringify(wanted)})`;
  }
  const routeHosts = route.spec.hostnames ?? [];
  if (listener.hostname && routeHosts.length && !routeHosts.some((/** @type {string} */ h) => hostMatches(listener.hostname, h))) {
    return `no hostname of the route (${routeHosts.join(', ')}) matches listener ${listener.name} (${listener.hostname})`;
  }
  return undefined;
}

/** @param {any} list */
function statuses(list) {
  const items = list.items ?? [];
  const namespaces = new Map(items.filter((/** @type {any} */ o) => o.kind === 'Namespace').map((/** @type {any} */ o) => [o.metadata.name, o]));
  const gateways = new Map(items.filter((/** @type {any} */ o) => o.kind === 'Gateway').map((/** @type {any} */ o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
  /** @type {string[]} */
  const lines = [];
  for (const gateway of gateways.values()) {
    const g = gateway.metadata.generation;
    const ready = (gateway.status?.conditions ?? []).some((/** @type {any} */ c) => c.type === 'Programmed' && c.status === 'True' && c.observedGeneration === g);
    if (ready) continue;
    const status = { conditions: [condition('Accepted', 'True', 'Accepted', 'stand-in: no Gateway API controller runs here', g), condition('Programmed', 'True', 'Programmed', 'stand-in: no Gateway API controller runs here', g)] };
    lines.push(`gateways.gateway.networking.k8s.io ${gateway.metadata.namespace} ${gateway.metadata.name} ${JSON.stringify({ status })}`);
  }
  for (const route of items.filter((/** @type {any} */ o) => o.kind === 'HTTPRoute')) {
    const g = route.metadata.generation;
    const parents = (route.spec.parentRefs ?? []).map((/** @type {any} */ ref) => {
      const ns = ref.namespace ?? route.metadata.namespace;
      const gateway = gateways.get(`${ns}/${ref.name}`);
      let why;
      if ((ref.kind ?? 'Gateway') !== 'Gateway') why = `parent kind ${ref.kind} is not judged here`;
      else if (!gateway) why = `no Gateway ${ns}/${ref.name}`;
      else {
        const listeners = (gateway.spec.listeners ?? []).filter((/** @type {any} */ l) => ref.sectionName === undefined || l.name === ref.sectionName);
        if (!listeners.length) why = `Gateway ${ns}/${ref.name} has no listener ${ref.sectionName}`;
        else {
          const refusals = listeners.map((/** @type {any} */ l) => refusal(l, gateway, route, namespaces));
          if (refusals.every((r) => r !== undefined)) why = refusals.join('; ');
        }
      }
      const accepted = why === undefined
        ? condition('Accepted', 'True', 'Accepted', 'stand-in: attached by the Gateway API rules judged here', g)
        : condition('Accepted', 'False', 'NotAllowedByListeners', `stand-in: ${why}`, g);
      return { parentRef: ref, controllerName: CONTROLLER, conditions: [accepted, condition('ResolvedRefs', 'True', 'ResolvedRefs', 'stand-in: backends not judged here', g)] };
    });
    const current = route.status?.parents ?? [];
    const same = current.length === parents.length && current.every((/** @type {any} */ p, /** @type {number} */ i) =>
      JSON.stringify(p.parentRef) === JSON.stringify(parents[i].parentRef)
      && (p.conditions ?? []).find((/** @type {any} */ c) => c.type === 'Accepted')?.status === parents[i].conditions[0].status
      && (p.conditions ?? []).every((/** @type {any} */ c) => c.observedGeneration === g));
    if (same) continue;
    lines.push(`httproutes.gateway.networking.k8s.io ${route.metadata.namespace} ${route.metadata.name} ${JSON.stringify({ status: { parents } })}`);
  }
  return lines;
}

module.exports = { statuses, hostMatches };

if (require.main === module) {
  const lines = statuses(JSON.parse(fs.readFileSync(0, 'utf8')));
  if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
}
