/**
 * No dead references: every metric a rendered query reads (PrometheusRule expressions,
 * AnalysisTemplate queries, Grafana dashboard targets, KEDA prometheus triggers, HPA Pods and
 * External metrics) is in a declared catalog (src/metric-catalog/) or recorded by a
 * rule of the same environment, and every label it matches on is one that metric carries.
 * `istio_*` metrics are refused in an environment without the mesh (they never exist there), and
 * an HPA `Pods` metric on a queue-wide gauge is refused (averaging it per pod scales to the maximum).
 */
import { RenderedObject } from '../../model/rendered-object';
import { catalogEntry } from '../../metric-catalog/index';
import { promqlReferences } from '../../observability/promql-references';
import { EnvironmentIndex } from '../object-index';
import { apiGroupOf } from '../../model/api-group';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck, Json, specOf } from './check';

export interface RenderedQuery {
  readonly object: RenderedObject;
  /** JSON pointer to the query string (into the dashboard JSON for a dashboard ConfigMap). */
  readonly path: string;
  readonly expr: string;
}

const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

/** Every PromQL string an object carries. */
export function renderedQueries(r: RenderedObject): RenderedQuery[] {
  const o = r.object as Json;
  const group = apiGroupOf(o.apiVersion);
  const out: RenderedQuery[] = [];
  if (o.kind === 'PrometheusRule' && group === 'monitoring.coreos.com') {
    (specOf(o).groups ?? []).forEach((g: Json, gi: number) => (g.rules ?? []).forEach((rule: Json, ri: number) => {
      if (typeof rule.expr === 'string') out.push({ object: r, path: pointer('spec', 'groups', gi, 'rules', ri, 'expr'), expr: rule.expr });
    }));
  } else if (o.kind === 'AnalysisTemplate' && group === 'argoproj.io') {
    (specOf(o).metrics ?? []).forEach((m: Json, mi: number) => {
      const query = m.provider?.prometheus?.query;
      if (typeof query === 'string') out.push({ object: r, path: pointer('spec', 'metrics', mi, 'provider', 'prometheus', 'query'), expr: query });
    });
  } else if (o.kind === 'ScaledObject' && group === 'keda.sh') {
    (specOf(o).triggers ?? []).forEach((t: Json, ti: number) => {
      if (t.type === 'prometheus' && typeof t.metadata?.query === 'string') out.push({ object: r, path: pointer('spec', 'triggers', ti, 'metadata', 'query'), expr: t.metadata.query });
    });
  } else if (o.kind === 'ConfigMap' && o.apiVersion === 'v1' && o.metadata?.labels?.[GRAFANA_DASHBOARD_LABEL] === '1') {
    for (const [key, text] of Object.entries<string>(o.data ?? {})) {
      if (!key.endsWith('.json')) continue;
      let dashboard: Json;
      try {
        dashboard = JSON.parse(text);
      } catch {
        continue;
      }
      (dashboard.panels ?? []).forEach((p: Json, pi: number) => (p.targets ?? []).forEach((t: Json, ti: number) => {
        if (typeof t.expr === 'string') out.push({ object: r, path: `${pointer('data', key)}#${pointer('panels', pi, 'targets', ti, 'expr')}`, expr: t.expr });
      }));
    }
  }
  return out;
}

/** Labels of the series recorded by the environment's rules: record name → label names it may carry. */
function recordedSeries(index: EnvironmentIndex): Map<string, Set<string>> {
  const recorded = new Map<string, Set<string>>();
  for (const r of index.objects) {
    if (r.object.kind !== 'PrometheusRule') continue;
    for (const g of specOf(r.object).groups ?? []) {
      for (const rule of g.rules ?? []) {
        if (typeof rule.record !== 'string') continue;
        const labels = recorded.get(rule.record) ?? new Set<string>();
        for (const l of Object.keys(rule.labels ?? {})) labels.add(l);
        recorded.set(rule.record, labels);
      }
    }
  }
  return recorded;
}

/** Problems with one query, as messages. */
export function queryProblems(expr: string, options: { meshEnabled: boolean; recorded?: ReadonlyMap<string, ReadonlySet<string>> }): string[] {
  let refs;
  try {
    refs = promqlReferences(expr);
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  const known = new Set<string>(['le']);
  for (const s of refs.selectors) {
    if (s.metric === '') {
      problems.push('a selector without a metric name cannot be checked against the catalogs; name the metric');
      continue;
    }
    const recordedLabels = options.recorded?.get(s.metric);
    const entry = catalogEntry(s.metric);
    const labels: ReadonlySet<string> | undefined = recordedLabels ?? entry?.labels;
    if (!labels) {
      problems.push(`metric ${s.metric} is in no declared catalog (src/metric-catalog) and recorded by no rule: a dead reference`);
      continue;
    }
    if (entry?.catalog.requiresMesh && !options.meshEnabled) {
      problems.push(`metric ${s.metric} comes from the Istio mesh, which this environment does not run: the query would never match`);
    }
    for (const l of labels) known.add(l);
    for (const m of s.matchers) {
      if (!labels.has(m.label)) problems.push(`label ${m.label} is not a label of ${s.metric} (it has: ${[...labels].sort().join(', ')})`);
    }
  }
  for (const l of refs.groupingLabels) {
    if (!known.has(l)) problems.push(`grouping label ${l} is carried by none of the query's metrics`);
  }
  return problems;
}

export const metricReferences: CrossObjectCheck = {
  id: 'cross-object/metric-references',
  summary: 'every rendered query reads catalogued metrics with their real labels; no istio_* without the mesh; no per-pod HPA metric on a queue-wide gauge',
  check: (index) => {
    const meshEnabled = index.environment?.mesh.enabled ?? true;
    const recorded = recordedSeries(index);
    const findings: Finding[] = [];
    for (const r of index.objects) {
      for (const q of renderedQueries(r)) {
        for (const message of queryProblems(q.expr, { meshEnabled, recorded })) {
          findings.push({
            object: r, path: q.path, value: q.expr, message,
            fix: 'read only metrics and labels declared in src/metric-catalog (add a metric there only with its source), and istio_* only where the mesh runs',
          });
        }
      }
      if (r.object.kind === 'HorizontalPodAutoscaler') {
        (specOf(r.object).metrics ?? []).forEach((m: Json, mi: number) => {
          const name: unknown = m.type === 'Pods' ? m.pods?.metric?.name : m.type === 'External' ? m.external?.metric?.name : undefined;
          if (typeof name !== 'string') return;
          const entry = catalogEntry(name);
          const path = pointer('spec', 'metrics', mi, m.type === 'Pods' ? 'pods' : 'external', 'metric', 'name');
          if (!entry) {
            findings.push({ object: r, path, value: name, message: `HPA metric ${name} is in no declared catalog: a dead reference`, fix: 'scale on a catalogued metric (src/metric-catalog) served by the metrics adapter' });
          } else if (m.type === 'Pods' && entry.metric.scope === 'queue-wide') {
            findings.push({
              object: r, path, value: name,
              message: `${name} is a queue-wide gauge that every pod reports; a Pods metric averages it per pod, so the HPA scales to its maximum`,
              fix: 'use an External metric aggregated with max across pods (autoscaling.queueDepth), or KEDA on the run queue',
            });
          }
        });
      }
    }
    return findings;
  },
};
