import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import {
  EnvoyFilter,
  EnvoyFilterSpecConfigPatchesApplyTo,
  EnvoyFilterSpecConfigPatchesMatchContext,
  EnvoyFilterSpecConfigPatchesPatchOperation,
} from '../../imports/istio-envoyfilter-networking.istio.io';

export const LOCAL_RATE_LIMIT_FILTER = 'envoy.filters.http.local_ratelimit';
export const LOCAL_RATE_LIMIT_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit';
/** Header set on every rate-limited response, so clients and dashboards can tell 429s apart. */
export const RATE_LIMITED_HEADER = 'x-local-rate-limit';

export interface TokenBucket {
  readonly maxTokens: number;
  readonly tokensPerFill: number;
  readonly fillIntervalSeconds: number;
}

export interface LocalRateLimitProps {
  readonly name: string;
  /** Labels of the pods whose sidecar gets the filter (the API's selector). */
  readonly workloadSelector: Readonly<Record<string, string>>;
  /** The container port of the inbound HTTP traffic to limit (the API's 8000). */
  readonly port: number;
  readonly bucket: TokenBucket;
}

/**
 * Istio EnvoyFilter inserting Envoy's HTTP local rate limit into the sidecar's inbound HTTP
 * connection manager for one port, as in Istio's "Enabling Rate Limits using Envoy" task
 * (TypedStruct wrapping `LocalRateLimit`; enabled and enforced for 100% of requests, since Envoy
 * defaults both to 0%). Kubelet probes are not counted: Istio rewrites them to the agent's :15020.
 */
export class LocalRateLimit extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: LocalRateLimitProps) {
    super(scope, id);
    this.name = props.name;
    const b = props.bucket;
    if (!Number.isInteger(b.maxTokens) || b.maxTokens < 1) throw new Error(`EnvoyFilter ${props.name}: maxTokens ${b.maxTokens} must be a whole number ≥ 1`);
    if (!Number.isInteger(b.tokensPerFill) || b.tokensPerFill < 1) throw new Error(`EnvoyFilter ${props.name}: tokensPerFill ${b.tokensPerFill} must be a whole number ≥ 1`);
    if (!(b.fillIntervalSeconds >= 0.05)) throw new Error(`EnvoyFilter ${props.name}: fillIntervalSeconds ${b.fillIntervalSeconds} is below Envoy's minimum of 0.05 (50ms)`);
    if (Object.keys(props.workloadSelector).length === 0) throw new Error(`EnvoyFilter ${props.name}: empty workloadSelector would rate-limit every workload in the namespace`);
    const percent = (runtimeKey: string) => ({ runtime_key: runtimeKey, default_value: { numerator: 100, denominator: 'HUNDRED' } });
    new EnvoyFilter(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'rate-limit' } }),
      spec: {
        workloadSelector: { labels: { ...props.workloadSelector } },
        configPatches: [{
          applyTo: EnvoyFilterSpecConfigPatchesApplyTo.HTTP_UNDERSCORE_FILTER,
          match: {
            context: EnvoyFilterSpecConfigPatchesMatchContext.SIDECAR_UNDERSCORE_INBOUND,
            listener: {
              // For inbound listeners Istio matches the workload's target (container) port.
              portNumber: props.port,
              filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } },
            },
          },
          patch: {
            operation: EnvoyFilterSpecConfigPatchesPatchOperation.INSERT_UNDERSCORE_BEFORE,
            value: {
              name: LOCAL_RATE_LIMIT_FILTER,
              typed_config: {
                '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
                type_url: LOCAL_RATE_LIMIT_TYPE_URL,
                value: {
                  stat_prefix: 'http_local_rate_limiter',
                  token_bucket: {
                    max_tokens: b.maxTokens,
                    tokens_per_fill: b.tokensPerFill,
                    fill_interval: `${b.fillIntervalSeconds}s`,
                  },
                  filter_enabled: percent('local_rate_limit_enabled'),
                  filter_enforced: percent('local_rate_limit_enforced'),
                  response_headers_to_add: [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: RATE_LIMITED_HEADER, value: 'true' } }],
                },
              },
            },
          },
        }],
      },
    });
  }
}
