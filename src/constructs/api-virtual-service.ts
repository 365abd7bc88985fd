import { Construct } from 'constructs';
import { objectMetadata, WorkflowScope } from './workflow-scope';
import { VirtualService } from '../../imports/istio-virtualservice-networking.istio.io';
import { ApiService } from './api-service';
import { MeshGateway } from './mesh-gateway';

export interface CanaryHosts {
  /** Service of the stable ReplicaSet. */
  readonly stableService: ApiService;
  /** Service of the canary ReplicaSet. */
  readonly canaryService: ApiService;
}

export interface ApiVirtualServiceProps {
  readonly name: string;
  /** External hostname served through the gateway. */
  readonly hostname: string;
  /** The workflow's main Service; in-mesh callers address it. */
  readonly service: ApiService;
  /** The Gateway external traffic enters through. */
  readonly gateway: MeshGateway;
  /** Name of the HTTP route (Argo Rollouts rewrites the weights of this route). */
  readonly routeName: string;
  /**
   * Split between stable and canary hosts, managed by Argo Rollouts.
   * @default - all traffic to `service`
   */
  readonly canary?: CanaryHosts;
}

/**
 * Routes gateway and in-mesh traffic. With a canary, one named route lists the stable and canary
 * Services as two destinations (a host-level split, so metrics tell them apart by service name).
 */
export class ApiVirtualService extends Construct {
  public readonly name: string;
  public readonly routeName: string;

  constructor(scope: Construct, id: string, props: ApiVirtualServiceProps) {
    super(scope, id);
    this.name = props.name;
    this.routeName = props.routeName;
    const fqdn = (svc: ApiService) => `${svc.name}.${WorkflowScope.of(this).namespace}.svc.cluster.local`;
    const destination = (svc: ApiService, weight?: number) => ({
      destination: { host: fqdn(svc), port: { number: svc.port } },
      ...(weight !== undefined ? { weight } : {}),
    });
    const route = props.canary
      ? [destination(props.canary.stableService, 100), destination(props.canary.canaryService, 0)]
      : [destination(props.service)];
    new VirtualService(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'routing' } }),
      spec: {
        hosts: [props.hostname, fqdn(props.service)],
        gateways: [props.gateway.reference, 'mesh'],
        http: [{ name: props.routeName, route }],
      },
    });
  }
}
