import { Construct } from 'constructs';
import { PodMonitor, PodMonitorSpecPodMetricsEndpoints, PodMonitorSpecPodMetricsEndpointsRelabelingsAction } from '../../imports/prom-podmonitor-monitoring.coreos.com';
import { WorkflowMetadata, workflowAnnotations, workflowLabels } from './labels';
import { ISTIO_MERGED_METRICS_PATH, ISTIO_MERGED_METRICS_PORT } from './langgraph-server';
import { ISTIO_PROXY_CONTAINER } from './pod-monitor';

export interface ExporterPodMonitorProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: WorkflowMetadata;
  /** The pods to scrape (one pod set). */
  readonly selector: Readonly<Record<string, string>>;
  /** Labels the cluster's Prometheus selects monitors by. */
  readonly discoveryLabels: Readonly<Record<string, string>>;
  readonly interval: string;
  /** Name of the container port serving the metrics. */
  readonly port: string;
  readonly path: string;
  /**
   * Scrape through Istio's metrics merging (the pod's prometheus.io annotations point the sidecar at
   * the exporter), because STRICT mTLS keeps a Prometheus outside the mesh off the pod's ports.
   */
  readonly meshMetricsMerging: boolean;
}

/**
 * Scrapes a Prometheus exporter sidecar (postgres_exporter, redis_exporter). Its `job` label,
 * `<namespace>/<name>` (prometheus-operator's default for a PodMonitor), is what the database
 * alerts select (`monitoring.exporters`).
 */
export class ExporterPodMonitor extends Construct {
  public readonly name: string;
  public readonly job: string;

  constructor(scope: Construct, id: string, props: ExporterPodMonitorProps) {
    super(scope, id);
    this.name = props.name;
    this.job = exporterJob(props.namespace, props.name);
    const endpoint: PodMonitorSpecPodMetricsEndpoints = props.meshMetricsMerging
      ? {
        path: ISTIO_MERGED_METRICS_PATH,
        interval: props.interval,
        relabelings: [
          { action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.KEEP, sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: ISTIO_PROXY_CONTAINER },
          { action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '(.+)', replacement: `$1:${ISTIO_MERGED_METRICS_PORT}`, targetLabel: '__address__' },
        ],
      }
      : { port: props.port, path: props.path, interval: props.interval };
    new PodMonitor(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...workflowLabels(props.metadata), 'app.kubernetes.io/component': 'monitoring', ...props.discoveryLabels },
        annotations: workflowAnnotations(props.metadata),
      },
      spec: {
        selector: { matchLabels: { ...props.selector } },
        podMetricsEndpoints: [endpoint],
      },
    });
  }
}

/** prometheus-operator's default `job` label of a PodMonitor's targets. */
export function exporterJob(namespace: string, podMonitorName: string): string {
  return `${namespace}/${podMonitorName}`;
}
