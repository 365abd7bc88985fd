import { addRateLimit } from '../../../src/charts/features/rate-limit';
import { checkRateLimit, rateLimitSchema } from '../../../src/config/features/rate-limit';
import { contextFor, newChart, synthValid } from './workflow-context-fixture';

const WF = 'support-agent';
const on = (extra: object = {}) => rateLimitSchema.parse({ enabled: true, ...extra });

describe('addRateLimit', () => {
  test('off by default', () => {
    const chart = newChart();
    expect(addRateLimit(chart, contextFor('prod'), rateLimitSchema.parse(undefined))).toBeUndefined();
    expect(synthValid(chart)).toEqual([]);
  });

  test('a local token bucket on the API sidecar\'s inbound HTTP, from config', () => {
    const ctx = contextFor('prod');
    const chart = newChart();
    addRateLimit(chart, ctx, on({ maxTokens: 400, tokensPerFill: 200, fillIntervalSeconds: 0.5 }));
    const [ef, ...rest] = synthValid(chart);
    expect(rest).toEqual([]);
    expect(ef.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(ef.metadata).toMatchObject({ name: `${WF}-api-rate-limit`, namespace: WF });
    expect(ef.spec.workloadSelector.labels).toEqual(ctx.apiSelector);
    const [patch] = ef.spec.configPatches;
    expect(patch.applyTo).toBe('HTTP_FILTER');
    expect(patch.match.context).toBe('SIDECAR_INBOUND');
    expect(patch.match.listener.portNumber).toBe(8000);
    expect(patch.match.listener.filterChain.filter.name).toBe('envoy.filters.network.http_connection_manager');
    expect(patch.patch.operation).toBe('INSERT_BEFORE');
    const filter = patch.patch.value;
    expect(filter.name).toBe('envoy.filters.http.local_ratelimit');
    expect(filter.typed_config['@type']).toBe('type.googleapis.com/udpa.type.v1.TypedStruct');
    expect(filter.typed_config.type_url).toBe('type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit');
    const cfg = filter.typed_config.value;
    expect(cfg.token_bucket).toEqual({ max_tokens: 400, tokens_per_fill: 200, fill_interval: '0.5s' });
    // Envoy enables and enforces the filter for 0% of requests unless told otherwise.
    for (const k of ['filter_enabled', 'filter_enforced']) expect(cfg[k].default_value).toEqual({ numerator: 100, denominator: 'HUNDRED' });
  });

  test('refused without the mesh, at composition and at config-check time', () => {
    const dev = contextFor('dev');
    expect(() => addRateLimit(newChart(), dev, on())).toThrow(/mesh.enabled is false in "dev"/);
    expect(checkRateLimit({ rateLimit: on() }, dev.env).map((i) => i.path)).toEqual([['rateLimit', 'enabled']]);
    expect(checkRateLimit({ rateLimit: rateLimitSchema.parse(undefined) }, dev.env)).toEqual([]);
    expect(checkRateLimit({ rateLimit: on() }, contextFor('prod').env)).toEqual([]);
  });

  test('the schema refuses a fill below Envoy\'s 50ms minimum and more tokens per fill than the bucket holds', () => {
    expect(rateLimitSchema.safeParse({ enabled: true, fillIntervalSeconds: 0.01 }).success).toBe(false);
    const r = rateLimitSchema.safeParse({ enabled: true, maxTokens: 10, tokensPerFill: 20 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['tokensPerFill']);
  });
});

test('snapshot: what rateLimit (defaults) adds to support-agent in prod', () => {
  const chart = newChart();
  addRateLimit(chart, contextFor('prod'), on());
  const objects = synthValid(chart);
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`EnvoyFilter/${WF}-api-rate-limit`]);
  expect(objects).toMatchSnapshot('rateLimit: objects added to support-agent in prod');
});
