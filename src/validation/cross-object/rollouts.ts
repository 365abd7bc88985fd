/**
 * An Argo Rollout's references resolve: its pods (template or workloadRef), the stable and canary
 * (or active and preview) Services, the Istio VirtualService with the named routes — each routing
 * to both the stable and the canary Service, as Argo requires — and the AnalysisTemplates. A
 * Deployment run through workloadRef with `scaleDown: never` (the default) must be rendered with
 * `replicas: 0`, or it keeps its own pods running beside the Rollout's.
 */
import { objectId } from '../../model/object-id';
import { EnvironmentIndex, NamespaceIndex } from '../object-index';
import { apiGroupOf } from '../../model/api-group';
import { RenderedObject } from '../../model/rendered-object';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck, Json, serviceOfHost, specOf } from './check';

const isRollout = (r: RenderedObject) => r.object.kind === 'Rollout' && apiGroupOf(r.object.apiVersion) === 'argoproj.io';

function missing(object: RenderedObject, path: string, value: unknown, what: string, ns: NamespaceIndex, fix: string): Finding {
  return { object, path, value, message: `${what} "${String(value)}" is not rendered in namespace ${ns.namespace}`, fix };
}

function checkServices(r: RenderedObject, ns: NamespaceIndex, strategy: Json, base: string, fields: readonly string[]): Finding[] {
  return fields.filter((f) => typeof strategy[f] === 'string' && !ns.get('Service', strategy[f]))
    .map((f) => missing(r, `${base}/${f}`, strategy[f], `${f}`, ns, `render the Service or correct ${f}`));
}

/** `templateName`s of every analysis the Rollout runs, with their pointers. */
function analysisRefs(spec: Json): { name: string; clusterScope: boolean; path: string }[] {
  const out: { name: string; clusterScope: boolean; path: string }[] = [];
  const collect = (templates: unknown, base: string) => {
    if (!Array.isArray(templates)) return;
    templates.forEach((t: Json, i) => {
      if (typeof t?.templateName === 'string') out.push({ name: t.templateName, clusterScope: t.clusterScope === true, path: `${base}/${i}/templateName` });
    });
  };
  const canary = spec.strategy?.canary;
  if (canary) {
    collect(canary.analysis?.templates, '/spec/strategy/canary/analysis/templates');
    (Array.isArray(canary.steps) ? canary.steps : []).forEach((s: Json, i: number) => {
      collect(s?.analysis?.templates, `/spec/strategy/canary/steps/${i}/analysis/templates`);
      (Array.isArray(s?.experiment?.analyses) ? s.experiment.analyses : []).forEach((a: Json, j: number) => {
        if (typeof a?.templateName === 'string') out.push({ name: a.templateName, clusterScope: a.clusterScope === true, path: `/spec/strategy/canary/steps/${i}/experiment/analyses/${j}/templateName` });
      });
    });
  }
  const blueGreen = spec.strategy?.blueGreen;
  if (blueGreen) {
    collect(blueGreen.prePromotionAnalysis?.templates, '/spec/strategy/blueGreen/prePromotionAnalysis/templates');
    collect(blueGreen.postPromotionAnalysis?.templates, '/spec/strategy/blueGreen/postPromotionAnalysis/templates');
  }
  return out;
}

function checkVirtualServices(index: EnvironmentIndex, r: RenderedObject, ns: NamespaceIndex, canary: Json): Finding[] {
  const istio = canary.trafficRouting?.istio;
  if (!istio) return [];
  const refs: { vs: Json; path: string }[] = [];
  if (istio.virtualService) refs.push({ vs: istio.virtualService, path: '/spec/strategy/canary/trafficRouting/istio/virtualService' });
  (Array.isArray(istio.virtualServices) ? istio.virtualServices : []).forEach((vs: Json, i: number) => refs.push({ vs, path: `/spec/strategy/canary/trafficRouting/istio/virtualServices/${i}` }));
  const known = new Set(index.namespaces.keys());
  const out: Finding[] = [];
  for (const { vs, path } of refs) {
    const [name, vsNamespace] = String(vs?.name ?? '').split('.');
    const where = vsNamespace ? index.lookupNamespace(vsNamespace) : ns;
    const found = where?.get('VirtualService', name);
    if (!found) {
      out.push(missing(r, `${path}/name`, vs?.name, 'VirtualService', where ?? ns, 'render the VirtualService or correct its name'));
      continue;
    }
    const http: Json[] = Array.isArray(specOf(found.object).http) ? specOf(found.object).http : [];
    const routes: string[] = Array.isArray(vs.routes) ? vs.routes : [];
    if (!routes.length && http.length !== 1) {
      out.push({
        object: r, path: `${path}/routes`, value: vs.routes,
        message: `names no routes, and ${objectId(found.object)} has ${http.length} HTTP routes (Argo needs the route named when there is not exactly one)`,
        fix: 'list the route Argo Rollouts should rewrite in routes',
      });
    }
    const selected = routes.length ? routes.map((route, i) => ({ route: http.find((h) => h?.name === route), name: route, path: `${path}/routes/${i}` })) : http.map((h) => ({ route: h, name: h?.name, path: `${path}/routes` }));
    for (const s of selected) {
      if (!s.route) {
        out.push({
          object: r, path: s.path, value: s.name,
          message: `route "${s.name}" is not among ${objectId(found.object)}'s HTTP routes (${http.map((h) => h?.name ?? '(unnamed)').join(', ') || 'none'})`,
          fix: 'name the route in the VirtualService (http[].name) exactly as the Rollout lists it',
        });
        continue;
      }
      const hosts = (Array.isArray(s.route.route) ? s.route.route : [])
        .map((d: Json) => (typeof d?.destination?.host === 'string' ? serviceOfHost(d.destination.host, found.object.metadata.namespace ?? '', known) : undefined))
        .filter((h: { name: string; namespace: string } | undefined): h is { name: string; namespace: string } => !!h && h.namespace === ns.namespace)
        .map((h: { name: string }) => h.name);
      for (const field of ['stableService', 'canaryService'] as const) {
        if (typeof canary[field] === 'string' && !hosts.includes(canary[field])) {
          out.push({
            object: r, path: `/spec/strategy/canary/${field}`, value: canary[field],
            message: `route "${s.name}" of ${objectId(found.object)} has no destination to the ${field === 'stableService' ? 'stable' : 'canary'} Service (destinations: ${hosts.join(', ') || 'none'}), so Argo cannot shift its weight`,
            fix: `give the route one destination per Service: ${canary.stableService} and ${canary.canaryService}`,
            related: objectId(found.object),
          });
        }
      }
    }
  }
  return out;
}

export const rolloutReferences: CrossObjectCheck = {
  id: 'cross-object/rollout-refs',
  summary: "a Rollout's workload, Services, VirtualService routes and AnalysisTemplates resolve",
  check: (index) => index.allNamespaces().flatMap((ns) => ns.ofKind('Rollout').filter(isRollout).flatMap((r): Finding[] => {
    const spec = specOf(r.object);
    const out: Finding[] = [];
    if (spec.workloadRef) {
      if (!index.resolve(ns, spec.workloadRef)) out.push(missing(r, pointer('spec', 'workloadRef', 'name'), spec.workloadRef.name, `workloadRef ${spec.workloadRef.kind ?? ''}`.trim(), ns, 'render the referenced Deployment or correct workloadRef'));
    } else if (!spec.template) {
      out.push({ object: r, path: '/spec', message: 'the Rollout has neither a pod template nor a workloadRef, so it runs nothing', fix: 'set workloadRef to the Deployment whose template it runs' });
    }
    const canary = spec.strategy?.canary;
    if (canary) {
      out.push(...checkServices(r, ns, canary, '/spec/strategy/canary', ['stableService', 'canaryService']));
      out.push(...checkVirtualServices(index, r, ns, canary));
    }
    const blueGreen = spec.strategy?.blueGreen;
    if (blueGreen) out.push(...checkServices(r, ns, blueGreen, '/spec/strategy/blueGreen', ['activeService', 'previewService']));
    for (const a of analysisRefs(spec)) {
      const found = a.clusterScope ? index.clusterScoped.get('ClusterAnalysisTemplate', a.name) : ns.get('AnalysisTemplate', a.name);
      if (!found) out.push(missing(r, a.path, a.name, a.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate', a.clusterScope ? index.clusterScoped : ns, 'render the AnalysisTemplate or correct templateName'));
    }
    return out;
  })),
};

export const rolloutManagedReplicas: CrossObjectCheck = {
  id: 'cross-object/rollout-managed-replicas',
  summary: 'a Deployment that a Rollout runs with scaleDown "never" is rendered with replicas: 0',
  check: (index) => index.allNamespaces().flatMap((ns) => ns.ofKind('Rollout').filter(isRollout).flatMap((r): Finding[] => {
    const ref: Json | undefined = specOf(r.object).workloadRef;
    const target = index.resolve(ns, ref);
    if (!target || target.object.kind !== 'Deployment') return [];
    const scaleDown = ref?.scaleDown ?? 'never';
    const replicas = specOf(target.object).replicas;
    if (scaleDown !== 'never' || replicas === 0) return [];
    return [{
      object: target, path: pointer('spec', 'replicas'), value: replicas,
      message: `${objectId(r.object)} runs this template (workloadRef, scaleDown ${scaleDown}), yet the Deployment keeps ${replicas ?? 'the default 1'} replica(s) of its own, outside the canary`,
      fix: 'render the Deployment with replicas: 0 (or let Argo scale it down with workloadRef.scaleDown: onsuccess)',
      related: objectId(r.object),
    }];
  })),
};
