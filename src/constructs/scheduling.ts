/**
 * Pod placement: replicas spread softly over zones and nodes (so a small cluster still schedules
 * them), plus the optional priority class and spot-friendly placement from config.
 */
import type { Scheduling } from '../config/features/pod';

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
  const spot = scheduling?.spot;
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
    tolerations = spot.tolerations.map((t) => ({ ...t }));
  }
  return {
    topologySpreadConstraints: spread,
    affinity,
    ...(tolerations && tolerations.length ? { tolerations } : {}),
    ...(scheduling?.priorityClassName ? { priorityClassName: scheduling.priorityClassName } : {}),
  };
}
