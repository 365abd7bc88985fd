/**
 * promtool unit tests of the workflow alerts: each alert fires on a synthetic incident and stays
 * silent on a healthy, below-threshold, draining-pod or neighbouring-namespace case. Server series
 * carry the exact names and labels recorded from the real server (fixtures.ts: serverSeries).
 */
import { alertRuleGroups, RUNBOOK_ANCHORS } from '../../src/observability/alert-rules';
import { testRules, type AlertRuleTest, type InputSeries } from '../../src/observability/promtool';
import {
  ALERT_INPUT,
  PROMTOOL,
  firing,
  histogram,
  latencyBucket,
  perSecond,
  postgresRuntimeSeries,
  requests,
  runFailed,
  runSucceeded,
  serverSeries,
  WORKER_JOB,
  promtoolTest,
  ruleNamed,
  alertingRules,
} from './fixtures';

const groups = alertRuleGroups(ALERT_INPUT);
const rule = (name: string) => ruleNamed(groups, name);

interface Scenario {
  readonly name: string;
  readonly series: readonly InputSeries[];
  readonly checks: readonly AlertRuleTest[];
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const pod = (name: string) => `shop-api-7d9f8c6b5-${name}`;
const up = (p: string, namespace = 'shop', job = 'shop/shop-api') =>
  `up{namespace="${namespace}",job="${job}",pod="${p}",instance="${p}:15020"}`;
const ready = (p: string) => `kube_pod_status_ready{namespace="shop",pod="${p}",condition="true"}`;
const workingSet = (p: string, container = 'api') =>
  `container_memory_working_set_bytes{namespace="shop",pod="${p}",container="${container}"}`;
const memLimit = (p: string, container = 'api') =>
  `kube_pod_container_resource_limits{namespace="shop",pod="${p}",container="${container}",resource="memory",unit="byte"}`;
const pgLabels = 'namespace="shop",job="shop-postgres-exporter",instance="10.0.3.7:9187"';
const redisLabels = 'namespace="shop",job="shop-redis-exporter",instance="10.0.3.8:9121"';
const egress = (host: string, code: string, namespace = 'shop') =>
  `istio_requests_total{reporter="source",source_workload_namespace="${namespace}",destination_service_name="${host}",response_code="${code}"}`;
const hpa = (metric: string) => `kube_horizontalpodautoscaler_${metric}{namespace="shop",horizontalpodautoscaler="shop-api"}`;

const healthyPods = ['a1b2c', 'd3e4f', 'g5h6i'].map(pod);
const workerPod = (name: string) => `shop-worker-5f6a7b8c9-${name}`;
const workerPods = ['k1l2m', 'n3o4p', 'q5r6s'].map(workerPod);
const workerReady = (p: string, condition: 'true' | 'false') => `kube_pod_status_ready{namespace="shop",pod="${p}",uid="u-${p}",condition="${condition}"}`;
const deleting = (p: string) => `kube_pod_deletion_timestamp{namespace="shop",pod="${p}",uid="u-${p}"}`;
const waiting = (p: string, container: string, reason: string) =>
  `kube_pod_container_status_waiting_reason{namespace="shop",pod="${p}",uid="u-${p}",container="${container}",reason="${reason}"}`;
const onWorker = (p: string) => ({ job: WORKER_JOB, pod: p });
const silent = (alertname: string, eval_time: string): AlertRuleTest => ({ alertname, eval_time, exp_alerts: [] });

export const SCENARIOS: readonly Scenario[] = [
  // ------------------------------------------------------------ API down
  {
    name: 'API down: one of three pods draining (up=0, not Ready) does not page',
    series: [
      ...healthyPods.slice(0, 2).flatMap((p) => [{ series: up(p), values: '1x20' }, { series: ready(p), values: '1x20' }]),
      { series: up(healthyPods[2]), values: '1x5 0x15' },
      { series: ready(healthyPods[2]), values: '1x5 0x15' },
    ],
    checks: [silent('LangGraphApiDown', '15m')],
  },
  {
    name: 'API down: all targets vanish (absent) pages after 1m',
    series: healthyPods.flatMap((p) => [{ series: up(p), values: '1x5 stale' }, { series: ready(p), values: '1x5 stale' }]),
    checks: [
      silent('LangGraphApiDown', '5m'),
      { alertname: 'LangGraphApiDown', eval_time: '10m', exp_alerts: [firing(rule('LangGraphApiDown'))] },
    ],
  },
  {
    name: 'API down: every scrape target down pages',
    series: healthyPods.flatMap((p) => [{ series: up(p), values: '0x10' }, { series: ready(p), values: '1x10' }]),
    checks: [{ alertname: 'LangGraphApiDown', eval_time: '5m', exp_alerts: [firing(rule('LangGraphApiDown'))] }],
  },
  {
    name: 'API down: targets scraped but no pod Ready pages',
    series: healthyPods.flatMap((p) => [{ series: up(p), values: '1x10' }, { series: ready(p), values: '0x10' }]),
    checks: [{ alertname: 'LangGraphApiDown', eval_time: '5m', exp_alerts: [firing(rule('LangGraphApiDown'))] }],
  },
  {
    // A workflow named shop-api-v2 sharing the namespace: its API pods are shop-api-v2-api-….
    name: "API down: another workflow's Ready pods in a shared namespace do not mask this API being down",
    series: [
      ...healthyPods.flatMap((p) => [{ series: up(p), values: '1x10' }, { series: ready(p), values: '0x10' }]),
      { series: ready('shop-api-v2-api-5c4b3a2d1-z9y8x'), values: '1x10' },
    ],
    checks: [{ alertname: 'LangGraphApiDown', eval_time: '5m', exp_alerts: [firing(rule('LangGraphApiDown'))] }],
  },
  {
    name: 'API down: another namespace down does not page this workflow',
    series: [
      ...healthyPods.flatMap((p) => [{ series: up(p), values: '1x10' }, { series: ready(p), values: '1x10' }]),
      { series: up('other-api-1-x', 'other', 'other/other-api'), values: '0x10' },
    ],
    checks: [silent('LangGraphApiDown', '5m')],
  },

  // ------------------------------------------------------------ error rate (server's own requests counter)
  {
    // 9/s ok on one pod, 1/s 500 on another (e.g. the canary): all API pods count → 10 %.
    name: 'error rate: 10 % 5xx across the API pods fires after 2m',
    series: [perSecond(requests('200', { pod: healthyPods[0] }), 9, 15), perSecond(requests('500', { pod: healthyPods[1], hash: 'c4n4ry' }), 1, 15)],
    checks: [
      silent('LangGraphHighErrorRate', '2m'),
      { alertname: 'LangGraphHighErrorRate', eval_time: '15m', exp_alerts: [firing(rule('LangGraphHighErrorRate'), {}, '10%')] },
    ],
  },
  {
    name: 'error rate: 4 % (1 of 25 per second) stays silent, and 404s are not errors',
    series: [perSecond(requests('200'), 24, 15), perSecond(requests('500'), 1, 15), perSecond(requests('404', {}, ''), 20, 15)],
    checks: [silent('LangGraphHighErrorRate', '15m')],
  },
  {
    name: 'error rate: a neighbour namespace at 50 % 5xx stays silent here',
    series: [
      perSecond(requests('200'), 10, 15),
      perSecond(requests('200', { namespace: 'other', job: 'other/other-api' }), 5, 15),
      perSecond(requests('500', { namespace: 'other', job: 'other/other-api' }), 5, 15),
    ],
    checks: [silent('LangGraphHighErrorRate', '15m')],
  },

  // ------------------------------------------------------------ run failures (HTTP 200, failed run)
  {
    // Runs execute on the workers: 3/s succeed, 1/s fails after retries → 25 %.
    name: 'run failures: 25 % of runs failing on the workers fires after 5m',
    series: [perSecond(runSucceeded(onWorker(workerPods[0])), 3, 15), perSecond(runFailed(onWorker(workerPods[1])), 1, 15)],
    checks: [
      silent('LangGraphRunFailures', '4m'),
      { alertname: 'LangGraphRunFailures', eval_time: '15m', exp_alerts: [firing(rule('LangGraphRunFailures'), {}, '25%')] },
    ],
  },
  {
    name: 'run failures: 1 of 50 runs failing, or no runs at all, stays silent',
    series: [perSecond(runSucceeded(onWorker(workerPods[0])), 49, 15), perSecond(runFailed(onWorker(workerPods[0])), 1, 15)],
    checks: [silent('LangGraphRunFailures', '15m')],
  },

  // ------------------------------------------------------------ p95 latency (server histogram, ms)
  {
    // 20/s: 12 in (1000, 5000] ms, 8 in (5000, 15000] → p95 = 5000 + 10000·7/8 = 13750 ms.
    name: 'latency: p95 13.75 s on a short route fires after 3m',
    series: histogram(latencyBucket(), { '500.0': 0, '1000': 0, '5000': 12, '15000': 20, '+Inf': 20 }, 15),
    checks: [
      silent('LangGraphHighLatency', '3m'),
      { alertname: 'LangGraphHighLatency', eval_time: '15m', exp_alerts: [firing(rule('LangGraphHighLatency'), {}, '13.75s')] },
    ],
  },
  {
    // 18 of 20/s ≤ 500 ms, 2 in (500, 1000] → p95 = 750 ms; the stream (60 s each) does not count.
    name: 'latency: p95 0.75 s stays silent although /runs/stream responses last a minute',
    series: [
      ...histogram(latencyBucket(), { '500.0': 18, '1000': 20, '5000': 20, '+Inf': 20 }, 15),
      ...histogram(latencyBucket({}, '/runs/stream', 'POST'), { '500.0': 0, '1000': 0, '5000': 0, '60000': 20, '+Inf': 20 }, 15),
    ],
    checks: [silent('LangGraphHighLatency', '15m')],
  },
  {
    name: 'latency: a slow neighbour namespace stays silent here',
    series: [
      ...histogram(latencyBucket(), { '500.0': 18, '1000': 20, '5000': 20, '+Inf': 20 }, 15),
      ...histogram(latencyBucket({ namespace: 'other', job: 'other/other-api' }), { '500.0': 0, '1000': 0, '5000': 0, '15000': 20, '+Inf': 20 }, 15),
    ],
    checks: [silent('LangGraphHighLatency', '15m')],
  },

  // ------------------------------------------------------------ memory
  {
    name: 'memory: 950Mi of a 1Gi limit (92.77 %) fires after 5m',
    series: [
      { series: workingSet(healthyPods[0]), values: `${950 * MiB}x10` },
      { series: memLimit(healthyPods[0]), values: `${GiB}x10` },
    ],
    checks: [
      silent('LangGraphHighMemory', '4m'),
      {
        alertname: 'LangGraphHighMemory',
        eval_time: '10m',
        exp_alerts: [firing(rule('LangGraphHighMemory'), { pod: healthyPods[0] }, '92.77%')],
      },
    ],
  },
  {
    // cAdvisor also reports the whole pod cgroup (container=""): API plus sidecar, 1000Mi here,
    // which must not be read against the API container's limit.
    name: 'memory: API at 850Mi of 1Gi stays silent, though API plus sidecar exceed 90 % of it',
    series: [
      { series: workingSet(healthyPods[0]), values: `${850 * MiB}x10` },
      { series: memLimit(healthyPods[0]), values: `${GiB}x10` },
      { series: workingSet(healthyPods[0], 'istio-proxy'), values: `${150 * MiB}x10` },
      { series: memLimit(healthyPods[0], 'istio-proxy'), values: `${256 * MiB}x10` },
      { series: workingSet(healthyPods[0], ''), values: `${1000 * MiB}x10` },
    ],
    checks: [silent('LangGraphHighMemory', '10m')],
  },

  // ------------------------------------------------------------ traffic spike (HPA at max)
  {
    name: 'HPA at max replicas fires after 15m, not before',
    series: [{ series: hpa('status_current_replicas'), values: '10x20' }, { series: hpa('spec_max_replicas'), values: '10x20' }],
    checks: [
      silent('LangGraphHpaAtMaxReplicas', '10m'),
      {
        alertname: 'LangGraphHpaAtMaxReplicas',
        eval_time: '20m',
        exp_alerts: [firing(rule('LangGraphHpaAtMaxReplicas'), { horizontalpodautoscaler: 'shop-api' })],
      },
    ],
  },
  {
    name: 'HPA below max replicas stays silent',
    series: [{ series: hpa('status_current_replicas'), values: '8x20' }, { series: hpa('spec_max_replicas'), values: '10x20' }],
    checks: [silent('LangGraphHpaAtMaxReplicas', '20m')],
  },

  // ------------------------------------------------------------ memory leak
  {
    // 500Mi + 5Mi/min: in 4 h another 1200Mi, far above the 1Gi limit.
    name: 'memory leak: steady growth predicted past the limit fires after 15m',
    series: [
      { series: workingSet(healthyPods[0]), values: `${500 * MiB}+${5 * MiB}x40` },
      { series: memLimit(healthyPods[0]), values: `${GiB}x40` },
    ],
    checks: [
      silent('LangGraphMemoryLeak', '10m'),
      { alertname: 'LangGraphMemoryLeak', eval_time: '30m', exp_alerts: [firing(rule('LangGraphMemoryLeak'), { pod: healthyPods[0] })] },
    ],
  },
  {
    // 600Mi + 0.5Mi/min: 720Mi after 4 h, under the limit.
    name: 'memory leak: flat or slowly growing memory stays silent',
    series: [
      { series: workingSet(healthyPods[0]), values: `${600 * MiB}+${MiB / 2}x40` },
      { series: memLimit(healthyPods[0]), values: `${GiB}x40` },
      { series: workingSet(healthyPods[1]), values: `${600 * MiB}x40` },
      { series: memLimit(healthyPods[1]), values: `${GiB}x40` },
    ],
    checks: [silent('LangGraphMemoryLeak', '30m')],
  },

  // ------------------------------------------------------------ crash loops
  {
    name: 'crash loop: a worker container in CrashLoopBackOff for 5m fires',
    series: [{ series: waiting(workerPods[0], 'worker', 'CrashLoopBackOff'), values: '1x10' }],
    checks: [
      silent('LangGraphCrashLooping', '4m'),
      { alertname: 'LangGraphCrashLooping', eval_time: '10m', exp_alerts: [firing(rule('LangGraphCrashLooping'), { pod: workerPods[0], container: 'worker' })] },
    ],
  },
  {
    name: 'crash loop: an image pull wait, or a loop in another namespace, stays silent',
    series: [
      { series: waiting(workerPods[0], 'worker', 'ContainerCreating'), values: '1x10' },
      { series: 'kube_pod_container_status_waiting_reason{namespace="other",pod="x-1",uid="u",container="api",reason="CrashLoopBackOff"}', values: '1x10' },
    ],
    checks: [silent('LangGraphCrashLooping', '10m')],
  },

  // ------------------------------------------------------------ queue workers
  {
    name: 'workers: none Ready pages after 5m',
    series: workerPods.flatMap((p) => [{ series: workerReady(p, 'true'), values: '1x3 0x10' }, { series: workerReady(p, 'false'), values: '0x3 1x10' }]),
    checks: [
      silent('LangGraphWorkersDown', '6m'),
      { alertname: 'LangGraphWorkersDown', eval_time: '13m', exp_alerts: [firing(rule('LangGraphWorkersDown'))] },
    ],
  },
  {
    // One worker draining its runs for 10 minutes (deletion timestamp set, not Ready).
    name: 'workers: one draining worker pages nothing and raises no ticket',
    series: [
      ...workerPods.slice(0, 2).flatMap((p) => [{ series: workerReady(p, 'true'), values: '1x30' }, { series: workerReady(p, 'false'), values: '0x30' }]),
      { series: workerReady(workerPods[2], 'true'), values: '1x5 0x20' },
      { series: workerReady(workerPods[2], 'false'), values: '0x5 1x20' },
      { series: deleting(workerPods[2]), values: '_x5 1.7e9x20' },
    ],
    checks: [silent('LangGraphWorkersDown', '25m'), silent('LangGraphWorkersNotReady', '25m')],
  },
  {
    name: 'workers: one worker not Ready (not being deleted) for 15m raises a ticket',
    series: [
      ...workerPods.slice(0, 2).flatMap((p) => [{ series: workerReady(p, 'true'), values: '1x30' }, { series: workerReady(p, 'false'), values: '0x30' }]),
      { series: workerReady(workerPods[2], 'true'), values: '1x5 0x25' },
      { series: workerReady(workerPods[2], 'false'), values: '0x5 1x25' },
    ],
    checks: [
      silent('LangGraphWorkersNotReady', '15m'),
      silent('LangGraphWorkersDown', '30m'),
      { alertname: 'LangGraphWorkersNotReady', eval_time: '25m', exp_alerts: [firing(rule('LangGraphWorkersNotReady'), {}, '1')] },
    ],
  },
  {
    name: 'worker memory: 950Mi of a 1Gi limit fires after 5m; the API container is not read as a worker',
    series: [
      { series: workingSet(workerPods[0], 'worker'), values: `${950 * MiB}x10` },
      { series: memLimit(workerPods[0], 'worker'), values: `${GiB}x10` },
      { series: workingSet(workerPods[1], 'worker'), values: `${500 * MiB}x10` },
      { series: memLimit(workerPods[1], 'worker'), values: `${GiB}x10` },
    ],
    checks: [
      silent('LangGraphWorkerHighMemory', '4m'),
      { alertname: 'LangGraphWorkerHighMemory', eval_time: '10m', exp_alerts: [firing(rule('LangGraphWorkerHighMemory'), { pod: workerPods[0] }, '92.77%')] },
    ],
  },
  {
    name: 'worker memory: 500Mi of 1Gi stays silent',
    series: [{ series: workingSet(workerPods[1], 'worker'), values: `${500 * MiB}x10` }, { series: memLimit(workerPods[1], 'worker'), values: `${GiB}x10` }],
    checks: [silent('LangGraphWorkerHighMemory', '10m')],
  },

  // ------------------------------------------------------------ run queue (queue-wide gauges, every pod reports them)
  {
    // Every pod (API and workers) reports the same queue-wide value: max, never sum.
    name: 'runs piling up: pending above zero and rising fires after 10m',
    series: [healthyPods[0], workerPods[0], workerPods[1]].map((p) => ({
      series: postgresRuntimeSeries('lg_api_num_pending_runs', { pod: p, job: p.startsWith('shop-worker') ? WORKER_JOB : undefined }),
      values: '1+2x40',
    })),
    checks: [
      silent('LangGraphRunsPilingUp', '5m'),
      { alertname: 'LangGraphRunsPilingUp', eval_time: '35m', exp_alerts: [firing(rule('LangGraphRunsPilingUp'))] },
    ],
  },
  {
    name: 'runs piling up: a steady or draining queue stays silent',
    series: [
      { series: postgresRuntimeSeries('lg_api_num_pending_runs', { pod: healthyPods[0] }), values: '20x40' },
      { series: postgresRuntimeSeries('lg_api_num_pending_runs', onWorker(workerPods[0])), values: '20x40' },
      { series: postgresRuntimeSeries('lg_api_num_pending_runs', { namespace: 'other', job: 'other/other-api' }), values: '1+5x40' },
    ],
    checks: [silent('LangGraphRunsPilingUp', '40m')],
  },
  {
    // Two workers with 10 slots each, all busy; every pod sees the same 7 pending runs.
    name: 'no available workers: runs pending and every slot busy pages after 5m',
    series: [
      ...workerPods.slice(0, 2).flatMap((p) => [
        { series: postgresRuntimeSeries('lg_api_num_pending_runs', onWorker(p)), values: '7x15' },
        { series: serverSeries('lg_api_workers_available', onWorker(p)), values: '0x15' },
      ]),
      { series: postgresRuntimeSeries('lg_api_num_pending_runs', { pod: healthyPods[0] }), values: '7x15' },
    ],
    checks: [
      silent('LangGraphNoAvailableWorkers', '4m'),
      { alertname: 'LangGraphNoAvailableWorkers', eval_time: '10m', exp_alerts: [firing(rule('LangGraphNoAvailableWorkers'), {}, '7')] },
    ],
  },
  {
    name: 'no available workers: pending runs with a free slot somewhere, or no pending runs, stay silent',
    series: [
      { series: postgresRuntimeSeries('lg_api_num_pending_runs', onWorker(workerPods[0])), values: '7x15' },
      { series: serverSeries('lg_api_workers_available', onWorker(workerPods[0])), values: '0x15' },
      { series: serverSeries('lg_api_workers_available', onWorker(workerPods[1])), values: '1x15' },
    ],
    checks: [silent('LangGraphNoAvailableWorkers', '15m')],
  },

  // ------------------------------------------------------------ the server's own pools
  {
    name: 'server pools: a pod with its Postgres and Redis pools at max and none available fires after 5m',
    series: [
      { series: postgresRuntimeSeries('lg_api_pg_pool_available', { pod: healthyPods[0] }), values: '0x10' },
      { series: postgresRuntimeSeries('lg_api_pg_pool_size', { pod: healthyPods[0] }), values: '150x10' },
      { series: postgresRuntimeSeries('lg_api_pg_pool_max', { pod: healthyPods[0] }), values: '150x10' },
      { series: postgresRuntimeSeries('lg_api_redis_pool_available', { pod: healthyPods[0] }), values: '0x10' },
      { series: postgresRuntimeSeries('lg_api_redis_pool_size', { pod: healthyPods[0] }), values: '100x10' },
      { series: postgresRuntimeSeries('lg_api_redis_pool_max', { pod: healthyPods[0] }), values: '100x10' },
      { series: postgresRuntimeSeries('lg_api_pg_pool_requests_errors_total', { pod: healthyPods[0] }), values: '0+30x10' },
    ],
    checks: [
      silent('LangGraphServerPostgresPoolExhausted', '4m'),
      { alertname: 'LangGraphServerPostgresPoolExhausted', eval_time: '10m', exp_alerts: [firing(rule('LangGraphServerPostgresPoolExhausted'), { pod: healthyPods[0] })] },
      { alertname: 'LangGraphServerRedisPoolExhausted', eval_time: '10m', exp_alerts: [firing(rule('LangGraphServerRedisPoolExhausted'), { pod: healthyPods[0] })] },
      { alertname: 'LangGraphServerPostgresPoolErrors', eval_time: '10m', exp_alerts: [firing(rule('LangGraphServerPostgresPoolErrors'), { pod: healthyPods[0] }, '0.50')] },
    ],
  },
  {
    // A pool still growing (size below max) with none idle is not exhausted.
    name: 'server pools: busy but below max, or errors in another namespace, stay silent',
    series: [
      { series: postgresRuntimeSeries('lg_api_pg_pool_available', { pod: healthyPods[0] }), values: '0x10' },
      { series: postgresRuntimeSeries('lg_api_pg_pool_size', { pod: healthyPods[0] }), values: '40x10' },
      { series: postgresRuntimeSeries('lg_api_pg_pool_max', { pod: healthyPods[0] }), values: '150x10' },
      { series: postgresRuntimeSeries('lg_api_redis_pool_available', { pod: healthyPods[0] }), values: '5x10' },
      { series: postgresRuntimeSeries('lg_api_redis_pool_size', { pod: healthyPods[0] }), values: '100x10' },
      { series: postgresRuntimeSeries('lg_api_redis_pool_max', { pod: healthyPods[0] }), values: '100x10' },
      { series: postgresRuntimeSeries('lg_api_pg_pool_requests_errors_total', { pod: healthyPods[0] }), values: '3x10' },
      { series: postgresRuntimeSeries('lg_api_pg_pool_requests_errors_total', { namespace: 'other', job: 'other/other-api' }), values: '0+30x10' },
    ],
    checks: [silent('LangGraphServerPostgresPoolExhausted', '10m'), silent('LangGraphServerRedisPoolExhausted', '10m'), silent('LangGraphServerPostgresPoolErrors', '10m')],
  },

  // ------------------------------------------------------------ Postgres / Redis reachability
  {
    name: 'Postgres and Redis unreachable fire after 1m',
    series: [{ series: `pg_up{${pgLabels}}`, values: '1x3 0x10' }, { series: `redis_up{${redisLabels}}`, values: '1x3 0x10' }],
    checks: [
      silent('LangGraphPostgresDown', '4m'),
      {
        alertname: 'LangGraphPostgresDown',
        eval_time: '10m',
        exp_alerts: [firing(rule('LangGraphPostgresDown'), { job: 'shop-postgres-exporter', instance: '10.0.3.7:9187' })],
      },
      {
        alertname: 'LangGraphRedisDown',
        eval_time: '10m',
        exp_alerts: [firing(rule('LangGraphRedisDown'), { job: 'shop-redis-exporter', instance: '10.0.3.8:9121' })],
      },
    ],
  },
  {
    name: 'Postgres and Redis reachable stay silent, whatever other namespaces report',
    series: [
      { series: `pg_up{${pgLabels}}`, values: '1x10' },
      { series: `redis_up{${redisLabels}}`, values: '1x10' },
      { series: 'pg_up{namespace="other",job="shop-postgres-exporter",instance="10.9.0.1:9187"}', values: '0x10' },
      { series: 'redis_up{namespace="other",job="shop-redis-exporter",instance="10.9.0.2:9121"}', values: '0x10' },
    ],
    checks: [silent('LangGraphPostgresDown', '10m'), silent('LangGraphRedisDown', '10m')],
  },

  // ------------------------------------------------------------ connection pool exhaustion
  {
    name: 'Postgres connections at 90 % of max_connections fire after 5m',
    series: [
      { series: `pg_stat_activity_count{${pgLabels},datname="langgraph",state="active"}`, values: '70x10' },
      { series: `pg_stat_activity_count{${pgLabels},datname="langgraph",state="idle"}`, values: '20x10' },
      { series: `pg_settings_max_connections{${pgLabels}}`, values: '100x10' },
    ],
    checks: [
      silent('LangGraphPostgresConnectionsHigh', '4m'),
      {
        alertname: 'LangGraphPostgresConnectionsHigh',
        eval_time: '10m',
        exp_alerts: [
          firing(rule('LangGraphPostgresConnectionsHigh'), { job: 'shop-postgres-exporter', instance: '10.0.3.7:9187' }, '90%'),
        ],
      },
    ],
  },
  {
    name: 'Postgres connections at 60 % of max_connections stay silent',
    series: [
      { series: `pg_stat_activity_count{${pgLabels},datname="langgraph",state="active"}`, values: '50x10' },
      { series: `pg_stat_activity_count{${pgLabels},datname="langgraph",state="idle"}`, values: '10x10' },
      { series: `pg_settings_max_connections{${pgLabels}}`, values: '100x10' },
    ],
    checks: [silent('LangGraphPostgresConnectionsHigh', '10m')],
  },

  // ------------------------------------------------------------ LLM provider failures
  {
    name: 'LLM providers: 0.5 failed calls/s (429) fire after 5m',
    series: [perSecond(egress('api.openai.com', '200'), 10, 15), { series: egress('api.openai.com', '429'), values: '0+30x15' }],
    checks: [
      silent('LangGraphLlmProviderFailures', '5m'),
      {
        alertname: 'LangGraphLlmProviderFailures',
        eval_time: '15m',
        exp_alerts: [firing(rule('LangGraphLlmProviderFailures'), {}, '0.50')],
      },
    ],
  },
  {
    name: 'LLM providers: 0.05 failed calls/s, other hosts and other namespaces stay silent',
    series: [
      perSecond(egress('api.anthropic.com', '200'), 10, 15),
      { series: egress('api.anthropic.com', '503'), values: '0+3x15' },
      perSecond(egress('hooks.slack.com', '500'), 5, 15),
      perSecond(egress('api.openai.com', '500', 'other'), 5, 15),
    ],
    checks: [silent('LangGraphLlmProviderFailures', '15m')],
  },
];

describe('workflow alerts under promtool', () => {
  test('every alert has at least one firing and one silent case', () => {
    const names = alertingRules(groups).map((r) => r.alert);
    expect(names.sort()).toEqual(Object.keys(RUNBOOK_ANCHORS).sort());
    const checks = SCENARIOS.flatMap((s) => s.checks);
    for (const name of names) {
      expect({ name, firing: checks.some((c) => c.alertname === name && c.exp_alerts.length > 0) }).toEqual({ name, firing: true });
      expect({ name, silent: checks.some((c) => c.alertname === name && c.exp_alerts.length === 0) }).toEqual({ name, silent: true });
    }
  });

  for (const scenario of SCENARIOS) {
    promtoolTest(scenario.name, () => {
      const result = testRules(PROMTOOL!, groups, [{ name: scenario.name, input_series: scenario.series, alert_rule_test: scenario.checks }]);
      if (!result.ok) throw new Error(result.output);
    });
  }
});
