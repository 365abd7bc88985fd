/** Spread replicas over zones and nodes, softly, so a small cluster can still schedule them. */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

export function podScheduling(selector: Record<string, string>) {
  const labelSelector = { matchLabels: { ...selector } };
  return {
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
      { maxSkew: 1, topologyKey: HOSTNAME_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: HOSTNAME_TOPOLOGY_KEY, labelSelector } },
        ],
      },
    },
  };
}
