/**
 * What an environment that opts in (`capacity.applyToEnvironment: true`) takes from its plan: the
 * HPA bounds, and an annotation naming the profile so a reader of the manifests can trace them.
 * Requests stay the environment's own: the plan is computed at those requests, so they are already
 * the plan's.
 */
import { CapacityPlan } from './planner';
import { CapacityConfig } from '../config/features/capacity';

import { CAPACITY_PROFILE_ANNOTATION } from '../constructs/labels';

export { CAPACITY_PROFILE_ANNOTATION };

export interface PlannedScaling {
  /** Merge over `workflowDefaults.autoscaling`. */
  readonly autoscaling: { readonly minReplicas: number; readonly maxReplicas: number };
  readonly annotations: Readonly<Record<string, string>>;
}

/** The overrides for an opted-in environment, or undefined when it has not opted in. */
export function plannedScaling(capacity: CapacityConfig, plan: CapacityPlan): PlannedScaling | undefined {
  if (!capacity.applyToEnvironment) return undefined;
  return {
    autoscaling: { minReplicas: plan.pods.recommendedMinReplicas, maxReplicas: plan.pods.recommendedMaxReplicas },
    annotations: { [CAPACITY_PROFILE_ANNOTATION]: plan.profileName },
  };
}
