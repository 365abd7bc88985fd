import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { MANAGED_BY } from './labels';

/** Well below `system-cluster-critical` (2000000000) and `system-node-critical`; above the default 0. */
export const DEFAULT_PRIORITY_VALUE = 100000;

/** Kubernetes reserves the `system-` prefix for its own classes; the API server refuses to create one. */
export const RESERVED_PRIORITY_CLASS_PREFIX = 'system-';

export interface WorkloadPriorityClassProps {
  /** The class's name, as the pods' `priorityClassName` names it. */
  readonly name: string;
  /** Priority of the pods naming it. @default DEFAULT_PRIORITY_VALUE */
  readonly value?: number;
  /**
   * `PreemptLowerPriority` lets a pending pod of this class evict lower-priority pods when no node
   * fits it: the pods that need it are the HPA's scale-up under load, when waiting minutes for a
   * new node is the outage. The victims (default priority 0: dev, batch) get their grace period.
   * @default 'PreemptLowerPriority'
   */
  readonly preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  /** @default - says which pods name it and why */
  readonly description?: string;
}

/**
 * A cluster-scoped PriorityClass for the platform's pods. Never the cluster default
 * (`globalDefault: false`): only the pods that name it get its priority.
 */
export class WorkloadPriorityClass extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: WorkloadPriorityClassProps) {
    super(scope, id);
    this.name = props.name;
    if (props.name.startsWith(RESERVED_PRIORITY_CLASS_PREFIX)) {
      throw new Error(`PriorityClass "${props.name}": the "${RESERVED_PRIORITY_CLASS_PREFIX}" prefix is reserved by Kubernetes, which provides these classes itself; name one without it`);
    }
    const value = props.value ?? DEFAULT_PRIORITY_VALUE;
    if (!Number.isInteger(value) || value < 0 || value > 1_000_000_000) {
      throw new Error(`PriorityClass "${props.name}": value ${value} is outside 0–1000000000 (user classes may not reach the system classes' 2000000000); use an integer such as ${DEFAULT_PRIORITY_VALUE}`);
    }
    new k8s.KubePriorityClass(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          'app.kubernetes.io/component': 'priority-class',
          'app.kubernetes.io/part-of': 'langgraph-platform',
          'app.kubernetes.io/managed-by': MANAGED_BY,
        },
      },
      value,
      globalDefault: false,
      preemptionPolicy: props.preemptionPolicy ?? 'PreemptLowerPriority',
      description: props.description ?? 'LangGraph platform API and queue-worker pods: scheduled (and, when no node fits, preempting) ahead of pods of default priority.',
    });
  }
}
