/**
 * The shape of a declared metric catalog: the metrics one source really exposes, with the labels
 * they really carry. Every PromQL this project renders may name only catalogued metrics and
 * labels (the gate's `cross-object/metric-references` and test/observability/metric-references.test.ts).
 */

export type CatalogMetricType = 'counter' | 'gauge' | 'histogram';

/**
 * How a gauge aggregates across the pods that report it.
 * - `per-pod`: each pod reports its own value (sum for a total, max/avg for a typical pod).
 * - `queue-wide`: every pod reports the same value read from the shared database (the run queue):
 *   aggregate with `max` across pods, never `sum`, and never divide it per pod (an HPA `Pods`
 *   metric averages per pod, which scales to the maximum).
 */
export type CatalogScope = 'per-pod' | 'queue-wide';

export interface CatalogMetric {
  /** The family name; for a histogram without `_bucket`/`_sum`/`_count`. */
  readonly name: string;
  readonly type: CatalogMetricType;
  /** Labels of the series (without the histogram's structural `le`). */
  readonly labels: readonly string[];
  /** @default per-pod */
  readonly scope?: CatalogScope;
  /** Where this metric is defined, when it is not the whole catalog's source (file:line). @default the catalog's source */
  readonly source?: string;
  /** Only present under a condition (runtime, env var), in words. @default always present */
  readonly presentWhen?: string;
}

export interface MetricCatalog {
  readonly id: string;
  /** Where the list comes from: a recorded fixture, a documentation page, a source file. */
  readonly source: string;
  /** Its series exist only where the Istio mesh runs. @default false */
  readonly requiresMesh?: boolean;
  /** Labels every series also carries from the scrape (Prometheus target labels, relabelings). */
  readonly targetLabels: readonly string[];
  readonly metrics: readonly CatalogMetric[];
}

/** The series names a query can select for a metric. */
export function seriesNamesOf(metric: CatalogMetric): readonly string[] {
  return metric.type === 'histogram' ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`] : [metric.name];
}
