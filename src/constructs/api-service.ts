import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity } from './labels';
import { API_PORT_NAME } from './langgraph-server';
import { assertExtraMetadata } from './extra-metadata';

export const SERVICE_PORT = 80;
export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];
/** Traffic enters through the gateway or the Ingress, never straight to the Service. */
export const DEFAULT_SERVICE_TYPE: ServiceType = 'ClusterIP';

export interface ApiServiceProps {
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** Pod selector; the component's selector labels. */
  readonly selector: Readonly<Record<string, string>>;
  /**
   * `NodePort` or `LoadBalancer` where a client cannot come through the entry; in a mesh
   * environment the gate refuses a LoadBalancer unless waived (policy/mesh-load-balancer).
   * @default DEFAULT_SERVICE_TYPE ('ClusterIP')
   */
  readonly type?: ServiceType;
  /** Annotations, e.g. a cloud load balancer's; platform keys are refused. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The API Service (ClusterIP by default), port 80 → the server's named `http` port. */
export class ApiService extends Construct {
  public readonly name: string;
  public readonly port = SERVICE_PORT;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    this.name = props.name;
    assertExtraMetadata(`Service ${props.name}`, { annotations: props.annotations }, 'service');
    new k8s.KubeService(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { identity: props.identity, annotations: props.annotations }),
      spec: {
        type: props.type ?? DEFAULT_SERVICE_TYPE,
        selector: { ...props.selector },
        ports: [{ name: API_PORT_NAME, port: SERVICE_PORT, targetPort: k8s.IntOrString.fromString(API_PORT_NAME), protocol: 'TCP', appProtocol: 'http' }],
      },
    });
  }
}
