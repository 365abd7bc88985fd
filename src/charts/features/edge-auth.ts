/**
 * Authentication at the edge (`auth`, workflow level) and what the ingress gateway may reach.
 * Composed by mesh-security.ts, since it changes who its ALLOW policy lets in:
 *   - `jwt`: the API pods' sidecars validate the token (RequestAuthentication `<wf>-api-jwt`, whose
 *     selector the canary's pods match too), and the gateway's ALLOW rule also requires a request
 *     principal of the issuer (plus the configured claims) on every path but `/ok`;
 *   - `external`: a CUSTOM policy `<wf>-api-ext-authz` sends gateway traffic (but `/ok`) to the
 *     mesh's extension provider first;
 *   - `none` or unset: the gateway rule stays as it is (the gate refuses that in production tiers).
 * Whatever the mode, a DENY policy `<wf>-api-edge-deny` keeps the server's admin and docs routes
 * off the edge and `/metrics` off the API port (DENY is evaluated before ALLOW, so no token or
 * named caller reopens them). Named in-mesh callers keep their mTLS-identity access without a JWT.
 *
 * `/ok` stays open to the gateway for external health checks; the kubelet's probes never reach
 * these policies anyway: the sidecar injector rewrites the HTTP probes to pilot-agent's
 * `:15020/app-health/...`, which checks the server from inside the pod, outside the inbound listener.
 */
import { Construct } from 'constructs';
import { WorkflowContext } from '../context';
import { AuthConfig } from '../../config/features/auth';
import { API_PORT, edgeDeniedPaths, HEALTH_PATH, METRICS_PATH } from '../../constructs/langgraph-server';
import { AllowedCallers, WorkloadDenyPolicy } from '../../constructs/mesh-authorization';
import { JwtAuthentication } from '../../constructs/jwt-authentication';
import { ExternalAuthorization } from '../../constructs/external-authorization';

export interface EdgeAuthOptions {
  readonly auth: AuthConfig;
  /** The ingress gateway's principals. */
  readonly gatewayPrincipals: readonly string[];
}

export interface EdgeAuthResult {
  /** The rules the API's ALLOW policy gives the gateway. */
  readonly gatewayCallers: readonly AllowedCallers[];
  readonly jwt?: JwtAuthentication;
  readonly external?: ExternalAuthorization;
  readonly exposure: WorkloadDenyPolicy;
}

/** `request.auth.claims[<claim>]`: the Istio attribute of a JWT claim. */
export function claimKey(claim: string): string {
  return `request.auth.claims[${claim}]`;
}

export function addEdgeAuth(scope: Construct, ctx: WorkflowContext, options: EdgeAuthOptions): EdgeAuthResult {
  const { auth } = options;
  const principals = [...options.gatewayPrincipals];
  const exposure = new WorkloadDenyPolicy(scope, 'EdgeDeny', {
    name: `${ctx.apiName}-edge-deny`, selector: ctx.apiSelector, port: API_PORT,
    rules: [
      { name: 'admin-routes-at-the-edge', principals, paths: edgeDeniedPaths(ctx.settings.env.MOUNT_PREFIX) },
      // Prometheus scrapes the merged port 15020 (pilot-agent fetches /metrics itself, outside the
      // inbound listener), so nobody needs /metrics on the API port: it stays with monitoring.
      { name: 'metrics-on-the-api-port', paths: [METRICS_PATH] },
    ],
  });
  if (auth.mode === 'jwt' && auth.jwt) {
    const j = auth.jwt;
    const jwt = new JwtAuthentication(scope, 'EdgeJwt', {
      name: `${ctx.apiName}-jwt`, selector: ctx.apiSelector,
      issuer: j.issuer, jwksUri: j.jwksUri, audiences: j.audiences, forwardOriginalToken: j.forwardOriginalToken,
    });
    return {
      jwt, exposure,
      gatewayCallers: [
        {
          name: 'ingress-gateway-with-jwt', principals, requestPrincipals: [jwt.anyPrincipal],
          when: j.requiredClaims.map((c) => ({ key: claimKey(c.claim), values: c.values })),
        },
        { name: 'ingress-gateway-health-check', principals, paths: [HEALTH_PATH] },
      ],
    };
  }
  if (auth.mode === 'external' && auth.external) {
    const external = new ExternalAuthorization(scope, 'EdgeExternalAuthz', {
      name: `${ctx.apiName}-ext-authz`, selector: ctx.apiSelector, port: API_PORT,
      provider: auth.external.provider, principals, exemptPaths: [HEALTH_PATH],
    });
    return { external, exposure, gatewayCallers: [{ name: 'ingress-gateway', principals }] };
  }
  return { exposure, gatewayCallers: [{ name: 'ingress-gateway', principals }] };
}
