/**
 * VPA for the API workload: recommendations only by default. It targets the workload that owns the
 * pods — the Rollout when a canary runs them (the Deployment then has 0 replicas), else the
 * Deployment — and leaves the injected sidecar alone.
 */
import { Construct } from 'constructs';
import { WorkflowContext, featureScope } from '../context';
import { VpaConfig, hpaScalesOnResources } from '../../config/features/vpa';
import { IScalable } from '../../constructs/autoscaler';
import { ISTIO_PROXY_CONTAINER } from '../../constructs/pod-monitor';
import { VerticalAutoscaler } from '../../constructs/vertical-autoscaler';

/** `target`: the workflow's scale target (LangGraphWorkflow.scaleTarget), decided once there. */
export function addVpa(scope: Construct, ctx: WorkflowContext, options: VpaConfig, target: IScalable): VerticalAutoscaler | undefined {
  scope = featureScope(scope, ctx);
  if (!options.enabled) return undefined;
  return new VerticalAutoscaler(scope, 'VerticalAutoscaler', {
    name: ctx.apiName,
    identity: ctx.api,
    target,
    updateMode: options.updateMode,
    hpaScalesOnResources: hpaScalesOnResources(ctx.settings.autoscaling),
    containerName: ctx.api.component,
    minAllowed: options.minAllowed,
    maxAllowed: options.maxAllowed,
    controlledResources: options.controlledResources,
    excludedContainers: ctx.env.mesh.enabled ? [ISTIO_PROXY_CONTAINER] : [],
  });
}
