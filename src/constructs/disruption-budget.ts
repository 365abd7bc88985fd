import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity, WorkflowMetadata, componentLabels, workflowAnnotations } from './labels';

export interface DisruptionBudgetProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: WorkflowMetadata;
  readonly identity: ComponentIdentity;
  readonly selector: Readonly<Record<string, string>>;
}

/**
 * A PDB that never blocks a node drain: `maxUnavailable: 1` allows one eviction at any replica
 * count (a `minAvailable` equal to the minimum replicas would allow none), and unhealthy pods
 * are always evictable.
 */
export class DisruptionBudget extends Construct {
  public readonly name: string;
  public static readonly MAX_UNAVAILABLE = 1;

  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    this.name = props.name;
    new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: componentLabels(props.metadata, props.identity),
        annotations: workflowAnnotations(props.metadata),
      },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(DisruptionBudget.MAX_UNAVAILABLE),
        selector: { matchLabels: { ...props.selector } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
