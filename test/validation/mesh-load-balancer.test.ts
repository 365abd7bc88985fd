/**
 * policy/mesh-load-balancer beyond its firing and passing cases (test/validation/policy.test.ts):
 * a waiver with a reason lets a reviewed LoadBalancer through, and without a config the
 * Namespace's sidecar injection says whether the mesh is there.
 */
import { runGate } from '../../src/validation/gate';
import { WF, resolvedEnvironment, scenario } from '../fixtures/gate/helpers';

const RULE = 'policy/mesh-load-balancer';

describe(RULE, () => {
  test('a waiver in the environment\'s waivers lets the reviewed Service through, and only it', () => {
    const s = scenario('staging');
    s.get('Service', `${WF}-api`).spec.type = 'LoadBalancer';
    s.get('Service', 'research-assistant-api').spec.type = 'LoadBalancer';
    const resolved = resolvedEnvironment('staging');
    const waived = {
      ...resolved,
      environment: { ...resolved.environment, waivers: [...resolved.environment.waivers, { rule: RULE, kind: 'Service', name: `${WF}-api`, reason: 'internal NLB for the billing VPC, which cannot join the mesh yet' }] },
    };
    const found = runGate(s.objects, [waived]).violations.filter((v) => v.rule === RULE);
    expect(found.map((v) => v.object)).toEqual(['Service/research-assistant/research-assistant-api']);
    expect(found[0].message).toContain('mesh environment "staging"');
    expect(found[0].fix).toContain('service.type ClusterIP');
  });

  test('without a config, sidecar injection on the Namespace decides', () => {
    const s = scenario('staging');
    s.get('Service', `${WF}-api`).spec.type = 'LoadBalancer';
    const withInjection = runGate(s.objects, []).violations.filter((v) => v.rule === RULE);
    expect(withInjection.map((v) => v.object)).toEqual([`Service/${WF}/${WF}-api`]);
    expect(withInjection[0].message).toContain('which has sidecar injection');
    s.get('Namespace', WF).metadata.labels['istio-injection'] = 'disabled';
    expect(runGate(s.objects, []).violations.filter((v) => v.rule === RULE)).toEqual([]);
  });
});
