/**
 * Every declared metric catalog, and lookups by series name. A metric outside these lists is a
 * dead reference: the gate refuses it (src/validation/cross-object/metric-references.ts).
 */
import { CADVISOR_CATALOG, ISTIO_CATALOG, KUBE_STATE_METRICS_CATALOG, POSTGRES_EXPORTER_CATALOG, PROMETHEUS_TARGET_CATALOG, REDIS_EXPORTER_CATALOG } from './cluster';
import { LANGGRAPH_SERVER_CATALOG } from './langgraph-server';
import { seriesNamesOf, type CatalogMetric, type MetricCatalog } from './types';

export * from './types';
export * from './scrape-labels';
export * from './langgraph-server';
export * from './cluster';

export const METRIC_CATALOGS: readonly MetricCatalog[] = [
  LANGGRAPH_SERVER_CATALOG,
  KUBE_STATE_METRICS_CATALOG,
  CADVISOR_CATALOG,
  PROMETHEUS_TARGET_CATALOG,
  POSTGRES_EXPORTER_CATALOG,
  REDIS_EXPORTER_CATALOG,
  ISTIO_CATALOG,
];

export interface CatalogEntry {
  readonly catalog: MetricCatalog;
  readonly metric: CatalogMetric;
  /** The series name as queried (e.g. `…_bucket`). */
  readonly series: string;
  /** Labels a selector on this series may use. */
  readonly labels: ReadonlySet<string>;
}

const BY_SERIES: ReadonlyMap<string, CatalogEntry> = new Map(
  METRIC_CATALOGS.flatMap((catalog) => catalog.metrics.flatMap((metric) => seriesNamesOf(metric).map((series): [string, CatalogEntry] => [
    series,
    {
      catalog,
      metric,
      series,
      labels: new Set([...metric.labels, ...catalog.targetLabels, ...(series.endsWith('_bucket') && metric.type === 'histogram' ? ['le'] : [])]),
    },
  ]))),
);

/** The catalog entry of a series name, or undefined for an undeclared metric. */
export function catalogEntry(series: string): CatalogEntry | undefined {
  return BY_SERIES.get(series);
}
