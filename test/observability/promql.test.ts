import {
  bucketMatcher,
  eq,
  formatMatchers,
  latencyQuantileSeconds,
  oneOf,
  promNumber,
  requestRate,
  serverErrorRate,
  sliMatchers,
  toHistogramUnit,
  latencyBucketSelector,
  escapeRegex,
  runFailureRatio,
} from '../../src/observability/promql';
import type { Sli } from '../../src/config/schema';
import { ISTIO_SLI, SECONDS_SLI, SERVER_SLI } from './fixtures';

describe('label matchers', () => {
  test('values are escaped for PromQL double-quoted strings', () => {
    expect(formatMatchers([eq('path', 'a"b\\c\nd')])).toBe('{path="a\\"b\\\\c\\nd"}');
  });

  test('an invalid label name is refused with the rule', () => {
    expect(() => formatMatchers([eq('app.kubernetes.io/name', 'x')])).toThrow(
      'label name "app.kubernetes.io/name" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)',
    );
  });

  test('one value is an exact match; several are an alternation of escaped literals', () => {
    expect(formatMatchers([oneOf('host', ['api.openai.com'])])).toBe('{host="api.openai.com"}');
    expect(formatMatchers([oneOf('host', ['api.openai.com', 'a+b'])])).toBe('{host=~"api\\\\.openai\\\\.com|a\\\\+b"}');
    expect(() => oneOf('host', [])).toThrow(/at least one value/);
  });

  test('bucket boundaries match both the Go and the Python/Prometheus 3 spelling of whole numbers', () => {
    expect(formatMatchers([bucketMatcher(2000)])).toBe('{le=~"2000(\\\\.0)?"}');
    expect(formatMatchers([bucketMatcher(0.5)])).toBe('{le="0.5"}');
  });
});

describe('SLI scoping', () => {
  test('namespace, then jobs, then the pod-template hash, then the fixed matchers in label order', () => {
    const sli: Sli = { ...ISTIO_SLI, matchers: { reporter: 'destination', app: 'y' } };
    expect(sliMatchers(sli, { namespace: 'shop', jobs: ['shop/shop-api'], podTemplateHash: '{{args.canary-hash}}' }).map((m) => m.label)).toEqual([
      'namespace',
      'job',
      'rollouts_pod_template_hash',
      'app',
      'reporter',
    ]);
  });

  test("the server's own lg_api metrics, scoped by scrape job and hash, never by Service", () => {
    expect(serverErrorRate(SERVER_SLI, { namespace: 'shop', jobs: ['shop/shop-api'], podTemplateHash: 'abc' }, '2m')).toBe(
      'sum(rate(lg_api_http_requests_total{namespace="shop",job="shop/shop-api",rollouts_pod_template_hash="abc",status=~"5.."}[2m]))',
    );
  });

  test('long-lived routes leave the latency SLI as one anchored alternation of escaped route templates', () => {
    const selector = latencyBucketSelector(SERVER_SLI, { namespace: 'shop' });
    expect(selector).toContain('path!~"/runs/stream|/runs/wait|/threads/\\\\{thread_id\\\\}/runs/\\\\{run_id\\\\}/join|');
    for (const route of SERVER_SLI.longLivedRoutes) expect(new RegExp(`^(?:${SERVER_SLI.longLivedRoutes.map(escapeRegex).join('|')})$`).test(route)).toBe(true);
    expect(new RegExp(`^(?:${SERVER_SLI.longLivedRoutes.map(escapeRegex).join('|')})$`).test('/threads/{thread_id}/state')).toBe(false);
    // The request counter (success SLI) keeps every route.
    expect(requestRate(SERVER_SLI, { namespace: 'shop' }, '5m')).not.toContain('path');
  });

  test('run outcomes read both counters, 0 where a counter has no series yet', () => {
    expect(runFailureRatio(SERVER_SLI, { namespace: 'shop' }, '5m')).toBe(
      '((sum(rate(lg_api_run_failed_after_retry_counter_total{namespace="shop"}[5m])) or vector(0)) / ' +
        '((sum(rate(lg_api_run_failed_after_retry_counter_total{namespace="shop"}[5m])) or vector(0)) + ' +
        '(sum(rate(lg_api_run_success_counter_total{namespace="shop"}[5m])) or vector(0))))',
    );
    expect(() => runFailureRatio(ISTIO_SLI, { namespace: 'shop' }, '5m')).toThrow(/runOutcomes.enabled is false/);
  });

  test('a window that is not a PromQL duration is refused', () => {
    expect(() => requestRate(ISTIO_SLI, { namespace: 'shop' }, '5 minutes')).toThrow('window "5 minutes" is not a PromQL duration; use e.g. "5m" or "1h"');
  });
});

describe('latency units', () => {
  test('milliseconds histograms are divided by 1000, seconds histograms are not', () => {
    expect(latencyQuantileSeconds(ISTIO_SLI, { namespace: 'shop' }, 0.95, '5m')).toMatch(/^\(histogram_quantile\(0\.95, .*\) \/ 1000\)$/);
    expect(latencyQuantileSeconds(SECONDS_SLI, { namespace: 'shop' }, 0.95, '5m')).toMatch(/^histogram_quantile\(0\.95, .*\)\)$/);
  });

  test('thresholds convert without float noise', () => {
    expect(toHistogramUnit(ISTIO_SLI, 0.3)).toBe(300);
    expect(toHistogramUnit(ISTIO_SLI, 2)).toBe(2000);
    expect(toHistogramUnit(SECONDS_SLI, 0.3)).toBe(0.3);
    expect(promNumber(1 - 0.999)).toBe('0.001');
  });

  test('a quantile outside (0, 1) is refused', () => {
    expect(() => latencyQuantileSeconds(ISTIO_SLI, { namespace: 'shop' }, 95, '5m')).toThrow('quantile 95 must lie strictly between 0 and 1');
  });
});
