/**
 * The canary AnalysisTemplate queries, exactly as rendered, evaluated by promtool over synthetic
 * series: a healthy, an unhealthy, a quiet canary and a canary beside a failing stable. Each
 * hand-computed value is then judged by the generated condition and checked against the
 * threshold in the analysis settings the condition came from.
 */
import { canaryAnalysisQueries, type CanaryAnalysisQueries, type CanaryAnalysisSettings } from '../../src/observability/canary-queries';
import { testRules, type InputSeries } from '../../src/observability/promtool';
import type { Sli } from '../../src/config/schema';
import { ANALYSIS, ISTIO_SLI, PROMTOOL, SECONDS_SLI, histogram, istioBucket, istioRequests, perSecond, pinned, promtoolTest } from './fixtures';

const CANARY = 'shop-api-canary';
const STABLE = 'shop-api-stable';
const MINUTES = 10;

/** Argo's condition in the one generated form, `result[0] <op> <number>`, read independently of the generator. */
function judge(condition: string, value: number): boolean {
  const match = /^result\[0\] (>=|<) (\d+(?:\.\d+)?)$/.exec(condition);
  if (!match) throw new Error(`condition "${condition}" is not in the form result[0] >= x or result[0] < x`);
  const threshold = Number(match[2]);
  return match[1] === '>=' ? value >= threshold : value < threshold;
}

type Metric = keyof CanaryAnalysisQueries;

interface CanaryCase {
  readonly name: string;
  readonly series: readonly InputSeries[];
  /** Hand-computed query values. */
  readonly expected: Record<Metric, number>;
  /** Whether the measurement passes. */
  readonly passes: Record<Metric, boolean>;
}

const requests = (service: string, ok: number, failed: number, namespace = 'shop') => [
  perSecond(istioRequests('200', service, namespace), ok, MINUTES),
  perSecond(istioRequests('503', service, namespace), failed, MINUTES),
];
const latency = (service: string, cumulative: Record<string, number>, namespace = 'shop') =>
  histogram((le) => istioBucket(le, service, namespace), cumulative, MINUTES);

// 20/s: 18 within 500 ms, 2 in (500, 1000] → p95 = 500 + 500·(19 − 18)/2 = 750 ms.
const FAST = { '500': 18, '1000': 20, '2500': 20, '5000': 20, '+Inf': 20 };
// 20/s: 12 in (1000, 2500], 8 in (2500, 5000] → p95 = 2500 + 2500·(19 − 12)/8 = 4687.5 ms.
const SLOW = { '500': 0, '1000': 0, '2500': 12, '5000': 20, '+Inf': 20 };
// 31 of 32/s succeed → 0.96875; 28 of 32/s → 0.875.
const healthyCanary = [...requests(CANARY, 31, 1), ...latency(CANARY, FAST)];

const CASES: readonly CanaryCase[] = [
  {
    name: 'healthy canary: 31 of 32 requests/s succeed, p95 0.75 s',
    series: healthyCanary,
    expected: { successRate: 0.96875, p95Latency: 0.75 },
    passes: { successRate: true, p95Latency: true },
  },
  {
    name: 'unhealthy canary: 4 of 32 requests/s answer 503 (12.5 % 5xx)',
    series: [...requests(CANARY, 28, 4), ...latency(CANARY, FAST)],
    expected: { successRate: 0.875, p95Latency: 0.75 },
    passes: { successRate: false, p95Latency: true },
  },
  {
    name: 'unhealthy canary: p95 latency 4.6875 s, above 2 s',
    series: [...requests(CANARY, 31, 1), ...latency(CANARY, SLOW)],
    expected: { successRate: 0.96875, p95Latency: 4.6875 },
    passes: { successRate: true, p95Latency: false },
  },
  {
    name: 'unhealthy canary: every request fails (no 2xx series at all)',
    series: [perSecond(istioRequests('500', CANARY), 2, MINUTES), ...latency(CANARY, FAST)],
    expected: { successRate: 0, p95Latency: 0.75 },
    passes: { successRate: false, p95Latency: true },
  },
  {
    name: 'quiet canary: no canary series at all yields passing values',
    series: [...requests(STABLE, 31, 1), ...latency(STABLE, FAST)],
    expected: { successRate: 1, p95Latency: 0 },
    passes: { successRate: true, p95Latency: true },
  },
  {
    // 2 requests/min, all failing and slow: 4 in the 2m window, below minRequestCount 10.
    name: 'quiet canary: below the minimum request count even failures pass',
    series: [
      { series: istioRequests('500', CANARY), values: `0+2x${MINUTES}` },
      ...['500', '1000', '2500'].map((le) => ({ series: istioBucket(le, CANARY), values: `0x${MINUTES}` })),
      ...['5000', '+Inf'].map((le) => ({ series: istioBucket(le, CANARY), values: `0+2x${MINUTES}` })),
    ],
    expected: { successRate: 1, p95Latency: 0 },
    passes: { successRate: true, p95Latency: true },
  },
  {
    // 5 requests/min: exactly 10 in the 2m window, which is enough to judge.
    name: 'canary at exactly the minimum request count is judged',
    series: [
      { series: istioRequests('500', CANARY), values: `0+5x${MINUTES}` },
      ...['500', '1000', '2500'].map((le) => ({ series: istioBucket(le, CANARY), values: `0x${MINUTES}` })),
      ...['5000', '+Inf'].map((le) => ({ series: istioBucket(le, CANARY), values: `0+5x${MINUTES}` })),
    ],
    // All observations in (2500, 5000] → p95 = 2500 + 2500·0.95 ≈ 4.875 s.
    expected: { successRate: 0, p95Latency: 4.875 },
    passes: { successRate: false, p95Latency: false },
  },
  {
    name: 'failing stable neighbour: the canary values do not move',
    series: [
      ...healthyCanary,
      ...requests(STABLE, 5, 5),
      ...latency(STABLE, SLOW),
      // The same Service name in another namespace, failing too.
      ...requests(CANARY, 0, 10, 'other'),
      ...latency(CANARY, SLOW, 'other'),
    ],
    expected: { successRate: 0.96875, p95Latency: 0.75 },
    passes: { successRate: true, p95Latency: true },
  },
];

function runCases(sli: Sli, analysis: CanaryAnalysisSettings, cases: readonly CanaryCase[], label: string) {
  const queries = canaryAnalysisQueries(sli, analysis, { namespace: 'shop', canaryService: CANARY });

  describe(label, () => {
    test('conditions come from the analysis thresholds in the one fixed form', () => {
      expect(queries.successRate.successCondition).toBe(`result[0] >= ${analysis.minSuccessRate}`);
      expect(queries.p95Latency.successCondition).toBe(`result[0] < ${analysis.maxP95LatencySeconds}`);
    });

    for (const c of cases) {
      test(`${c.name}: expected values are judged as intended against the configured thresholds`, () => {
        expect(judge(queries.successRate.successCondition, c.expected.successRate)).toBe(c.passes.successRate);
        expect(c.expected.successRate >= analysis.minSuccessRate).toBe(c.passes.successRate);
        expect(judge(queries.p95Latency.successCondition, c.expected.p95Latency)).toBe(c.passes.p95Latency);
        expect(c.expected.p95Latency < analysis.maxP95LatencySeconds).toBe(c.passes.p95Latency);
      });

      promtoolTest(`${c.name}: promtool evaluates the rendered queries to the expected values`, () => {
        const result = testRules(PROMTOOL!, [], [
          {
            name: c.name,
            input_series: c.series,
            promql_expr_test: (['successRate', 'p95Latency'] as const).map((metric) => ({
              expr: pinned(queries[metric].query),
              eval_time: `${MINUTES}m`,
              exp_samples: [{ labels: '{}', value: c.expected[metric] }],
            })),
          },
        ]);
        if (!result.ok) throw new Error(result.output);
      });
    }
  });
}

runCases(ISTIO_SLI, ANALYSIS, CASES, 'canary analysis queries (Istio SLI, milliseconds)');

// A seconds histogram and other labels: the same shapes, without the /1000.
const secondsRequests = (code: string, service: string) => `http_requests_total{namespace="shop",service="${service}",code="${code}"}`;
const secondsBucket = (service: string) => (le: string) => `http_request_duration_seconds_bucket{namespace="shop",service="${service}",le="${le}"}`;
runCases(
  SECONDS_SLI,
  { ...ANALYSIS, minRequestCount: 0 },
  [
    {
      name: 'seconds histogram, p95 4.6875 s with 12.5 % errors',
      series: [
        perSecond(secondsRequests('200', CANARY), 28, MINUTES),
        perSecond(secondsRequests('500', CANARY), 4, MINUTES),
        ...histogram(secondsBucket(CANARY), { '0.5': 0, '1': 0, '2.5': 12, '5': 20, '+Inf': 20 }, MINUTES),
      ],
      expected: { successRate: 0.875, p95Latency: 4.6875 },
      passes: { successRate: false, p95Latency: false },
    },
    {
      // minRequestCount 0: counters that exist but did not move still pass instead of yielding NaN.
      name: 'seconds histogram, minRequestCount 0, canary series without traffic',
      series: [
        { series: secondsRequests('200', CANARY), values: `5x${MINUTES}` },
        ...['0.5', '1', '2.5', '5', '+Inf'].map((le) => ({ series: secondsBucket(CANARY)(le), values: `5x${MINUTES}` })),
      ],
      expected: { successRate: 1, p95Latency: 0 },
      passes: { successRate: true, p95Latency: true },
    },
  ],
  'canary analysis queries (seconds histogram)',
);
