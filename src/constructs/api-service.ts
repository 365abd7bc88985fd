import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity } from './labels';
import { API_PORT_NAME } from './langgraph-server';

export const SERVICE_PORT = 80;

export interface ApiServiceProps {
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** Pod selector; the component's selector labels. */
  readonly selector: Readonly<Record<string, string>>;
}

/** ClusterIP Service, port 80 → the server's named `http` port. */
export class ApiService extends Construct {
  public readonly name: string;
  public readonly port = SERVICE_PORT;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    this.name = props.name;
    new k8s.KubeService(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { identity: props.identity }),
      spec: {
        type: 'ClusterIP',
        selector: { ...props.selector },
        ports: [{ name: API_PORT_NAME, port: SERVICE_PORT, targetPort: k8s.IntOrString.fromString(API_PORT_NAME), protocol: 'TCP', appProtocol: 'http' }],
      },
    });
  }
}
