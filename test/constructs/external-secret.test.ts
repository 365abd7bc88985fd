import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { WorkflowExternalSecret } from '../../src/constructs/external-secret';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const base = {
  name: 'wf-secrets', targetSecretName: 'wf-secrets',
  store: { kind: 'ClusterSecretStore' as const, name: 'vault' }, refreshInterval: '1h',
};

test('renders references only, with optional property and version', () => {
  const chart = new Chart(Testing.app(), 'c');
  new WorkflowExternalSecret(inWorkflow(chart), 'es', { ...base, data: [{ secretKey: 'a', remoteKey: 'p/a' }, { secretKey: 'b', remoteKey: 'p', property: 'b', version: '2' }] });
  const [es] = Testing.synth(chart);
  expect(defaultSchemaRegistry().validate(es)).toEqual([]);
  expect(es.spec.data).toEqual([
    { secretKey: 'a', remoteRef: { key: 'p/a' } },
    { secretKey: 'b', remoteRef: { key: 'p', property: 'b', version: '2' } },
  ]);
});

test('refuses no keys and duplicate keys', () => {
  expect(() => new WorkflowExternalSecret(inWorkflow(new Chart(Testing.app(), 'c')), 'es', { ...base, data: [] })).toThrow(/no keys/);
  expect(() => new WorkflowExternalSecret(inWorkflow(new Chart(Testing.app(), 'c')), 'es', { ...base, data: [{ secretKey: 'a', remoteKey: 'x' }, { secretKey: 'a', remoteKey: 'y' }] }))
    .toThrow(/"a" is listed twice/);
});

test('snapshot: one key from a ClusterSecretStore', () => {
  const chart = new Chart(Testing.app(), 'c');
  new WorkflowExternalSecret(inWorkflow(chart), 'es', { ...base, data: [{ secretKey: 'langsmith-api-key', remoteKey: 'wf/langsmith' }] });
  const objects = Testing.synth(chart);
  expect(objects.map((o) => o.kind)).toEqual(['ExternalSecret']);
  expect(objects).toMatchSnapshot('WorkflowExternalSecret: ExternalSecret wf/wf-secrets, one key');
});
