import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { VirtualService } from '../../imports/istio-virtualservice-networking.istio.io';

/** Envoy caps retries anyway; more than 3 multiplies load on a provider that is already failing. */
export const MAX_EGRESS_RETRY_ATTEMPTS = 3;

export interface EgressHttpRoute {
  /** ServiceEntry port the app sends plain HTTP to (the sidecar originates TLS). */
  readonly port: number;
  readonly timeoutSeconds: number;
  readonly retries: {
    readonly attempts: number;
    /** @default - the route timeout */
    readonly perTryTimeoutSeconds?: number;
    readonly retryOn: string;
  };
}

export interface EgressVirtualServiceProps {
  readonly name: string;
  readonly host: string;
  /** HTTP route with timeout and retries (TLS origination). @default - none */
  readonly http?: EgressHttpRoute;
  /**
   * TLS port routed by SNI. HTTP timeouts and retries cannot apply here: the sidecar sees only
   * encrypted bytes. @default - none
   */
  readonly tlsPassthroughPort?: number;
}

/** Routing for one external host, visible only in its namespace. */
export class EgressVirtualService extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: EgressVirtualServiceProps) {
    super(scope, id);
    this.name = props.name;
    if (!props.http && props.tlsPassthroughPort === undefined) throw new Error(`VirtualService ${props.name}: neither an HTTP nor a TLS route; give at least one`);
    const r = props.http?.retries;
    if (r) {
      if (!Number.isInteger(r.attempts) || r.attempts < 0 || r.attempts > MAX_EGRESS_RETRY_ATTEMPTS) {
        throw new Error(`VirtualService ${props.name}: ${r.attempts} retry attempts; use 0–${MAX_EGRESS_RETRY_ATTEMPTS} (unbounded retries amplify a provider outage)`);
      }
      if (r.perTryTimeoutSeconds !== undefined && r.perTryTimeoutSeconds > props.http!.timeoutSeconds) {
        throw new Error(`VirtualService ${props.name}: perTryTimeout ${r.perTryTimeoutSeconds}s exceeds the route timeout ${props.http!.timeoutSeconds}s`);
      }
    }
    const destination = (port: number) => ({ destination: { host: props.host, port: { number: port } } });
    new VirtualService(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'egress' } }),
      spec: {
        hosts: [props.host],
        exportTo: ['.'],
        ...(props.http
          ? {
            http: [{
              name: 'egress',
              match: [{ port: props.http.port }],
              route: [destination(props.http.port)],
              timeout: `${props.http.timeoutSeconds}s`,
              retries: props.http.retries.attempts === 0
                ? { attempts: 0 }
                : {
                  attempts: props.http.retries.attempts,
                  retryOn: props.http.retries.retryOn,
                  ...(props.http.retries.perTryTimeoutSeconds !== undefined ? { perTryTimeout: `${props.http.retries.perTryTimeoutSeconds}s` } : {}),
                },
            }],
          }
          : {}),
        ...(props.tlsPassthroughPort !== undefined
          ? { tls: [{ match: [{ port: props.tlsPassthroughPort, sniHosts: [props.host] }], route: [destination(props.tlsPassthroughPort)] }] }
          : {}),
      },
    });
  }
}
