/**
 * The canary AnalysisTemplate queries, exactly as rendered (with the Rollout's `canary-hash`
 * argument substituted, as Argo does), evaluated by promtool over series labelled as the real
 * server labels them: a healthy canary, one that fails requests, one whose runs fail behind HTTP
 * 200, a slow one, a quiet one, and a healthy canary beside a failing stable. Each expected value is
 * then judged with Argo's rules (success and failure conditions; neither → Inconclusive) and
 * checked against the SLO the thresholds come from.
 */
import {
  CANARY_HASH_PLACEHOLDER,
  INCONCLUSIVE,
  canaryAnalysisQueries,
  type CanaryMetricQuery,
} from '../../src/observability/canary-queries';
import { testRules, type InputSeries } from '../../src/observability/promtool';
import {
  ANALYSIS,
  ISTIO_SLI,
  PROMTOOL,
  SERVER_SLI,
  SLO,
  histogram,
  latencyBucket,
  perSecond,
  pinned,
  promtoolTest,
  requests,
  runFailed,
  runSucceeded,
  type Target,
} from './fixtures';

const CANARY = '6d8f7c9b5';
const STABLE = '5c7e6b8a4';
const MINUTES = 10;
const canary: Target = { hash: CANARY, pod: `shop-api-${CANARY}-x1y2z` };
const stable: Target = { hash: STABLE, pod: `shop-api-${STABLE}-a1b2c` };

type Phase = 'Successful' | 'Failed' | 'Inconclusive';

/**
 * Argo Rollouts' evaluation (metricutil EvaluateResult) for the two condition forms rendered,
 * parsed here independently of the generator: failure wins, then success, else Inconclusive.
 */
function argoPhase(metric: CanaryMetricQuery, value: number): Phase {
  const success = /^result\[0\] >= (\d+(?:\.\d+)?)$/.exec(metric.successCondition);
  const failure = /^result\[0\] >= 0 && result\[0\] < (\d+(?:\.\d+)?)$/.exec(metric.failureCondition);
  if (!success || !failure) throw new Error(`unexpected conditions ${metric.successCondition} / ${metric.failureCondition}`);
  if (value >= 0 && value < Number(failure[1])) return 'Failed';
  if (value >= Number(success[1])) return 'Successful';
  return 'Inconclusive';
}

const queries = canaryAnalysisQueries(SERVER_SLI, SLO, ANALYSIS, { namespace: 'shop', apiRunsJobs: true });
const byName = Object.fromEntries([...queries.successRate, ...queries.latency].map((m) => [m.name, m]));
type MetricName = 'http-success-rate' | 'run-success-rate' | 'latency-within-slo';

/** The query as Argo runs it: the Rollout's `podTemplateHashValue: Latest` substituted. */
const substituted = (m: CanaryMetricQuery) => m.query.split(CANARY_HASH_PLACEHOLDER).join(CANARY);

interface CanaryCase {
  readonly name: string;
  readonly series: readonly InputSeries[];
  /** Hand-computed query values. */
  readonly expected: Record<MetricName, number>;
  readonly phases: Record<MetricName, Phase>;
}

const okRequests = (t: Target, perSec: number) => perSecond(requests('200', t), perSec, MINUTES);
const failedRequests = (t: Target, perSec: number) => perSecond(requests('500', t), perSec, MINUTES);
// Recorded `le` spellings: "500.0" and "1000" (the server mixes them); the queries match by value.
const fastLatency = (t: Target) => histogram(latencyBucket(t), { '500.0': 32, '1000': 32, '5000': 32, '+Inf': 32 }, MINUTES);
const runs = (t: Target, ok: number, failed: number) => [perSecond(runSucceeded(t), ok, MINUTES), perSecond(runFailed(t), failed, MINUTES)];
const healthyCanary = [okRequests(canary, 32), ...fastLatency(canary), ...runs(canary, 8, 0)];

const CASES: readonly CanaryCase[] = [
  {
    name: 'healthy canary: no 5xx, every run succeeds, every request within 1 s',
    series: healthyCanary,
    expected: { 'http-success-rate': 1, 'run-success-rate': 1, 'latency-within-slo': 1 },
    phases: { 'http-success-rate': 'Successful', 'run-success-rate': 'Successful', 'latency-within-slo': 'Successful' },
  },
  {
    name: 'bad canary: 4 of 32 requests/s answer 500',
    series: [okRequests(canary, 28), failedRequests(canary, 4), ...fastLatency(canary), ...runs(canary, 8, 0)],
    expected: { 'http-success-rate': 0.875, 'run-success-rate': 1, 'latency-within-slo': 1 },
    phases: { 'http-success-rate': 'Failed', 'run-success-rate': 'Successful', 'latency-within-slo': 'Successful' },
  },
  {
    // The realistic bad release: the graph raises, the server still answers HTTP 200.
    name: 'bad canary: 2 of 8 runs/s fail while every response is HTTP 200',
    series: [okRequests(canary, 32), ...fastLatency(canary), ...runs(canary, 6, 2)],
    expected: { 'http-success-rate': 1, 'run-success-rate': 0.75, 'latency-within-slo': 1 },
    phases: { 'http-success-rate': 'Successful', 'run-success-rate': 'Failed', 'latency-within-slo': 'Successful' },
  },
  {
    // 32/s: 16 within 1000 ms, 16 in (1000, 5000] → half within the 1 s objective.
    name: 'slow canary: half the requests take longer than the 1 s SLO threshold',
    series: [okRequests(canary, 32), ...histogram(latencyBucket(canary), { '500.0': 0, '1000': 16, '5000': 32, '+Inf': 32 }, MINUTES), ...runs(canary, 8, 0)],
    expected: { 'http-success-rate': 1, 'run-success-rate': 1, 'latency-within-slo': 0.5 },
    phases: { 'http-success-rate': 'Successful', 'run-success-rate': 'Successful', 'latency-within-slo': 'Failed' },
  },
  {
    name: 'streaming and waiting routes, open for the whole run, do not enter the latency SLI',
    series: [
      ...healthyCanary,
      ...(['/runs/stream', '/threads/{thread_id}/runs/wait', '/threads/{thread_id}/runs/{run_id}/join'] as const).flatMap((path) =>
        histogram(latencyBucket(canary, path, path.endsWith('join') ? 'GET' : 'POST'), { '500.0': 0, '1000': 0, '5000': 0, '60000': 32, '+Inf': 32 }, MINUTES)),
    ],
    expected: { 'http-success-rate': 1, 'run-success-rate': 1, 'latency-within-slo': 1 },
    phases: { 'http-success-rate': 'Successful', 'run-success-rate': 'Successful', 'latency-within-slo': 'Successful' },
  },
  {
    name: 'quiet canary: no canary series at all is inconclusive, not a pass',
    series: [okRequests(stable, 32), ...fastLatency(stable), ...runs(stable, 8, 0)],
    expected: { 'http-success-rate': INCONCLUSIVE, 'run-success-rate': INCONCLUSIVE, 'latency-within-slo': INCONCLUSIVE },
    phases: { 'http-success-rate': 'Inconclusive', 'run-success-rate': 'Inconclusive', 'latency-within-slo': 'Inconclusive' },
  },
  {
    // 2 requests and runs per minute, all failing and slow: 4 in the 2m window, below minRequestCount 10.
    name: 'quiet canary: below the minimum count even failures are inconclusive',
    series: [
      { series: requests('500', canary), values: `0+2x${MINUTES}` },
      ...['500.0', '1000'].map((le) => ({ series: latencyBucket(canary)(le), values: `0x${MINUTES}` })),
      ...['5000', '+Inf'].map((le) => ({ series: latencyBucket(canary)(le), values: `0+2x${MINUTES}` })),
      { series: runFailed(canary), values: `0+2x${MINUTES}` },
    ],
    expected: { 'http-success-rate': INCONCLUSIVE, 'run-success-rate': INCONCLUSIVE, 'latency-within-slo': INCONCLUSIVE },
    phases: { 'http-success-rate': 'Inconclusive', 'run-success-rate': 'Inconclusive', 'latency-within-slo': 'Inconclusive' },
  },
  {
    // 5 per minute: exactly 10 in the 2m window, which is enough to judge.
    name: 'canary at exactly the minimum count is judged',
    series: [
      { series: requests('500', canary), values: `0+5x${MINUTES}` },
      ...['500.0', '1000'].map((le) => ({ series: latencyBucket(canary)(le), values: `0x${MINUTES}` })),
      ...['5000', '+Inf'].map((le) => ({ series: latencyBucket(canary)(le), values: `0+5x${MINUTES}` })),
      { series: runFailed(canary), values: `0+5x${MINUTES}` },
    ],
    expected: { 'http-success-rate': 0, 'run-success-rate': 0, 'latency-within-slo': 0 },
    phases: { 'http-success-rate': 'Failed', 'run-success-rate': 'Failed', 'latency-within-slo': 'Failed' },
  },
  {
    name: "failing stable pods and another namespace's canary hash do not move the canary's result",
    series: [
      ...healthyCanary,
      okRequests(stable, 5),
      failedRequests(stable, 5),
      ...histogram(latencyBucket(stable), { '500.0': 0, '1000': 0, '5000': 32, '+Inf': 32 }, MINUTES),
      ...runs(stable, 1, 7),
      failedRequests({ ...canary, namespace: 'other', job: 'other/other-api' }, 10),
      ...runs({ ...canary, namespace: 'other', job: 'other/other-api' }, 0, 5),
    ],
    expected: { 'http-success-rate': 1, 'run-success-rate': 1, 'latency-within-slo': 1 },
    phases: { 'http-success-rate': 'Successful', 'run-success-rate': 'Successful', 'latency-within-slo': 'Successful' },
  },
];

describe('canary analysis queries (server metrics, pod-template hash)', () => {
  test('thresholds are the SLO: availability for both success rates, latency share at the SLO threshold', () => {
    expect(byName['http-success-rate'].successCondition).toBe(`result[0] >= ${SLO.availability}`);
    expect(byName['run-success-rate'].successCondition).toBe(`result[0] >= ${SLO.availability}`);
    expect(byName['latency-within-slo'].successCondition).toBe(`result[0] >= ${SLO.latency}`);
    expect(byName['latency-within-slo'].query).toContain('le=~"1000(\\\\.0)?"');
  });

  test('every query selects the canary by its hash argument, never by a Service label', () => {
    for (const m of Object.values(byName)) {
      expect(m.query).toContain(`rollouts_pod_template_hash="${CANARY_HASH_PLACEHOLDER}"`);
      expect(m.query).not.toMatch(/destination_service|service=/);
      expect(m.query).not.toMatch(/or vector\(1\)/);
    }
  });

  test('with queue workers the canary runs no jobs, so no run metric judges it', () => {
    const withWorkers = canaryAnalysisQueries(SERVER_SLI, SLO, ANALYSIS, { namespace: 'shop', apiRunsJobs: false });
    expect(withWorkers.successRate.map((m) => m.name)).toEqual(['http-success-rate']);
  });

  test('minRequestCount below 1 is refused: a ratio over nothing judges nothing', () => {
    expect(() => canaryAnalysisQueries(SERVER_SLI, SLO, { ...ANALYSIS, minRequestCount: 0 }, { namespace: 'shop', apiRunsJobs: true })).toThrow(/minRequestCount 0/);
  });

  for (const c of CASES) {
    test(`${c.name}: Argo judges the expected values as intended`, () => {
      for (const name of Object.keys(c.expected) as MetricName[]) {
        expect({ name, phase: argoPhase(byName[name], c.expected[name]) }).toEqual({ name, phase: c.phases[name] });
      }
    });

    promtoolTest(`${c.name}: promtool evaluates the rendered queries to the expected values`, () => {
      const result = testRules(PROMTOOL!, [], [{
        name: c.name,
        input_series: c.series,
        promql_expr_test: (Object.keys(c.expected) as MetricName[]).map((name) => ({
          expr: pinned(substituted(byName[name])),
          eval_time: `${MINUTES}m`,
          exp_samples: [{ labels: '{}', value: c.expected[name] }],
        })),
      }]);
      if (!result.ok) throw new Error(result.output);
    });
  }
});

describe('canary analysis queries (an Istio view of the same pods)', () => {
  // Istio's series come from each pod's sidecar through metrics merging, so they carry the
  // relabelled hash too; the Service label is not used.
  const istio = canaryAnalysisQueries(ISTIO_SLI, SLO, ANALYSIS, { namespace: 'shop', apiRunsJobs: true });
  const istioRequests = (code: string, t: Target) =>
    `istio_requests_total{namespace="shop",job="shop/shop-api",pod="${t.pod}",rollouts_pod_template_hash="${t.hash}",reporter="destination",destination_service_name="shop-api",response_code="${code}"}`;

  test('no run metric without run outcomes, and no route exclusion without routes', () => {
    expect(istio.successRate.map((m) => m.name)).toEqual(['http-success-rate']);
    expect(istio.latency[0].query).not.toContain('path!~');
  });

  promtoolTest('Istio view: 12.5 % 503 on the canary fails although the Service label names the main Service', () => {
    const result = testRules(PROMTOOL!, [], [{
      name: 'istio view',
      input_series: [perSecond(istioRequests('200', canary), 28, MINUTES), perSecond(istioRequests('503', canary), 4, MINUTES), perSecond(istioRequests('200', stable), 32, MINUTES)],
      promql_expr_test: [{ expr: pinned(substituted(istio.successRate[0])), eval_time: `${MINUTES}m`, exp_samples: [{ labels: '{}', value: 0.875 }] }],
    }]);
    if (!result.ok) throw new Error(result.output);
  });
});
