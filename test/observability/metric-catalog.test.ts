/**
 * The declared metric catalogs agree with what the real server was recorded to expose
 * (test/fixtures/signals/*.prom, provenance.json) and with the server's route tables
 * (streaming-routes.json); every other catalog names its source.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LANGGRAPH_SERVER_CATALOG, LONG_LIVED_ROUTES, METRIC_CATALOGS, RECORDED_SERVER_METRICS, REQUEST_LATENCY, SERVER_LATENCY_BUCKETS_MS, catalogEntry } from '../../src/metric-catalog/index';
import { SLI_DEFAULTS } from '../../src/config/schema';
import { loadCatalog, SIGNALS_FIXTURES } from '../signals/catalog';

const recorded = loadCatalog(path.join(SIGNALS_FIXTURES, 'langgraph-api-metrics.internal.prom'));
const recordedDefault = loadCatalog(path.join(SIGNALS_FIXTURES, 'langgraph-api-metrics.prom'));
const streaming = JSON.parse(fs.readFileSync(path.join(SIGNALS_FIXTURES, 'streaming-routes.json'), 'utf8'));

describe('the LangGraph server catalog', () => {
  const declared = (name: string) => LANGGRAPH_SERVER_CATALOG.metrics.find((m) => m.name === name)!;

  test.each(RECORDED_SERVER_METRICS.map((n) => [n]))('%s: type and labels exactly as recorded', (name) => {
    const family = recorded.get(name);
    expect(family).toBeDefined();
    expect({ name, type: declared(name).type }).toEqual({ name, type: family!.type });
    expect([...declared(name).labels].sort()).toEqual(family!.labels);
  });

  test('metrics marked internal are absent without EXPOSE_INTERNAL_METRICS_PROMETHEUS, the rest present', () => {
    for (const name of RECORDED_SERVER_METRICS) {
      const internal = (declared(name).presentWhen ?? '').includes('EXPOSE_INTERNAL_METRICS_PROMETHEUS');
      expect({ name, inDefaultRecording: recordedDefault.has(name) }).toEqual({ name, inDefaultRecording: !internal });
    }
  });

  test('latency buckets (milliseconds) are the recorded ones', () => {
    expect(recorded.get(REQUEST_LATENCY)!.buckets).toEqual([...SERVER_LATENCY_BUCKETS_MS, Infinity]);
    expect(SLI_DEFAULTS.latencyBuckets).toEqual(SERVER_LATENCY_BUCKETS_MS);
  });

  test("long-lived routes are the fixture's always-long-lived list, in the server's path spelling", () => {
    expect([...LONG_LIVED_ROUTES].sort()).toEqual(streaming.long_lived.map((r: { path: string }) => r.path).sort());
    expect(SLI_DEFAULTS.longLivedRoutes).toEqual(LONG_LIVED_ROUTES);
    // Recorded paths of these routes carry the template, e.g. /threads/{thread_id}/runs/wait.
    const recordedPaths = new Set(recorded.get('lg_api_http_requests_total')!.samples.map((s) => s.labels.path));
    expect(recordedPaths.has('/threads/{thread_id}/runs/wait')).toBe(true);
    expect(LONG_LIVED_ROUTES).toContain('/threads/{thread_id}/runs/wait');
  });

  test('Postgres-only metrics are not observable in the recording and each names its source lines', () => {
    const postgresOnly = LANGGRAPH_SERVER_CATALOG.metrics.filter((m) => !RECORDED_SERVER_METRICS.includes(m.name));
    expect(postgresOnly.map((m) => m.name)).toEqual(expect.arrayContaining(['lg_api_num_pending_runs', 'lg_api_num_running_runs', 'lg_api_pg_pool_available', 'lg_api_redis_pool_max']));
    for (const m of postgresOnly) {
      expect(recorded.has(m.name)).toBe(false);
      expect(m.source).toMatch(/\.py:\d+/);
    }
    expect(catalogEntry('lg_api_num_pending_runs')!.metric.scope).toBe('queue-wide');
    // OTLP push only in 0.16.7: never on /metrics, so never catalogued.
    expect(catalogEntry('lg_api_pending_runs_wait_time_max')).toBeUndefined();
  });

  test("the SLI's default metrics are catalogued server metrics", () => {
    for (const series of [SLI_DEFAULTS.requestMetric, SLI_DEFAULTS.latencyHistogram, SLI_DEFAULTS.runOutcomes.succeededMetric, SLI_DEFAULTS.runOutcomes.failedMetric]) {
      expect(catalogEntry(series)?.catalog.id).toBe('langgraph-server');
    }
    expect(catalogEntry(SLI_DEFAULTS.requestMetric)!.labels.has(SLI_DEFAULTS.statusCodeLabel)).toBe(true);
    expect(catalogEntry(SLI_DEFAULTS.latencyHistogram)!.labels.has('status')).toBe(false);
  });
});

test('every catalog names its source, and series names are unique across catalogs', () => {
  const seen = new Map<string, string>();
  for (const c of METRIC_CATALOGS) {
    expect(c.source.length).toBeGreaterThan(20);
    for (const m of c.metrics) {
      expect(m.name).not.toMatch(/_bucket$/);
      expect({ name: m.name, alsoIn: seen.get(m.name) }).toEqual({ name: m.name, alsoIn: undefined });
      seen.set(m.name, c.id);
    }
  }
  expect(catalogEntry('istio_requests_total')!.catalog.requiresMesh).toBe(true);
});
