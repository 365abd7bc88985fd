/**
 * The LangGraph API server's own Prometheus metrics (`GET /metrics` on the API and queue-worker
 * pods), langgraph-api 0.16.7.
 *
 * Recorded: every metric marked `recorded` was read from the real server by
 * scripts/signals/harvest-metrics.sh into test/fixtures/signals/langgraph-api-metrics{,.internal}.prom
 * (provenance in test/fixtures/signals/provenance.json); test/observability/metric-catalog.test.ts
 * fails when this list and the fixtures disagree on a name, type, label or bucket.
 *
 * Postgres runtime only: the in-memory runtime of the recording cannot show the queue and pool
 * gauges, so they are declared from the package source with file and line (site-packages/langgraph_api).
 */
import type { CatalogMetric, MetricCatalog } from './types';
import { POD_MONITOR_TARGET_LABELS } from './scrape-labels';

export const LANGGRAPH_API_VERSION = '0.16.7';

/** Resource attributes the server's OpenTelemetry exporter puts on every lg_api_* series. */
const COMMON = ['deployment_type', 'otel_scope_name', 'otel_scope_schema_url', 'otel_scope_version', 'project_id', 'revision_id'];

/** Env var that makes the server publish its run-outcome metrics on /metrics (langgraph-api-metrics.internal.prom). */
export const INTERNAL_METRICS_ENV = 'EXPOSE_INTERNAL_METRICS_PROMETHEUS';
/** Plain env every server container (API and queue workers) gets, so the run-outcome SLI exists. */
export const SERVER_METRICS_ENV: Readonly<Record<string, string>> = { [INTERNAL_METRICS_ENV]: 'true' };

export const REQUESTS_TOTAL = 'lg_api_http_requests_total';
export const REQUEST_LATENCY = 'lg_api_http_requests_latency';
export const RUN_SUCCESS_TOTAL = 'lg_api_run_success_counter_total';
export const RUN_FAILED_TOTAL = 'lg_api_run_failed_after_retry_counter_total';
export const PENDING_RUNS = 'lg_api_num_pending_runs';
export const RUNNING_RUNS = 'lg_api_num_running_runs';

/** Finite `le` boundaries of lg_api_http_requests_latency, in milliseconds (recorded). */
export const SERVER_LATENCY_BUCKETS_MS: readonly number[] = [10, 100, 500, 1000, 5000, 15000, 30000, 60000, 120000, 300000, 600000, 1800000, 3600000];

/**
 * Routes whose response stays open while a run executes (or until the client leaves), exactly as
 * the server writes its `path` label (the route template). Copied from the `long_lived` list of
 * test/fixtures/signals/streaming-routes.json, which was read from langgraph-api 0.16.7's route
 * tables (api/runs.py:1059-1085, api/threads.py:562-601, api/event_streaming.py:438-450); a test
 * keeps the two equal. Routes that are only sometimes long-lived (`?wait=true` cancel, A2A, MCP)
 * are not in it.
 */
export const LONG_LIVED_ROUTES: readonly string[] = [
  '/runs/stream',
  '/runs/wait',
  '/threads/{thread_id}/runs/{run_id}/join',
  '/threads/{thread_id}/runs/{run_id}/stream',
  '/threads/{thread_id}/runs/stream',
  '/threads/{thread_id}/runs/wait',
  '/threads/{thread_id}/stream',
  '/threads/{thread_id}/stream/events',
];

const INTERNAL = `env ${INTERNAL_METRICS_ENV}=true`;
const POSTGRES = 'Postgres runtime (the production server; not `langgraph dev`)';

const RECORDED: readonly CatalogMetric[] = [
  { name: REQUESTS_TOTAL, type: 'counter', labels: [...COMMON, 'method', 'path', 'status'] },
  // Milliseconds; no status label.
  { name: REQUEST_LATENCY, type: 'histogram', labels: [...COMMON, 'method', 'path'] },
  // Per process: the worker slots of this pod; absent where N_JOBS_PER_WORKER=0 (API pods beside queue workers).
  { name: 'lg_api_workers_max', type: 'gauge', labels: COMMON },
  { name: 'lg_api_workers_active', type: 'gauge', labels: COMMON },
  { name: 'lg_api_workers_available', type: 'gauge', labels: COMMON },
  { name: 'lg_api_server_started_counter_total', type: 'counter', labels: COMMON, presentWhen: INTERNAL },
  { name: 'lg_api_run_attempt_started_counter_total', type: 'counter', labels: COMMON, presentWhen: INTERNAL },
  { name: RUN_SUCCESS_TOTAL, type: 'counter', labels: COMMON, presentWhen: INTERNAL },
  { name: RUN_FAILED_TOTAL, type: 'counter', labels: [...COMMON, 'status'], presentWhen: INTERNAL },
  { name: 'lg_api_run_execution_latency', type: 'histogram', labels: [...COMMON, 'status'], presentWhen: INTERNAL },
  { name: 'lg_api_stream_publish_latency', type: 'histogram', labels: [...COMMON, 'stream_event_type'], presentWhen: INTERNAL },
  // prometheus_client's process collector.
  { name: 'process_resident_memory_bytes', type: 'gauge', labels: [] },
  { name: 'process_cpu_seconds_total', type: 'counter', labels: [] },
  { name: 'process_open_fds', type: 'gauge', labels: [] },
  { name: 'process_max_fds', type: 'gauge', labels: [] },
];

/** Not observable with the in-memory runtime: read from the package source. */
const POSTGRES_ONLY: readonly CatalogMetric[] = [
  { name: PENDING_RUNS, type: 'gauge', labels: COMMON, scope: 'queue-wide', presentWhen: POSTGRES, source: 'langgraph_api/metrics_collector.py:102-106; metrics_otlp.py:209-226' },
  { name: RUNNING_RUNS, type: 'gauge', labels: COMMON, scope: 'queue-wide', presentWhen: POSTGRES, source: 'langgraph_api/metrics_collector.py:102-106; metrics_otlp.py:209-226' },
  ...['available', 'size', 'max'].map((k): CatalogMetric => ({
    name: `lg_api_pg_pool_${k}`, type: 'gauge', labels: COMMON, presentWhen: POSTGRES, source: 'langgraph_api/metrics_collector.py:124-153; metrics_otlp.py:276-314',
  })),
  ...['available', 'size', 'max'].map((k): CatalogMetric => ({
    name: `lg_api_redis_pool_${k}`, type: 'gauge', labels: COMMON, presentWhen: POSTGRES, source: 'langgraph_api/metrics_collector.py:124-153; metrics_otlp.py:276-314',
  })),
  ...['queued', 'errors'].map((k): CatalogMetric => ({
    name: `lg_api_pg_pool_requests_${k}_total`, type: 'counter', labels: COMMON, presentWhen: POSTGRES, source: 'langgraph_api/metrics_collector.py:173-177; metrics_otlp.py:276-314',
  })),
];

export const LANGGRAPH_SERVER_CATALOG: MetricCatalog = {
  id: 'langgraph-server',
  source: `langgraph-api ${LANGGRAPH_API_VERSION} GET /metrics: recorded in test/fixtures/signals/*.prom (provenance.json); Postgres-only gauges from the package source`,
  targetLabels: POD_MONITOR_TARGET_LABELS,
  metrics: [...RECORDED, ...POSTGRES_ONLY],
};

/** Names recorded in the fixtures (the rest are Postgres-only, from source). */
export const RECORDED_SERVER_METRICS: readonly string[] = RECORDED.map((m) => m.name);
