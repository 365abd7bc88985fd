/**
 * VPA for the API workload: recommendations only by default. It targets the workload that owns the
 * pods — the Rollout when a canary runs them (the Deployment then has 0 replicas), else the
 * Deployment — and leaves the injected sidecar alone.
 */
import { Construct } from 'constructs';
import { WorkflowContext } from '../context';
import { VpaConfig, hpaScalesOnResources } from '../../config/features/vpa';
import { CanaryRollout } from '../../constructs/canary-rollout';
import { ISTIO_PROXY_CONTAINER } from '../../constructs/pod-monitor';
import { VerticalAutoscaler } from '../../constructs/vertical-autoscaler';

export function addVpa(scope: Construct, ctx: WorkflowContext, options: VpaConfig): VerticalAutoscaler | undefined {
  if (!options.enabled) return undefined;
  const target = ctx.canary
    ? { apiVersion: CanaryRollout.API_VERSION, kind: CanaryRollout.KIND, name: ctx.apiName }
    : { apiVersion: 'apps/v1', kind: 'Deployment', name: ctx.apiName };
  return new VerticalAutoscaler(scope, 'VerticalAutoscaler', {
    name: ctx.apiName,
    namespace: ctx.namespace,
    metadata: ctx.metadata,
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
