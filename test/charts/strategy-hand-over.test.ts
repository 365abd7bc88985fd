/**
 * Switching a live workflow from rolling to canary (docs/delivery.md "Switching strategy"): with
 * `delivery.canary.handOver: true` the serving Deployment keeps its pods (no `replicas` in Git)
 * and the Rollout scales it down progressively; the gate accepts that render.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../../src/synth/pipeline';
import { CONFIG_DIR } from '../helpers';

function renderProd(handOver: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgp-handover-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  const file = path.join(dir, 'environments', 'prod.yaml');
  const text = fs.readFileSync(file, 'utf8');
  if (!/^ {2}delivery:\n {4}strategy: canary\n/m.test(text)) throw new Error('prod.yaml no longer has workflowDefaults.delivery.strategy: canary as expected by this test');
  fs.writeFileSync(file, text.replace(/^( {2}delivery:\n {4}strategy: canary\n)/m, `$1    canary:\n      handOver: ${handOver}\n`));
  try {
    return synthesize(dir, { environments: ['prod'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const api = (objects: any[], kind: string) => objects.find((o) => o.kind === kind && o.metadata.name === 'support-agent-api');

describe('rolling → canary hand-over', () => {
  test('handOver: the Deployment keeps its live replicas, the Rollout scales it down progressively, the gate passes', () => {
    const result = renderProd(true);
    expect(result.gate.violations).toEqual([]);
    const objects = result.objects.filter((o) => o.environment === 'prod' && o.workflow === 'support-agent').map((o) => o.object as any);
    expect(api(objects, 'Deployment').spec).not.toHaveProperty('replicas');
    expect(api(objects, 'Rollout').spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'support-agent-api', scaleDown: 'progressively' });
    // The HPA still scales the Rollout, never the Deployment.
    expect(api(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.kind).toBe('Rollout');
  });

  test('steady state (default): the Deployment is a template with replicas 0, scaleDown never', () => {
    const objects = renderProd(false).objects.filter((o) => o.environment === 'prod' && o.workflow === 'support-agent').map((o) => o.object as any);
    expect(api(objects, 'Deployment').spec.replicas).toBe(0);
    expect(api(objects, 'Rollout').spec.workloadRef.scaleDown).toBe('never');
  });
});
