import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { NamespaceDenyAll, WorkloadAllowPolicy } from '../../src/constructs/mesh-authorization';
import { NamespaceMtls } from '../../src/constructs/mesh-mtls';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const selector = { 'app.kubernetes.io/name': 'langgraph-api', 'app.kubernetes.io/instance': 'wf', 'app.kubernetes.io/component': 'api' };
const base = { name: 'wf-api-allow', selector, port: 8000 };
const chart = () => new Chart(Testing.app(), 'c');

function synth(c: Chart) {
  const objects = Testing.synth(c);
  for (const o of objects) expect(defaultSchemaRegistry().validate(o)).toEqual([]);
  return objects;
}

describe('WorkloadAllowPolicy', () => {
  test('one rule per caller, every rule limited to the workload port', () => {
    const c = chart();
    new WorkloadAllowPolicy(inWorkflow(c), 'p', { ...base, callers: [{ name: 'gw', principals: ['cluster.local/ns/gw/sa/gw'] }, { name: 'ns', namespaces: ['a', 'b'] }] });
    const [p] = synth(c);
    expect(p.spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/gw/sa/gw'] } }], to: [{ operation: { ports: ['8000'] } }] },
      { from: [{ source: { namespaces: ['a', 'b'] } }], to: [{ operation: { ports: ['8000'] } }] },
    ]);
  });

  test('refuses a rule on a port the sidecar does not intercept (it would never be evaluated)', () => {
    expect(() => new WorkloadAllowPolicy(inWorkflow(chart()), 'p', { ...base, port: 15020, callers: [{ name: 'gw', principals: ['cluster.local/ns/gw/sa/gw'] }] }))
      .toThrow(/15020 is not intercepted/);
  });

  test('refuses a caller with an empty source (it would allow everyone)', () => {
    expect(() => new WorkloadAllowPolicy(inWorkflow(chart()), 'p', { ...base, callers: [{ name: 'nobody' }] })).toThrow(/neither principals nor namespaces/);
  });

  test('refuses no callers at all', () => {
    expect(() => new WorkloadAllowPolicy(inWorkflow(chart()), 'p', { ...base, callers: [] })).toThrow(/no callers/);
  });
});

describe('NamespaceDenyAll and NamespaceMtls', () => {
  test('allow-nothing keeps an explicit empty spec; STRICT covers the namespace', () => {
    const c = chart();
    new NamespaceDenyAll(inWorkflow(c), 'd', { name: 'wf-deny-by-default' });
    new NamespaceMtls(inWorkflow(c), 'm', { name: 'wf' });
    const [deny, mtls] = synth(c);
    expect(deny).toMatchObject({ kind: 'AuthorizationPolicy', spec: {} });
    expect(Object.keys(deny.spec)).toEqual([]);
    expect(mtls).toMatchObject({ kind: 'PeerAuthentication', metadata: { name: 'wf', namespace: 'wf' }, spec: { mtls: { mode: 'STRICT' } } });
  });
});

test('snapshot: deny-by-default, STRICT mTLS and one allow policy for the gateway', () => {
  const c = chart();
  new NamespaceDenyAll(inWorkflow(c), 'd', { name: 'wf-deny-by-default' });
  new NamespaceMtls(inWorkflow(c), 'm', { name: 'wf' });
  new WorkloadAllowPolicy(inWorkflow(c), 'p', { ...base, callers: [{ name: 'gw', principals: ['cluster.local/ns/gw/sa/gw'] }] });
  const objects = synth(c);
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['AuthorizationPolicy/wf-deny-by-default', 'PeerAuthentication/wf', 'AuthorizationPolicy/wf-api-allow']);
  expect(objects).toMatchSnapshot('NamespaceDenyAll + NamespaceMtls + WorkloadAllowPolicy in namespace wf');
});
