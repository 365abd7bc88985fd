/**
 * The Prometheus queries and conditions of the canary AnalysisTemplates, built from the same SLI
 * expressions as the alerts (promql.ts).
 *
 * Seeing the canary: the PodMonitor relabels each pod's `rollouts-pod-template-hash` onto every
 * series it scrapes (`rollouts_pod_template_hash`), and the Rollout passes the canary's hash to the
 * templates (`args: canary-hash`, `valueFrom.podTemplateHashValue: Latest`), so each query selects
 * exactly the canary's pods in the workflow's namespace, whatever Service or mesh carried the
 * request. Service labels cannot do this: the main, stable and canary Services select the same pods
 * and Istio labels a pod's metrics with one of them only (istio#45555).
 *
 * Thresholds are the workflow's SLO, never a second constant: the HTTP and run success ratios
 * must reach `slo.availability`, and the share of (non-long-lived) requests answered within
 * `slo.latencyThresholdSeconds` must reach `slo.latency`.
 *
 * A quiet canary is inconclusive, never a pass: below `minRequestCount` requests (or ended runs)
 * in the window each query yields {@link INCONCLUSIVE}, which neither `successCondition` nor
 * `failureCondition` accepts, and Argo records the measurement as Inconclusive; after
 * `inconclusiveLimit` of them the AnalysisRun is Inconclusive and the Rollout pauses
 * (docs/delivery.md). Every query returns exactly one sample, since Argo records an empty result
 * as an error.
 */
import type { SliContract as Sli, CanaryAnalysisSettings, SloObjectives } from './contracts';
import {
  fastRequestRatio,
  latencyBuckets,
  latencyObservationCount,
  promNumber,
  requestCount,
  runCount,
  runOutcomeMetrics,
  runSuccessRatio,
  successRatio,
  type SliScope,
} from './promql';

export type { CanaryAnalysisSettings } from './contracts';
export type SloSettings = SloObjectives;

/** The AnalysisTemplate argument holding the canary's pod-template hash. */
export const CANARY_HASH_ARG = 'canary-hash';
/** Where Argo substitutes the argument into the query. */
export const CANARY_HASH_PLACEHOLDER = `{{args.${CANARY_HASH_ARG}}}`;
/** What a query yields when the canary had too little traffic to judge: no condition accepts it. */
export const INCONCLUSIVE = -1;

export interface CanaryTarget {
  /** The workflow's namespace. */
  readonly namespace: string;
  /**
   * Whether the canary's own pods execute runs (no queue workers). With queue workers the runs of
   * canary requests execute on the worker pods, which are not part of the canary, so no
   * run-outcome metric can judge it.
   */
  readonly apiRunsJobs: boolean;
}

export interface CanaryMetricQuery {
  /** Metric name inside the AnalysisTemplate. */
  readonly name: string;
  /** PromQL with the `{{args.canary-hash}}` placeholder; returns exactly one sample. */
  readonly query: string;
  /** Argo expression over `result`: true → the measurement passes. */
  readonly successCondition: string;
  /** Argo expression over `result`: true → the measurement fails. Neither → inconclusive. */
  readonly failureCondition: string;
  /** The SLO value the result is compared with. */
  readonly threshold: number;
}

export interface CanaryAnalysisQueries {
  /** Success: HTTP non-5xx, plus run outcomes where the canary executes runs. */
  readonly successRate: readonly CanaryMetricQuery[];
  /** Latency: share of non-long-lived requests within the SLO threshold. */
  readonly latency: readonly CanaryMetricQuery[];
}

export function canaryAnalysisQueries(sli: Sli, slo: SloSettings, analysis: CanaryAnalysisSettings, target: CanaryTarget): CanaryAnalysisQueries {
  const scope: SliScope = { namespace: target.namespace, podTemplateHash: CANARY_HASH_PLACEHOLDER };
  const w = analysis.window;
  const min = analysis.minRequestCount;

  const httpSuccess = judged('http-success-rate', successRatio(sli, scope, w), requestCount(sli, scope, w), min, slo.availability);
  const successRate = [httpSuccess];
  if (target.apiRunsJobs && runOutcomeMetrics(sli)) {
    successRate.push(judged('run-success-rate', runSuccessRatio(sli, scope, w), runCount(sli, scope, w), min, slo.availability));
  }
  const withinThreshold = fastRequestRatio(sli, scope, slo.latencyThresholdSeconds, w, latencyBuckets(sli));
  const latency = [judged('latency-within-slo', withinThreshold, latencyObservationCount(sli, scope, w), min, slo.latency)];
  return { successRate, latency };
}

/** `value` when at least `min` events happened in the window, else {@link INCONCLUSIVE}. */
function judged(name: string, value: string, count: string, min: number, threshold: number): CanaryMetricQuery {
  if (!Number.isInteger(min) || min < 1) throw new Error(`minRequestCount ${min} must be a whole number ≥ 1: a ratio over no requests judges nothing`);
  const t = promNumber(threshold);
  return {
    name,
    query: `(${value} and (${count} >= ${min})) or vector(${INCONCLUSIVE})`,
    successCondition: `result[0] >= ${t}`,
    failureCondition: `result[0] >= 0 && result[0] < ${t}`,
    threshold,
  };
}
