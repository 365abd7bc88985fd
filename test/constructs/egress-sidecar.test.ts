import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { EgressSidecar } from '../../src/constructs/egress-sidecar';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const synth = (props: object = {}) => {
  const chart = new Chart(Testing.app(), 'c');
  new EgressSidecar(inWorkflow(chart), 'sidecar', { ...props });
  const [sidecar] = Testing.synth(chart);
  // The strict schema gate: the imported Sidecar CRD (schemas/crds) accepts the object.
  expect(defaultSchemaRegistry().validate(sidecar)).toEqual([]);
  return sidecar;
};

test('selects every pod of the workflow (a namespace may hold several), REGISTRY_ONLY by default, own namespace only', () => {
  const s = synth();
  expect(s.apiVersion).toBe('networking.istio.io/v1');
  expect(s.kind).toBe('Sidecar');
  expect(s.metadata).toMatchObject({ name: 'wf-egress', namespace: 'wf' });
  expect(s.spec).toEqual({
    workloadSelector: { labels: { 'app.kubernetes.io/instance': 'wf' } },
    egress: [{ hosts: ['./*'] }],
    outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
  });
});

test('imports the listed namespaces (not its own twice) and names each external host in its own namespace', () => {
  const s = synth({ namespaces: ['istio-system', 'wf', 'istio-system'], hosts: ['api.openai.com', 'api.openai.com', 'beacon.langchain.com'] });
  expect(s.spec.egress).toEqual([{ hosts: ['./*', 'istio-system/*', './api.openai.com', './beacon.langchain.com'] }]);
});

test('ALLOW_ANY on request', () => {
  expect(synth({ outboundTrafficPolicy: 'ALLOW_ANY' }).spec.outboundTrafficPolicy).toEqual({ mode: 'ALLOW_ANY' });
});

test('refuses wildcard or namespaced hosts: they would widen the allow-list beyond the namespace', () => {
  const make = (hosts: string[]) => () => new EgressSidecar(inWorkflow(new Chart(Testing.app(), 'c')), 's', { hosts });
  expect(make(['*'])).toThrow(/plain hostname/);
  expect(make(['*.openai.com'])).toThrow(/plain hostname/);
  expect(make(['other/api.openai.com'])).toThrow(/plain hostname/);
});

test('snapshot: the allow-list of one workflow namespace', () => {
  expect(synth({ namespaces: ['istio-system'], hosts: ['api.openai.com'] })).toMatchSnapshot('EgressSidecar');
});
