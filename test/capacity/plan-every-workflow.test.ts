/**
 * `npm run plan` without --workflow plans every workflow of the catalog (it once planned only
 * workflowDefaults), each at its own requests, with sizing and cost that agree.
 */
import { runPlan } from '../../src/cli/plan';
import { CONFIG_DIR } from '../helpers';

function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runPlan(argv, (t) => (stdout += t), (t) => (stderr += t));
  return { code, stdout, stderr };
}

test('prod: one row per workflow of workflows.yaml plus totals, pods × requested cores = priced cores', () => {
  const r = run(['--config', CONFIG_DIR, '--env', 'prod', '--json']);
  expect(r.code).toBe(0);
  const body = JSON.parse(r.stdout);
  expect(body.workflows.map((w: any) => w.workflow)).toEqual(['support-agent', 'research-assistant', 'doc-summarizer']);
  for (const w of body.workflows) {
    const pods = w.plan.pods;
    const priced = w.plan.monthlyCost.providers.aws.items.compute.billedQuantity / w.plan.monthlyCost.hoursPerMonth;
    expect(priced).toBeCloseTo(pods.recommendedMaxReplicas * pods.podSizing.cpuRequestCores, 6);
    expect(w.configuredReplicas).toBeDefined();
  }
  // Each workflow's own configured bounds (research-assistant sets 4–40 in prod).
  expect(body.workflows[1].configuredReplicas).toEqual({ minReplicas: 4, maxReplicas: 40 });
  expect(body.totals.podsAtMaxReplicas).toBe(body.workflows.reduce((s: number, w: any) => s + w.plan.pods.recommendedMaxReplicas, 0));

  const table = run(['--config', CONFIG_DIR, '--env', 'prod']);
  expect(table.code).toBe(0);
  for (const name of ['support-agent', 'research-assistant', 'doc-summarizer', 'total']) expect(table.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
});
