/**
 * What the committed staging and prod policies do with requests, judged by the evaluator of
 * Istio's documented semantics (test/fixtures/istio/authorization.ts), not by reading our YAML.
 */
import { committed, objectsOf } from '../../helpers';
import { Decision, Request, Token, evaluate } from '../../fixtures/istio/authorization';
import { gatewayPrincipals } from '../../../src/config/features/mesh-security';
import { API_PORT, EDGE_DENIED_ROUTES } from '../../../src/constructs/langgraph-server';
import { edgeDeniedPaths } from '../../../src/constructs/langgraph-server';
import { addMeshSecurity } from '../../../src/charts/features/mesh-security';
import { contextFor, newChart, synthValid } from './workflow-context-fixture';
import { Testing } from 'cdk8s';
import { WorkflowChart } from '../../../src/charts/workflow-chart';

/* eslint-disable @typescript-eslint/no-explicit-any */
const MESH_ENVS = ['staging', 'prod'] as const;

function setup(envName: string, wfName: string) {
  const resolved = committed().config.environments.find((e) => e.environment.name === envName)!;
  const wf = resolved.workflows.find((w) => w.name === wfName)!;
  const objects = objectsOf(envName) as any[];
  const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${wfName}-api`);
  const jwt = wf.settings.auth.jwt!;
  const claims = Object.fromEntries(jwt.requiredClaims.map((c) => [c.claim, [c.values[0]]]));
  const valid: Token = { iss: jwt.issuer, sub: 'alice', aud: jwt.audiences[0], signature: 'valid', claims };
  const gateway = gatewayPrincipals(resolved.environment)[0];
  const workload = { namespace: wf.namespace, labels: api.spec.template.metadata.labels as Record<string, string> };
  // The canary's pods: the Rollout runs the Deployment's template and adds its hash label.
  const canary = { namespace: wf.namespace, labels: { ...workload.labels, 'rollouts-pod-template-hash': '6d9f8c7b5' } };
  const ask = (r: Partial<Request> & { path: string }, on = workload): Decision => evaluate(objects, on, { port: API_PORT, ...r });
  return { wf, jwt, valid, gateway, workload, canary, ask, objects };
}

const workflowsOf = (env: string) => committed().config.environments.find((e) => e.environment.name === env)!.workflows.map((w) => w.name);
const CASES = MESH_ENVS.flatMap((env) => workflowsOf(env).map((wf) => [env, wf] as const));

describe.each(CASES)('%s / %s: through the ingress gateway', (env, wfName) => {
  const s = setup(env, wfName);

  test('the reference config renders JWT authentication here', () => {
    expect(s.wf.settings.auth.mode).toBe('jwt');
  });

  test.each([['POST', '/threads/search'], ['POST', '/runs/stream'], ['GET', '/assistants/search'], ['GET', '/']])('no token: %s %s → 403', (method, path) => {
    expect(s.ask({ method, path, sourcePrincipal: s.gateway }).status).toBe(403);
  });

  test.each([['POST', '/threads/search'], ['POST', '/threads/t1/runs/stream'], ['GET', '/assistants/a1'], ['POST', '/store/items/search']])('valid token: %s %s → 200, as <issuer>/<sub>', (method, path) => {
    const d = s.ask({ method, path, sourcePrincipal: s.gateway, token: s.valid });
    expect(d).toMatchObject({ status: 200, requestPrincipal: `${s.jwt.issuer}/alice` });
    expect(s.ask({ method, path, sourcePrincipal: s.gateway, token: s.valid }, s.canary).status).toBe(200);
  });

  test.each([
    ['bad signature', { signature: 'invalid' }],
    ['expired', { expired: true }],
    ['another audience', { aud: 'some-other-api' }],
    ['another issuer', { iss: 'https://evil.example.net' }],
  ] as const)('invalid token (%s) → 401, on the canary pods too', (_name, change) => {
    const token = { ...s.valid, ...change };
    expect(s.ask({ path: '/threads/search', method: 'POST', sourcePrincipal: s.gateway, token }).status).toBe(401);
    expect(s.ask({ path: '/threads/search', method: 'POST', sourcePrincipal: s.gateway, token }, s.canary).status).toBe(401);
  });

  test('the health check /ok stays open without a token', () => {
    expect(s.ask({ path: '/ok', sourcePrincipal: s.gateway }).status).toBe(200);
    expect(s.ask({ path: '/ok?check_db=1', sourcePrincipal: s.gateway }).status).toBe(200);
  });

  test.each([...EDGE_DENIED_ROUTES.map((r) => r.path.replace('*', 'truncate')), '/metrics?format=json', '/%64ocs', '/openapi.json?x=1'])('%s is denied even with a valid token', (path) => {
    const d = s.ask({ path, sourcePrincipal: s.gateway, token: s.valid });
    expect(d.status).toBe(403);
    expect(d.reason).toMatch(/^DENY /);
  });

  test('the token alone is not enough: without the gateway\'s mTLS identity a request is refused', () => {
    expect(s.ask({ path: '/threads/search', method: 'POST', token: s.valid }).status).toBe(403);
  });
});

describe.each(CASES)('%s / %s: inside the mesh', (env, wfName) => {
  const s = setup(env, wfName);

  test('a random in-mesh workload is denied, with or without a token', () => {
    const stranger = 'cluster.local/ns/random-team/sa/default';
    expect(s.ask({ path: '/threads/search', method: 'POST', sourcePrincipal: stranger }).status).toBe(403);
    expect(s.ask({ path: '/threads/search', method: 'POST', sourcePrincipal: stranger, token: s.valid }).status).toBe(403);
  });

  test('named in-mesh callers keep mTLS-identity access without a JWT (but not /metrics)', () => {
    const named = s.wf.settings.meshCallers.principals;
    for (const caller of named) {
      expect(s.ask({ path: '/threads/search', method: 'POST', sourcePrincipal: caller }).status).toBe(200);
      expect(s.ask({ path: '/docs', sourcePrincipal: caller }).status).toBe(200);
      expect(s.ask({ path: '/metrics', sourcePrincipal: caller }).status).toBe(403);
    }
  });

  test('metrics: only the merged port 15020 serves them, and only the monitoring namespace may connect to it', () => {
    const monitoring = s.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === `${wfName}-allow-from-monitoring`);
    expect(monitoring.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': committed().config.environments.find((e) => e.environment.name === env)!.environment.namespaces.monitoring } } }],
      ports: [{ port: 15020, protocol: 'TCP' }],
    }]);
    // Plaintext scrapes of 15020 bypass the sidecar's policies (istio-iptables leaves the port alone).
    expect(s.ask({ port: 15020, path: '/stats/prometheus' } as any).status).toBe(200);
  });
});

test('a named caller exists in the reference config, so the case above is exercised', () => {
  expect(CASES.some(([env, wf]) => setup(env, wf).wf.settings.meshCallers.principals.length > 0)).toBe(true);
});

describe('prod support-agent: claim rules', () => {
  const s = setup('prod', 'support-agent');

  test('the groups claim rule is rendered', () => {
    expect(s.jwt.requiredClaims).toEqual([{ claim: 'groups', values: ['support-agents'] }]);
  });

  test('a valid token without the required group is refused (403); with it, allowed', () => {
    const base = { path: '/threads/search', method: 'POST', sourcePrincipal: s.gateway };
    expect(s.ask({ ...base, token: { ...s.valid, claims: {} } }).status).toBe(403);
    expect(s.ask({ ...base, token: { ...s.valid, claims: { groups: ['billing'] } } }).status).toBe(403);
    expect(s.ask({ ...base, token: { ...s.valid, claims: { groups: ['billing', 'support-agents'] } } }).status).toBe(200);
  });
});

describe('with a MOUNT_PREFIX the admin routes are denied under the prefix too', () => {
  test('edgeDeniedPaths', () => {
    const root = EDGE_DENIED_ROUTES.map((r) => r.path);
    expect(edgeDeniedPaths()).toEqual(root);
    expect(edgeDeniedPaths('/api/v1')).toEqual([...root, ...root.map((p) => `/api/v1${p}`)]);
    expect(edgeDeniedPaths('/api/v1')).toContain('/api/v1/docs');
  });

  test('rendered: the gateway cannot reach /api/v1/docs', () => {
    const ctx = contextFor('prod', 'support-agent', { settings: { env: { MOUNT_PREFIX: '/api/v1' } } as any });
    const chart = newChart();
    addMeshSecurity(chart, ctx, { security: ctx.env.meshSecurity, callers: ctx.settings.meshCallers, auth: ctx.settings.auth });
    const objects = synthValid(chart);
    const s = setup('prod', 'support-agent');
    const labels = s.workload.labels;
    const ask = (path: string) => evaluate(objects, { namespace: ctx.namespace, labels }, { port: API_PORT, path, sourcePrincipal: s.gateway, token: s.valid });
    expect(ask('/api/v1/docs').status).toBe(403);
    expect(ask('/api/v1/openapi.json').status).toBe(403);
    expect(ask('/api/v1/threads/search').status).toBe(200);
  });
});

describe('other modes, rendered by the feature and judged by the evaluator', () => {
  const render = (auth: any) => {
    const ctx = contextFor('staging', 'support-agent', { settings: { auth } as any });
    const chart = newChart();
    addMeshSecurity(chart, ctx, { security: ctx.env.meshSecurity, callers: ctx.settings.meshCallers, auth: ctx.settings.auth });
    const objects = synthValid(chart);
    const s = setup('staging', 'support-agent');
    const ask = (r: Partial<Request> & { path: string }) => evaluate(objects, { namespace: ctx.namespace, labels: s.workload.labels }, { port: API_PORT, sourcePrincipal: s.gateway, ...r });
    return { objects, ask };
  };

  test('external: gateway traffic goes to the provider (but /ok); its deny is a 403, its allow lets the request on', () => {
    const { objects, ask } = render({ mode: 'external', external: { provider: 'oauth2-proxy' } });
    expect(objects.filter((o) => o.kind === 'RequestAuthentication')).toEqual([]);
    expect(ask({ path: '/threads/search', method: 'POST' }).status).toBe(403);
    expect(ask({ path: '/threads/search', method: 'POST', externalDecisions: { 'oauth2-proxy': 'allow' } }).status).toBe(200);
    expect(ask({ path: '/ok' }).status).toBe(200);
    expect(ask({ path: '/docs', externalDecisions: { 'oauth2-proxy': 'allow' } }).status).toBe(403);
    // Named in-mesh callers do not go through the authorizer.
    expect(ask({ path: '/threads/search', method: 'POST', sourcePrincipal: 'cluster.local/ns/support-web/sa/web' }).status).toBe(200);
  });

  test('none: no token is asked for (what the gate refuses in production tiers), the admin routes stay denied', () => {
    const { objects, ask } = render({ mode: 'none' });
    expect(objects.filter((o) => o.kind === 'RequestAuthentication' || o.spec?.action === 'CUSTOM')).toEqual([]);
    expect(ask({ path: '/threads/search', method: 'POST' }).status).toBe(200);
    expect(ask({ path: '/openapi.json' }).status).toBe(403);
  });
});

describe('the gateway-api entry (staging, rolling): the same edge through the Gateway API gateway', () => {
  const resolved = committed().config.environments.find((e) => e.environment.name === 'staging')!;
  const base = resolved.workflows.find((w) => w.name === 'support-agent')!;
  const environment = { ...resolved.environment, entry: { ...resolved.environment.entry, type: 'gateway-api' as const } };
  const workflow = { ...base, settings: { ...base.settings, delivery: { ...base.settings.delivery, strategy: 'rolling' as const } } };
  const objects = Testing.synth(new WorkflowChart(Testing.app(), 'wf', { environment, workflow })) as any[];
  const s = setup('staging', 'support-agent');
  // Istio deploys the Gateway's proxies as <gateway>-<class> in the Gateway's namespace.
  const gateway = gatewayPrincipals(environment)[0];
  const ask = (r: Partial<Request> & { path: string }): Decision => evaluate(objects, s.workload, { port: API_PORT, sourcePrincipal: gateway, ...r });

  test('an HTTPRoute is the entry (no Istio Gateway or VirtualService), and the policies admit the Gateway API gateway\'s identity', () => {
    expect(gateway).toBe(`cluster.local/ns/${environment.namespaces.ingress}/sa/langgraph-istio`);
    // (The egress VirtualServices of the LLM hosts stay: they are no entry.)
    expect(objects.filter((o) => ['Gateway', 'Ingress'].includes(o.kind) || (o.kind === 'VirtualService' && o.metadata.name === 'support-agent-api'))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'HTTPRoute').map((o) => o.metadata.name)).toEqual(['support-agent-api']);
  });

  test.each([['POST', '/threads/search'], ['POST', '/runs/stream'], ['GET', '/']])('no token: %s %s → 403', (method, path) => {
    expect(ask({ method, path }).status).toBe(403);
  });

  test('a valid token → 200; an invalid one → 401', () => {
    expect(ask({ method: 'POST', path: '/threads/search', token: s.valid })).toMatchObject({ status: 200, requestPrincipal: `${s.jwt.issuer}/alice` });
    expect(ask({ method: 'POST', path: '/threads/search', token: { ...s.valid, signature: 'invalid' } }).status).toBe(401);
  });

  test('the health check /ok stays open without a token', () => {
    expect(ask({ path: '/ok' }).status).toBe(200);
  });

  test.each([...EDGE_DENIED_ROUTES.map((r) => r.path.replace('*', 'truncate')), '/metrics?format=json', '/%64ocs'])('%s is denied even with a valid token', (path) => {
    const d = ask({ path, token: s.valid });
    expect(d.status).toBe(403);
    expect(d.reason).toMatch(/^DENY /);
  });

  test('the Istio ingress gateway\'s identity is not admitted by this entry\'s policies', () => {
    expect(ask({ method: 'POST', path: '/threads/search', token: s.valid, sourcePrincipal: s.gateway }).status).toBe(403);
    expect(ask({ path: '/ok', sourcePrincipal: s.gateway }).status).toBe(403);
  });
});
