import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { VerticalAutoscaler } from '../../src/constructs/vertical-autoscaler';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const base = {
  name: 'wf-api', identity: { workflow: 'wf', app: 'langgraph-api', component: 'api' },
  target: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'wf-api' } }, containerName: 'api',
};

test('an active mode is allowed only when no HPA scales on resources', () => {
  const chart = new Chart(Testing.app(), 'c');
  new VerticalAutoscaler(inWorkflow(chart), 'v', { ...base, updateMode: 'InPlaceOrRecreate', hpaScalesOnResources: false });
  const [vpa] = Testing.synth(chart);
  expect(defaultSchemaRegistry().validate(vpa)).toEqual([]);
  expect(vpa.spec.updatePolicy.updateMode).toBe('InPlaceOrRecreate');
  expect(() => new VerticalAutoscaler(inWorkflow(new Chart(Testing.app(), 'c')), 'v', { ...base, updateMode: 'Recreate', hpaScalesOnResources: true }))
    .toThrow(/"Recreate" would resize pods that the HPA scales/);
});

test('defaults to Off, which is allowed next to the HPA', () => {
  const chart = new Chart(Testing.app(), 'c');
  new VerticalAutoscaler(inWorkflow(chart), 'v', { ...base, hpaScalesOnResources: true });
  expect(Testing.synth(chart)[0].spec.updatePolicy.updateMode).toBe('Off');
});

test('snapshot: recommendation-only (Off) next to an HPA', () => {
  const chart = new Chart(Testing.app(), 'c');
  new VerticalAutoscaler(inWorkflow(chart), 'v', { ...base, hpaScalesOnResources: true });
  const objects = Testing.synth(chart);
  expect(objects.map((o) => o.kind)).toEqual(['VerticalPodAutoscaler']);
  expect(defaultSchemaRegistry().validate(objects[0])).toEqual([]);
  expect(objects).toMatchSnapshot('VerticalAutoscaler: VerticalPodAutoscaler wf/wf-api, updateMode Off');
});
