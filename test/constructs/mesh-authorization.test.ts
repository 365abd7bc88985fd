import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { NamespaceDenyAll, WorkloadAllowPolicy, WorkloadDenyPolicy } from '../../src/constructs/mesh-authorization';
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

describe('WorkloadAllowPolicy: request principals, paths and conditions', () => {
  test('requestPrincipals join the source, paths the operation, when the rule', () => {
    const c = chart();
    new WorkloadAllowPolicy(inWorkflow(c), 'p', {
      ...base,
      callers: [
        { name: 'gw-jwt', principals: ['cluster.local/ns/gw/sa/gw'], requestPrincipals: ['https://idp.example.com/*'], when: [{ key: 'request.auth.claims[groups]', values: ['a', 'b'] }] },
        { name: 'gw-health', principals: ['cluster.local/ns/gw/sa/gw'], paths: ['/ok'] },
        { name: 'gw-not-admin', principals: ['cluster.local/ns/gw/sa/gw'], notPaths: ['/admin*'] },
      ],
    });
    const [p] = synth(c);
    expect(p.spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/gw/sa/gw'], requestPrincipals: ['https://idp.example.com/*'] } }], to: [{ operation: { ports: ['8000'] } }], when: [{ key: 'request.auth.claims[groups]', values: ['a', 'b'] }] },
      { from: [{ source: { principals: ['cluster.local/ns/gw/sa/gw'] } }], to: [{ operation: { ports: ['8000'], paths: ['/ok'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/gw/sa/gw'] } }], to: [{ operation: { ports: ['8000'], notPaths: ['/admin*'] } }] },
    ]);
  });

  test('a path Istio cannot match (a wildcard in the middle) is refused at synth', () => {
    const c = chart();
    new WorkloadAllowPolicy(inWorkflow(c), 'p', { ...base, callers: [{ name: 'gw', principals: ['cluster.local/ns/gw/sa/gw'], paths: ['/threads/*/runs'] }] });
    expect(() => Testing.synth(c)).toThrow(/path "\/threads\/\*\/runs" is not an exact path, "prefix\*" or "\*suffix"/);
  });
});

describe('WorkloadDenyPolicy', () => {
  test('a DENY policy: one rule per entry, from the named principals or from anyone, on the port and paths', () => {
    const c = chart();
    new WorkloadDenyPolicy(inWorkflow(c), 'd', {
      name: 'wf-api-edge-deny', selector, port: 8000,
      rules: [{ name: 'edge', principals: ['cluster.local/ns/gw/sa/gw'], paths: ['/docs', '/internal/*'] }, { name: 'all', paths: ['/metrics'] }],
    });
    const [p] = synth(c);
    expect(p.spec).toEqual({
      selector: { matchLabels: selector },
      action: 'DENY',
      rules: [
        { from: [{ source: { principals: ['cluster.local/ns/gw/sa/gw'] } }], to: [{ operation: { ports: ['8000'], paths: ['/docs', '/internal/*'] } }] },
        { to: [{ operation: { ports: ['8000'], paths: ['/metrics'] } }] },
      ],
    });
  });

  test('refuses a rule without paths (it would deny the whole port), no rules, and an uncaptured port', () => {
    const make = (props: Partial<ConstructorParameters<typeof WorkloadDenyPolicy>[2]>) => () => new WorkloadDenyPolicy(inWorkflow(chart()), 'd', { name: 'x', selector, port: 8000, rules: [{ name: 'r', paths: ['/docs'] }], ...props });
    expect(make({ rules: [{ name: 'r', paths: [] }] })).toThrow(/names no paths/);
    expect(make({ rules: [] })).toThrow(/no rules/);
    expect(make({ port: 15020 })).toThrow(/15020 is not intercepted/);
    expect(make({})).not.toThrow();
  });
});
