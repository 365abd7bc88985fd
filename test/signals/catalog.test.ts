/**
 * Facts about the real LangGraph server's metrics, read from the fixtures that
 * scripts/signals/harvest-metrics.sh recorded (see test/fixtures/signals/provenance.json).
 * Each assertion is something the recorded exposition shows; nothing here is
 * assumed from documentation.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Catalog, familyOf, labelValues, loadCatalog, parseExposition, SIGNALS_FIXTURES } from './catalog';

const fixture = (name: string) => path.join(SIGNALS_FIXTURES, name);
const readJson = (name: string) => JSON.parse(fs.readFileSync(fixture(name), 'utf8'));

interface RequestRecord {
  name: string;
  method: string;
  route: string;
  status: number;
  body?: string;
}
interface FixtureProvenance {
  variant: string;
  file: string;
  sha256: string;
  requests?: RequestRecord[];
}

const provenance = readJson('provenance.json');
const fixtures: FixtureProvenance[] = provenance.fixtures;
const requestsOf = (variant: string): RequestRecord[] =>
  fixtures.find((f) => f.variant === variant && f.requests)?.requests ?? [];

const byDefault: Catalog = loadCatalog(fixture('langgraph-api-metrics.prom'));
const internal: Catalog = loadCatalog(fixture('langgraph-api-metrics.internal.prom'));
const streamingRoutes = readJson('streaming-routes.json');

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const OTEL_SCOPE_LABELS = ['otel_scope_name', 'otel_scope_schema_url', 'otel_scope_version'];
const COMMON_LABELS = ['deployment_type', 'project_id', 'revision_id'];

describe('parseExposition', () => {
  const text = [
    '# HELP req_total Requests.',
    '# TYPE req_total counter',
    'req_total{path="/threads/{thread_id}",note="a,b} \\"q\\"",status="200"} 3.0',
    '# TYPE lat histogram',
    'lat_bucket{le="10.0",path="/x"} 1.0',
    'lat_bucket{le="1000",path="/x"} 2.0',
    'lat_bucket{le="+Inf",path="/x"} 2.0',
    'lat_sum{path="/x"} 12.5',
    'lat_count{path="/x"} 2.0',
    'loose_metric 7 1700000000000',
    '',
  ].join('\n');
  const catalog = parseExposition(text, 'inline');

  it('keeps braces, commas and escaped quotes inside label values', () => {
    const family = familyOf(catalog, 'req_total');
    expect(family.type).toBe('counter');
    expect(family.help).toBe('Requests.');
    expect(family.samples[0].labels).toEqual({ path: '/threads/{thread_id}', note: 'a,b} "q"', status: '200' });
    expect(family.labels).toEqual(['note', 'path', 'status']);
  });

  it('groups _bucket/_sum/_count under the histogram and reads le as numbers', () => {
    const family = familyOf(catalog, 'lat');
    expect(family.type).toBe('histogram');
    expect(family.samples.map((s) => s.name)).toEqual(['lat_bucket', 'lat_bucket', 'lat_bucket', 'lat_sum', 'lat_count']);
    expect(family.buckets).toEqual([10, 1000, Infinity]);
    expect(family.labels).toEqual(['path']);
    expect(family.seriesNames).toEqual(['lat_bucket', 'lat_sum', 'lat_count']);
    expect(catalog.has('lat_bucket')).toBe(false);
  });

  it('makes an untyped family for a sample without # TYPE, ignoring its timestamp', () => {
    const family = familyOf(catalog, 'loose_metric');
    expect(family.type).toBe('untyped');
    expect(family.samples[0].value).toBe(7);
  });

  it('names the source line of a malformed sample', () => {
    expect(() => parseExposition('ok 1\nbroken{a="x" 1\n', 'bad.prom')).toThrow(/bad\.prom:2/);
    expect(() => parseExposition('x{a="1"} one\n', 'bad.prom')).toThrow(/bad\.prom:1: value "one"/);
  });

  it('lists what the catalog has when a metric is missing', () => {
    expect(() => familyOf(catalog, 'nope')).toThrow(/not in the catalog; it has: lat, loose_metric, req_total/);
  });
});

describe('fixture provenance', () => {
  it.each(fixtures.map((f) => [f.file, f.sha256]))('%s matches its recorded sha256', (file, sha) => {
    expect(crypto.createHash('sha256').update(fs.readFileSync(fixture(file))).digest('hex')).toBe(sha);
  });

  it('the server reports the langgraph-api version that pip installed', () => {
    const [info] = familyOf(byDefault, 'target_info').samples;
    expect(info.labels.api_version).toBe(provenance.packages['langgraph-api']);
    expect(info.labels.service_name).toBe('lsd_langgraph_api');
  });

  it('every recorded request answered as the harvest expected', () => {
    for (const variant of ['default', 'internal']) {
      const requests = requestsOf(variant);
      expect(requests.length).toBeGreaterThan(10);
      for (const r of requests) expect({ name: r.name, status: r.status }).toEqual({ name: r.name, status: (r as any).expected_status });
    }
  });
});

describe('lg_api_http_requests_total (default /metrics, in-memory runtime)', () => {
  const family = familyOf(byDefault, 'lg_api_http_requests_total');
  const paths = labelValues(family, 'path');

  it('is a counter labelled method, path, status plus the common and OTel scope labels', () => {
    expect(family.type).toBe('counter');
    expect(family.labels).toEqual([...COMMON_LABELS, 'method', ...OTEL_SCOPE_LABELS, 'path', 'status'].sort());
  });

  it('labels path with the route template, never a raw id', () => {
    expect(paths).toEqual(
      expect.arrayContaining([
        '/threads/{thread_id}/runs/wait',
        '/threads/{thread_id}/runs/{run_id}/join',
        '/threads/{thread_id}/runs/{run_id}/stream',
        '/threads/{thread_id}',
      ]),
    );
    for (const p of paths) expect(p).not.toMatch(UUID);
  });

  it('counts a request that matched no route with path=""', () => {
    expect(requestsOf('default').find((r) => r.name === 'unknown route')?.status).toBe(404);
    const unmatched = family.samples.filter((s) => s.labels.path === '');
    expect(unmatched.map((s) => [s.labels.method, s.labels.status])).toEqual([['GET', '404']]);
  });

  it('counts a run whose graph raised as HTTP 200: no 5xx although runs failed', () => {
    const failed = requestsOf('default').filter((r) => r.body === 'graph error reported in the body');
    expect(failed.map((r) => r.route).sort()).toEqual(['/runs/stream', '/threads/{thread_id}/runs/wait']);
    expect(failed.every((r) => r.status === 200)).toBe(true);
    expect(labelValues(family, 'status')).toEqual(['200', '404', '422']);
  });

  it('leaves out /ok and /info although they were requested', () => {
    const requested = requestsOf('default').map((r) => r.route);
    expect(requested).toEqual(expect.arrayContaining(['/ok', '/info']));
    expect(paths).not.toContain('/ok');
    expect(paths).not.toContain('/info');
    expect(paths).not.toContain('/metrics');
  });
});

describe('lg_api_http_requests_latency (default /metrics)', () => {
  const family = familyOf(byDefault, 'lg_api_http_requests_latency');

  it('is a histogram in milliseconds; there is no lg_api_http_requests_latency_seconds', () => {
    expect(family.type).toBe('histogram');
    expect(family.help).toMatch(/milliseconds/);
    expect(byDefault.has('lg_api_http_requests_latency_seconds')).toBe(false);
  });

  it('has method and path but no status label', () => {
    expect(family.labels).toEqual([...COMMON_LABELS, 'method', ...OTEL_SCOPE_LABELS, 'path'].sort());
  });

  it('has the server bucket bounds in ms, written with mixed formatting in le', () => {
    expect(family.buckets).toEqual([10, 100, 500, 1000, 5000, 15000, 30000, 60000, 120000, 300000, 600000, 1800000, 3600000, Infinity]);
    // le is text: "10.0" next to "1000" — match buckets by value (histogram_quantile), never by le string.
    expect(labelValues(family, 'le')).toEqual(expect.arrayContaining(['10.0', '100.0', '1000', '+Inf']));
  });

  it('times a streamed response for as long as the run took', () => {
    const slept = requestsOf('default').find((r) => r.name === 'stateless run, stream, sleeps 2s');
    expect(slept?.route).toBe('/runs/stream');
    const sum = family.samples.find((s) => s.name.endsWith('_sum') && s.labels.path === '/runs/stream' && s.labels.method === 'POST');
    expect(sum?.value).toBeGreaterThanOrEqual(2000);
  });
});

describe('worker and queue gauges (in-memory runtime)', () => {
  it.each(['lg_api_workers_max', 'lg_api_workers_active', 'lg_api_workers_available'])(
    '%s is a gauge with no pod or instance label of its own',
    (name) => {
      const family = familyOf(byDefault, name);
      expect(family.type).toBe('gauge');
      expect(family.labels).toEqual([...COMMON_LABELS, ...OTEL_SCOPE_LABELS].sort());
    },
  );

  it('lg_api_workers_max equals the --n-jobs-per-worker the server ran with', () => {
    const jobs = Number(/--n-jobs-per-worker (\d+)/.exec(provenance.server_command)?.[1]);
    expect(familyOf(byDefault, 'lg_api_workers_max').samples[0].value).toBe(jobs);
  });

  // Emitted only on the Postgres runtime (langgraph_api/metrics_collector.py:102-106 for queue
  // depth, :173-175 -> :124-153 for the pools); the inmem runtime never records them.
  const postgresOnly = [
    'lg_api_num_pending_runs',
    'lg_api_num_running_runs',
    'lg_api_pending_runs_wait_time_max',
    'lg_api_pg_pool_max',
    'lg_api_pg_pool_size',
    'lg_api_pg_pool_available',
    'lg_api_pg_pool_requests_queued_total',
    'lg_api_pg_pool_requests_errors_total',
    'lg_api_redis_pool_max',
    'lg_api_redis_pool_size',
    'lg_api_redis_pool_available',
  ];
  it.each(postgresOnly)('%s is absent from both in-memory scrapes', (name) => {
    expect(byDefault.has(name)).toBe(false);
    expect(internal.has(name)).toBe(false);
  });

  it('queue depth exists only in the JSON form of /metrics, with no pool stats', () => {
    const json = readJson('langgraph-api-metrics.json');
    expect(Object.keys(json.queue).sort()).toEqual(
      ['n_pending', 'n_running', 'pending_runs_wait_time_max_secs', 'pending_runs_wait_time_med_secs', 'pending_unblocked_runs_wait_time_max_secs'].sort(),
    );
    expect(json).not.toHaveProperty('postgres');
    expect(json).not.toHaveProperty('redis');
  });

  it('every lg_api_* family carries project_id and revision_id', () => {
    for (const catalog of [byDefault, internal]) {
      for (const family of catalog.values()) {
        if (family.name.startsWith('lg_api_')) expect(family.labels).toEqual(expect.arrayContaining(['project_id', 'revision_id']));
      }
    }
  });
});

describe('run outcome metrics (only with EXPOSE_INTERNAL_METRICS_PROMETHEUS=true)', () => {
  const failedRuns = requestsOf('internal').filter((r) => r.body === 'graph error reported in the body').length;

  it('counts failed runs by status, matching the runs that raised', () => {
    const family = familyOf(internal, 'lg_api_run_failed_after_retry_counter_total');
    expect(family.type).toBe('counter');
    expect(labelValues(family, 'status')).toEqual(['error']);
    expect(family.samples.reduce((sum, s) => sum + s.value, 0)).toBe(failedRuns);
    expect(failedRuns).toBeGreaterThan(0);
  });

  it('has a run success counter and a run execution latency histogram by status', () => {
    expect(familyOf(internal, 'lg_api_run_success_counter_total').type).toBe('counter');
    const latency = familyOf(internal, 'lg_api_run_execution_latency');
    expect(latency.type).toBe('histogram');
    expect(labelValues(latency, 'status')).toEqual(['error', 'success']);
  });

  it('the default /metrics serves none of them', () => {
    for (const name of ['lg_api_run_failed_after_retry_counter_total', 'lg_api_run_success_counter_total', 'lg_api_run_execution_latency']) {
      expect(byDefault.has(name)).toBe(false);
    }
  });

  it('the default scrape is a subset of the internal one', () => {
    for (const name of byDefault.keys()) expect(internal.has(name)).toBe(true);
  });
});

describe('streaming-routes.json', () => {
  const entries: { method: string; path: string }[] = [...streamingRoutes.long_lived, ...streamingRoutes.long_lived_sometimes];

  it('writes each route as a path label: a template with no raw id, listed once', () => {
    const keys = entries.map((e) => `${e.method} ${e.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of entries) {
      expect(e.path).toMatch(/^\//);
      expect(e.path).not.toMatch(UUID);
    }
  });

  it('every long-lived route the harvest requested appears verbatim in the path label', () => {
    const requested = new Set(requestsOf('default').map((r) => `${r.method} ${r.route}`));
    const exercised = streamingRoutes.long_lived.filter((e: { method: string; path: string }) => requested.has(`${e.method} ${e.path}`));
    expect(exercised.length).toBeGreaterThanOrEqual(6);
    const seen = new Set(familyOf(byDefault, 'lg_api_http_requests_total').samples.map((s) => `${s.labels.method} ${s.labels.path}`));
    for (const e of exercised) expect(seen).toContain(`${e.method} ${e.path}`);
  });
});
