/**
 * Labels Prometheus adds to every series it scrapes through a prometheus-operator PodMonitor
 * (https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor:
 * `job` = `<namespace>/<podmonitor>`, plus `namespace`, `pod`, `container`, `endpoint`,
 * `instance`), and the pod labels src/constructs/pod-monitor.ts relabels onto them.
 */

/** The Argo Rollouts pod label, relabelled: tells canary from stable pods (`valueFrom.podTemplateHashValue`). */
export const ROLLOUT_HASH_LABEL = 'rollouts_pod_template_hash';
/** The pod's `app.kubernetes.io/version`, relabelled. */
export const VERSION_LABEL = 'version';

export const POD_MONITOR_TARGET_LABELS: readonly string[] = ['container', 'endpoint', 'instance', 'job', 'namespace', 'pod', ROLLOUT_HASH_LABEL, VERSION_LABEL];

/** Target labels of cluster-wide exporters (kube-state-metrics, kubelet/cAdvisor) as kube-prometheus-stack scrapes them. */
export const CLUSTER_EXPORTER_TARGET_LABELS: readonly string[] = ['endpoint', 'instance', 'job', 'service'];
