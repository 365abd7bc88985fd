import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { CONFIG_DIR, committed } from '../helpers';
import { synthesize } from '../../src/synth/pipeline';
import { PLANNED_MEMORY_FILL_PERCENT, planCapacity } from '../../src/capacity/planner';
import { capacitySchema } from '../../src/config/features/capacity';
import { CAPACITY_PROFILE_ANNOTATION } from '../../src/constructs/labels';

/** A small profile: 400 DAU, 10 % concurrent, 30 requests per user in the peak hour. */
const PROFILE = { name: 'pilot-400-dau', dailyActiveUsers: 400, peakConcurrentRatio: 0.1, requestsPerUserPeakHour: 30, workflowDurationSeconds: 3, payloadPerRequestMebibytes: 0.5 };

function configWithCapacity(apply: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capacity-cfg-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  const file = path.join(dir, 'environments', 'staging.yaml');
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  doc.set('capacity', doc.createNode({ profile: PROFILE, applyToEnvironment: apply }));
  fs.writeFileSync(file, doc.toString());
  return dir;
}

test('an environment that opts in takes each workflow\'s HPA bounds from the plan, and says which profile', () => {
  const result = synthesize(configWithCapacity(true), { environments: ['staging'] });
  for (const wf of result.config.environments[0].workflows) {
    const s = wf.settings;
    const plan = planCapacity(capacitySchema.parse({ profile: PROFILE, applyToEnvironment: true }), {
      cpuRequestCores: parseInt(s.resources.requests.cpu, 10) / (s.resources.requests.cpu.endsWith('m') ? 1000 : 1),
      memoryRequestMebibytes: parseInt(s.resources.requests.memory, 10) * (s.resources.requests.memory.endsWith('Gi') ? 1024 : 1),
      cpuTargetUtilization: s.autoscaling.cpuUtilization / 100,
      memoryTargetUtilization: (s.autoscaling.memoryUtilization ?? PLANNED_MEMORY_FILL_PERCENT) / 100,
    });
    const hpa = result.objects.find((o) => o.workflow === wf.name && o.object.kind === 'HorizontalPodAutoscaler' && o.object.metadata.name === `${wf.name}-api`)!.object as any;
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([plan.pods.recommendedMinReplicas, plan.pods.recommendedMaxReplicas]);
    expect(hpa.metadata.annotations[CAPACITY_PROFILE_ANNOTATION]).toBe('pilot-400-dau');
  }
  expect(result.gate.violations).toEqual([]);
});

test('without opting in (or without a capacity block) the configured bounds stay and no annotation appears', () => {
  const off = synthesize(configWithCapacity(false), { environments: ['staging'] });
  const configured = committed().objects.filter((o) => o.environment === 'staging' && o.object.kind === 'HorizontalPodAutoscaler');
  const rendered = off.objects.filter((o) => o.object.kind === 'HorizontalPodAutoscaler');
  expect(rendered.map((o) => (o.object as any).spec)).toEqual(configured.map((o) => (o.object as any).spec));
  for (const o of [...off.objects, ...committed().objects]) expect(o.object.metadata.annotations?.[CAPACITY_PROFILE_ANNOTATION]).toBeUndefined();
});
