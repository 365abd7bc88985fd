/**
 * The workflow's alerting rules: the playbook's alerts plus one per incident runbook, each
 * scoped to the workflow's namespace (and its scrape job, pods, container, HPA or exporter jobs),
 * each with severity, summary, description and a runbook_url into docs/runbooks.md.
 *
 * Request, latency and run alerts read the SLI (by default the server's own /metrics, present with
 * and without the mesh); queue and pool alerts read the server's Postgres-runtime gauges, workers
 * and memory kube-state-metrics and cAdvisor. No alert pages for one draining pod: the paging ones
 * need every API pod or every worker down, or runs stuck with no free worker slot.
 */
import type { SliContract as Sli, AlertThresholds } from './contracts';
import {
  eq,
  errorRatio,
  escapeRegex,
  latencyQuantileSeconds,
  matchesRegex,
  oneOf,
  promNumber,
  runFailureRatio,
  runOutcomeMetrics,
  selector,
  type LabelMatcher,
  type SliScope,
} from './promql';
import { PENDING_RUNS } from '../metric-catalog/langgraph-server';
import { runbookUrl } from './runbook-url';
import type { AlertingRule, RuleGroup, Severity } from '../model/rule-group';

export type { AlertThresholds } from './contracts';

/** A postgres_exporter or redis_exporter scrape job. */
export interface ExporterTarget {
  /** The `job` label of the exporter's targets. */
  readonly job: string;
  /** Namespace the exporter runs in. @default the workflow's namespace */
  readonly namespace?: string;
}

/**
 * Where failed calls to LLM providers are counted.
 * - `mesh`: Istio's client-side metrics for egress to the provider hosts. Istio only sees HTTP
 *   status codes when the sidecar or an egress gateway originates TLS; for HTTPS the app opens
 *   itself, the mesh sees TCP only and this alert stays silent.
 * - `counter`: a counter of failed upstream calls the application exports.
 */
export type LlmFailureSource =
  | { readonly kind: 'mesh'; readonly hosts: readonly string[] }
  | { readonly kind: 'counter'; readonly metric: string; readonly matchers?: Readonly<Record<string, string>> };

export interface QueueWorkerTarget {
  /** The worker Deployment; its pods are named `<workloadName>-<hash>-<suffix>`. */
  readonly workloadName: string;
  /** The worker container. */
  readonly containerName: string;
}

export interface AlertRulesInput {
  readonly workflow: string;
  readonly namespace: string;
  readonly sli: Sli;
  readonly thresholds: AlertThresholds;
  /** URL of docs/runbooks.md, without a fragment; each alert appends `#<anchor>`. */
  readonly runbookBaseUrl: string;
  /** The `job` label of the API's scrape targets (a PodMonitor's default is `<namespace>/<name>`). */
  readonly scrapeJob: string;
  /** The API's Deployment or Rollout; its pods are named `<workloadName>-<hash>-<suffix>`. */
  readonly workloadName: string;
  /** The API container (not the sidecar). */
  readonly containerName: string;
  /** The HPA scaling the API. */
  readonly hpaName: string;
  /** Queue workers, when the workflow runs them: their readiness and memory alerts exist only then. @default none */
  readonly workers?: QueueWorkerTarget;
  /** Exporter jobs; an alert exists only for the stores named here. @default none */
  readonly exporterJobs?: { readonly postgres?: ExporterTarget; readonly redis?: ExporterTarget };
  /** Source of the LLM-provider failure alert; the alert exists only when given. @default none */
  readonly llmFailures?: LlmFailureSource;
}

/** Alert name → section anchor in docs/runbooks.md. */
export const RUNBOOK_ANCHORS = {
  LangGraphApiDown: 'api-down',
  LangGraphHighErrorRate: 'high-error-rate',
  LangGraphRunFailures: 'run-failures',
  LangGraphHighLatency: 'high-latency',
  LangGraphHighMemory: 'high-memory',
  LangGraphCrashLooping: 'crash-looping',
  LangGraphWorkersDown: 'workers-down',
  LangGraphWorkersNotReady: 'workers-not-ready',
  LangGraphWorkerHighMemory: 'worker-memory',
  LangGraphRunsPilingUp: 'runs-piling-up',
  LangGraphNoAvailableWorkers: 'no-available-workers',
  LangGraphServerPostgresPoolExhausted: 'server-postgres-pool-exhausted',
  LangGraphServerPostgresPoolErrors: 'server-postgres-pool-errors',
  LangGraphServerRedisPoolExhausted: 'server-redis-pool-exhausted',
  LangGraphPostgresDown: 'postgres-down',
  LangGraphRedisDown: 'redis-down',
  LangGraphHpaAtMaxReplicas: 'traffic-spike',
  LangGraphPostgresConnectionsHigh: 'db-connection-pool-exhaustion',
  LangGraphLlmProviderFailures: 'llm-provider-failures',
  LangGraphMemoryLeak: 'memory-leak',
} as const;
export type AlertName = keyof typeof RUNBOOK_ANCHORS;

/** Window of the rate and quantile expressions; short enough to page within minutes. */
const RATE_WINDOW = '5m';
/** Window and horizon of the memory-leak prediction. */
const LEAK_WINDOW = '1h';
const LEAK_HORIZON_SECONDS = 4 * 3600;
/** How long the pending-run count must have been above zero and rising. */
const PILE_UP_WINDOW = '15m';

// Istio's client-side (source) request metric and labels, used for egress to LLM providers.
const ISTIO_REQUESTS = 'istio_requests_total';

/**
 * Pods are `<workload>-<pod-template-hash>-<suffix>`; with long names Kubernetes truncates the
 * base before the suffix, which can drop the second dash. Anchored, so `<workload>-x-api-…` pods
 * of another workflow in a shared namespace do not match.
 */
function podsOf(workloadName: string): LabelMatcher {
  return matchesRegex('pod', `${escapeRegex(workloadName)}-[a-z0-9]+(-[a-z0-9]+)?`);
}

export function alertRuleGroups(input: AlertRulesInput): RuleGroup[] {
  const { namespace, thresholds: t, sli } = input;
  const ns = eq('namespace', namespace);
  const apiScope: SliScope = { namespace, jobs: [input.scrapeJob] };
  // Run outcomes count wherever runs execute: API pods, or queue workers.
  const namespaceScope: SliScope = { namespace };
  const apiPods = podsOf(input.workloadName);
  const upSelector = selector('up', [ns, eq('job', input.scrapeJob)]);
  const readySelector = selector('kube_pod_status_ready', [ns, apiPods, eq('condition', 'true')]);
  const memory = (pods: LabelMatcher, container: string) => {
    const matchers = [ns, pods, eq('container', container)];
    return {
      workingSet: selector('container_memory_working_set_bytes', matchers),
      limit: `max by (pod) (${selector('kube_pod_container_resource_limits', [...matchers, eq('resource', 'memory')])})`,
    };
  };
  const apiMemory = memory(apiPods, input.containerName);
  const hpa = [ns, eq('horizontalpodautoscaler', input.hpaName)];
  const where = `namespace ${namespace}`;
  // Queue-wide gauges: every pod reports the same value, so take the max across pods (never sum).
  const pending = `max(${selector(PENDING_RUNS, [ns])})`;

  const alert = (
    name: AlertName,
    severity: Severity,
    expr: string,
    forDuration: string,
    summary: string,
    description: string,
  ): AlertingRule => ({
    alert: name,
    expr,
    for: forDuration,
    labels: { severity, namespace, workflow: input.workflow },
    annotations: { summary, description, runbook_url: runbookUrl(input.runbookBaseUrl, RUNBOOK_ANCHORS[name]) },
  });

  const rules: AlertingRule[] = [
    alert(
      'LangGraphApiDown',
      'critical',
      // Scrape targets all down, all vanished, or none of the pods Ready. Through Istio's metrics
      // merging `up` follows the sidecar, so readiness (the app's /ok probe) is checked as well.
      // Each branch is a label-less sum, so the alert keeps one identity while the cause changes.
      `sum(${upSelector}) == 0 or sum(absent(${upSelector})) or sum(${readySelector}) == 0`,
      '1m',
      `LangGraph API of ${input.workflow} has no healthy pod`,
      `No API pod of workflow ${input.workflow} in ${where} has been scraped successfully or Ready for 1 minute: ` +
        'every request to the API fails.',
    ),
    alert(
      'LangGraphHighErrorRate',
      'warning',
      `${errorRatio(sli, apiScope, RATE_WINDOW)} > ${promNumber(t.errorRatio)}`,
      '2m',
      `LangGraph API of ${input.workflow} answers more than ${percent(t.errorRatio)} of requests with 5xx`,
      `{{ $value | humanizePercentage }} of requests to the API pods (job ${input.scrapeJob}) in ${where} ` +
        `failed with a 5xx status over the last ${RATE_WINDOW} (threshold ${percent(t.errorRatio)}).`,
    ),
  ];
  if (runOutcomeMetrics(sli)) {
    rules.push(
      alert(
        'LangGraphRunFailures',
        'warning',
        `${runFailureRatio(sli, namespaceScope, RATE_WINDOW)} > ${promNumber(t.errorRatio)}`,
        '5m',
        `More than ${percent(t.errorRatio)} of ${input.workflow}'s runs fail`,
        `{{ $value | humanizePercentage }} of the runs that ended in ${where} over the last ${RATE_WINDOW} failed after ` +
          `their retries (threshold ${percent(t.errorRatio)}). A failed run still answers HTTP 200, so the error-rate alert cannot see it.`,
      ),
    );
  }
  rules.push(
    alert(
      'LangGraphHighLatency',
      'warning',
      `${latencyQuantileSeconds(sli, apiScope, 0.95, RATE_WINDOW)} > ${promNumber(t.p95LatencySeconds)}`,
      '3m',
      `LangGraph API of ${input.workflow} p95 latency above ${t.p95LatencySeconds}s`,
      `The 95th percentile latency of requests to the API pods in ${where}, long-lived streaming and waiting routes ` +
        `excluded, is {{ $value | humanizeDuration }} over the last ${RATE_WINDOW} (threshold ${t.p95LatencySeconds}s).`,
    ),
    alert(
      'LangGraphHighMemory',
      'warning',
      `max by (pod) (${apiMemory.workingSet}) / ${apiMemory.limit} > ${promNumber(t.memoryLimitRatio)}`,
      '5m',
      `LangGraph API pod uses more than ${percent(t.memoryLimitRatio)} of its memory limit`,
      `Container ${input.containerName} of pod {{ $labels.pod }} in ${where} uses {{ $value | humanizePercentage }} ` +
        'of its memory limit; near the limit the kernel OOM-kills it.',
    ),
    alert(
      'LangGraphCrashLooping',
      'warning',
      `max by (pod, container) (${selector('kube_pod_container_status_waiting_reason', [ns, eq('reason', 'CrashLoopBackOff')])}) == 1`,
      '5m',
      `A container of ${input.workflow} is crash-looping`,
      `Container {{ $labels.container }} of pod {{ $labels.pod }} in ${where} has been in CrashLoopBackOff for 5 minutes.`,
    ),
    alert(
      'LangGraphHpaAtMaxReplicas',
      'warning',
      `max by (horizontalpodautoscaler) (${selector('kube_horizontalpodautoscaler_status_current_replicas', hpa)})` +
        ` >= max by (horizontalpodautoscaler) (${selector('kube_horizontalpodautoscaler_spec_max_replicas', hpa)})`,
      '15m',
      `LangGraph API of ${input.workflow} has been at its maximum replicas for 15 minutes`,
      `HorizontalPodAutoscaler ${input.hpaName} in ${where} has run at its maxReplicas for 15 minutes: ` +
        'the API cannot scale further and latency and errors will follow if load keeps growing.',
    ),
    alert(
      'LangGraphMemoryLeak',
      'warning',
      `max by (pod) (predict_linear(${apiMemory.workingSet}[${LEAK_WINDOW}], ${LEAK_HORIZON_SECONDS})) > ${apiMemory.limit}`,
      '15m',
      `LangGraph API pod memory is on course to hit its limit within 4 hours`,
      `Memory of container ${input.containerName} in pod {{ $labels.pod }} (${where}) has grown steadily over the last ` +
        `${LEAK_WINDOW}; at that pace it crosses its limit within 4 hours.`,
    ),
  );

  if (input.workers) {
    const workerPods = podsOf(input.workers.workloadName);
    const ready = selector('kube_pod_status_ready', [ns, workerPods, eq('condition', 'true')]);
    const notReady = selector('kube_pod_status_ready', [ns, workerPods, eq('condition', 'false')]);
    const workerMemory = memory(workerPods, input.workers.containerName);
    rules.push(
      alert(
        'LangGraphWorkersDown',
        'critical',
        `sum(${ready}) == 0 or sum(absent(${ready}))`,
        '5m',
        `No queue worker of ${input.workflow} is Ready`,
        `No pod of ${input.workers.workloadName} in ${where} has been Ready for 5 minutes: queued runs are not executed.`,
      ),
      alert(
        'LangGraphWorkersNotReady',
        'warning',
        // A pod being deleted (draining its runs for up to its grace period) is not counted.
        `count((${notReady} == 1) unless on (namespace, pod) ${selector('kube_pod_deletion_timestamp', [ns, workerPods])}) > 0`,
        '15m',
        `{{ $value }} queue worker pod(s) of ${input.workflow} not Ready`,
        `{{ $value }} pod(s) of ${input.workers.workloadName} in ${where}, not being deleted, have not been Ready for 15 minutes.`,
      ),
      alert(
        'LangGraphWorkerHighMemory',
        'warning',
        `max by (pod) (${workerMemory.workingSet}) / ${workerMemory.limit} > ${promNumber(t.memoryLimitRatio)}`,
        '5m',
        `A queue worker pod of ${input.workflow} uses more than ${percent(t.memoryLimitRatio)} of its memory limit`,
        `Container ${input.workers.containerName} of pod {{ $labels.pod }} in ${where} uses {{ $value | humanizePercentage }} ` +
          'of its memory limit; an OOM kill loses the runs it executes.',
      ),
    );
  }

  // The run queue and the server's connection pools (Postgres runtime; every server pod reports them).
  rules.push(
    alert(
      'LangGraphRunsPilingUp',
      'warning',
      `min_over_time(${pending}[${PILE_UP_WINDOW}:1m]) > 0 and deriv(${pending}[${PILE_UP_WINDOW}:1m]) > 0`,
      '10m',
      `Pending runs of ${input.workflow} keep rising`,
      `Runs waiting for a worker in ${where} have been above zero and rising for ${PILE_UP_WINDOW} ` +
        '(lg_api_num_pending_runs, the largest value any server pod reports): runs wait longer and longer.',
    ),
    alert(
      'LangGraphNoAvailableWorkers',
      'critical',
      `${pending} > 0 and (sum(${selector('lg_api_workers_available', [ns])}) or vector(0)) == 0`,
      '5m',
      `Runs of ${input.workflow} are pending and no worker slot is free`,
      `{{ $value }} runs are pending in ${where} while no server pod reports an available worker slot ` +
        '(lg_api_workers_available, summed over pods): no run starts.',
    ),
    alert(
      'LangGraphServerPostgresPoolExhausted',
      'warning',
      poolExhausted('lg_api_pg_pool', ns),
      '5m',
      `The Postgres connection pool of a ${input.workflow} server pod is exhausted`,
      `Pod {{ $labels.pod }} in ${where} has every connection of its Postgres pool in use (size at max, none available) ` +
        'for 5 minutes: its requests and runs wait for a connection.',
    ),
    alert(
      'LangGraphServerPostgresPoolErrors',
      'warning',
      `sum by (pod) (rate(${selector('lg_api_pg_pool_requests_errors_total', [ns])}[${RATE_WINDOW}])) > 0`,
      '5m',
      `A ${input.workflow} server pod fails to get Postgres connections`,
      `Pod {{ $labels.pod }} in ${where} has had {{ printf "%.2f" $value }} failed Postgres pool requests per second for 5 minutes.`,
    ),
    alert(
      'LangGraphServerRedisPoolExhausted',
      'warning',
      poolExhausted('lg_api_redis_pool', ns),
      '5m',
      `The Redis connection pool of a ${input.workflow} server pod is exhausted`,
      `Pod {{ $labels.pod }} in ${where} has every connection of its Redis pool in use (size at max, none available) ` +
        'for 5 minutes: streaming and run coordination stall.',
    ),
  );

  const { postgres, redis } = input.exporterJobs ?? {};
  if (postgres) {
    const pg = exporterMatchers(postgres, namespace);
    rules.push(
      alert(
        'LangGraphPostgresDown',
        'critical',
        `${selector('pg_up', pg)} == 0`,
        '1m',
        `Postgres of ${input.workflow} is unreachable`,
        `postgres_exporter (job ${postgres.job}) has not reached Postgres for 1 minute; the API cannot store runs or threads.`,
      ),
      alert(
        'LangGraphPostgresConnectionsHigh',
        'warning',
        `sum by (job, instance) (${selector('pg_stat_activity_count', pg)})` +
          ` / max by (job, instance) (${selector('pg_settings_max_connections', pg)}) > ${promNumber(t.postgresConnectionRatio)}`,
        '5m',
        `Postgres of ${input.workflow} is using more than ${percent(t.postgresConnectionRatio)} of max_connections`,
        `Postgres (job ${postgres.job}, {{ $labels.instance }}) has {{ $value | humanizePercentage }} of max_connections in use; ` +
          'new connections will soon be refused.',
      ),
    );
  }
  if (redis) {
    rules.push(
      alert(
        'LangGraphRedisDown',
        'critical',
        `${selector('redis_up', exporterMatchers(redis, namespace))} == 0`,
        '1m',
        `Redis of ${input.workflow} is unreachable`,
        `redis_exporter (job ${redis.job}) has not reached Redis for 1 minute; runs cannot be queued or streamed.`,
      ),
    );
  }
  if (input.llmFailures) {
    rules.push(
      alert(
        'LangGraphLlmProviderFailures',
        'warning',
        `${llmFailureRate(input.llmFailures, namespace)} > ${promNumber(t.llmFailuresPerSecond)}`,
        '5m',
        `Calls from ${input.workflow} to LLM providers are failing`,
        `{{ printf "%.2f" $value }} calls per second from ${where} to LLM providers failed (5xx or 429) over the last ` +
          `${RATE_WINDOW} (threshold ${t.llmFailuresPerSecond}/s).`,
      ),
    );
  }

  return [{ name: `langgraph-${input.workflow}-alerts`, rules }];
}

/** Per pod (each server process has its own pool): none available and grown to its maximum. */
function poolExhausted(prefix: string, ns: LabelMatcher): string {
  const g = (k: string) => `max by (pod) (${selector(`${prefix}_${k}`, [ns])})`;
  return `(${g('available')} == 0) and on (pod) (${g('size')} >= on (pod) ${g('max')})`;
}

function exporterMatchers(target: ExporterTarget, workflowNamespace: string): LabelMatcher[] {
  return [eq('namespace', target.namespace ?? workflowNamespace), eq('job', target.job)];
}

function llmFailureRate(source: LlmFailureSource, namespace: string): string {
  if (source.kind === 'counter') {
    const extra = Object.entries(source.matchers ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, value]) => eq(label, value));
    return `sum(rate(${selector(source.metric, [eq('namespace', namespace), ...extra])}[${RATE_WINDOW}]))`;
  }
  if (source.hosts.length === 0) throw new Error('llmFailures.hosts is empty; list the provider hosts, e.g. ["api.openai.com"]');
  const failed = selector(ISTIO_REQUESTS, [
    eq('source_workload_namespace', namespace),
    eq('reporter', 'source'),
    oneOf('destination_service_name', source.hosts),
    matchesRegex('response_code', '5..|429'),
  ]);
  return `sum(rate(${failed}[${RATE_WINDOW}]))`;
}

function percent(ratio: number): string {
  return `${promNumber(ratio * 100)}%`;
}
