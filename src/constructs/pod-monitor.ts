import { Construct } from 'constructs';
import { objectMetadata, WorkflowScope } from './workflow-scope';
import { PodMonitor, PodMonitorSpecPodMetricsEndpoints, PodMonitorSpecPodMetricsEndpointsRelabelingsAction } from '../../imports/prom-podmonitor-monitoring.coreos.com';
import { ROLLOUT_HASH_LABEL, VERSION_LABEL } from '../metric-catalog/scrape-labels';
import { API_PORT_NAME, ISTIO_MERGED_METRICS_PATH, ISTIO_MERGED_METRICS_PORT, METRICS_PATH } from './langgraph-server';

/** The injected sidecar's container name; its declared port anchors one target per pod. */
export const ISTIO_PROXY_CONTAINER = 'istio-proxy';

export interface WorkloadPodMonitorProps {
  readonly name: string;
  /** The pods to scrape (for the API: stable and canary alike). */
  readonly selector: Readonly<Record<string, string>>;
  /** Labels the cluster's Prometheus selects monitors by. */
  readonly discoveryLabels: Readonly<Record<string, string>>;
  readonly interval: string;
  /**
   * Scrape through Istio's metrics merging (sidecar :15020 serves the pod's metrics plus istio_*,
   * pointed at them by the pod's prometheus.io annotations), because STRICT mTLS keeps a
   * Prometheus outside the mesh off the pod's ports.
   */
  readonly meshMetricsMerging: boolean;
  /** Name of the container port serving the metrics. @default 'http' (the LangGraph server's) */
  readonly port?: string;
  /** @default '/metrics' */
  readonly path?: string;
  /**
   * Copy the pod's version and Argo Rollouts hash labels onto every series (RELABELLED_POD_LABELS):
   * the canary analysis selects the canary's series by the hash. @default true
   */
  readonly relabelPodLabels?: boolean;
}

/**
 * Scrapes one set of pods: the API or queue workers (the server's /metrics), or an exporter sidecar
 * (postgres_exporter, redis_exporter). A PodMonitor rather than a ServiceMonitor: Argo rewrites the
 * stable and canary Services' selectors during a rollout, so a ServiceMonitor on either would drop
 * pods or scrape them twice.
 */
export class WorkloadPodMonitor extends Construct {
  public readonly name: string;
  /** The `job` label of the scraped series (prometheus-operator's default for a PodMonitor); the alerts select it. */
  public readonly job: string;
  /** The one port Prometheus connects to. */
  public readonly scrapePort: number | string;

  constructor(scope: Construct, id: string, props: WorkloadPodMonitorProps) {
    super(scope, id);
    this.name = props.name;
    this.job = podMonitorJob(WorkflowScope.of(this).namespace, props.name);
    const port = props.port ?? API_PORT_NAME;
    this.scrapePort = props.meshMetricsMerging ? ISTIO_MERGED_METRICS_PORT : port;
    const podLabels = (props.relabelPodLabels ?? true) ? podLabelRelabelings() : [];
    const endpoint: PodMonitorSpecPodMetricsEndpoints = props.meshMetricsMerging
      ? {
        path: ISTIO_MERGED_METRICS_PATH,
        interval: props.interval,
        relabelings: [
          // One target per pod: the sidecar's declared port, then point it at the merged port only
          // (never 15090 as well, which would count istio_* twice).
          { action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.KEEP, sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: ISTIO_PROXY_CONTAINER },
          { action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '(.+)', replacement: `$1:${ISTIO_MERGED_METRICS_PORT}`, targetLabel: '__address__' },
          ...podLabels,
        ],
      }
      : { port, path: props.path ?? METRICS_PATH, interval: props.interval, ...(podLabels.length ? { relabelings: podLabels } : {}) };
    new PodMonitor(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'monitoring', ...props.discoveryLabels } }),
      spec: {
        selector: { matchLabels: { ...props.selector } },
        podMetricsEndpoints: [endpoint],
      },
    });
  }
}

/** prometheus-operator's default `job` label of a PodMonitor's targets. */
export function podMonitorJob(namespace: string, podMonitorName: string): string {
  return `${namespace}/${podMonitorName}`;
}

/** Pod labels copied onto every scraped series (absent pod labels add nothing). */
export const RELABELLED_POD_LABELS: Readonly<Record<string, string>> = {
  // Argo Rollouts' pod label: the canary analysis selects the canary's pods by it.
  'rollouts-pod-template-hash': ROLLOUT_HASH_LABEL,
  'app.kubernetes.io/version': VERSION_LABEL,
};

/** `__meta_kubernetes_pod_label_<name>` with every character outside [a-zA-Z0-9_] as `_`, as Prometheus builds it. */
export function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

function podLabelRelabelings() {
  return Object.entries(RELABELLED_POD_LABELS).map(([podLabel, target]) => ({
    action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
    sourceLabels: [podLabelMeta(podLabel)],
    targetLabel: target,
  }));
}
