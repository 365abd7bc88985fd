import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity } from './labels';
import { replicaBoundsErrors } from './validations/replicas';

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

/** Adds pods quickly: up to double every 15 s after a 60 s window. */
export const DEFAULT_SCALE_UP: ScalingRule = { stabilizationWindowSeconds: 60, percent: 100, periodSeconds: 15 };
/** Removes pods slowly (10 % a minute after 5 min), so each removed pod can finish its runs in its grace period. */
export const DEFAULT_SCALE_DOWN: ScalingRule = { stabilizationWindowSeconds: 300, percent: 10, periodSeconds: 60 };
export const DEFAULT_CPU_UTILIZATION = 70;

export interface QueueDepthMetric {
  /** External metric name as the adapter serves it, e.g. `lg_api_num_pending_runs`. */
  readonly metric: string;
  readonly selector: Readonly<Record<string, string>>;
  /** Queue length per replica to aim for. */
  readonly averageValue: number;
}

export interface AutoscalerProps {
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** The workload that owns the pods: a Deployment, or the Rollout when one manages them. */
  readonly target: IScalable;
  /** At least 1: the server loses in-flight runs when it has no pods. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average cpu utilisation (percent of requests) to keep. @default 70 */
  readonly cpuUtilization?: number;
  /**
   * Memory target: only where configured on purpose, since a Python server's memory does not
   * fall with load and the target would pin replicas at the maximum. @default - none
   */
  readonly memoryUtilization?: number;
  /** @default DEFAULT_SCALE_UP */
  readonly scaleUp?: ScalingRule;
  /** @default DEFAULT_SCALE_DOWN */
  readonly scaleDown?: ScalingRule;
  /**
   * Scale on an external queue-depth metric (e.g. lg_api_num_pending_runs, which the adapter must
   * aggregate with `max` across pods: every pod reports the same queue-wide value). The HPA
   * divides it by the replica count. Needs an external-metrics adapter. No `Pods` metric is
   * offered: averaging a queue-wide gauge per pod scales to the maximum.
   * @default - not used
   */
  readonly queueDepth?: QueueDepthMetric;
}

/**
 * autoscaling/v2 HPA on cpu, with optional memory and queue-depth metrics, for the API and the
 * queue workers alike. Never scales to zero: the server loses in-flight runs when it has no pods.
 */
export class Autoscaler extends Construct {
  public readonly name: string;
  /** Whether a metric is cpu or memory utilization of the requests (a VPA in an active mode would fight it). */
  public readonly scalesOnResources = true;

  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    this.name = props.name;
    this.node.addValidation({ validate: () => replicaBoundsErrors(`HPA ${props.name}`, props.minReplicas, props.maxReplicas) });
    const metrics: k8s.MetricSpecV2[] = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.cpuUtilization ?? DEFAULT_CPU_UTILIZATION } } },
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
      metadata: objectMetadata(this, props.name, { identity: props.identity }),
      spec: {
        scaleTargetRef: { ...props.target.scaleTargetRef },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics,
        behavior: {
          scaleUp: rule(props.scaleUp ?? DEFAULT_SCALE_UP),
          scaleDown: rule(props.scaleDown ?? DEFAULT_SCALE_DOWN),
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
