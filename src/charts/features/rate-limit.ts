/**
 * Rate limiting for traffic spikes: a per-pod token bucket in the API sidecar. Off by default;
 * mesh only (without the mesh the ingress controller's limit applies).
 */
import { Construct } from 'constructs';
import { WorkflowContext, featureScope } from '../context';
import { RateLimitConfig } from '../../config/features/rate-limit';
import { API_PORT } from '../../constructs/langgraph-server';
import { LocalRateLimit } from '../../constructs/local-rate-limit';

export function addRateLimit(scope: Construct, ctx: WorkflowContext, options: RateLimitConfig): LocalRateLimit | undefined {
  scope = featureScope(scope, ctx);
  if (!options.enabled) return undefined;
  if (!ctx.env.mesh.enabled) {
    throw new Error(`workflow ${ctx.workflow.name}: rateLimit.enabled needs the Istio sidecar, but mesh.enabled is false in "${ctx.env.name}"; turn it off there (the ingress controller limits instead)`);
  }
  return new LocalRateLimit(scope, 'RateLimit', {
    name: `${ctx.apiName}-rate-limit`,
    workloadSelector: ctx.apiSelector,
    port: API_PORT,
    bucket: options,
  });
}
