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
} from '../../src/observability/promql';
import type { Sli } from '../../src/config/schema';
import { ISTIO_SLI, SECONDS_SLI } from './fixtures';

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
  test('namespace first, then the services, then the fixed matchers in label order', () => {
    const sli: Sli = { ...ISTIO_SLI, matchers: { reporter: 'destination', destination_service_namespace_kind: 'x', app: 'y' } };
    expect(sliMatchers(sli, { namespace: 'shop', services: ['shop-api'] }).map((m) => m.label)).toEqual([
      'destination_service_namespace',
      'destination_service_name',
      'app',
      'destination_service_namespace_kind',
      'reporter',
    ]);
  });

  test('FQDN service values', () => {
    const sli: Sli = { ...ISTIO_SLI, serviceLabel: 'destination_service', serviceValue: 'fqdn' };
    expect(requestRate(sli, { namespace: 'shop', services: ['shop-api'] }, '5m')).toBe(
      'sum(rate(istio_requests_total{destination_service_namespace="shop",destination_service="shop-api.shop.svc.cluster.local",reporter="destination"}[5m]))',
    );
  });

  test("the server's own lg_api metrics", () => {
    const sli: Sli = {
      requestMetric: 'lg_api_http_requests_total',
      latencyHistogram: 'lg_api_http_requests_latency_bucket',
      latencyUnit: 'milliseconds',
      statusCodeLabel: 'status',
      serviceLabel: 'service',
      namespaceLabel: 'namespace',
      matchers: {},
      serviceValue: 'name',
    };
    expect(serverErrorRate(sli, { namespace: 'shop', services: ['shop-api'] }, '2m')).toBe(
      'sum(rate(lg_api_http_requests_total{namespace="shop",service="shop-api",status=~"5.."}[2m]))',
    );
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
