/**
 * The capacity plan's step between loading the config and rendering it: environments that opt in
 * (`capacity.applyToEnvironment`) take each workflow's HPA bounds from the plan. It runs after
 * `loadConfig` (which only parses and checks) and before the charts, in the synthesis
 * pipeline and the synth command.
 */
import { Environment } from '../config/schema';
import { PlatformConfig, ResolvedWorkflow } from '../config/resolved';
import { workflowCapacity } from '../config/features/capacity';
import { cpuCores, memoryMebibytes } from '../model/quantity';
import { plannedScaling } from './apply';
import { PLANNED_MEMORY_FILL_PERCENT, planCapacity } from './planner';

/** The loaded config with every opted-in environment's workflows sized by their plan; others unchanged. */
export function applyCapacityPlans(config: PlatformConfig): PlatformConfig {
  return {
    ...config,
    environments: config.environments.map((e) => ({ ...e, workflows: e.workflows.map((wf) => applyCapacityPlan(e.environment, wf)) })),
  };
}

/**
 * Environments that opt in (`capacity.applyToEnvironment`) take each workflow's HPA bounds from the
 * capacity plan, computed at that workflow's own requests and utilization targets.
 */
export function applyCapacityPlan(env: Environment, wf: ResolvedWorkflow): ResolvedWorkflow {
  if (!env.capacity?.applyToEnvironment) return wf;
  const s = wf.settings;
  // The workflow's own profile over the environment's (checked by checkServerSizing).
  const merged = workflowCapacity(env.capacity, s.capacity);
  const capacity = merged.success ? merged.data : env.capacity;
  const plan = planCapacity(capacity, {
    cpuRequestCores: cpuCores(s.resources.requests.cpu),
    memoryRequestMebibytes: memoryMebibytes(s.resources.requests.memory),
    cpuTargetUtilization: s.autoscaling.cpuUtilization / 100,
    memoryTargetUtilization: (s.autoscaling.memoryUtilization ?? PLANNED_MEMORY_FILL_PERCENT) / 100,
  });
  const scaling = plannedScaling(env.capacity, plan)!;
  return {
    ...wf,
    settings: { ...s, autoscaling: { ...s.autoscaling, ...scaling.autoscaling } },
    capacityProfile: plan.profileName,
  };
}
