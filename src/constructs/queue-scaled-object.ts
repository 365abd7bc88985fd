import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { ScaledObject } from '../../imports/keda-scaledobject-keda.sh';
import { ComponentIdentity } from './labels';
import { replicaBoundsErrors } from './validations/replicas';
import { ScalingRule } from './autoscaler';

export interface QueueScaledObjectProps {
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** The Deployment KEDA scales. */
  readonly deploymentName: string;
  /** The container whose env holds `connectionFromEnv` (KEDA resolves Secret refs and `$(VAR)`s from it). */
  readonly containerName: string;
  /** At least 1: KEDA's own default is 0, which would stop every worker when the queue is empty. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Runs one replica executes at once: the worker's N_JOBS_PER_WORKER. */
  readonly pendingRunsPerReplica: number;
  /** A SELECT returning the runs that need a worker slot: pending plus running. */
  readonly query: string;
  /** Env var of the scaled container holding the Postgres connection URI. @default 'POSTGRES_URI' */
  readonly connectionFromEnv?: string;
  /** Seconds between queries. */
  readonly pollingIntervalSeconds: number;
  readonly scaleUp: ScalingRule;
  /**
   * Its stabilisation window must be at least {@link MIN_SCALE_DOWN_STABILIZATION_SECONDS};
   * scale-down removes one pod per `periodSeconds` (its `percent` does not apply).
   */
  readonly scaleDown: ScalingRule;
}

/** A worker removed too soon after a busy spell takes running runs with it: wait at least this long. */
export const MIN_SCALE_DOWN_STABILIZATION_SECONDS = 300;

/**
 * A KEDA `ScaledObject` scaling queue workers on the run queue (postgresql trigger): replicas =
 * ceil((pending + running) / N_JOBS_PER_WORKER), between min and max, so busy workers are not
 * scaled down while their runs execute. Scale-down waits a long stabilisation window and removes
 * one pod at a time. KEDA creates and owns the HPA, so none may be rendered for the same Deployment.
 */
export class QueueScaledObject extends Construct {
  public static readonly API_VERSION = ScaledObject.GVK.apiVersion;
  public static readonly KIND = ScaledObject.GVK.kind;
  public readonly name: string;

  constructor(scope: Construct, id: string, props: QueueScaledObjectProps) {
    super(scope, id);
    this.name = props.name;
    this.node.addValidation({ validate: () => replicaBoundsErrors(`ScaledObject ${props.name}`, props.minReplicas, props.maxReplicas, { min: 'minReplicaCount', max: 'maxReplicaCount' }) });
    if (props.scaleDown.stabilizationWindowSeconds < MIN_SCALE_DOWN_STABILIZATION_SECONDS) {
      throw new Error(
        `ScaledObject ${props.name}: scaleDown.stabilizationWindowSeconds ${props.scaleDown.stabilizationWindowSeconds} is too short; ` +
          `use at least ${MIN_SCALE_DOWN_STABILIZATION_SECONDS} so a worker is not removed right after a busy spell`,
      );
    }
    if (!Number.isInteger(props.pendingRunsPerReplica) || props.pendingRunsPerReplica < 1) {
      throw new Error(`ScaledObject ${props.name}: pendingRunsPerReplica ${props.pendingRunsPerReplica} must be a whole number ≥ 1 (the worker's N_JOBS_PER_WORKER)`);
    }
    new ScaledObject(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { identity: props.identity }),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deploymentName, envSourceContainerName: props.containerName },
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        pollingInterval: props.pollingIntervalSeconds,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: { scaleUp: rule(props.scaleUp), scaleDown: oneAtATime(props.scaleDown) },
          },
        },
        triggers: [{
          type: 'postgresql',
          metricType: 'AverageValue',
          metadata: {
            connectionFromEnv: props.connectionFromEnv ?? 'POSTGRES_URI',
            query: props.query,
            targetQueryValue: String(props.pendingRunsPerReplica),
          },
        }],
      },
    });
  }
}

function rule(r: ScalingRule) {
  return {
    stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: r.percent, periodSeconds: r.periodSeconds }],
  };
}

/**
 * Scale-down: one pod per period. (A percent policy rounds up what stays, so 10 % of fewer than 10
 * workers never removes one; and it would remove several at once from a large fleet.)
 */
function oneAtATime(r: ScalingRule) {
  return {
    stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    selectPolicy: 'Max',
    policies: [{ type: 'Pods', value: 1, periodSeconds: r.periodSeconds }],
  };
}
