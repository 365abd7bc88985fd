import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity, WorkflowMetadata, componentLabels, workflowAnnotations } from './labels';
import { replicaBoundsErrors } from './validations/replicas';
import { ScaleTarget, ScalingRule } from './autoscaler';

export interface CpuAutoscalerProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: WorkflowMetadata;
  readonly identity: ComponentIdentity;
  readonly target: ScaleTarget;
  /** At least 1. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average cpu utilisation (percent of requests) to keep. */
  readonly cpuUtilization: number;
  readonly scaleUp: ScalingRule;
  readonly scaleDown: ScalingRule;
}

/**
 * autoscaling/v2 HPA on cpu only, for workloads whose memory does not fall when load does (a
 * Python worker keeps its heap), where a memory target would only ever scale up.
 * Never scales to zero: in-flight runs would be lost.
 */
export class CpuAutoscaler extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: CpuAutoscalerProps) {
    super(scope, id);
    this.name = props.name;
    this.node.addValidation({ validate: () => replicaBoundsErrors(`HPA ${props.name}`, props.minReplicas, props.maxReplicas) });
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
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.cpuUtilization } } }],
        behavior: { scaleUp: rule(props.scaleUp), scaleDown: rule(props.scaleDown) },
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
