import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity } from './labels';

export interface DisruptionBudgetProps {
  readonly name: string;
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
      metadata: objectMetadata(this, props.name, { identity: props.identity }),
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(DisruptionBudget.MAX_UNAVAILABLE),
        selector: { matchLabels: { ...props.selector } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
