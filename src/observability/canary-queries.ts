/**
 * The Prometheus queries and conditions of the canary AnalysisTemplates, built from the same
 * SLI expressions as the alerts (promql.ts).
 *
 * Decision: the namespace and canary Service are rendered into the query as concrete values,
 * not as Argo `{{args.*}}` placeholders. Each workflow gets its own AnalysisTemplate in its own
 * namespace and its canary Service name is fixed (`<workflow>-api-canary`), so arguments would add
 * a second place to get a name wrong and make the tested query differ from the rendered one.
 * The string returned here is exactly what lands in dist/ and exactly what promtool tests.
 *
 * Both queries always return one sample. Argo records an empty result as an error (and aborts
 * after `consecutiveErrorLimit` of them), so below `minRequestCount` requests in the window, with
 * no canary series at all included, each query yields a passing value: 1 for the success ratio,
 * 0 s for the latency.
 */
import type { Sli, WorkflowSettings } from '../config/schema';
import { latencyObservationCount, latencyQuantileSeconds, promNumber, requestCount, successRatio, type SliScope } from './promql';

export type CanaryAnalysisSettings = NonNullable<WorkflowSettings['delivery']['canary']>['analysis'];

export interface CanaryTarget {
  /** The workflow's namespace, where the canary Service lives. */
  readonly namespace: string;
  /** The canary Service, `<workflow>-api-canary`. */
  readonly canaryService: string;
}

export interface CanaryMetricQuery {
  /** PromQL with concrete values; returns exactly one sample. */
  readonly query: string;
  /** Argo expression over `result`; when it is false the measurement counts as failed. */
  readonly successCondition: string;
}

export interface CanaryAnalysisQueries {
  readonly successRate: CanaryMetricQuery;
  readonly p95Latency: CanaryMetricQuery;
}

/** Value the success-rate query yields when the canary has too little traffic to judge. */
export const QUIET_SUCCESS_RATE = 1;
/** Value the latency query yields when the canary has too little traffic to judge. */
export const QUIET_P95_LATENCY_SECONDS = 0;

const P95 = 0.95;

export function canaryAnalysisQueries(sli: Sli, analysis: CanaryAnalysisSettings, target: CanaryTarget): CanaryAnalysisQueries {
  const scope: SliScope = { namespace: target.namespace, services: [target.canaryService] };
  const window = analysis.window;

  const successQuery =
    `(${successRatio(sli, scope, window)} and ${enoughTraffic(requestCount(sli, scope, window), analysis.minRequestCount)})` +
    ` or vector(${QUIET_SUCCESS_RATE})`;
  const latencyQuery =
    `(${latencyQuantileSeconds(sli, scope, P95, window)} and ` +
    `${enoughTraffic(latencyObservationCount(sli, scope, window), analysis.minRequestCount)})` +
    ` or vector(${QUIET_P95_LATENCY_SECONDS})`;

  return {
    successRate: { query: successQuery, successCondition: `result[0] >= ${promNumber(analysis.minSuccessRate)}` },
    p95Latency: { query: latencyQuery, successCondition: `result[0] < ${promNumber(analysis.maxP95LatencySeconds)}` },
  };
}

/**
 * Non-empty only with at least `min` requests. With `min` 0 it still demands some traffic, since
 * a ratio over zero requests is NaN, which fails every condition.
 */
function enoughTraffic(count: string, min: number): string {
  return min > 0 ? `(${count} >= ${min})` : `(${count} > 0)`;
}
