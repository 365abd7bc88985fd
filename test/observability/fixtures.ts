/**
 * Shared inputs and hand-written input series for the observability tests.
 *
 * Series names and labels are spelled out here by hand, not produced by promql.ts, so a wrong
 * label name in the rules cannot be mirrored by the test data. Rates are whole numbers per
 * second and windows are covered by linear counters, so promtool's exact float comparison holds.
 */
import type { Sli } from '../../src/config/schema';
import type { AlertRulesInput } from '../../src/observability/alert-rules';
import type { CanaryAnalysisSettings } from '../../src/observability/canary-queries';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promtoolStatus, type ExpectedAlert, type InputSeries } from '../../src/observability/promtool';
import type { AlertingRule, RuleGroup } from '../../src/observability/rules';
import { isAlertingRule } from '../../src/observability/rules';
import type { SloRulesInput } from '../../src/observability/slo-rules';

export const NS = 'shop';
export const WORKFLOW = 'shop';
export const RUNBOOK_BASE = 'https://git.example.com/platform/blob/main/docs/runbooks.md';

/** Istio's standard metrics, the config's default SLI. */
export const ISTIO_SLI: Sli = {
  requestMetric: 'istio_requests_total',
  latencyHistogram: 'istio_request_duration_milliseconds_bucket',
  latencyUnit: 'milliseconds',
  statusCodeLabel: 'response_code',
  serviceLabel: 'destination_service_name',
  namespaceLabel: 'destination_service_namespace',
  matchers: { reporter: 'destination' },
  serviceValue: 'name',
};

/** A seconds histogram, to prove the unit handling. */
export const SECONDS_SLI: Sli = {
  requestMetric: 'http_requests_total',
  latencyHistogram: 'http_request_duration_seconds_bucket',
  latencyUnit: 'seconds',
  statusCodeLabel: 'code',
  serviceLabel: 'service',
  namespaceLabel: 'namespace',
  matchers: {},
  serviceValue: 'name',
};
export const SECONDS_BUCKETS = [0.5, 1, 2.5, 5];

export const THRESHOLDS = {
  errorRatio: 0.05,
  p95LatencySeconds: 2,
  memoryLimitRatio: 0.9,
  postgresConnectionRatio: 0.8,
  llmFailuresPerSecond: 0.1,
};

export const API_SERVICES = ['shop-api', 'shop-api-stable', 'shop-api-canary'];

export const ALERT_INPUT: AlertRulesInput = {
  workflow: WORKFLOW,
  namespace: NS,
  sli: ISTIO_SLI,
  thresholds: THRESHOLDS,
  runbookBaseUrl: RUNBOOK_BASE,
  apiServices: API_SERVICES,
  scrapeJob: 'shop/shop-api',
  workloadName: 'shop-api',
  containerName: 'api',
  hpaName: 'shop-api',
  exporterJobs: { postgres: { job: 'shop-postgres-exporter' }, redis: { job: 'shop-redis-exporter' } },
  llmFailures: { kind: 'mesh', hosts: ['api.openai.com', 'api.anthropic.com'] },
};

export const SLO_INPUT: SloRulesInput = {
  workflow: WORKFLOW,
  namespace: NS,
  sli: ISTIO_SLI,
  slo: { availability: 0.999, latency: 0.99, latencyThresholdSeconds: 2 },
  runbookBaseUrl: RUNBOOK_BASE,
  apiServices: API_SERVICES,
};

export const ANALYSIS: CanaryAnalysisSettings = {
  intervalSeconds: 60,
  failureLimit: 3,
  consecutiveErrorLimit: 4,
  minSuccessRate: 0.95,
  maxP95LatencySeconds: 2,
  minRequestCount: 10,
  window: '2m',
};

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

// ---------------------------------------------------------------- series, spelled by hand

/** Istio destination-side request counter of a Service. */
export function istioRequests(code: string, service = 'shop-api', namespace = NS): string {
  return `istio_requests_total{reporter="destination",destination_service_namespace="${namespace}",destination_service_name="${service}",response_code="${code}"}`;
}

export function istioBucket(le: string, service = 'shop-api', namespace = NS): string {
  return `istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_namespace="${namespace}",destination_service_name="${service}",le="${le}"}`;
}

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
    text = text.replace(/\{\{ (\$value \| \w+|printf "[^"]*" \$value) \}\}/g, () => {
      if (valueText === undefined) throw new Error(`annotation ${key} of ${rule.alert} shows $value; give the expected text`);
      return valueText;
    });
    if (text.includes('{{')) throw new Error(`annotation ${key} of ${rule.alert} has a template this helper cannot fill: ${template}`);
    annotations[key] = text;
  }
  return { exp_labels: labels, exp_annotations: annotations };
}
