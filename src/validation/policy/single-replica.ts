/**
 * An API workload keeps at least two pods (HPA minReplicas, or replicas without an HPA), so a
 * node drain or a crash never takes the API down. The dev environment waives this in its config.
 */
import { objectId } from '../../model/object-id';
import { PolicyRule } from './rule';

/** The component label value of API pods (label contract). */
export const API_COMPONENT = 'api';
export const MIN_API_REPLICAS = 2;

export const singleReplica: PolicyRule = {
  id: 'policy/single-replica',
  summary: `API workloads (app.kubernetes.io/component=${API_COMPONENT}) keep at least ${MIN_API_REPLICAS} replicas`,
  checkTemplate: (t, ctx) => {
    if (t.template.metadata?.labels?.['app.kubernetes.io/component'] !== API_COMPONENT) return [];
    const set = ctx.index.podSetOf(t.owner);
    // Report once per pod set, on the workload that runs it (a Rollout's Deployment is checked through the Rollout).
    if (!set?.minReplicas || !set.runsPods || set.template !== t) return [];
    const min = set.minReplicas;
    if (min.count >= MIN_API_REPLICAS) return [];
    const viaHpa = min.source !== set.runner;
    return [{
      object: set.runner,
      path: '/spec/replicas',
      value: min.count,
      message: viaHpa
        ? `the API runs as few as ${min.count} replica(s): ${objectId(min.source.object)} has minReplicas ${min.count}`
        : `the API runs ${min.count} replica(s)`,
      fix: `keep at least ${MIN_API_REPLICAS} replicas (autoscaling.minReplicas in the config), or waive policy/single-replica for this object in the environment's waivers with a reason`,
      ...(viaHpa ? { related: `${objectId(min.source.object)} ${min.path}` } : {}),
    }];
  },
};
