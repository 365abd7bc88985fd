/**
 * Pod placement: replicas spread softly over zones and nodes (so a small cluster still schedules
 * them), plus the optional priority class and spot-friendly placement from config.
 */

/** A taint the pods tolerate. */
export interface Toleration {
  readonly key: string;
  /** @default 'Exists' */
  readonly operator?: 'Equal' | 'Exists';
  /** Taint value (operator `Equal`). @default - any */
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Part of the replicas on spot (preemptible) nodes, spread so the on-demand share survives a reclaim. */
export interface SpotPlacement {
  /** @default false */
  readonly enabled?: boolean;
  /** Node label telling spot from on-demand nodes. @default 'karpenter.sh/capacity-type' */
  readonly capacityTypeLabel?: string;
  /** @default 'spot' */
  readonly spotValue?: string;
  /** @default 'on-demand' */
  readonly onDemandValue?: string;
  /** Taints of spot node pools. @default [] */
  readonly tolerations?: readonly Toleration[];
  /** Weight (1–100) of the preference for spot nodes. @default 50 */
  readonly preferSpotWeight?: number;
  /** Spot and on-demand replica counts differ by at most this many. @default 1 */
  readonly maxSkew?: number;
}

export const SPOT_DEFAULTS = {
  enabled: false, capacityTypeLabel: 'karpenter.sh/capacity-type', spotValue: 'spot', onDemandValue: 'on-demand',
  tolerations: [] as readonly Toleration[], preferSpotWeight: 50, maxSkew: 1,
} as const;

/** A node label requirement, as Kubernetes' NodeSelectorRequirement. */
export interface NodeRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  /** @default - none (Exists, DoesNotExist) */
  readonly values?: readonly string[];
}

/** Requirements that all hold (Kubernetes' NodeSelectorTerm, by labels). */
export interface NodeTerm {
  /** @default [] */
  readonly matchExpressions?: readonly NodeRequirement[];
}

/** Kubernetes' LabelSelector. */
export interface PodLabelSelector {
  /** @default {} */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }[];
}

/** Kubernetes' PodAffinityTerm. */
export interface PodAffinityTerm {
  readonly topologyKey: string;
  /** @default - no pods */
  readonly labelSelector?: PodLabelSelector;
  /** @default - the pod's own namespace */
  readonly namespaces?: readonly string[];
  /** @default - the pod's own namespace */
  readonly namespaceSelector?: PodLabelSelector;
}

/** Hard and soft terms of one kind of pod (anti-)affinity. */
export interface PodAffinityRules {
  /** @default [] */
  readonly requiredDuringSchedulingIgnoredDuringExecution?: readonly PodAffinityTerm[];
  /** @default [] */
  readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly { readonly weight: number; readonly podAffinityTerm: PodAffinityTerm }[];
}

/** Kubernetes' Affinity, as the config gives it; merged with the platform's (see podScheduling). */
export interface ExtraAffinity {
  /** @default - none */
  readonly nodeAffinity?: {
    /** @default - none */
    readonly requiredDuringSchedulingIgnoredDuringExecution?: { readonly nodeSelectorTerms: readonly NodeTerm[] };
    /** @default [] */
    readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly { readonly weight: number; readonly preference: NodeTerm }[];
  };
  /** @default - none */
  readonly podAffinity?: PodAffinityRules;
  /** @default - the platform's preferred hostname anti-affinity only */
  readonly podAntiAffinity?: PodAffinityRules;
}

export interface Scheduling {
  /** A PriorityClass that exists in the cluster (synth renders the config's: `WorkloadPriorityClass`). @default - the cluster default */
  readonly priorityClassName?: string;
  /** @default - no spot placement */
  readonly spot?: SpotPlacement;
  /** Node labels every pod requires (Kubernetes' `nodeSelector`). @default {} */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints tolerated besides the spot pools'. @default [] */
  readonly tolerations?: readonly Toleration[];
  /**
   * Affinity merged with the platform's: required node terms are each combined (AND) with the
   * spot placement's, preferences and pod (anti-)affinity terms appended after the platform's, so
   * the spread and the hostname anti-affinity always stay. @default - the platform's only
   */
  readonly affinity?: ExtraAffinity;
}

/** A conflict between the free-form placement and the platform's: where, the value, what to do. */
export interface SchedulingConflict {
  readonly path: (string | number)[];
  readonly value: unknown;
  readonly message: string;
}

const NEEDS_VALUES = ['In', 'NotIn'];
const NO_VALUES = ['Exists', 'DoesNotExist'];

function requirementProblems(r: { readonly key: string; readonly operator: string; readonly values?: readonly string[] }, path: (string | number)[]): SchedulingConflict[] {
  const n = r.values?.length ?? 0;
  if (NEEDS_VALUES.includes(r.operator) && n === 0) return [{ path: [...path, 'values'], value: r.values, message: `operator ${r.operator} needs at least one value (Kubernetes refuses the pod); add values or use Exists` }];
  if (NO_VALUES.includes(r.operator) && n > 0) return [{ path: [...path, 'values'], value: r.values, message: `operator ${r.operator} takes no values (Kubernetes refuses the pod); remove values or use In` }];
  if ((r.operator === 'Gt' || r.operator === 'Lt') && (n !== 1 || !/^-?\d+$/.test(r.values![0]))) {
    return [{ path: [...path, 'values'], value: r.values, message: `operator ${r.operator} needs exactly one integer value; give one, e.g. values: ["3"]` }];
  }
  return [];
}

const sameTaint = (a: Toleration, b: Toleration) => a.key === b.key && (a.operator ?? 'Exists') === (b.operator ?? 'Exists') && (a.value ?? '') === (b.value ?? '');

/**
 * Where the free-form placement (nodeSelector, tolerations, affinity) contradicts itself or the
 * spot placement: a selector or node term on the capacity-type label while spot is on (it would
 * pin every replica to one capacity type and defeat the spread that keeps a share on on-demand
 * nodes), a toleration of a spot taint with another effect, a toleration listed twice, or a
 * requirement Kubernetes would refuse. Paths are relative to `scheduling`.
 */
export function schedulingConflicts(scheduling: Scheduling | undefined): SchedulingConflict[] {
  if (!scheduling) return [];
  const out: SchedulingConflict[] = [];
  const spot = scheduling.spot?.enabled ? { ...SPOT_DEFAULTS, ...scheduling.spot } : undefined;
  const label = spot?.capacityTypeLabel;
  const spotFix = 'remove it (the spread already keeps a share on on-demand nodes), or turn spot.enabled off';
  if (label !== undefined && scheduling.nodeSelector && label in scheduling.nodeSelector) {
    out.push({ path: ['nodeSelector', label], value: scheduling.nodeSelector[label], message: `pins every replica to ${label}=${scheduling.nodeSelector[label]} while spot.enabled spreads them over spot and on-demand nodes (the on-demand share is what survives a spot reclaim); ${spotFix}` });
  }
  const nodeAffinity = scheduling.affinity?.nodeAffinity;
  const terms: [(string | number)[], NodeTerm][] = [
    ...(nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []).map((t, i): [(string | number)[], NodeTerm] => [['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms', i], t]),
    ...(nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p, i): [(string | number)[], NodeTerm] => [['affinity', 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution', i, 'preference'], p.preference]),
  ];
  for (const [path, term] of terms) {
    (term.matchExpressions ?? []).forEach((r, j) => {
      const at = [...path, 'matchExpressions', j];
      if (label !== undefined && r.key === label) {
        out.push({ path: [...at, 'key'], value: r.key, message: `selects nodes by ${label}, which the spot placement owns while spot.enabled is on (its preference and its hard spread over capacity type); ${spotFix}` });
      }
      out.push(...requirementProblems(r, at));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const rules = scheduling.affinity?.[kind];
    const podTerms: [(string | number)[], PodAffinityTerm][] = [
      ...(rules?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t, i): [(string | number)[], PodAffinityTerm] => [['affinity', kind, 'requiredDuringSchedulingIgnoredDuringExecution', i], t]),
      ...(rules?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w, i): [(string | number)[], PodAffinityTerm] => [['affinity', kind, 'preferredDuringSchedulingIgnoredDuringExecution', i, 'podAffinityTerm'], w.podAffinityTerm]),
    ];
    for (const [path, t] of podTerms) {
      (t.labelSelector?.matchExpressions ?? []).forEach((r, j) => out.push(...requirementProblems(r, [...path, 'labelSelector', 'matchExpressions', j])));
    }
  }
  const tolerations = scheduling.tolerations ?? [];
  tolerations.forEach((t, i) => {
    if ((t.operator ?? 'Exists') === 'Exists' && t.value !== undefined) {
      out.push({ path: ['tolerations', i, 'value'], value: t.value, message: 'operator Exists tolerates any value and takes none; remove value or use operator Equal' });
    }
    const spotTwin = (spot?.tolerations ?? []).find((s) => sameTaint(s, t));
    if (spotTwin && spotTwin.effect !== t.effect) {
      out.push({ path: ['tolerations', i, 'effect'], value: t.effect, message: `tolerates spot taint "${t.key}" with effect ${t.effect}, but spot.tolerations tolerates it with ${spotTwin.effect}; keep one: change spot.tolerations, or remove this entry` });
    } else if (spotTwin) {
      out.push({ path: ['tolerations', i], value: t.key, message: `repeats the spot toleration of "${t.key}" (spot.tolerations renders it already); remove it` });
    }
    const earlier = tolerations.findIndex((o) => sameTaint(o, t));
    if (earlier < i) {
      out.push({ path: ['tolerations', i], value: t.key, message: `tolerates taint "${t.key}" again (entry ${earlier}${tolerations[earlier].effect !== t.effect ? ` with effect ${tolerations[earlier].effect}` : ''}); keep one entry per taint: remove this one` });
    }
  });
  return out;
}

export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

export interface PodSchedulingFields {
  readonly topologySpreadConstraints: Record<string, unknown>[];
  readonly affinity: Record<string, unknown>;
  readonly tolerations?: Record<string, unknown>[];
  readonly nodeSelector?: Record<string, string>;
  readonly priorityClassName?: string;
}

function toleration(t: Toleration): Record<string, unknown> {
  return { ...t, ...(t.operator ? {} : { operator: 'Exists' }) };
}

/** The config's terms after the platform's (which come first and always stay). */
function podAffinityRules(rules: PodAffinityRules, platformPreferred: readonly unknown[]): Record<string, unknown> {
  const preferred = [...platformPreferred, ...(rules.preferredDuringSchedulingIgnoredDuringExecution ?? [])];
  return {
    ...(preferred.length ? { preferredDuringSchedulingIgnoredDuringExecution: preferred } : {}),
    ...(rules.requiredDuringSchedulingIgnoredDuringExecution?.length ? { requiredDuringSchedulingIgnoredDuringExecution: rules.requiredDuringSchedulingIgnoredDuringExecution } : {}),
  };
}

export function podScheduling(selector: Readonly<Record<string, string>>, scheduling?: Scheduling): PodSchedulingFields {
  const labelSelector = { matchLabels: { ...selector } };
  const spread: Record<string, unknown>[] = [
    { maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
    { maxSkew: 1, topologyKey: HOSTNAME_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
  ];
  const affinity: Record<string, unknown> = {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: HOSTNAME_TOPOLOGY_KEY, labelSelector } },
      ],
    },
  };
  const spot = scheduling?.spot ? { ...SPOT_DEFAULTS, ...scheduling.spot } : undefined;
  let tolerations: Record<string, unknown>[] | undefined;
  let requiredNodeTerms: NodeTerm[] | undefined;
  const preferredNode: Record<string, unknown>[] = [];
  if (spot?.enabled) {
    // Prefer spot for cost, but a hard spread over capacity type keeps a share on on-demand nodes.
    spread.push({ maxSkew: spot.maxSkew, topologyKey: spot.capacityTypeLabel, whenUnsatisfiable: 'DoNotSchedule', labelSelector });
    preferredNode.push({
      weight: spot.preferSpotWeight,
      preference: { matchExpressions: [{ key: spot.capacityTypeLabel, operator: 'In', values: [spot.spotValue] }] },
    });
    // Only nodes that carry the label take part, so the spread has exactly two domains.
    requiredNodeTerms = [{ matchExpressions: [{ key: spot.capacityTypeLabel, operator: 'In', values: [spot.spotValue, spot.onDemandValue] }] }];
    tolerations = spot.tolerations.map(toleration);
  }

  // The config's placement, merged so the platform's never drops out.
  const extra = scheduling?.affinity;
  const userRequired = extra?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (userRequired?.length) {
    // Terms are ORed and a term's expressions ANDed: (A or B) and S is (A and S) or (B and S).
    const platform = requiredNodeTerms?.[0]?.matchExpressions ?? [];
    requiredNodeTerms = userRequired.map((t) => ({ matchExpressions: [...(t.matchExpressions ?? []), ...platform] }));
  }
  preferredNode.push(...(extra?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []));
  if (requiredNodeTerms || preferredNode.length) {
    affinity.nodeAffinity = {
      ...(preferredNode.length ? { preferredDuringSchedulingIgnoredDuringExecution: preferredNode } : {}),
      ...(requiredNodeTerms ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: requiredNodeTerms } } : {}),
    };
  }
  if (extra?.podAffinity) affinity.podAffinity = podAffinityRules(extra.podAffinity, []);
  if (extra?.podAntiAffinity) affinity.podAntiAffinity = podAffinityRules(extra.podAntiAffinity, (affinity.podAntiAffinity as any).preferredDuringSchedulingIgnoredDuringExecution);
  if (scheduling?.tolerations?.length) tolerations = [...(tolerations ?? []), ...scheduling.tolerations.map(toleration)];
  const nodeSelector = scheduling?.nodeSelector && Object.keys(scheduling.nodeSelector).length
    ? Object.fromEntries(Object.keys(scheduling.nodeSelector).sort().map((k) => [k, scheduling.nodeSelector![k]]))
    : undefined;
  return {
    topologySpreadConstraints: spread,
    affinity,
    ...(nodeSelector ? { nodeSelector } : {}),
    ...(tolerations && tolerations.length ? { tolerations } : {}),
    ...(scheduling?.priorityClassName ? { priorityClassName: scheduling.priorityClassName } : {}),
  };
}
