/**
 * The workflow's alerting rules: the playbook's alerts plus one per incident runbook, each
 * scoped to the workflow's namespace (and its Services, pods, container, HPA or exporter jobs),
 * each with severity, summary, description and a runbook_url into docs/runbooks.md.
 */
import type { Sli, WorkflowSettings } from '../config/schema';
import {
  eq,
  errorRatio,
  escapeRegex,
  latencyQuantileSeconds,
  matchesRegex,
  oneOf,
  promNumber,
  selector,
  type LabelMatcher,
  type SliScope,
} from './promql';
import { runbookUrl, type AlertingRule, type RuleGroup, type Severity } from './rules';

export type AlertThresholds = WorkflowSettings['alerts'];

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

export interface AlertRulesInput {
  readonly workflow: string;
  readonly namespace: string;
  readonly sli: Sli;
  readonly thresholds: AlertThresholds;
  /** URL of docs/runbooks.md, without a fragment; each alert appends `#<anchor>`. */
  readonly runbookBaseUrl: string;
  /** Services whose requests count: `<workflow>-api`, plus `-stable` and `-canary` with a canary. */
  readonly apiServices: readonly string[];
  /** The `job` label of the API's scrape targets (a PodMonitor's default is `<namespace>/<name>`). */
  readonly scrapeJob: string;
  /** The API's Deployment or Rollout; its pods are named `<workloadName>-<hash>-<suffix>`. */
  readonly workloadName: string;
  /** The API container (not the sidecar). */
  readonly containerName: string;
  /** The HPA scaling the API. */
  readonly hpaName: string;
  /** Exporter jobs; an alert exists only for the stores named here. @default none */
  readonly exporterJobs?: { readonly postgres?: ExporterTarget; readonly redis?: ExporterTarget };
  /** Source of the LLM-provider failure alert; the alert exists only when given. @default none */
  readonly llmFailures?: LlmFailureSource;
}

/** Alert name → section anchor in docs/runbooks.md. */
export const RUNBOOK_ANCHORS = {
  LangGraphApiDown: 'api-down',
  LangGraphHighErrorRate: 'high-error-rate',
  LangGraphHighLatency: 'high-latency',
  LangGraphHighMemory: 'high-memory',
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

// Istio's client-side (source) request metric and labels, used for egress to LLM providers.
const ISTIO_REQUESTS = 'istio_requests_total';

export function alertRuleGroups(input: AlertRulesInput): RuleGroup[] {
  const { namespace, thresholds: t } = input;
  const ns = eq('namespace', namespace);
  const apiScope: SliScope = { namespace, services: input.apiServices };
  // Pods are `<workload>-<pod-template-hash>-<suffix>`; with long names Kubernetes truncates the
  // base before the suffix, which can drop the second dash. Anchored, so `<workload>-x-api-…` pods
  // of another workflow in a shared namespace do not match.
  const apiPods = matchesRegex('pod', `${escapeRegex(input.workloadName)}-[a-z0-9]+(-[a-z0-9]+)?`);
  const apiContainer = [ns, apiPods, eq('container', input.containerName)];
  const upSelector = selector('up', [ns, eq('job', input.scrapeJob)]);
  const readySelector = selector('kube_pod_status_ready', [ns, apiPods, eq('condition', 'true')]);
  const workingSet = selector('container_memory_working_set_bytes', apiContainer);
  const memoryLimit = `max by (pod) (${selector('kube_pod_container_resource_limits', [...apiContainer, eq('resource', 'memory')])})`;
  const hpa = [ns, eq('horizontalpodautoscaler', input.hpaName)];
  const where = `namespace ${namespace}`;

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
      `${errorRatio(input.sli, apiScope, RATE_WINDOW)} > ${promNumber(t.errorRatio)}`,
      '2m',
      `LangGraph API of ${input.workflow} answers more than ${percent(t.errorRatio)} of requests with 5xx`,
      `{{ $value | humanizePercentage }} of requests to ${input.apiServices.join(', ')} in ${where} ` +
        `failed with a 5xx status over the last ${RATE_WINDOW} (threshold ${percent(t.errorRatio)}).`,
    ),
    alert(
      'LangGraphHighLatency',
      'warning',
      `${latencyQuantileSeconds(input.sli, apiScope, 0.95, RATE_WINDOW)} > ${promNumber(t.p95LatencySeconds)}`,
      '3m',
      `LangGraph API of ${input.workflow} p95 latency above ${t.p95LatencySeconds}s`,
      `The 95th percentile latency of requests to ${input.apiServices.join(', ')} in ${where} is ` +
        `{{ $value | humanizeDuration }} over the last ${RATE_WINDOW} (threshold ${t.p95LatencySeconds}s).`,
    ),
    alert(
      'LangGraphHighMemory',
      'warning',
      `max by (pod) (${workingSet}) / ${memoryLimit} > ${promNumber(t.memoryLimitRatio)}`,
      '5m',
      `LangGraph API pod uses more than ${percent(t.memoryLimitRatio)} of its memory limit`,
      `Container ${input.containerName} of pod {{ $labels.pod }} in ${where} uses {{ $value | humanizePercentage }} ` +
        'of its memory limit; near the limit the kernel OOM-kills it.',
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
      `max by (pod) (predict_linear(${workingSet}[${LEAK_WINDOW}], ${LEAK_HORIZON_SECONDS})) > ${memoryLimit}`,
      '15m',
      `LangGraph API pod memory is on course to hit its limit within 4 hours`,
      `Memory of container ${input.containerName} in pod {{ $labels.pod }} (${where}) has grown steadily over the last ` +
        `${LEAK_WINDOW}; at that pace it crosses its limit within 4 hours.`,
    ),
  ];

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
