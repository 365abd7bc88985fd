/**
 * Judges scheduled pods against a pod template's topologySpreadConstraints the way the scheduler
 * counts them (PodTopologySpread): for each constraint, the pods of the namespace its labelSelector
 * matches are counted per value of topologyKey over the eligible nodes (nodes with that label;
 * with nodeAffinityPolicy Honor, the default, only nodes the template's nodeSelector and required
 * node affinity accept; with nodeTaintsPolicy Honor, only nodes whose taints it tolerates; the
 * default Ignore counts every node). Skew is the largest count less the smallest (0 for a domain
 * below minDomains). The constraint holds when skew ≤ maxSkew.
 */
import { LabelSelector, Labels, selectorMatches } from '../../src/model/label-selector';

export interface NodeSelectorRequirement { readonly key: string; readonly operator: string; readonly values?: readonly string[] }
export interface NodeSelectorTerm { readonly matchExpressions?: readonly NodeSelectorRequirement[]; readonly matchFields?: readonly NodeSelectorRequirement[] }
export interface Taint { readonly key: string; readonly value?: string; readonly effect: string }
export interface Toleration { readonly key?: string; readonly operator?: string; readonly value?: string; readonly effect?: string }

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: string;
  readonly labelSelector?: LabelSelector;
  readonly minDomains?: number;
  readonly nodeAffinityPolicy?: string;
  readonly nodeTaintsPolicy?: string;
  readonly matchLabelKeys?: readonly string[];
}

/** The parts of a pod spec (or a template's spec) the judgement reads. */
export interface PlacementSpec {
  readonly nodeSelector?: Labels;
  readonly affinity?: { readonly nodeAffinity?: { readonly requiredDuringSchedulingIgnoredDuringExecution?: { readonly nodeSelectorTerms?: readonly NodeSelectorTerm[] } } };
  readonly tolerations?: readonly Toleration[];
  readonly topologySpreadConstraints?: readonly SpreadConstraint[];
}

export interface NodeInfo { readonly name: string; readonly labels: Labels; readonly taints: readonly Taint[] }
export interface PodInfo { readonly namespace: string; readonly name: string; readonly labels: Labels; readonly nodeName?: string; readonly terminating: boolean }

export interface SpreadResult {
  readonly constraint: SpreadConstraint;
  /** Pods per domain value, every eligible domain listed (0 included), sorted by value. */
  readonly counts: Readonly<Record<string, number>>;
  readonly skew: number;
  readonly holds: boolean;
  /** Why the constraint was not judged (e.g. matchLabelKeys), else undefined. */
  readonly notJudged?: string;
}

function requirementHolds(r: NodeSelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return has && values.includes(labels[r.key]);
    case 'NotIn': return !has || !values.includes(labels[r.key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': return has && Number(labels[r.key]) > Number(values[0]);
    case 'Lt': return has && Number(labels[r.key]) < Number(values[0]);
    default: return false;
  }
}

/** Whether the spec's nodeSelector and required node affinity accept the node. */
export function nodeAccepts(spec: PlacementSpec, node: NodeInfo): boolean {
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (node.labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  const fields: Labels = { 'metadata.name': node.name };
  // Terms are ORed, the requirements of one term ANDed; an empty term selects nothing.
  return terms.some((t) => ((t.matchExpressions ?? []).length + (t.matchFields ?? []).length) > 0
    && (t.matchExpressions ?? []).every((r) => requirementHolds(r, node.labels))
    && (t.matchFields ?? []).every((r) => requirementHolds(r, fields)));
}

function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => (t.effect === undefined || t.effect === '' || t.effect === taint.effect)
    && (t.operator === 'Exists' ? (t.key === undefined || t.key === '' || t.key === taint.key)
      : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')));
}

/** Whether every NoSchedule/NoExecute taint of the node is tolerated. */
export function toleratesNode(spec: PlacementSpec, node: NodeInfo): boolean {
  return node.taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute').every((t) => tolerates(spec.tolerations ?? [], t));
}

/** Every constraint of `spec` judged against the pods of `namespace` on `nodes`. */
export function judgeSpread(spec: PlacementSpec, namespace: string, pods: readonly PodInfo[], nodes: readonly NodeInfo[]): SpreadResult[] {
  return (spec.topologySpreadConstraints ?? []).map((c) => {
    if ((c.matchLabelKeys ?? []).length > 0) {
      return { constraint: c, counts: {}, skew: 0, holds: true, notJudged: 'matchLabelKeys depends on each pod\'s own labels' };
    }
    const eligible = nodes.filter((n) => n.labels[c.topologyKey] !== undefined
      && (c.nodeAffinityPolicy === 'Ignore' || nodeAccepts(spec, n))
      && (c.nodeTaintsPolicy !== 'Honor' || toleratesNode(spec, n)));
    const domainOf = new Map(eligible.map((n) => [n.name, n.labels[c.topologyKey]]));
    const counts: Record<string, number> = {};
    for (const d of [...new Set(domainOf.values())].sort()) counts[d] = 0;
    for (const p of pods) {
      if (p.namespace !== namespace || p.terminating || !p.nodeName || !selectorMatches(c.labelSelector, p.labels)) continue;
      const d = domainOf.get(p.nodeName);
      if (d !== undefined) counts[d] += 1;
    }
    const values = Object.values(counts);
    const max = values.length ? Math.max(...values) : 0;
    const min = values.length < (c.minDomains ?? 1) ? 0 : (values.length ? Math.min(...values) : 0);
    const skew = max - min;
    return { constraint: c, counts, skew, holds: skew <= c.maxSkew };
  });
}

/** `zone-a=1 zone-b=1 zone-c=1`. */
export function describeCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts).map(([d, n]) => `${d}=${n}`).join(' ');
}
