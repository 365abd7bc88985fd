import { Construct } from 'constructs';
import { RequestAuthentication } from '../../imports/istio-requestauthentication-security.istio.io';
import { policyMetadata } from './mesh-authorization';

export interface JwtAuthenticationProps {
  readonly name: string;
  /** Pods whose sidecars validate the token (the API's selector, which the canary's pods match too). */
  readonly selector: Readonly<Record<string, string>>;
  /** The tokens' `iss`; request principals are `<issuer>/<sub>`. */
  readonly issuer: string;
  /** The issuer's JSON Web Key Set; https only. */
  readonly jwksUri: string;
  /** Accepted `aud` values; at least one. */
  readonly audiences: readonly string[];
  /**
   * Keep the `Authorization` header for the application (Envoy's jwt_authn filter removes it
   * otherwise), so the server's own auth can read the token.
   * @default true
   */
  readonly forwardOriginalToken?: boolean;
}

/**
 * Istio RequestAuthentication: the selected pods' sidecars validate a JWT when a request carries
 * one (a bad token: 401) and set the request principal. A request WITHOUT a token is let through
 * with no principal: requiring one is the AuthorizationPolicy's job (`requestPrincipals`).
 */
export class JwtAuthentication extends Construct {
  public readonly name: string;
  /** `<issuer>/*`: every principal this issuer can mint, for AuthorizationPolicy `requestPrincipals`. */
  public readonly anyPrincipal: string;

  constructor(scope: Construct, id: string, props: JwtAuthenticationProps) {
    super(scope, id);
    this.name = props.name;
    this.anyPrincipal = `${props.issuer}/*`;
    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        if (!/^\S+$/.test(props.issuer)) errors.push(`RequestAuthentication ${props.name}: issuer ${JSON.stringify(props.issuer)} is empty or has spaces; give the tokens' iss, e.g. https://login.example.com/`);
        if (!/^https:\/\/\S+$/.test(props.jwksUri)) errors.push(`RequestAuthentication ${props.name}: jwksUri ${JSON.stringify(props.jwksUri)} is not an https URL; the signing keys must not be fetched in the clear (anyone on the path could swap them)`);
        if (props.audiences.length === 0) errors.push(`RequestAuthentication ${props.name}: audiences is empty, so a token minted for any other service of the issuer would be accepted; name this API's audience`);
        if (props.audiences.some((a) => a.trim() === '')) errors.push(`RequestAuthentication ${props.name}: audiences has an empty value; remove it`);
        return errors;
      },
    });
    new RequestAuthentication(this, 'Resource', {
      metadata: policyMetadata(this, props.name),
      spec: {
        selector: { matchLabels: { ...props.selector } },
        jwtRules: [{
          issuer: props.issuer,
          jwksUri: props.jwksUri,
          audiences: [...props.audiences],
          forwardOriginalToken: props.forwardOriginalToken ?? true,
        }],
      },
    });
  }
}
