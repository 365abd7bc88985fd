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

export interface Scheduling {
  /** A PriorityClass that exists in the cluster (synth renders the config's: `WorkloadPriorityClass`). @default - the cluster default */
  readonly priorityClassName?: string;
  /** @default - no spot placement */
  readonly spot?: SpotPlacement;
}

export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

export interface PodSchedulingFields {
  readonly topologySpreadConstraints: Record<string, unknown>[];
  readonly affinity: Record<string, unknown>;
  readonly tolerations?: Record<string, unknown>[];
  readonly priorityClassName?: string;
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
  if (spot?.enabled) {
    // Prefer spot for cost, but a hard spread over capacity type keeps a share on on-demand nodes.
    spread.push({ maxSkew: spot.maxSkew, topologyKey: spot.capacityTypeLabel, whenUnsatisfiable: 'DoNotSchedule', labelSelector });
    affinity.nodeAffinity = {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: spot.preferSpotWeight,
        preference: { matchExpressions: [{ key: spot.capacityTypeLabel, operator: 'In', values: [spot.spotValue] }] },
      }],
      // Only nodes that carry the label take part, so the spread has exactly two domains.
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: spot.capacityTypeLabel, operator: 'In', values: [spot.spotValue, spot.onDemandValue] }] }],
      },
    };
    tolerations = spot.tolerations.map((t) => ({ ...t, ...(t.operator ? {} : { operator: 'Exists' }) }));
  }
  return {
    topologySpreadConstraints: spread,
    affinity,
    ...(tolerations && tolerations.length ? { tolerations } : {}),
    ...(scheduling?.priorityClassName ? { priorityClassName: scheduling.priorityClassName } : {}),
  };
}
