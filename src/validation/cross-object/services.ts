/**
 * Services reach pods: each selects a rendered pod set (a Deployment rendered with `replicas: 0`
 * counts when a Rollout runs its template) and each targetPort, by name or number, is declared by
 * the selected pods' containers.
 */
import { objectId } from '../../model/object-id';
import { describeSelector, mapSelectorMatches } from '../../model/label-selector';
import { containersOf, templateLabels } from '../pod-templates';
import { selectedPodSets } from '../object-index';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck, Json, specOf } from './check';

const isCoreService = (o: { apiVersion: string; kind: string }) => o.kind === 'Service' && o.apiVersion === 'v1';

export const serviceSelector: CrossObjectCheck = {
  id: 'cross-object/service-selector',
  summary: 'every Service selects a rendered pod set',
  check: (index) => index.allNamespaces().flatMap((ns) => ns.ofKind('Service').filter((r) => isCoreService(r.object)).flatMap((r): Finding[] => {
    const spec = specOf(r.object);
    if (spec.type === 'ExternalName') return [];
    const selector: Record<string, string> = spec.selector ?? {};
    const fix = 'select the pods by their selector labels (app.kubernetes.io/name, instance, component), exactly as the workload\'s pod template carries them';
    if (!Object.keys(selector).length) {
      return [{ object: r, path: pointer('spec', 'selector'), value: spec.selector, message: 'the Service has no selector, so no pods back it', fix }];
    }
    if (selectedPodSets(ns, (labels) => mapSelectorMatches(selector, labels)).length) return [];
    const templates = ns.templates.map((t) => `${objectId(t.owner.object)} ${describeSelector(templateLabels(t))}`);
    return [{
      object: r, path: pointer('spec', 'selector'), value: selector,
      message: `the selector ${describeSelector(selector)} matches no running pod template in namespace ${ns.namespace || '(none)'}${templates.length ? ` (templates: ${templates.join('; ')})` : ' (it has none)'}`,
      fix,
    }];
  })),
};

export const serviceTargetPort: CrossObjectCheck = {
  id: 'cross-object/service-target-port',
  summary: 'every Service targetPort (name or number) is declared by the selected containers',
  check: (index) => index.allNamespaces().flatMap((ns) => ns.ofKind('Service').filter((r) => isCoreService(r.object)).flatMap((r): Finding[] => {
    const spec = specOf(r.object);
    const selector: Record<string, string> = spec.selector ?? {};
    if (spec.type === 'ExternalName' || !Object.keys(selector).length) return [];
    const sets = selectedPodSets(ns, (labels) => mapSelectorMatches(selector, labels));
    const ports: Json[] = Array.isArray(spec.ports) ? spec.ports : [];
    const out: Finding[] = [];
    ports.forEach((port, i) => {
      const target = port?.targetPort ?? port?.port;
      for (const set of sets) {
        const declared = containersOf(set.template.template, ['containers']).flatMap((c) => (Array.isArray(c.container.ports) ? c.container.ports : []));
        const found = declared.some((p: Json) => (typeof target === 'number' ? p?.containerPort === target : p?.name === target || String(p?.containerPort) === String(target)));
        if (!found) {
          const list = declared.map((p: Json) => (p?.name ? `${p.containerPort} (${p.name})` : String(p?.containerPort))).join(', ') || 'none';
          out.push({
            object: r, path: pointer('spec', 'ports', i, port?.targetPort === undefined ? 'port' : 'targetPort'), value: target,
            message: `port "${port?.name ?? i}" targets ${JSON.stringify(target)}, which the containers of ${objectId(set.template.owner.object)} do not declare (declared: ${list})`,
            fix: 'set targetPort to a declared container port, preferably by its name (e.g. "http")',
          });
        }
      }
    });
    return out;
  })),
};
