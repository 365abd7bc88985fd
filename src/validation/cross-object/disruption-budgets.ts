/**
 * PodDisruptionBudgets protect pods without blocking node drains: each selects a rendered pod set,
 * and at the pod set's minimum replicas it still allows one voluntary eviction. A budget that
 * allows none (minAvailable ≥ the minimum, or maxUnavailable 0) makes every drain hang.
 */
import { objectId } from '../../model/object-id';
import { describeSelector, selectorMatches } from '../../model/label-selector';
import { selectedPodSets } from '../object-index';
import { apiGroupOf } from '../../model/api-group';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck, specOf } from './check';

const isPdb = (o: { apiVersion: string; kind: string }) => o.kind === 'PodDisruptionBudget' && apiGroupOf(o.apiVersion) === 'policy';

export const pdbSelector: CrossObjectCheck = {
  id: 'cross-object/pdb-selector',
  summary: 'every PodDisruptionBudget selects a rendered pod set',
  check: (index) => index.allNamespaces().flatMap((ns) => ns.ofKind('PodDisruptionBudget').filter((r) => isPdb(r.object)).flatMap((pdb): Finding[] => {
    const selector = specOf(pdb.object).selector;
    if (selectedPodSets(ns, (labels) => selectorMatches(selector, labels)).length) return [];
    return [{
      object: pdb, path: pointer('spec', 'selector'), value: selector,
      message: `the selector ${describeSelector(selector)} matches no running pod template in namespace ${ns.namespace}`,
      fix: "select the workload's pods by its selector labels (matchLabels)",
    }];
  })),
};

/** Evictions the budget allows when `total` pods are healthy (Kubernetes rounds percentages up). */
export function allowedDisruptions(spec: { minAvailable?: unknown; maxUnavailable?: unknown }, total: number): number {
  const scaled = (v: unknown): number | undefined => {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && /^\d+%$/.test(v)) return Math.ceil((Number(v.slice(0, -1)) * total) / 100);
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
    return undefined;
  };
  const maxUnavailable = scaled(spec.maxUnavailable);
  if (maxUnavailable !== undefined) return Math.max(0, Math.min(maxUnavailable, total));
  const minAvailable = scaled(spec.minAvailable);
  if (minAvailable !== undefined) return Math.max(0, total - minAvailable);
  return total; // neither set: the API server refuses such a budget; the schema check reports it
}

export const pdbBlocksDrain: CrossObjectCheck = {
  id: 'cross-object/pdb-blocks-drain',
  summary: 'no PodDisruptionBudget blocks node drains at the minimum replica count',
  check: (index) => index.allNamespaces().flatMap((ns) => ns.ofKind('PodDisruptionBudget').filter((r) => isPdb(r.object)).flatMap((pdb): Finding[] => {
    const spec = specOf(pdb.object);
    const sets = selectedPodSets(ns, (labels) => selectorMatches(spec.selector, labels)).filter((s) => s.minReplicas);
    if (!sets.length) return [];
    const total = sets.reduce((n, s) => n + (s.minReplicas?.count ?? 0), 0);
    if (total === 0) return [];
    if (allowedDisruptions(spec, total) > 0) return [];
    const field = spec.maxUnavailable !== undefined ? 'maxUnavailable' : 'minAvailable';
    const sources = sets.map((s) => `${objectId(s.minReplicas!.source.object)} ${s.minReplicas!.path} = ${s.minReplicas!.count}`);
    return [{
      object: pdb, path: pointer('spec', field), value: spec[field],
      message: `at the minimum of ${total} pod(s) (${sources.join('; ')}), ${field} ${JSON.stringify(spec[field])} allows no eviction, so every node drain hangs`,
      fix: 'use maxUnavailable: 1 (or a minAvailable below the minimum replica count)',
      related: sources.join('; '),
    }];
  })),
};
