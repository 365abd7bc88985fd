import { CAPACITY_PROFILE_ANNOTATION, plannedScaling } from '../../src/capacity/apply';
import { planCapacity } from '../../src/capacity/planner';
import { capacitySchema } from '../../src/config/features/capacity';

const POD = { cpuRequestCores: 0.25, memoryRequestMebibytes: 256, cpuTargetUtilization: 0.7, memoryTargetUtilization: 0.8 };

describe('plannedScaling', () => {
  it('changes nothing unless the environment opts in', () => {
    const capacity = capacitySchema.parse({});
    expect(plannedScaling(capacity, planCapacity(capacity, POD))).toBeUndefined();
  });

  it('gives an opted-in environment the plan HPA bounds and names the profile', () => {
    const capacity = capacitySchema.parse({ applyToEnvironment: true, profile: { name: 'prod-peak' } });
    const plan = planCapacity(capacity, POD);
    expect(plannedScaling(capacity, plan)).toEqual({
      autoscaling: { minReplicas: 133, maxReplicas: 477 }, // playbook example at 250m / 256Mi, 70 % / 80 %
      annotations: { [CAPACITY_PROFILE_ANNOTATION]: 'prod-peak' },
    });
  });
});
