/**
 * The workflow's Grafana dashboard, generated (never pasted) from the same SLI expressions and
 * recorded SLO series as the alerts, so a panel and the alert that pages on it agree.
 */
import type { SliContract as Sli, SloObjectives } from './contracts';
import { eq, errorRatio, latencyQuantileSeconds, matchesRegex, escapeRegex, requestSelector, runOutcomeMetrics, selector, promNumber, POD_TEMPLATE_HASH_LABEL, type SliScope } from './promql';
import { PENDING_RUNS, RUNNING_RUNS } from '../metric-catalog/langgraph-server';
import { sloErrorRatioRecord } from './slo-rules';

export interface DashboardInput {
  readonly workflow: string;
  readonly namespace: string;
  readonly sli: Sli;
  readonly slo: SloObjectives;
  /** The `job` label of the API's scrape targets. */
  readonly scrapeJob: string;
  readonly workloadName: string;
  readonly containerName: string;
}

interface Panel {
  readonly title: string;
  readonly type: 'timeseries' | 'stat';
  readonly unit?: string;
  readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[];
  readonly width?: number;
}

const WINDOW = '5m';

export function dashboardModel(input: DashboardInput): Record<string, unknown> {
  const scope: SliScope = { namespace: input.namespace, jobs: [input.scrapeJob] };
  const ns = eq('namespace', input.namespace);
  const pods = matchesRegex('pod', `${escapeRegex(input.workloadName)}-.+`);
  const container = [ns, pods, eq('container', input.containerName)];
  const slo = (kind: string, window: string) => selector(sloErrorRatioRecord(window), [ns, eq('workflow', input.workflow), eq('slo', kind)]);
  const budget = (kind: 'availability' | 'latency') => promNumber(1 - (kind === 'availability' ? input.slo.availability : input.slo.latency));
  const runs = runOutcomeMetrics(input.sli);
  const server = (metric: string) => selector(metric, [ns]);

  const panels: Panel[] = [
    // Stable and canary pods differ by their relabelled pod-template hash, not by Service.
    { title: 'Request rate by pod template (stable / canary)', type: 'timeseries', unit: 'reqps', targets: [{ expr: `sum by (${POD_TEMPLATE_HASH_LABEL}) (rate(${requestSelector(input.sli, scope)}[${WINDOW}]))`, legendFormat: `{{${POD_TEMPLATE_HASH_LABEL}}}` }] },
    { title: 'Error ratio (5xx)', type: 'timeseries', unit: 'percentunit', targets: [{ expr: errorRatio(input.sli, scope, WINDOW), legendFormat: 'error ratio' }] },
    { title: 'p95 latency (long-lived routes excluded)', type: 'timeseries', unit: 's', targets: [{ expr: latencyQuantileSeconds(input.sli, scope, 0.95, WINDOW), legendFormat: 'p95' }] },
    ...(runs
      ? [{
        title: 'Runs ended per second by outcome',
        type: 'timeseries' as const,
        unit: 'ops',
        targets: [
          { expr: `sum(rate(${server(runs.succeeded)}[${WINDOW}]))`, legendFormat: 'succeeded' },
          { expr: `sum(rate(${server(runs.failed)}[${WINDOW}]))`, legendFormat: 'failed' },
        ],
      }]
      : []),
    // Queue-wide gauges: every server pod reports the same value, so max, never sum.
    { title: 'Run queue', type: 'timeseries', unit: 'none', targets: [
      { expr: `max(${server(PENDING_RUNS)})`, legendFormat: 'pending' },
      { expr: `max(${server(RUNNING_RUNS)})`, legendFormat: 'running' },
    ] },
    // Per-process gauges: each pod's own worker slots, summed.
    { title: 'Worker slots', type: 'timeseries', unit: 'none', targets: ['available', 'active', 'max'].map((k) => ({ expr: `sum(${server(`lg_api_workers_${k}`)})`, legendFormat: k })) },
    { title: 'Postgres pool connections available by pod', type: 'timeseries', unit: 'none', targets: [{ expr: `max by (pod) (${server('lg_api_pg_pool_available')})`, legendFormat: '{{pod}}' }] },
    { title: 'CPU (cores)', type: 'timeseries', unit: 'none', targets: [{ expr: `sum by (pod) (rate(${selector('container_cpu_usage_seconds_total', container)}[${WINDOW}]))`, legendFormat: '{{pod}}' }] },
    { title: 'Memory working set', type: 'timeseries', unit: 'bytes', targets: [{ expr: `sum by (pod) (${selector('container_memory_working_set_bytes', container)})`, legendFormat: '{{pod}}' }] },
    ...(['availability', 'latency'] as const).map((kind): Panel => ({
      title: `${kind === 'availability' ? 'Availability' : 'Latency'} error budget remaining (3d)`,
      type: 'stat',
      unit: 'percentunit',
      targets: [{ expr: `1 - (${slo(kind, '3d')} / ${budget(kind)})`, legendFormat: 'remaining' }],
    })),
    ...(['availability', 'latency'] as const).map((kind): Panel => ({
      title: `${kind === 'availability' ? 'Availability' : 'Latency'} burn rate (1h, 6h)`,
      type: 'timeseries',
      unit: 'none',
      targets: ['1h', '6h'].map((w) => ({ expr: `${slo(kind, w)} / ${budget(kind)}`, legendFormat: `burn ${w}` })),
    })),
  ];

  return {
    uid: `langgraph-${input.workflow}`.slice(0, 40),
    title: `LangGraph / ${input.workflow}`,
    tags: ['langgraph', input.workflow],
    timezone: 'browser',
    schemaVersion: 39,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    panels: panels.map((p, i) => ({
      id: i + 1,
      title: p.title,
      type: p.type,
      gridPos: { h: 8, w: p.width ?? 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      datasource: { type: 'prometheus', uid: '${datasource}' },
      fieldConfig: { defaults: { unit: p.unit ?? 'none' }, overrides: [] },
      targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), expr: t.expr, legendFormat: t.legendFormat })),
    })),
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }],
    },
  };
}
