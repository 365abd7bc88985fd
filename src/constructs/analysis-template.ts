import { Construct } from 'constructs';
import {
  AnalysisTemplate,
  AnalysisTemplateSpecMetricsConsecutiveErrorLimit,
  AnalysisTemplateSpecMetricsFailureLimit,
} from '../../imports/rollouts-analysistemplate-argoproj.io';
import { WorkflowMetadata, workflowAnnotations, workflowLabels } from './labels';

export interface PrometheusMetric {
  /** Metric name within the template, e.g. `success-rate`. */
  readonly name: string;
  /** PromQL that returns one value, also when there is no traffic. */
  readonly query: string;
  /** e.g. `result[0] >= 0.95`. */
  readonly successCondition: string;
}

export interface CanaryAnalysisTemplateProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: WorkflowMetadata;
  readonly prometheusAddress: string;
  readonly metric: PrometheusMetric;
  readonly intervalSeconds: number;
  /** Failed measurements tolerated before the rollout aborts. */
  readonly failureLimit: number;
  /** Query errors tolerated in a row before the rollout aborts. */
  readonly consecutiveErrorLimit: number;
}

/**
 * One Prometheus measurement of the canary. The conditions live here, on the metric (the playbook
 * put them on the Rollout, where Argo ignores them).
 */
export class CanaryAnalysisTemplate extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: CanaryAnalysisTemplateProps) {
    super(scope, id);
    this.name = props.name;
    new AnalysisTemplate(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...workflowLabels(props.metadata), 'app.kubernetes.io/component': 'analysis' },
        annotations: workflowAnnotations(props.metadata),
      },
      spec: {
        metrics: [{
          name: props.metric.name,
          interval: `${props.intervalSeconds}s`,
          successCondition: props.metric.successCondition,
          failureLimit: AnalysisTemplateSpecMetricsFailureLimit.fromNumber(props.failureLimit),
          consecutiveErrorLimit: AnalysisTemplateSpecMetricsConsecutiveErrorLimit.fromNumber(props.consecutiveErrorLimit),
          provider: { prometheus: { address: props.prometheusAddress, query: props.metric.query } },
        }],
      },
    });
  }
}
