import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import {
  VerticalPodAutoscaler,
  VerticalPodAutoscalerSpecResourcePolicyContainerPolicies,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMaxAllowed,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMinAllowed,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMode,
  VerticalPodAutoscalerSpecUpdatePolicyUpdateMode,
} from '../../imports/vpa-autoscaling.k8s.io';
import { ComponentIdentity } from './labels';
import { IScalable } from './autoscaler';

export type VerticalUpdateMode = 'Off' | 'Initial' | 'Recreate' | 'InPlaceOrRecreate' | 'Auto';

export interface ResourceBounds {
  readonly cpu?: string;
  readonly memory?: string;
}

export interface VerticalAutoscalerProps {
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** The workload owning the pods: the Deployment, or the Rollout when a canary runs them. */
  readonly target: IScalable;
  /** @default 'Off' (recommendations only) */
  readonly updateMode?: VerticalUpdateMode;
  /**
   * Whether an HPA scales the same target on cpu or memory utilization. An active mode is then
   * refused: the VPA changes the requests the HPA's utilization is measured against.
   */
  readonly hpaScalesOnResources: boolean;
  /** The container the recommendations are for. */
  readonly containerName: string;
  /** @default - no floor */
  readonly minAllowed?: ResourceBounds;
  /** @default - no ceiling */
  readonly maxAllowed?: ResourceBounds;
  /** @default ['cpu', 'memory'] */
  readonly controlledResources?: readonly ('cpu' | 'memory')[];
  /** Containers the VPA must leave alone (e.g. the injected `istio-proxy`). @default [] */
  readonly excludedContainers?: readonly string[];
}

/** `autoscaling.k8s.io/v1` VerticalPodAutoscaler for one workload. */
export class VerticalAutoscaler extends Construct {
  public readonly name: string;
  public readonly updateMode: VerticalUpdateMode;

  constructor(scope: Construct, id: string, props: VerticalAutoscalerProps) {
    super(scope, id);
    this.name = props.name;
    this.updateMode = props.updateMode ?? 'Off';
    if (this.updateMode !== 'Off' && props.hpaScalesOnResources) {
      throw new Error(
        `VPA ${props.name}: updateMode "${this.updateMode}" would resize pods that the HPA scales on cpu/memory utilization of the same requests, and the two fight; use updateMode "Off" (recommendations only)`,
      );
    }
    const containerPolicies: VerticalPodAutoscalerSpecResourcePolicyContainerPolicies[] = [
      {
        containerName: props.containerName,
        controlledResources: [...(props.controlledResources ?? ['cpu', 'memory'])],
        ...(props.minAllowed ? { minAllowed: bounds(props.minAllowed, VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMinAllowed) } : {}),
        ...(props.maxAllowed ? { maxAllowed: bounds(props.maxAllowed, VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMaxAllowed) } : {}),
      },
      ...(props.excludedContainers ?? []).map((containerName) => ({
        containerName,
        mode: VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMode.OFF,
      })),
    ];
    new VerticalPodAutoscaler(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { identity: props.identity }),
      spec: {
        targetRef: { ...props.target.scaleTargetRef },
        updatePolicy: { updateMode: updateModeEnum(this.updateMode) },
        resourcePolicy: { containerPolicies },
      },
    });
  }
}

function bounds<T>(b: ResourceBounds, factory: { fromString(value: string): T }): Record<string, T> {
  const out: Record<string, T> = {};
  if (b.cpu !== undefined) out.cpu = factory.fromString(b.cpu);
  if (b.memory !== undefined) out.memory = factory.fromString(b.memory);
  return out;
}

function updateModeEnum(mode: VerticalUpdateMode): VerticalPodAutoscalerSpecUpdatePolicyUpdateMode {
  const byValue: Record<VerticalUpdateMode, VerticalPodAutoscalerSpecUpdatePolicyUpdateMode> = {
    Off: VerticalPodAutoscalerSpecUpdatePolicyUpdateMode.OFF,
    Initial: VerticalPodAutoscalerSpecUpdatePolicyUpdateMode.INITIAL,
    Recreate: VerticalPodAutoscalerSpecUpdatePolicyUpdateMode.RECREATE,
    InPlaceOrRecreate: VerticalPodAutoscalerSpecUpdatePolicyUpdateMode.IN_PLACE_OR_RECREATE,
    Auto: VerticalPodAutoscalerSpecUpdatePolicyUpdateMode.AUTO,
  };
  return byValue[mode];
}
