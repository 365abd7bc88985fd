import { Construct } from 'constructs';
import { objectMetadata, WorkflowScope } from './workflow-scope';
import { Gateway, GatewaySpecServersTlsMinProtocolVersion, GatewaySpecServersTlsMode } from '../../imports/istio-gateway-networking.istio.io';

export interface MeshGatewayProps {
  readonly name: string;
  readonly hostname: string;
  /** TLS Secret in the ingress gateway's namespace. */
  readonly tlsCredentialName: string;
  /** Labels of the Istio ingress gateway pods. */
  readonly gatewaySelector: Readonly<Record<string, string>>;
}

/**
 * The Istio Gateway through which external traffic enters, so that the canary weights of the
 * VirtualService apply to it (an ingress controller outside the mesh would bypass them).
 */
export class MeshGateway extends Construct {
  public readonly name: string;
  /** How a VirtualService refers to this gateway: `<namespace>/<name>`. */
  public readonly reference: string;

  constructor(scope: Construct, id: string, props: MeshGatewayProps) {
    super(scope, id);
    this.name = props.name;
    this.reference = `${WorkflowScope.of(this).namespace}/${props.name}`;
    new Gateway(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'entry' } }),
      spec: {
        selector: { ...props.gatewaySelector },
        servers: [
          {
            port: { number: 443, name: 'https', protocol: 'HTTPS' },
            hosts: [props.hostname],
            tls: { mode: GatewaySpecServersTlsMode.SIMPLE, credentialName: props.tlsCredentialName, minProtocolVersion: GatewaySpecServersTlsMinProtocolVersion.TLSV1_UNDERSCORE_2 },
          },
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: [props.hostname],
            tls: { httpsRedirect: true },
          },
        ],
      },
    });
  }
}
