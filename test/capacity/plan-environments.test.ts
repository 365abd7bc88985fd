import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { CONFIG_DIR } from '../helpers';
import { loadConfig } from '../../src/config/load';
import { applyCapacityPlans } from '../../src/capacity/plan-environments';

/** The committed config with staging opted in to a small profile. */
function optedIn(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-envs-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  const file = path.join(dir, 'environments', 'staging.yaml');
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  const profile = { name: 'pilot-400-dau', dailyActiveUsers: 400, peakConcurrentRatio: 0.1, requestsPerUserPeakHour: 30, workflowDurationSeconds: 3, payloadPerRequestMebibytes: 0.5 };
  doc.set('capacity', doc.createNode({ profile, applyToEnvironment: true }));
  fs.writeFileSync(file, doc.toString());
  return dir;
}

test('loading parses and checks only; the plan is a separate step that sizes opted-in environments alone', () => {
  const loaded = loadConfig(optedIn());
  for (const e of loaded.environments) for (const wf of e.workflows) expect(wf.capacityProfile).toBeUndefined();

  const planned = applyCapacityPlans(loaded);
  for (const [i, e] of planned.environments.entries()) {
    const before = loaded.environments[i];
    expect(e.environment).toBe(before.environment);
    if (e.environment.name === 'staging') {
      for (const wf of e.workflows) expect(wf.capacityProfile).toBe('pilot-400-dau');
    } else {
      // Environments that did not opt in come through as loaded, object for object.
      expect(e.workflows).toEqual(before.workflows);
    }
  }
  // Planning returns a new config; the loaded one is left as it was.
  for (const e of loaded.environments) for (const wf of e.workflows) expect(wf.capacityProfile).toBeUndefined();
});
