/**
 * `entry`: the Gateway API entry type (gateway-api) and the fields only one entry type reads,
 * refused with the environment, field, value and fix when set for another; the canary refused with
 * gateway-api; and the gate's edge-authentication rule on its HTTPRoutes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../src/config/load';
import { gatewayPrincipals } from '../../src/config/features/mesh-security';
import { synthesize } from '../../src/synth/pipeline';
import { CONFIG_DIR } from '../helpers';
import { Edit, issuesOf, set } from './config-edits';

function configCopy(...edits: Edit[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'entry-cfg-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  for (const e of edits) e(dir);
  return dir;
}

/** staging on the Gateway API entry, every workflow rolling (staging's default delivery is canary). */
const stagingOnGatewayApi = [
  set('environments/staging.yaml', ['entry', 'type'], 'gateway-api'),
  set('environments/staging.yaml', ['workflowDefaults', 'delivery', 'strategy'], 'rolling'),
];

test.each([
  ['dev (gateway-api) with an IngressClass', set('environments/dev.yaml', ['entry', 'ingressClassName'], 'nginx'), 'entry.ingressClassName', /sets the Ingress's class, but entry.type is "gateway-api" in "dev", which never reads it; remove entry.ingressClassName, or set entry.type: ingress/],
  ['dev (gateway-api) with ingress-nginx\'s rate limit', set('environments/dev.yaml', ['entry', 'ingressRateLimitRps'], 50), 'entry.ingressRateLimitRps', /has no portable rate limit/],
  ['dev (gateway-api) with an Istio gateway selector', set('environments/dev.yaml', ['entry', 'gatewaySelector'], { istio: 'ingressgateway' }), 'entry.gatewaySelector', /entry.type is "gateway-api" in "dev".*set entry.type: gateway/],
  ['staging (the Istio gateway, by default) with a Gateway API block', set('environments/staging.yaml', ['entry', 'gatewayApi'], { gatewayName: 'public' }), 'entry.gatewayApi', /entry.type is unset \(so "gateway", since mesh.enabled is true\) in "staging".*set entry.type: gateway-api/],
])('refuses %s, naming the file, the field and the fix', (_name, edit, key, message) => {
  const issues = issuesOf(configCopy(edit));
  expect(issues).toHaveLength(1);
  const text = JSON.stringify(issues[0]);
  expect(text).toContain(key);
  expect(issues[0].message).toMatch(message);
});

test('a canary with the gateway-api entry: one refusal per workflow, at delivery.strategy, naming both fixes', () => {
  const issues = issuesOf(configCopy(set('environments/staging.yaml', ['entry', 'type'], 'gateway-api')));
  expect(issues.length).toBeGreaterThan(0);
  for (const i of issues) {
    expect(JSON.stringify(i)).toContain('delivery.strategy');
    expect(i.message).toMatch(/entry.type is "gateway-api" in "staging": the Gateway API gateway sends external traffic straight to the API Service, past the VirtualService weights .* use delivery.strategy "rolling" here, or entry.type "gateway"/);
  }
});

test('a GatewayClass name that is no DNS label is refused by the schema', () => {
  const issues = issuesOf(configCopy(set('environments/dev.yaml', ['entry', 'gatewayApi'], { gatewayClassName: 'Istio_Public' })));
  expect(issues.map((i) => JSON.stringify(i)).join('\n')).toContain('entry.gatewayApi.gatewayClassName');
});

describe('with the mesh (staging on gateway-api)', () => {
  const dir = configCopy(...stagingOnGatewayApi);
  const staging = loadConfig(dir).environments.find((e) => e.environment.name === 'staging')!.environment;

  test('the gateway principal is the identity of the proxies Istio deploys for the Gateway: <gateway>-<class>', () => {
    expect(gatewayPrincipals(staging)).toEqual(['cluster.local/ns/istio-ingress/sa/langgraph-istio']);
    const renamed = { ...staging, entry: { ...staging.entry, gatewayApi: { gatewayName: 'public', gatewayClassName: 'istio' } } };
    expect(gatewayPrincipals(renamed)).toEqual(['cluster.local/ns/istio-ingress/sa/public-istio']);
    // The Istio gateway entry keeps meshSecurity.gatewayServiceAccount.
    expect(gatewayPrincipals({ ...staging, entry: { ...staging.entry, type: 'gateway' } })).toEqual(['cluster.local/ns/istio-ingress/sa/istio-ingressgateway']);
  });

  test('renders and passes the gate; without auth the gate refuses each HTTPRoute, naming the workflow and the waiver', () => {
    const ok = synthesize(dir, { environments: ['staging'] });
    expect(ok.gate.violations).toEqual([]);
    const open = synthesize(configCopy(...stagingOnGatewayApi, set('environments/staging.yaml', ['workflowDefaults', 'auth', 'mode'], 'none')), { environments: ['staging'] });
    const found = open.gate.violations.filter((v) => v.rule === 'cross-object/edge-authentication');
    expect(found.map((v) => v.object).sort()).toEqual([
      'HTTPRoute/doc-summarizer/doc-summarizer-api',
      'HTTPRoute/research-assistant/research-assistant-api',
      'HTTPRoute/support-agent/support-agent-api',
    ]);
    const v = found.find((x) => x.object.includes('support-agent'))!;
    expect(v.path).toBe('/spec/parentRefs');
    expect(v.message).toContain('through the Gateway API gateway');
    expect(v.fix).toContain('waive cross-object/edge-authentication for HTTPRoute support-agent-api');
  });
});
