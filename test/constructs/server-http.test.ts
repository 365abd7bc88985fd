import { Chart, Testing } from 'cdk8s';
import {
  CORS_CONFIG_KEYS, DISABLEABLE_ROUTES, HTTP_CONFIG_KEYS, LANGGRAPH_HTTP_ENV, MAX_REQUEST_BODY_ENV, serverHttpEnv, serverHttpProblems,
} from '../../src/constructs/server-http';
import { LangGraphWorkflow } from '../../src/constructs/langgraph-workflow';
import { serverHttpSchema, checkServerHttp } from '../../src/config/features/server-http';

const IMAGE = `registry.corp.internal/langgraph/app@sha256:${'d'.repeat(64)}`;
const base = { workflowName: 'wf', image: IMAGE, version: '1.0.0', hostname: 'wf.corp.internal', owner: { team: 'ai', email: 'ai@corp.internal', group: 'ai' } };
const full = serverHttpSchema.parse({
  maxRequestBodyBytes: 10485760,
  disable: ['ui', 'a2a'],
  cors: { allowOrigins: ['https://app.corp.internal'], allowCredentials: true, maxAge: 600 },
  configurableHeaders: { includes: ['x-tenant-*'], excludes: ['x-tenant-secret'] },
  loggingHeaders: { includes: ['user-agent'], excludes: ['authorization', 'cookie'] },
  enableCustomRouteAuth: true,
  middlewareOrder: 'auth_first',
});

function apiEnv(http: unknown): Record<string, string> {
  const chart = new Chart(Testing.app(), 'Test', { disableResourceNameHashes: true });
  new LangGraphWorkflow(chart, 'Workflow', { ...base, http: http as any });
  const d = chart.toJson().find((o: any) => o.kind === 'Deployment');
  return Object.fromEntries(d.spec.template.spec.containers[0].env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
}

describe('serverHttpEnv: the server\'s own format', () => {
  test('off (the default): nothing rendered, the server keeps its defaults', () => {
    expect(serverHttpEnv(serverHttpSchema.parse(undefined))).toEqual({});
    const env = apiEnv(undefined);
    expect(env[LANGGRAPH_HTTP_ENV]).toBeUndefined();
    expect(env[MAX_REQUEST_BODY_ENV]).toBeUndefined();
  });

  test('on: LANGGRAPH_HTTP is JSON of HttpConfig keys only, and the body limit an int', () => {
    const env = serverHttpEnv(full);
    expect(env[MAX_REQUEST_BODY_ENV]).toBe('10485760');
    const parsed = JSON.parse(env[LANGGRAPH_HTTP_ENV]);
    for (const key of Object.keys(parsed)) expect(HTTP_CONFIG_KEYS).toContain(key);
    for (const key of Object.keys(parsed.cors)) expect(CORS_CONFIG_KEYS).toContain(key);
    expect(parsed).toEqual({
      configurable_headers: { excludes: ['x-tenant-secret'], includes: ['x-tenant-*'] },
      cors: { allow_credentials: true, allow_origins: ['https://app.corp.internal'], max_age: 600 },
      disable_a2a: true,
      disable_ui: true,
      enable_custom_route_auth: true,
      logging_headers: { excludes: ['authorization', 'cookie'], includes: ['user-agent'] },
      middleware_order: 'auth_first',
    });
    // Never the routes the platform needs.
    expect(parsed.disable_meta).toBeUndefined();
    expect(parsed.mount_prefix).toBeUndefined();
  });

  test('stable bytes: the same settings in another order render the same string', () => {
    const shuffled = serverHttpSchema.parse({ ...full, disable: ['a2a', 'ui'] });
    expect(serverHttpEnv(shuffled)).toEqual(serverHttpEnv(full));
  });

  test('rendered on the API container', () => {
    const env = apiEnv(full);
    expect(env[LANGGRAPH_HTTP_ENV]).toBe(serverHttpEnv(full)[LANGGRAPH_HTTP_ENV]);
    expect(env[MAX_REQUEST_BODY_ENV]).toBe('10485760');
  });
});

describe('validated as the server would, and for what it would hide', () => {
  test('meta and unknown groups are refused by the schema; what HttpConfig types refuse too', () => {
    expect(DISABLEABLE_ROUTES).not.toContain('meta');
    expect(serverHttpSchema.safeParse({ disable: ['meta'] }).success).toBe(false);
    expect(serverHttpSchema.safeParse({ mountPrefix: '/api' }).success).toBe(false);
    expect(serverHttpSchema.safeParse({ cors: { maxAge: 1.5 } }).success).toBe(false);
    expect(serverHttpSchema.safeParse({ maxRequestBodyBytes: 0 }).success).toBe(false);
    expect(serverHttpSchema.safeParse({ middlewareOrder: 'auth_last' }).success).toBe(false);
  });

  test.each([
    [{ cors: { allowOrigins: ['*'], allowCredentials: true } }, 'http.cors.allowOrigins', 'set allowOrigins to the origins you serve'],
    [{ cors: { allowOriginRegex: 'https://(.*' } }, 'http.cors.allowOriginRegex', 'is no regular expression'],
    [{ configurableHeaders: { includes: ['X-Tenant'] } }, 'http.configurableHeaders.includes.0', 'use "x-tenant"'],
    [{ loggingHeaders: { excludes: ['authorization: bearer'] } }, 'http.loggingHeaders.excludes.0', 'no header name pattern'],
    [{ disable: ['ui', 'ui'] }, 'http.disable.1', 'remove the duplicate'],
  ])('%j is refused at %s', (http, path, words) => {
    const issues = checkServerHttp({ http: serverHttpSchema.parse(http) });
    expect(issues.map((i) => i.path.join('.'))).toEqual([path]);
    expect(issues[0].message).toContain(words);
  });

  test('the committed-style settings have no problem', () => {
    expect(serverHttpProblems(full)).toEqual([]);
  });

  test('env setting LANGGRAPH_HTTP by hand beside http is refused', () => {
    const chart = new Chart(Testing.app(), 'Test', { disableResourceNameHashes: true });
    expect(() => new LangGraphWorkflow(chart, 'Workflow', { ...base, http: full, env: { LANGGRAPH_HTTP: '{}' } })).toThrow(/env LANGGRAPH_HTTP is set by the workload/);
  });
});

describe('through the chart', () => {
  test('the worker finishing the runs gets the same settings as the API (disable_webhooks acts there)', () => {
    const { WorkflowChart } = require('../../src/charts/workflow-chart');
    const { resolvedEnvironment, workflowOf } = require('../charts/features/feature-fixture');
    const resolved = resolvedEnvironment('staging');
    const wf = workflowOf(resolved, 'research-assistant');
    const http = serverHttpSchema.parse({ disable: ['webhooks'], maxRequestBodyBytes: 1048576 });
    const chart = new WorkflowChart(Testing.app(), 'Wf', { environment: resolved.environment, workflow: { ...wf, settings: { ...wf.settings, http } } });
    const envOf = (name: string) => Object.fromEntries(chart.toJson().find((o: any) => o.kind === 'Deployment' && o.metadata.name === name)
      .spec.template.spec.containers[0].env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
    for (const name of ['research-assistant-api', 'research-assistant-worker']) {
      expect(envOf(name)[LANGGRAPH_HTTP_ENV]).toBe('{"disable_webhooks":true}');
      expect(envOf(name)[MAX_REQUEST_BODY_ENV]).toBe('1048576');
    }
  });
});
