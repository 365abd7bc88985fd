/**
 * The config check of the connection budget runs before `capacity.applyToEnvironment` replaces the
 * API's HPA bounds with the plan's; the gate's cross-object/connection-budget rule judges the
 * replicas as rendered, so a plan that outgrows the database is refused.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { CONFIG_DIR } from '../helpers';
import { synthesize } from '../../src/synth/pipeline';

test('staging opted into a 10,000-user plan: the rendered HPA max × pool exceeds the 100-connection share and the gate says so', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'budget-cfg-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  const file = path.join(dir, 'environments', 'staging.yaml');
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  doc.set('capacity', doc.createNode({ profile: { name: 'big', dailyActiveUsers: 10000 }, applyToEnvironment: true }));
  fs.writeFileSync(file, doc.toString());

  const result = synthesize(dir, { environments: ['staging'] });
  const hpa = result.objects.find((o) => o.workflow === 'support-agent' && o.object.kind === 'HorizontalPodAutoscaler')!.object as any;
  expect(hpa.spec.maxReplicas * 10).toBeGreaterThan(100); // the plan raised it past the share (config said 6)
  const found = result.gate.violations.filter((v) => v.rule === 'cross-object/connection-budget');
  expect(found.map((v) => v.object)).toContain('Namespace/support-agent');
  expect(found.find((v) => v.object === 'Namespace/support-agent')!.message).toContain(`HorizontalPodAutoscaler/support-agent-api maxReplicas ${hpa.spec.maxReplicas} × pool 10`);
});
