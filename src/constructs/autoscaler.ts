import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity, WorkflowMetadata, componentLabels, workflowAnnotations } from './labels';

export interface ScaleTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** A workload an autoscaler can scale through its scale subresource: a Deployment, or the Rollout running its pods. */
export interface IScalable {
  readonly scaleTargetRef: ScaleTarget;
}

export interface ScalingRule {
  readonly stabilizationWindowSeconds: number;
  readonly percent: number;
  readonly periodSeconds: number;
}

export interface AutoscalerProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: WorkflowMetadata;
  readonly identity: ComponentIdentity;
  /** The workload that owns the pods: a Deployment, or the Rollout when one manages them. */
  readonly target: ScaleTarget;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization: number;
  /**
   * Memory target: only where configured on purpose, since a Python server's memory does not
   * fall with load and the target would pin replicas at the maximum. @default - none
   */
  readonly memoryUtilization?: number;
  readonly scaleUp: ScalingRule;
  readonly scaleDown: ScalingRule;
  /**
   * Scale on an external queue-depth metric (e.g. lg_api_num_pending_runs, which the adapter must
   * aggregate with `max` across pods: every pod reports the same queue-wide value). The HPA
   * divides it by the replica count. Needs an external-metrics adapter. No `Pods` metric is
   * offered: averaging a queue-wide gauge per pod scales to the maximum.
   * @default - not used
   */
  readonly queueDepth?: { readonly metric: string; readonly selector: Readonly<Record<string, string>>; readonly averageValue: number };
}

/** autoscaling/v2 HPA. Never scales to zero: the server loses in-flight runs when it has no pods. */
export class Autoscaler extends Construct {
  public readonly name: string;
  public readonly scalesOnResources = true;

  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    this.name = props.name;
    if (props.minReplicas < 1) throw new Error(`HPA ${props.name}: minReplicas ${props.minReplicas} would scale to zero and lose in-flight runs; use at least 1`);
    if (props.minReplicas > props.maxReplicas) throw new Error(`HPA ${props.name}: minReplicas ${props.minReplicas} exceeds maxReplicas ${props.maxReplicas}`);
    const metrics: k8s.MetricSpecV2[] = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.cpuUtilization } } },
    ];
    if (props.memoryUtilization !== undefined) {
      metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: props.memoryUtilization } } });
    }
    if (props.queueDepth) {
      metrics.push({
        type: 'External',
        external: {
          metric: { name: props.queueDepth.metric, selector: { matchLabels: { ...props.queueDepth.selector } } },
          target: { type: 'AverageValue', averageValue: k8s.Quantity.fromNumber(props.queueDepth.averageValue) },
        },
      });
    }
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: componentLabels(props.metadata, props.identity),
        annotations: workflowAnnotations(props.metadata),
      },
      spec: {
        scaleTargetRef: { ...props.target },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics,
        behavior: {
          scaleUp: rule(props.scaleUp),
          scaleDown: rule(props.scaleDown),
        },
      },
    });
  }
}

function rule(r: ScalingRule): k8s.HpaScalingRulesV2 {
  return {
    stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: r.percent, periodSeconds: r.periodSeconds }],
  };
}
