/**
 * Shared inputs and input series for the observability tests.
 *
 * Server series are not written in an assumed shape: `serverSeries` takes the name and the full
 * label set of a sample recorded from the real LangGraph server (test/fixtures/signals/*.prom) and
 * only then adds the labels the scrape adds (namespace, job, pod, …). A label the rules expect but
 * the server does not emit therefore cannot be mirrored by the test data. Rates are whole numbers
 * per second and windows are covered by linear counters, so promtool's exact float comparison holds.
 */
import { SLI_DEFAULTS, type Sli } from '../../src/config/schema';
import type { AlertRulesInput } from '../../src/observability/alert-rules';
import type { CanaryAnalysisSettings, SloSettings } from '../../src/observability/canary-queries';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promtoolStatus, type ExpectedAlert, type InputSeries } from '../../src/observability/promtool';
import type { AlertingRule, RuleGroup } from '../../src/model/rule-group';
import { isAlertingRule } from '../../src/model/rule-group';
import type { SloRulesInput } from '../../src/observability/slo-rules';
import { LANGGRAPH_SERVER_CATALOG, RECORDED_SERVER_METRICS } from '../../src/metric-catalog/index';
import { loadCatalog, SIGNALS_FIXTURES, type Catalog, type Sample } from '../signals/catalog';

export const NS = 'shop';
export const WORKFLOW = 'shop';
export const RUNBOOK_BASE = 'https://git.example.com/platform/blob/main/docs/runbooks.md';
export const API_JOB = 'shop/shop-api';
export const WORKER_JOB = 'shop/shop-worker';

/** The config's default SLI: the LangGraph server's own metrics. */
export const SERVER_SLI: Sli = SLI_DEFAULTS as Sli;

/** An Istio view of the same pods (no route label, so nothing is excluded from latency). */
export const ISTIO_SLI: Sli = {
  ...SERVER_SLI,
  requestMetric: 'istio_requests_total',
  latencyHistogram: 'istio_request_duration_milliseconds_bucket',
  latencyBuckets: [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000],
  statusCodeLabel: 'response_code',
  longLivedRoutes: [],
  matchers: { reporter: 'destination' },
  runOutcomes: { ...SERVER_SLI.runOutcomes, enabled: false },
};

/** A seconds histogram, to prove the unit handling. */
export const SECONDS_SLI: Sli = {
  ...SERVER_SLI,
  requestMetric: 'http_requests_total',
  latencyHistogram: 'http_request_duration_seconds_bucket',
  latencyUnit: 'seconds',
  latencyBuckets: [0.5, 1, 2.5, 5],
  statusCodeLabel: 'code',
  longLivedRoutes: [],
  runOutcomes: { ...SERVER_SLI.runOutcomes, enabled: false },
};

export const THRESHOLDS = {
  errorRatio: 0.05,
  p95LatencySeconds: 2,
  memoryLimitRatio: 0.9,
  postgresConnectionRatio: 0.8,
  llmFailuresPerSecond: 0.1,
};

export const ALERT_INPUT: AlertRulesInput = {
  workflow: WORKFLOW,
  namespace: NS,
  sli: SERVER_SLI,
  thresholds: THRESHOLDS,
  runbookBaseUrl: RUNBOOK_BASE,
  scrapeJob: API_JOB,
  workloadName: 'shop-api',
  containerName: 'api',
  hpaName: 'shop-api',
  workers: { workloadName: 'shop-worker', containerName: 'worker' },
  exporterJobs: { postgres: { job: 'shop-postgres-exporter' }, redis: { job: 'shop-redis-exporter' } },
  llmFailures: { kind: 'mesh', hosts: ['api.openai.com', 'api.anthropic.com'] },
};

export const SLO: SloSettings = { availability: 0.999, latency: 0.99, latencyThresholdSeconds: 1 };

export const SLO_INPUT: SloRulesInput = {
  workflow: WORKFLOW,
  namespace: NS,
  sli: SERVER_SLI,
  slo: { availability: 0.999, latency: 0.99, latencyThresholdSeconds: 2 },
  runbookBaseUrl: RUNBOOK_BASE,
  scrapeJob: API_JOB,
};

export const ANALYSIS: CanaryAnalysisSettings = {
  intervalSeconds: 60,
  failureLimit: 3,
  consecutiveErrorLimit: 4,
  inconclusiveLimit: 2,
  minRequestCount: 10,
  window: '2m',
};

// ---------------------------------------------------------------- series from the recorded server

const recorded: Catalog = loadCatalog(join(SIGNALS_FIXTURES, 'langgraph-api-metrics.internal.prom'));

/** Labels Prometheus adds through the PodMonitor (and its relabelings). */
export interface Target {
  readonly namespace?: string;
  readonly job?: string;
  readonly pod?: string;
  /** The relabelled rollouts-pod-template-hash (Rollout pods only). @default none */
  readonly hash?: string;
}

function targetLabels(t: Target): Record<string, string> {
  const pod = t.pod ?? 'shop-api-7d9f8c6b5-a1b2c';
  return {
    namespace: t.namespace ?? NS,
    job: t.job ?? API_JOB,
    pod,
    container: 'istio-proxy',
    endpoint: 'http-envoy-prom',
    instance: '10.0.0.12:15020',
    ...(t.hash ? { rollouts_pod_template_hash: t.hash } : {}),
  };
}

function formatSeries(name: string, labels: Record<string, string>): string {
  const body = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');
  return `${name}{${body}}`;
}

function recordedSample(series: string, pick: Record<string, string>): Sample {
  for (const family of recorded.values()) {
    for (const sample of family.samples) {
      if (sample.name === series && Object.entries(pick).every(([k, v]) => sample.labels[k] === v)) return sample;
    }
  }
  throw new Error(`no recorded sample ${series} with ${JSON.stringify(pick)} in langgraph-api-metrics.internal.prom`);
}

/**
 * A series exactly as the real server labels it: the label set of a recorded sample of `series`
 * (the first whose labels include `pick`), with `values` for labels the sample has (e.g. another
 * `path` or `status`; a label it lacks is refused), plus the scrape's target labels.
 */
export function serverSeries(series: string, target: Target = {}, values: Record<string, string> = {}, pick: Record<string, string> = {}): string {
  const sample = recordedSample(series, pick);
  for (const k of Object.keys(values)) {
    if (!(k in sample.labels)) throw new Error(`the recorded ${series} has no label ${k} (it has ${Object.keys(sample.labels).join(', ')})`);
  }
  return formatSeries(series, { ...sample.labels, ...values, ...targetLabels(target) });
}

/**
 * A Postgres-runtime gauge (not observable in the in-memory recording): its declared name with the
 * resource labels every recorded lg_api_* gauge carries.
 */
export function postgresRuntimeSeries(name: string, target: Target = {}): string {
  const declared = LANGGRAPH_SERVER_CATALOG.metrics.find((m) => m.name === name);
  if (!declared || RECORDED_SERVER_METRICS.includes(name)) throw new Error(`${name} is not a declared Postgres-only server metric`);
  const template = recordedSample('lg_api_workers_max', {});
  return formatSeries(name, { ...template.labels, ...targetLabels(target) });
}

/** HTTP requests of one route and status. */
export function requests(status: string, target: Target = {}, path = '/threads/{thread_id}/state', method = 'GET'): string {
  return serverSeries('lg_api_http_requests_total', target, { status, path, method });
}

/** Latency buckets of one route (the server writes `le` as "10.0", "500.0", "1000", "5000", "+Inf": give those spellings). */
export function latencyBucket(target: Target = {}, path = '/threads/{thread_id}/state', method = 'GET') {
  return (le: string) => serverSeries('lg_api_http_requests_latency_bucket', target, { path, method, le }, { le: '+Inf' });
}

export function runSucceeded(target: Target = {}): string {
  return serverSeries('lg_api_run_success_counter_total', target);
}

export function runFailed(target: Target = {}): string {
  return serverSeries('lg_api_run_failed_after_retry_counter_total', target, {}, { status: 'error' });
}

// ---------------------------------------------------------------- promtool availability

/** Skipped promtool tests are renamed with this prefix, so a skip is never mistaken for a pass. */
export const PROMTOOL_SKIP_PREFIX = 'SKIPPED (promtool not installed):';

const promtoolState = promtoolStatus();
export const PROMTOOL = promtoolState.kind === 'found' ? promtoolState.path : undefined;

/**
 * A test that needs promtool. promtool present: a plain test. Missing with LGP_REQUIRE_PROMTOOL=1
 * (CI): a test that fails with the install hint. Missing otherwise: a skipped test named
 * `SKIPPED (promtool not installed): …`, and one console.warn per jest run.
 */
export function promtoolTest(name: string, fn: () => void, timeout?: number): void {
  switch (promtoolState.kind) {
    case 'found':
      test(name, fn, timeout);
      return;
    case 'required': {
      const message = promtoolState.message;
      test(name, () => {
        throw new Error(message);
      });
      return;
    }
    case 'missing':
      warnOncePerRun(promtoolState.message);
      test.skip(`${PROMTOOL_SKIP_PREFIX} ${name}`, fn, timeout);
  }
}

let warned = false;
/**
 * Jest loads this module once per test file, possibly in several worker processes; a marker file
 * named after the jest process (pid and start time) lets only the first file of a run warn.
 */
function warnOncePerRun(message: string): void {
  if (warned) return;
  warned = true;
  try {
    closeSync(openSync(join(tmpdir(), `langgraph-platform-promtool-warning-${jestRunId()}`), 'wx'));
  } catch {
    return; // another test file of this run has warned already
  }
  console.warn(`${PROMTOOL_SKIP_PREFIX} ${message}`);
}

/** The jest main process: this process, or its parent when jest forked this one as a worker. */
function jestRunId(): string {
  const main = typeof process.send === 'function' ? process.ppid : process.pid;
  try {
    const stat = readFileSync(`/proc/${main}/stat`, 'utf8');
    // Field 22 (start time) tells a reused pid from this run's.
    return `${main}-${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
  } catch {
    return String(main);
  }
}

// ---------------------------------------------------------------- series helpers

/** A counter growing `perSecond` each second, sampled every minute for `minutes` minutes. */
export function perSecond(series: string, perSecondRate: number, minutes: number): InputSeries {
  return { series, values: `0+${perSecondRate * 60}x${minutes}` };
}

/**
 * Cumulative histogram buckets from per-second observation rates, e.g.
 * `{ '500': 18, '1000': 20, '+Inf': 20 }` (each value counts observations ≤ le).
 */
export function histogram(bucket: (le: string) => string, cumulativePerSecond: Record<string, number>, minutes: number): InputSeries[] {
  return Object.entries(cumulativePerSecond).map(([le, rate]) => perSecond(bucket(le), rate, minutes));
}

/**
 * Rounds an expression's value to a multiple of 2^-20 (about 1e-6) for promtool's exact comparison.
 * Prometheus computes `rate` as `increase * (1/range)`, so 60 requests/s over 5m come out as
 * 60.00000000000001; the step is an exact binary fraction, so hand-computed values such as
 * 0.96875 compare exactly while any real difference still shows.
 */
export function pinned(expr: string): string {
  return `round(${expr}, ${2 ** -20})`;
}

// ---------------------------------------------------------------- expected alerts

export function alertingRules(groups: readonly RuleGroup[]): AlertingRule[] {
  return groups.flatMap((g) => g.rules).filter(isAlertingRule);
}

export function ruleNamed(groups: readonly RuleGroup[], name: string): AlertingRule {
  const rule = alertingRules(groups).find((r) => r.alert === name);
  if (!rule) throw new Error(`no alert ${name} in the rule groups`);
  return rule;
}

/**
 * The alert promtool should report: the rule's labels plus the expression's output labels, and
 * its annotations with `{{ $labels.x }}` and the one `{{ $value … }}` filled in by hand.
 */
export function firing(rule: AlertingRule, outputLabels: Record<string, string> = {}, valueText?: string): ExpectedAlert {
  const labels = { ...outputLabels, ...rule.labels };
  const annotations: Record<string, string> = {};
  for (const [key, template] of Object.entries(rule.annotations)) {
    let text = template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => {
      if (!(name in labels)) throw new Error(`annotation ${key} of ${rule.alert} uses $labels.${name}, which the test case lacks`);
      return labels[name];
    });
    text = text.replace(/\{\{ (\$value(?: \| \w+)?|printf "[^"]*" \$value) \}\}/g, () => {
      if (valueText === undefined) throw new Error(`annotation ${key} of ${rule.alert} shows $value; give the expected text`);
      return valueText;
    });
    if (text.includes('{{')) throw new Error(`annotation ${key} of ${rule.alert} has a template this helper cannot fill: ${template}`);
    annotations[key] = text;
  }
  return { exp_labels: labels, exp_annotations: annotations };
}
