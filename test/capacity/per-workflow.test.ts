/**
 * The capacity profile is per workflow: a catalog entry's own `capacity:` (profile, coefficients),
 * requests and HPA targets are planned over the environment's, and what is priced is what the
 * planned pods request.
 */
import { ConfigError } from '../../src/config/errors';
import { loadCapacityInputs } from '../../src/capacity/inputs';
import { planCapacity } from '../../src/capacity/planner';
import { workflowCapacity } from '../../src/config/features/capacity';
import { writeConfig } from './config-fixture';
import { CONFIG_DIR } from '../helpers';

const CATALOG = `workflows:
  - name: chat
    overrides:
      capacity: { profile: { name: chat-peak, dailyActiveUsers: 2000 } }
    environments:
      prod:
        resources: { requests: { cpu: 500m, memory: 1Gi, ephemeralStorage: 1Gi }, limits: { cpu: "1", memory: 2Gi, ephemeralStorage: 2Gi } }
        capacity: { coefficients: { memoryMebibytesPerSession: 20 } }
  - name: batch
`;

function dir(): string {
  return writeConfig({
    'defaults.yaml': 'capacity: { profile: { dailyActiveUsers: 10000, peakConcurrentRatio: 0.1 } }\nworkflowDefaults:\n  autoscaling: { cpuUtilization: 70 }\n',
    'environments/prod.yaml': 'name: prod\n',
    'workflows.yaml': CATALOG,
  });
}

test("a workflow's own profile, coefficients and requests are merged over the environment's", () => {
  const chat = loadCapacityInputs(dir(), 'prod', 'chat');
  expect(chat.capacity.profile).toMatchObject({ name: 'chat-peak', dailyActiveUsers: 2000, peakConcurrentRatio: 0.1 });
  expect(chat.capacity.coefficients.memoryMebibytesPerSession).toBe(20);
  expect(chat.podSizing).toEqual({ cpuRequestCores: 0.5, memoryRequestMebibytes: 1024, cpuTargetUtilization: 0.7, memoryTargetUtilization: 0.8 });
  expect(chat.sources.map((s) => s.split('/').pop())).toEqual(['defaults.yaml', 'prod.yaml', 'workflows.yaml']);

  // Without overrides: the environment's profile at the rendered default requests (1 cpu, 2Gi).
  const batch = loadCapacityInputs(dir(), 'prod', 'batch');
  expect(batch.capacity.profile).toMatchObject({ name: 'playbook-reference', dailyActiveUsers: 10_000 });
  expect(batch.podSizing.cpuRequestCores).toBe(1);
  expect(batch.podSizing.memoryRequestMebibytes).toBe(2048);
});

test('an unknown workflow names the ones that exist', () => {
  try {
    loadCapacityInputs(dir(), 'prod', 'chta');
    throw new Error('expected a ConfigError');
  } catch (e) {
    expect((e as ConfigError).issues.map((i) => i.message)).toEqual(['no such workflow; pass --workflow with one of: chat, batch']);
  }
});

test.each([['prod', 'research-assistant'], ['prod', 'support-agent'], ['staging', 'doc-summarizer'], ['dev', 'support-agent']])(
  'committed config, %s/%s: pods × requested cores = priced cores, pods × requested memory = priced memory',
  (env, workflow) => {
    const inputs = loadCapacityInputs(CONFIG_DIR, env, workflow);
    const plan = planCapacity(inputs.capacity, inputs.podSizing);
    for (const provider of ['aws', 'azure', 'gcp'] as const) {
      const items = plan.monthlyCost.providers[provider].items;
      expect(items.compute.billedQuantity / plan.monthlyCost.hoursPerMonth).toBeCloseTo(plan.pods.recommendedMaxReplicas * inputs.podSizing.cpuRequestCores, 9);
      expect(items.memory.billedQuantity / plan.monthlyCost.hoursPerMonth).toBeCloseTo((plan.pods.recommendedMaxReplicas * inputs.podSizing.memoryRequestMebibytes) / 1024, 9);
    }
  },
);

test('the config loader refuses a workflow override that the merged capacity block rejects', () => {
  const merged = workflowCapacity({}, { profile: { peakConcurrentRatio: 15 } });
  expect(merged.success).toBe(false);
  expect(workflowCapacity({ profile: { dailyActiveUsers: 5 } }, { profile: { name: 'x' } }).data?.profile).toMatchObject({ name: 'x', dailyActiveUsers: 5 });
});
