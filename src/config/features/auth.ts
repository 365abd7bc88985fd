/**
 * Authentication at the edge (workflow level, `auth`; overridable per environment like every
 * workflow setting). Requests that come through the ingress gateway must authenticate before they
 * reach the LangGraph server:
 *   - `jwt`: the API pods' sidecars validate a JWT (Istio RequestAuthentication) and an
 *     AuthorizationPolicy requires a request principal of the issuer on every path but `/ok`;
 *   - `external`: an external authorizer the mesh knows (`meshConfig.extensionProviders`, e.g.
 *     oauth2-proxy) decides (AuthorizationPolicy action CUSTOM);
 *   - `none`: no edge authentication (the gate refuses it in production-tier environments unless
 *     waived: rule `cross-object/edge-authentication`).
 * Unset `mode` means "not configured" and counts as `none`: a JWT issuer cannot be guessed, so the
 * secure default is a refusal outside development, not a made-up issuer.
 * The mode's block stays beside the mode (not a union), so an environment may switch `mode` over
 * inherited `jwt` settings without unsetting them.
 */
import { z } from 'zod';
import type { SemanticIssue } from '../semantic-issue';

export const AUTH_MODES = ['jwt', 'external', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** A JWT claim name as Istio's `request.auth.claims[<name>]` key takes it (no brackets or spaces). */
const claimName = z.string().regex(/^[^[\]\s]+$/, 'a claim name such as groups (no brackets or spaces)');

const jwtSchema = z.strictObject({
  issuer: z.string().min(1).regex(/^\S+$/, 'an issuer (`iss`) without spaces, e.g. https://login.example.com/').meta({ description: 'The tokens\' `iss`; the request principal is `<issuer>/<sub>`.', examples: ['https://login.example.com/'] }),
  jwksUri: z.string().regex(/^https:\/\/[^\s]+$/, 'an https URL (the signing keys must not be fetched in the clear)').meta({ description: 'URL of the issuer\'s JSON Web Key Set (https only); istiod fetches it.', examples: ['https://login.example.com/.well-known/jwks.json'] }),
  audiences: z.array(z.string().min(1)).min(1, 'name at least one audience: a token minted for another service must not be accepted').meta({ description: 'Accepted `aud` values; a token for none of them is rejected (401).', examples: [['support-agent']] }),
  requiredClaims: z.array(z.strictObject({
    claim: claimName.meta({ description: 'Claim name, e.g. `groups`.' }),
    values: z.array(z.string().min(1)).min(1).meta({ description: 'Accepted values; the token\'s claim must hold at least one of them (for a list claim, any element).' }),
  })).default([]).meta({ description: 'Claim rules, all required: rendered as AuthorizationPolicy `when` conditions on `request.auth.claims[<claim>]`. Default: none (any valid token of the issuer).', examples: [[{ claim: 'groups', values: ['support-agents'] }]] }),
  forwardOriginalToken: z.boolean().default(true).meta({ description: 'Keep the `Authorization` header for the server, so LangGraph\'s own custom auth (`auth.path` in langgraph.json) can read the token after the edge check.' }),
});
export type JwtAuthConfig = z.infer<typeof jwtSchema>;

export const authSchema = z
  .strictObject({
    mode: z.enum(AUTH_MODES).optional().meta({ description: '`jwt` (validate a JWT at the API pods\' sidecars), `external` (a mesh extension provider decides, e.g. oauth2-proxy), or `none`. Default: not configured, which renders no edge authentication and which the gate refuses in `tier: production` environments (rule `cross-object/edge-authentication`, waivable with a reason).' }),
    jwt: jwtSchema.optional().meta({ description: 'The issuer, its keys and the audiences (mode `jwt`).' }),
    external: z.strictObject({
      provider: z.string().min(1).regex(/^\S+$/, 'an extensionProviders name such as oauth2-proxy').meta({ description: 'Name of an entry of the mesh\'s `meshConfig.extensionProviders` (installed with Istio, not here).', examples: ['oauth2-proxy'] }),
    }).optional().meta({ description: 'The external authorizer (mode `external`).' }),
  })
  .default({});
export type AuthConfig = z.infer<typeof authSchema>;

/** Workflow-level rules (called from checkWorkflowSettings). */
export function checkAuth(
  settings: { readonly auth: AuthConfig },
  env: { readonly name: string; readonly mesh: { readonly enabled: boolean }; readonly meshSecurity: { readonly enabled?: boolean } },
): SemanticIssue[] {
  const a = settings.auth;
  const issues: SemanticIssue[] = [];
  if (a.mode === 'jwt' && !a.jwt) {
    issues.push({ path: ['auth', 'jwt'], message: 'auth.mode is "jwt" but auth.jwt is missing; give auth.jwt.issuer, jwksUri and audiences, or choose another mode' });
  }
  if (a.mode === 'external' && !a.external) {
    issues.push({ path: ['auth', 'external'], message: 'auth.mode is "external" but auth.external is missing; give auth.external.provider (a meshConfig.extensionProviders name), or choose another mode' });
  }
  if ((a.mode === 'jwt' || a.mode === 'external') && !(env.mesh.enabled && env.meshSecurity.enabled !== false)) {
    const why = env.mesh.enabled ? 'meshSecurity.enabled is false' : 'mesh.enabled is false';
    issues.push({
      path: ['auth', 'mode'],
      value: a.mode,
      message: `edge authentication is enforced by the Istio sidecars' RequestAuthentication and AuthorizationPolicies, but ${why} in "${env.name}"; enable the mesh and its security there, or set auth.mode: none for this environment`,
    });
  }
  return issues;
}
