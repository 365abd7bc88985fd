import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../../imports/gwapi-httproute-gateway.networking.k8s.io';
import { ApiService } from './api-service';
import { GATEWAY_API_GROUP } from './entry-gateway';
import { edgeDeniedPaths } from './langgraph-server';

/** The Gateway API Gateway (and its listener) a route attaches to. */
export interface GatewayListenerRef {
  readonly name: string;
  readonly namespace: string;
  /** The listener: the workflow's HTTPS listener, never the plain-HTTP one. */
  readonly sectionName: string;
}

export interface ApiHttpRouteProps {
  readonly name: string;
  readonly hostname: string;
  /** The workflow's API Service (same namespace: no ReferenceGrant needed). */
  readonly service: ApiService;
  readonly gateway: GatewayListenerRef;
  /**
   * Paths never forwarded to the server, in Istio's `paths` notation (exact, or a `/*` suffix for a
   * prefix): they match a rule without a backend.
   * @default the server's admin routes (EDGE_DENIED_ROUTES) at the root
   */
  readonly deniedPaths?: readonly string[];
}

/** A Gateway API path match for a path in Istio's notation: `/x/*` is the prefix `/x`, anything else exact. */
export function gatewayPathMatch(path: string): { type: HttpRouteSpecRulesMatchesPathType; value: string } {
  if (path.endsWith('/*')) return { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: path.slice(0, -2) };
  if (path.includes('*')) throw new Error(`path ${JSON.stringify(path)}: only a trailing "/*" (a prefix) can be expressed in an HTTPRoute; list the paths exactly`);
  return { type: HttpRouteSpecRulesMatchesPathType.EXACT, value: path };
}

/**
 * A Gateway API HTTPRoute: the workflow's hostname on its HTTPS listener of the environment's
 * Gateway, every path to the API Service except the admin routes: those match a rule without a
 * backend, so the gateway never forwards them (Gateway API picks an exact match, then the longest
 * prefix, over the catch-all `/`). The same paths the mesh entry denies by AuthorizationPolicy,
 * here without needing the mesh. No canary weights here: Argo Rollouts shifts them only
 * in the Istio VirtualService (docs/delivery.md), so this entry serves rolling workflows.
 */
export class ApiHttpRoute extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ApiHttpRouteProps) {
    super(scope, id);
    this.name = props.name;
    const denied = props.deniedPaths ?? edgeDeniedPaths();
    new HttpRoute(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'routing' } }),
      spec: {
        parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', namespace: props.gateway.namespace, name: props.gateway.name, sectionName: props.gateway.sectionName }],
        hostnames: [props.hostname],
        rules: [
          {
            matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
            // weight 1 is the API server's default: said here so that what Argo CD compares is what it stores.
            backendRefs: [{ group: '', kind: 'Service', name: props.service.name, port: props.service.port, weight: 1 }],
          },
          ...(denied.length ? [{ matches: denied.map((p) => ({ path: gatewayPathMatch(p) })) }] : []),
        ],
      },
    });
  }
}
