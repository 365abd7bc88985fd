/**
 * What the observability code reads of a workflow's settings, as its own types: the config layer
 * (src/config/schema.ts) produces values of these shapes, and the constructs pass them through, so
 * observability depends on neither (the compiler checks that the config's types fit, in schema.ts).
 */

/** The one SLI contract shared by canary analysis, alerts, SLO rules and the dashboard. */
export interface SliContract {
  /** Counter of HTTP requests with a status label. */
  readonly requestMetric: string;
  /** The `_bucket` series of the request-duration histogram. */
  readonly latencyHistogram: string;
  /** Unit of the histogram's `le` boundaries. */
  readonly latencyUnit: 'milliseconds' | 'seconds';
  /** Finite `le` boundaries, in the histogram's unit. */
  readonly latencyBuckets: readonly number[];
  readonly statusCodeLabel: string;
  readonly routeLabel: string;
  /** Routes left out of the latency SLI: their response stays open while a run executes. */
  readonly longLivedRoutes: readonly string[];
  /** Extra fixed label matchers. */
  readonly matchers: Readonly<Record<string, string>>;
  /** Run outcome counters: a failed run answers HTTP 200, so the success SLI counts them too. */
  readonly runOutcomes: { readonly enabled: boolean; readonly succeededMetric: string; readonly failedMetric: string };
}

/** Service-level objectives. */
export interface SloObjectives {
  /** Availability objective as a ratio, e.g. 0.999. */
  readonly availability: number;
  /** This share of requests completes under `latencyThresholdSeconds`. */
  readonly latency: number;
  /** A bucket boundary of the SLI histogram, in seconds. */
  readonly latencyThresholdSeconds: number;
}

/** Thresholds of a workflow's alerts. */
export interface AlertThresholds {
  readonly errorRatio: number;
  readonly p95LatencySeconds: number;
  readonly memoryLimitRatio: number;
  readonly postgresConnectionRatio: number;
  readonly llmFailuresPerSecond: number;
}

/** The canary's background analysis (thresholds come from the SLO). */
export interface CanaryAnalysisSettings {
  readonly intervalSeconds: number;
  readonly failureLimit: number;
  readonly consecutiveErrorLimit: number;
  readonly inconclusiveLimit: number;
  /** Below this many requests (runs) in the window a measurement is inconclusive. */
  readonly minRequestCount: number;
  /** PromQL duration, e.g. `2m`. */
  readonly window: string;
}
