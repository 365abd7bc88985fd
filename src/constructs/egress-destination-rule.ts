import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import {
  DestinationRule,
  DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode,
} from '../../imports/istio-destinationrule-networking.istio.io';

export interface EgressConnectionPool {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly connectTimeoutSeconds: number;
  readonly idleTimeoutSeconds: number;
}

export interface EgressOutlierDetection {
  readonly consecutive5xxErrors: number;
  readonly intervalSeconds: number;
  readonly baseEjectionSeconds: number;
  readonly maxEjectionPercent: number;
}

export interface EgressDestinationRuleProps {
  readonly name: string;
  /** The external host (as in its ServiceEntry). */
  readonly host: string;
  readonly connectionPool: EgressConnectionPool;
  readonly outlierDetection: EgressOutlierDetection;
  /**
   * The ServiceEntry port on which the sidecar originates TLS (SIMPLE, SNI = host).
   * @default - none: the app's own TLS passes through
   */
  readonly originateTlsOnPort?: number;
}

/**
 * Traffic policy for one external host: per-sidecar connection limits (excess requests fail fast
 * with 503 instead of queueing in the server) and outlier detection (a failing endpoint is ejected
 * for a while). With TLS origination the port-level settings repeat the pool and outlier policy,
 * because Istio does not inherit destination-level fields into an overriding port.
 */
export class EgressDestinationRule extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: EgressDestinationRuleProps) {
    super(scope, id);
    this.name = props.name;
    const p = props.connectionPool;
    // Untyped literals: the same shape fits both the destination-level and the port-level types.
    const connectionPool = {
      tcp: { maxConnections: p.maxConnections, connectTimeout: `${p.connectTimeoutSeconds}s` },
      http: { http1MaxPendingRequests: p.maxPendingRequests, http2MaxRequests: p.maxRequests, idleTimeout: `${p.idleTimeoutSeconds}s` },
    };
    const o = props.outlierDetection;
    const outlierDetection = {
      consecutive5XxErrors: o.consecutive5xxErrors,
      interval: `${o.intervalSeconds}s`,
      baseEjectionTime: `${o.baseEjectionSeconds}s`,
      maxEjectionPercent: o.maxEjectionPercent,
    };
    new DestinationRule(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'egress' } }),
      spec: {
        host: props.host,
        exportTo: ['.'],
        trafficPolicy: {
          connectionPool,
          outlierDetection,
          ...(props.originateTlsOnPort !== undefined
            ? {
              portLevelSettings: [{
                port: { number: props.originateTlsOnPort },
                connectionPool,
                outlierDetection,
                tls: { mode: DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode.SIMPLE, sni: props.host },
              }],
            }
            : {}),
        },
      },
    });
  }
}
