import { Construct } from 'constructs';
import { AuthorizationPolicy, AuthorizationPolicySpecAction } from '../../imports/istio-authorizationpolicy-security.istio.io';
import { assertInterceptedPort, policyMetadata } from './mesh-authorization';

export interface ExternalAuthorizationProps {
  readonly name: string;
  /** Pods the policy protects. */
  readonly selector: Readonly<Record<string, string>>;
  /** The container port callers reach. */
  readonly port: number;
  /** A `meshConfig.extensionProviders` name (e.g. `oauth2-proxy`). */
  readonly provider: string;
  /** Only requests from these identities go to the authorizer (e.g. the ingress gateway's). */
  readonly principals: readonly string[];
  /** Paths that skip the authorizer (e.g. the health check). @default [] */
  readonly exemptPaths?: readonly string[];
}

/**
 * AuthorizationPolicy action CUSTOM: matching requests are sent to the external authorizer first
 * (Istio evaluates CUSTOM before DENY and ALLOW), which answers allow or deny.
 */
export class ExternalAuthorization extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ExternalAuthorizationProps) {
    super(scope, id);
    this.name = props.name;
    assertInterceptedPort(props.name, props.port);
    this.node.addValidation({
      validate: () => [
        ...(/^\S+$/.test(props.provider) ? [] : [`AuthorizationPolicy ${props.name}: provider ${JSON.stringify(props.provider)} is empty or has spaces; give a meshConfig.extensionProviders name such as oauth2-proxy`]),
        ...(props.principals.length ? [] : [`AuthorizationPolicy ${props.name}: no principals; without a source every caller, named in-mesh ones too, would go to the authorizer — give the ingress gateway's principal`]),
      ],
    });
    const exempt = [...(props.exemptPaths ?? [])];
    new AuthorizationPolicy(this, 'Resource', {
      metadata: policyMetadata(this, props.name),
      spec: {
        selector: { matchLabels: { ...props.selector } },
        action: AuthorizationPolicySpecAction.CUSTOM,
        provider: { name: props.provider },
        rules: [{
          from: [{ source: { principals: [...props.principals] } }],
          to: [{ operation: { ports: [String(props.port)], ...(exempt.length ? { notPaths: exempt } : {}) } }],
        }],
      },
    });
  }
}
