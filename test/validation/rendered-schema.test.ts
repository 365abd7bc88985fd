import { committed } from '../helpers';
import { defaultSchemaRegistry, formatSchemaViolation } from '../../src/validation/schema-registry';

/** Every rendered object, core or custom, validates strictly (unknown fields are errors). */
test('every object of every environment validates strictly against Kubernetes 1.27 or its CRD', () => {
  const registry = defaultSchemaRegistry();
  const problems = committed().objects.flatMap((r) => registry.validate(r.object).map((v) => `${r.environment}: ${formatSchemaViolation(v)}`));
  expect(problems).toEqual([]);
  const kinds = new Set(committed().objects.map((r) => r.object.kind));
  for (const k of ['Deployment', 'Rollout', 'AnalysisTemplate', 'VirtualService', 'Gateway', 'NetworkPolicy', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) expect(kinds).toContain(k);
});

test('the strict check is real: an unknown field in a rendered Deployment is refused', () => {
  const d = JSON.parse(JSON.stringify(committed().objects.find((r) => r.object.kind === 'Deployment')!.object));
  d.spec.template.spec.containers[0].securityContex = {};
  const v = defaultSchemaRegistry().validate(d);
  expect(v.map((x) => x.path)).toContain('/spec/template/spec/containers/0/securityContex');
});
