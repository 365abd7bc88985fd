/**
 * Declared catalogs of the cluster's standard exporters, each from its upstream documentation.
 * Only metrics some rendered query reads (or a documented view may read) are listed.
 */
import type { MetricCatalog } from './types';
import { CLUSTER_EXPORTER_TARGET_LABELS, POD_MONITOR_TARGET_LABELS } from './scrape-labels';

/**
 * kube-state-metrics v2 (docs/metrics/workload/pod-metrics.md, horizontalpodautoscaler-metrics.md
 * at https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics); kube-prometheus-stack
 * scrapes it with honorLabels, so `namespace`/`pod`/`container` are the object's.
 */
export const KUBE_STATE_METRICS_CATALOG: MetricCatalog = {
  id: 'kube-state-metrics',
  source: 'kube-state-metrics v2 docs/metrics/workload/pod-metrics.md and horizontalpodautoscaler-metrics.md',
  targetLabels: CLUSTER_EXPORTER_TARGET_LABELS,
  metrics: [
    { name: 'kube_pod_status_ready', type: 'gauge', labels: ['namespace', 'pod', 'uid', 'condition'] },
    { name: 'kube_pod_deletion_timestamp', type: 'gauge', labels: ['namespace', 'pod', 'uid'] },
    { name: 'kube_pod_container_status_waiting_reason', type: 'gauge', labels: ['namespace', 'pod', 'uid', 'container', 'reason'] },
    { name: 'kube_pod_container_status_restarts_total', type: 'counter', labels: ['namespace', 'pod', 'uid', 'container'] },
    { name: 'kube_pod_container_resource_limits', type: 'gauge', labels: ['namespace', 'pod', 'uid', 'container', 'node', 'resource', 'unit'] },
    { name: 'kube_horizontalpodautoscaler_status_current_replicas', type: 'gauge', labels: ['namespace', 'horizontalpodautoscaler'] },
    { name: 'kube_horizontalpodautoscaler_spec_max_replicas', type: 'gauge', labels: ['namespace', 'horizontalpodautoscaler'] },
  ],
};

/**
 * cAdvisor through the kubelet's /metrics/cadvisor (https://github.com/google/cadvisor/blob/master/docs/storage/prometheus.md);
 * the kubelet adds `namespace`, `pod`, `container`.
 */
export const CADVISOR_CATALOG: MetricCatalog = {
  id: 'cadvisor',
  source: 'cAdvisor docs/storage/prometheus.md, as the kubelet serves it at /metrics/cadvisor',
  targetLabels: [...CLUSTER_EXPORTER_TARGET_LABELS, 'metrics_path', 'node'],
  metrics: [
    { name: 'container_memory_working_set_bytes', type: 'gauge', labels: ['namespace', 'pod', 'container', 'id', 'image', 'name'] },
    { name: 'container_cpu_usage_seconds_total', type: 'counter', labels: ['namespace', 'pod', 'container', 'id', 'image', 'name', 'cpu'] },
  ],
};

/** Prometheus's own per-target series (https://prometheus.io/docs/concepts/jobs_instances/#automatically-generated-labels-and-time-series). */
export const PROMETHEUS_TARGET_CATALOG: MetricCatalog = {
  id: 'prometheus-target',
  source: 'Prometheus docs, concepts/jobs_instances: automatically generated series',
  targetLabels: POD_MONITOR_TARGET_LABELS,
  metrics: [{ name: 'up', type: 'gauge', labels: [] }],
};

/** postgres_exporter v0.15 (https://github.com/prometheus-community/postgres_exporter, collector/). */
export const POSTGRES_EXPORTER_CATALOG: MetricCatalog = {
  id: 'postgres-exporter',
  source: 'prometheus-community/postgres_exporter v0.15.0 collector/pg_stat_activity.go, pg_settings.go, postgres_exporter.go (pg_up)',
  targetLabels: [...POD_MONITOR_TARGET_LABELS, 'server'],
  metrics: [
    { name: 'pg_up', type: 'gauge', labels: [] },
    { name: 'pg_stat_activity_count', type: 'gauge', labels: ['datname', 'state', 'usename', 'application_name', 'backend_type', 'wait_event_type', 'wait_event'] },
    { name: 'pg_settings_max_connections', type: 'gauge', labels: [] },
  ],
};

/** redis_exporter v1.62 (https://github.com/oliver006/redis_exporter, exporter/exporter.go). */
export const REDIS_EXPORTER_CATALOG: MetricCatalog = {
  id: 'redis-exporter',
  source: 'oliver006/redis_exporter v1.62.0 exporter/exporter.go (redis_up)',
  targetLabels: POD_MONITOR_TARGET_LABELS,
  metrics: [{ name: 'redis_up', type: 'gauge', labels: [] }],
};

const ISTIO_LABELS = [
  'reporter', 'source_workload', 'source_workload_namespace', 'source_principal', 'source_app', 'source_version', 'source_cluster',
  'source_canonical_service', 'source_canonical_revision',
  'destination_workload', 'destination_workload_namespace', 'destination_principal', 'destination_app', 'destination_version',
  'destination_service', 'destination_service_name', 'destination_service_namespace', 'destination_cluster',
  'destination_canonical_service', 'destination_canonical_revision',
  'request_protocol', 'response_code', 'grpc_response_status', 'response_flags', 'connection_security_policy',
];

/**
 * Istio's standard metrics (https://istio.io/latest/docs/reference/config/metrics/). With metrics
 * merging they come from each pod's sidecar with that pod's target labels, so the relabelled
 * rollouts_pod_template_hash tells canary from stable; `destination_service_name` does not (Istio
 * labels reporter="destination" series with only one of the Services selecting the pod, istio#45555).
 */
export const ISTIO_CATALOG: MetricCatalog = {
  id: 'istio',
  source: 'istio.io/latest/docs/reference/config/metrics/ (Istio standard metrics)',
  requiresMesh: true,
  targetLabels: POD_MONITOR_TARGET_LABELS,
  metrics: [
    { name: 'istio_requests_total', type: 'counter', labels: ISTIO_LABELS },
    { name: 'istio_request_duration_milliseconds', type: 'histogram', labels: ISTIO_LABELS },
  ],
};
