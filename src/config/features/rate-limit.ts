/**
 * Local rate limiting for traffic spikes: a token bucket in each API pod's Istio sidecar (inbound),
 * so excess requests get 429 before they reach the server. Workflow level (`rateLimit`), off by
 * default, mesh only. The bucket is per pod: the workflow admits about replicas × the rate.
 */
import { z } from 'zod';
import type { SemanticIssue } from '../semantic-issue';

const RATE_LIMIT_DEFAULTS = { enabled: false, maxTokens: 100, tokensPerFill: 50, fillIntervalSeconds: 1 };

export const rateLimitSchema = z
  .strictObject({
    enabled: z.boolean().default(false).meta({ description: 'Render the local rate limit (an EnvoyFilter on the API pods\' sidecars).' }),
    maxTokens: z.number().int().min(1).default(RATE_LIMIT_DEFAULTS.maxTokens).meta({ description: 'Bucket size: the largest burst one pod admits.' }),
    tokensPerFill: z.number().int().min(1).default(RATE_LIMIT_DEFAULTS.tokensPerFill).meta({ description: 'Tokens added every fill interval (the sustained rate per pod is tokensPerFill / fillIntervalSeconds).' }),
    fillIntervalSeconds: z.number().min(0.05).max(3600).default(RATE_LIMIT_DEFAULTS.fillIntervalSeconds).meta({ description: 'Seconds between refills; Envoy requires at least 0.05 (50 ms).' }),
  })
  .refine((r) => r.tokensPerFill <= r.maxTokens, { message: 'must not exceed rateLimit.maxTokens (the bucket cannot hold more); lower tokensPerFill or raise maxTokens', path: ['tokensPerFill'] })
  .default(RATE_LIMIT_DEFAULTS);
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;

/** Workflow-level rules (call from checkWorkflowSettings once `rateLimit` is mounted). */
export function checkRateLimit(
  settings: { readonly rateLimit: RateLimitConfig },
  env: { readonly name: string; readonly mesh: { readonly enabled: boolean } },
): SemanticIssue[] {
  if (settings.rateLimit.enabled && !env.mesh.enabled) {
    return [{
      path: ['rateLimit', 'enabled'],
      value: true,
      message: `the local rate limit runs in the Istio sidecar, but mesh.enabled is false in "${env.name}"; there only an ingress-nginx entry limits per client (entry.ingressRateLimitRps) — set rateLimit.enabled: false for this environment`,
    }];
  }
  return [];
}
