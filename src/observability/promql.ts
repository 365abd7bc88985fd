/**
 * PromQL building blocks over the config's one SLI contract (`sli` in schema.ts): by default the
 * LangGraph server's own per-pod request, latency and run-outcome metrics.
 *
 * Canary analysis, alerts and SLO rules all build their request and latency expressions here,
 * so they can never measure different things. Every selector is scoped to a namespace (and jobs or a pod-template hash); pure
 * functions over plain data, no cdk8s.
 */
import type { SliContract as Sli } from './contracts';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

/**
 * Where an SLI expression looks: the scraped pods of one namespace (Prometheus's `namespace`
 * target label), optionally only some scrape jobs and only the pods of one pod-template hash.
 * Never a Service label: the stable, canary and main Services select the same pods, and Istio
 * labels a pod's metrics with only one of them (istio#45555).
 */
export interface SliScope {
  readonly namespace: string;
  /**
   * Scrape jobs whose series count, e.g. `[shop/shop-api]` (a PodMonitor's job is `<namespace>/<name>`).
   * @default every job in the namespace
   */
  readonly jobs?: readonly string[];
  /**
   * Only the pods of this `rollouts-pod-template-hash` (relabelled onto every series by the
   * PodMonitor), e.g. the AnalysisTemplate argument `{{args.canary-hash}}`.
   * @default pods of every hash
   */
  readonly podTemplateHash?: string;
}

/** The label the PodMonitor relabels the pod's `rollouts-pod-template-hash` onto. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts_pod_template_hash';

const SERVER_ERROR_CODES = '5..';
const DURATION = /^\d+[smhdwy]$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// ---------------------------------------------------------------- matchers and selectors

export function eq(label: string, value: string): LabelMatcher {
  return { label, op: '=', value };
}

export function matchesRegex(label: string, pattern: string): LabelMatcher {
  return { label, op: '=~', value: pattern };
}

export function notMatchesRegex(label: string, pattern: string): LabelMatcher {
  return { label, op: '!~', value: pattern };
}

/** Exact match for one value, an anchored alternation of literal values for several. */
export function oneOf(label: string, values: readonly string[]): LabelMatcher {
  if (values.length === 0) throw new Error(`oneOf(${label}): give at least one value`);
  return values.length === 1 ? eq(label, values[0]) : matchesRegex(label, values.map(escapeRegex).join('|'));
}

/** Escapes RE2 metacharacters so a literal (a host name, a Service name) matches only itself. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A PromQL double-quoted string body. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The one formatter for label matchers: `{a="b",c=~"d"}`. */
export function formatMatchers(matchers: readonly LabelMatcher[]): string {
  for (const m of matchers) {
    if (!LABEL_NAME.test(m.label)) {
      throw new Error(`label name "${m.label}" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`);
    }
  }
  return `{${matchers.map((m) => `${m.label}${m.op}"${escapeLabelValue(m.value)}"`).join(',')}}`;
}

export function selector(metric: string, matchers: readonly LabelMatcher[]): string {
  return `${metric}${formatMatchers(matchers)}`;
}

function rangeWindow(window: string): string {
  if (!DURATION.test(window)) throw new Error(`window "${window}" is not a PromQL duration; use e.g. "5m" or "1h"`);
  return `[${window}]`;
}

/** A number as PromQL reads it, without binary-float noise such as 0.30000000000000004. */
export function promNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a finite number`);
  return String(Number(value.toPrecision(12)));
}

// ---------------------------------------------------------------- SLI selectors

/** Namespace, jobs and hash first, then the SLI's fixed matchers (sorted, so output is stable). */
export function sliMatchers(sli: Sli, scope: SliScope): LabelMatcher[] {
  const matchers = [eq('namespace', scope.namespace)];
  if (scope.jobs !== undefined) matchers.push(oneOf('job', scope.jobs));
  if (scope.podTemplateHash !== undefined) matchers.push(eq(POD_TEMPLATE_HASH_LABEL, scope.podTemplateHash));
  for (const [label, value] of Object.entries(sli.matchers).sort(([a], [b]) => a.localeCompare(b))) {
    matchers.push(eq(label, value));
  }
  return matchers;
}

export function requestSelector(sli: Sli, scope: SliScope, extra: readonly LabelMatcher[] = []): string {
  return selector(sli.requestMetric, [...sliMatchers(sli, scope), ...extra]);
}

/**
 * Requests whose response stays open while a run executes are left out of the latency SLI:
 * their duration is the run's, not the server's.
 */
export function longLivedRouteMatchers(sli: Sli): LabelMatcher[] {
  return sli.longLivedRoutes.length ? [notMatchesRegex(sli.routeLabel, sli.longLivedRoutes.map(escapeRegex).join('|'))] : [];
}

/** A bucket series of the latency histogram, long-lived routes excluded. */
export function latencyBucketSelector(sli: Sli, scope: SliScope, extra: readonly LabelMatcher[] = []): string {
  return selector(sli.latencyHistogram, [...sliMatchers(sli, scope), ...longLivedRouteMatchers(sli), ...extra]);
}

export function serverErrorMatcher(sli: Sli): LabelMatcher {
  return matchesRegex(sli.statusCodeLabel, SERVER_ERROR_CODES);
}

// ---------------------------------------------------------------- request expressions

/** Requests per second. */
export function requestRate(sli: Sli, scope: SliScope, window: string): string {
  return `sum(rate(${requestSelector(sli, scope)}${rangeWindow(window)}))`;
}

/** Requests in the window (extrapolated like `increase`). */
export function requestCount(sli: Sli, scope: SliScope, window: string): string {
  return `sum(increase(${requestSelector(sli, scope)}${rangeWindow(window)}))`;
}

/** 5xx responses per second; empty when no 5xx series exists. */
export function serverErrorRate(sli: Sli, scope: SliScope, window: string): string {
  return `sum(rate(${requestSelector(sli, scope, [serverErrorMatcher(sli)])}${rangeWindow(window)}))`;
}

/**
 * Share of requests answered 5xx. Zero (not empty) when requests exist but none failed, so a
 * ratio is recorded and `1 - ratio` cannot vanish when every request failed; empty without traffic.
 */
export function errorRatio(sli: Sli, scope: SliScope, window: string): string {
  return `((${serverErrorRate(sli, scope, window)} or vector(0)) / ${requestRate(sli, scope, window)})`;
}

/** Share of requests not answered 5xx; empty without traffic. */
export function successRatio(sli: Sli, scope: SliScope, window: string): string {
  return `(1 - ${errorRatio(sli, scope, window)})`;
}

// ---------------------------------------------------------------- run outcomes

/**
 * The run-outcome counters of the SLI, or undefined when switched off. A run that fails answers
 * HTTP 200 (`/runs/wait` with `__error__`, `/runs/stream` with an SSE error event), so only these
 * counters see it.
 */
export function runOutcomeMetrics(sli: Sli): { readonly succeeded: string; readonly failed: string } | undefined {
  return sli.runOutcomes.enabled ? { succeeded: sli.runOutcomes.succeededMetric, failed: sli.runOutcomes.failedMetric } : undefined;
}

function runOutcomes(sli: Sli): { readonly succeeded: string; readonly failed: string } {
  const m = runOutcomeMetrics(sli);
  if (!m) throw new Error('sli.runOutcomes.enabled is false: no run-outcome expression can be built');
  return m;
}

/** Counter `fn` over the window, 0 when the series does not exist yet. */
function counterSum(fn: 'rate' | 'increase', metric: string, sli: Sli, scope: SliScope, window: string): string {
  return `(sum(${fn}(${selector(metric, sliMatchers(sli, scope))}${rangeWindow(window)})) or vector(0))`;
}

/** Runs that ended (succeeded or failed after retries) in the window. */
export function runCount(sli: Sli, scope: SliScope, window: string): string {
  const m = runOutcomes(sli);
  return `(${counterSum('increase', m.succeeded, sli, scope, window)} + ${counterSum('increase', m.failed, sli, scope, window)})`;
}

/** Share of ended runs that failed; NaN without runs (compares false, so nothing fires). */
export function runFailureRatio(sli: Sli, scope: SliScope, window: string): string {
  const m = runOutcomes(sli);
  const failed = counterSum('rate', m.failed, sli, scope, window);
  return `(${failed} / (${failed} + ${counterSum('rate', m.succeeded, sli, scope, window)}))`;
}

/** Share of ended runs that succeeded; NaN without runs. */
export function runSuccessRatio(sli: Sli, scope: SliScope, window: string): string {
  return `(1 - ${runFailureRatio(sli, scope, window)})`;
}

// ---------------------------------------------------------------- latency expressions

/** Seconds expressed in the histogram's unit (2 s → 2000 for a milliseconds histogram). */
export function toHistogramUnit(sli: Sli, seconds: number): number {
  return sli.latencyUnit === 'milliseconds' ? Number((seconds * 1000).toPrecision(12)) : seconds;
}

/** Converts an expression in the histogram's unit to seconds. */
function inSeconds(sli: Sli, expr: string): string {
  return sli.latencyUnit === 'milliseconds' ? `(${expr} / 1000)` : expr;
}

/** A latency quantile in seconds (e.g. 0.95 for p95); empty without traffic, NaN with series but no requests. */
export function latencyQuantileSeconds(sli: Sli, scope: SliScope, quantile: number, window: string): string {
  if (!(quantile > 0 && quantile < 1)) throw new Error(`quantile ${quantile} must lie strictly between 0 and 1`);
  const bucketRates = `sum by (le) (rate(${latencyBucketSelector(sli, scope)}${rangeWindow(window)}))`;
  return inSeconds(sli, `histogram_quantile(${promNumber(quantile)}, ${bucketRates})`);
}

/**
 * Matcher for one bucket boundary. Clients write `le="2000"` (Go) or `le="2000.0"` (Python), and
 * Prometheus 3 normalizes to the latter, so whole numbers match both spellings.
 */
export function bucketMatcher(boundary: number): LabelMatcher {
  if (Number.isInteger(boundary)) return matchesRegex('le', `${boundary}(\\.0)?`);
  return eq('le', String(boundary));
}

/** Observations in the latency histogram during the window (its `+Inf` bucket). */
export function latencyObservationCount(sli: Sli, scope: SliScope, window: string): string {
  return `sum(increase(${latencyBucketSelector(sli, scope, [eq('le', '+Inf')])}${rangeWindow(window)}))`;
}

/** The histogram's bucket boundaries (the SLI's, or given), checked ascending. */
export function latencyBuckets(sli: Sli, given?: readonly number[]): readonly number[] {
  const buckets = given ?? sli.latencyBuckets;
  for (let i = 1; i < buckets.length; i++) {
    if (!(buckets[i] > buckets[i - 1])) throw new Error(`latencyBuckets must be strictly ascending; got [${buckets.join(', ')}]`);
  }
  return buckets;
}

/** Share of requests slower than `thresholdSeconds` (see {@link fastRequestRatio}); empty without traffic. */
export function slowRequestRatio(
  sli: Sli,
  scope: SliScope,
  thresholdSeconds: number,
  window: string,
  buckets: readonly number[],
): string {
  return `(1 - ${fastRequestRatio(sli, scope, thresholdSeconds, window, buckets)})`;
}

/**
 * Share of requests answered within `thresholdSeconds`. On a bucket boundary this is exact; between
 * two boundaries the count below the threshold is interpolated linearly inside the bucket, the
 * same assumption `histogram_quantile` makes. Empty without traffic.
 */
export function fastRequestRatio(
  sli: Sli,
  scope: SliScope,
  thresholdSeconds: number,
  window: string,
  buckets: readonly number[],
): string {
  const threshold = toHistogramUnit(sli, thresholdSeconds);
  const w = rangeWindow(window);
  const bucketRate = (m: LabelMatcher) => `sum(rate(${latencyBucketSelector(sli, scope, [m])}${w}))`;
  const total = bucketRate(eq('le', '+Inf'));

  let fast: string;
  if (buckets.includes(threshold)) {
    fast = bucketRate(bucketMatcher(threshold));
  } else {
    const upperIndex = buckets.findIndex((b) => b > threshold);
    if (upperIndex < 0) {
      throw new Error(
        `latency threshold ${thresholdSeconds}s (${threshold} ${sli.latencyUnit}) lies above the largest finite bucket ` +
          `of ${sli.latencyHistogram} (${buckets[buckets.length - 1]}); choose a threshold at or below it`,
      );
    }
    const upper = buckets[upperIndex];
    const lower = upperIndex === 0 ? 0 : buckets[upperIndex - 1];
    const fraction = promNumber((threshold - lower) / (upper - lower));
    const upperRate = bucketRate(bucketMatcher(upper));
    fast =
      upperIndex === 0
        ? `(${upperRate} * ${fraction})`
        : `(${bucketRate(bucketMatcher(lower))} + (${upperRate} - ${bucketRate(bucketMatcher(lower))}) * ${fraction})`;
  }
  return `(${fast} / ${total})`;
}
