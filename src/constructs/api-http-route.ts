import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../../imports/gwapi-httproute-gateway.networking.k8s.io';
import { ApiService } from './api-service';
import { GATEWAY_API_GROUP } from './entry-gateway';

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
}

/**
 * A Gateway API HTTPRoute: the workflow's hostname on its HTTPS listener of the environment's
 * Gateway, every path to the API Service. No canary weights here: Argo Rollouts shifts them only
 * in the Istio VirtualService (docs/delivery.md), so this entry serves rolling workflows.
 */
export class ApiHttpRoute extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ApiHttpRouteProps) {
    super(scope, id);
    this.name = props.name;
    new HttpRoute(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'routing' } }),
      spec: {
        parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', namespace: props.gateway.namespace, name: props.gateway.name, sectionName: props.gateway.sectionName }],
        hostnames: [props.hostname],
        rules: [{
          matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
          backendRefs: [{ group: '', kind: 'Service', name: props.service.name, port: props.service.port }],
        }],
      },
    });
  }
}
