/**
 * The workflow's Grafana dashboard, generated (never pasted) from the same SLI expressions and
 * recorded SLO series as the alerts, so a panel and the alert that pages on it agree.
 */
import type { Sli, WorkflowSettings } from '../config/schema';
import { eq, errorRatio, latencyQuantileSeconds, matchesRegex, escapeRegex, requestSelector, selector, promNumber, type SliScope } from './promql';
import { sloErrorRatioRecord } from './slo-rules';

export interface DashboardInput {
  readonly workflow: string;
  readonly namespace: string;
  readonly sli: Sli;
  readonly slo: WorkflowSettings['slo'];
  readonly apiServices: readonly string[];
  readonly workloadName: string;
  readonly containerName: string;
}

interface Panel {
  readonly title: string;
  readonly type: 'timeseries' | 'stat' | 'piechart';
  readonly unit?: string;
  readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[];
  readonly width?: number;
}

/** Counter of workflow runs by status (the playbook's business metric). */
export const WORKFLOW_EXECUTIONS_METRIC = 'langgraph_workflow_executions_total';
const WINDOW = '5m';

export function dashboardModel(input: DashboardInput): Record<string, unknown> {
  const scope: SliScope = { namespace: input.namespace, services: input.apiServices };
  const ns = eq('namespace', input.namespace);
  const pods = matchesRegex('pod', `${escapeRegex(input.workloadName)}-.+`);
  const container = [ns, pods, eq('container', input.containerName)];
  const slo = (kind: string, window: string) => selector(sloErrorRatioRecord(window), [ns, eq('workflow', input.workflow), eq('slo', kind)]);
  const budget = (kind: 'availability' | 'latency') => promNumber(1 - (kind === 'availability' ? input.slo.availability : input.slo.latency));

  const panels: Panel[] = [
    { title: 'Request rate by Service (stable / canary)', type: 'timeseries', unit: 'reqps', targets: [{ expr: `sum by (${input.sli.serviceLabel}) (rate(${requestSelector(input.sli, scope)}[${WINDOW}]))`, legendFormat: `{{${input.sli.serviceLabel}}}` }] },
    { title: 'Error ratio (5xx)', type: 'timeseries', unit: 'percentunit', targets: [{ expr: errorRatio(input.sli, scope, WINDOW), legendFormat: 'error ratio' }] },
    { title: 'p95 latency', type: 'timeseries', unit: 's', targets: [{ expr: latencyQuantileSeconds(input.sli, scope, 0.95, WINDOW), legendFormat: 'p95' }] },
    { title: 'Workflow executions by status', type: 'piechart', targets: [{ expr: `sum by (status) (increase(${selector(WORKFLOW_EXECUTIONS_METRIC, [ns])}[1h]))`, legendFormat: '{{status}}' }] },
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
