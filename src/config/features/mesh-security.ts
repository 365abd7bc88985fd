/**
 * Zero trust inside the mesh: STRICT mTLS for the workflow's namespace and an allow-list of who may
 * call the API server. Two parts:
 *   - environment level (`meshSecurity`): on/off, the ingress gateway's identity, deny-by-default;
 *   - workflow level (`meshCallers`): the in-mesh callers one workflow accepts (per workflow/env).
 */
import { z } from 'zod';
import type { SemanticIssue } from '../semantic-issue';
import { DEFAULT_ENTRY } from '../../constructs/langgraph-workflow';

const dnsLabel = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label (a namespace name)');

/** `<trust-domain>/ns/<namespace>/sa/<service-account>`: the identity Istio puts in a workload's certificate. */
export const PRINCIPAL_PATTERN = /^[a-z0-9]([-.a-z0-9]*[a-z0-9])?\/ns\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/sa\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;
const principal = z
  .string()
  .regex(PRINCIPAL_PATTERN, 'an Istio principal such as cluster.local/ns/<namespace>/sa/<service-account>');

/** ServiceAccount of the ingress gateway pods installed with the `istio/gateway` Helm chart (release `istio-ingressgateway`). */
export const DEFAULT_GATEWAY_SERVICE_ACCOUNT = 'istio-ingressgateway';

const MESH_SECURITY_DEFAULTS = { gatewayServiceAccount: DEFAULT_GATEWAY_SERVICE_ACCOUNT, denyByDefault: true, trustDomain: 'cluster.local' };

export const meshSecuritySchema = z
  .strictObject({
    enabled: z.boolean().optional().meta({ description: 'Render STRICT mTLS and the AuthorizationPolicies. Default: `mesh.enabled` (on in every environment with the mesh).' }),
    gatewayServiceAccount: z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'a ServiceAccount name such as istio-ingressgateway').default(DEFAULT_GATEWAY_SERVICE_ACCOUNT).meta({ description: 'ServiceAccount of the Istio ingress gateway pods (entry type `gateway`), in `namespaces.ingress`: the gateway\'s principal is derived as `<trustDomain>/ns/<namespaces.ingress>/sa/<gatewayServiceAccount>`. With entry type `gateway-api` the derived one is Istio\'s `<entry.gatewayApi.gatewayName>-<gatewayClassName>` instead.' }),
    gatewayPrincipals: z.array(principal).min(1).optional().meta({ description: 'Explicit identities of the ingress gateway pods, replacing the derived one (e.g. several gateway deployments). Each must be in `namespaces.ingress` and the trust domain, which the config check enforces. Default: the derived principal.' }),
    denyByDefault: z.boolean().default(true).meta({ description: 'Render a namespace-wide allow-nothing AuthorizationPolicy, so any other server in the workflow\'s namespace is closed until it gets its own ALLOW policy.' }),
    trustDomain: z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'a trust domain such as cluster.local').default('cluster.local').meta({ description: 'The mesh\'s trust domain, for principals of the workflow\'s own ServiceAccounts.' }),
  })
  .default(MESH_SECURITY_DEFAULTS);
export type MeshSecurity = z.infer<typeof meshSecuritySchema>;

export const meshCallersSchema = z
  .strictObject({
    principals: z.array(principal).default([]).meta({ description: 'Workload identities allowed to call the API, e.g. cluster.local/ns/frontend/sa/web.' }),
    namespaces: z.array(dnsLabel).default([]).meta({ description: 'Namespaces whose (mTLS-authenticated) workloads may call the API.' }),
  })
  .default({ principals: [], namespaces: [] });
export type MeshCallers = z.infer<typeof meshCallersSchema>;

/** The namespaces of the callers: those named, and those of the named principals (`…/ns/<namespace>/sa/…`). */
export function meshCallerNamespaces(callers: MeshCallers): string[] {
  const fromPrincipals = callers.principals.map((p) => p.split('/ns/')[1].split('/sa/')[0]);
  return [...new Set([...callers.namespaces, ...fromPrincipals])].sort();
}

/** The principal of a ServiceAccount: `<trust-domain>/ns/<namespace>/sa/<name>`. */
export function serviceAccountPrincipal(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** The entry fields that decide who the gateway is. */
export interface GatewayEntry {
  readonly type?: string;
  readonly gatewayApi?: { readonly gatewayName: string; readonly gatewayClassName: string };
}

/**
 * The ServiceAccount of the proxies Istio deploys for a Gateway API Gateway: Istio names the
 * Deployment and its ServiceAccount `<gateway>-<gatewayClass>` (e.g. `langgraph-istio`).
 */
export function gatewayApiServiceAccount(gatewayName: string, gatewayClassName: string): string {
  return `${gatewayName}-${gatewayClassName}`;
}

/**
 * The ingress gateway's principals: the explicit list, or the one derived from the gateway
 * namespace and ServiceAccount (`meshSecurity.gatewayServiceAccount` for the Istio gateway entry;
 * Istio's `<gatewayName>-<gatewayClassName>` for entry type `gateway-api`). A wrong one is a 403
 * for every request through the gateway.
 */
export function gatewayPrincipals(env: { readonly namespaces: { readonly ingress: string }; readonly meshSecurity: MeshSecurity; readonly entry?: GatewayEntry }): string[] {
  const s = env.meshSecurity;
  if (s.gatewayPrincipals) return [...s.gatewayPrincipals];
  const account = env.entry?.type === 'gateway-api'
    ? gatewayApiServiceAccount(env.entry.gatewayApi?.gatewayName ?? DEFAULT_ENTRY.gatewayApiName, env.entry.gatewayApi?.gatewayClassName ?? DEFAULT_ENTRY.gatewayClassName)
    : s.gatewayServiceAccount;
  return [serviceAccountPrincipal(s.trustDomain, env.namespaces.ingress, account)];
}

/** Why a gateway principal does not belong to the configured gateway, or undefined. */
export function gatewayPrincipalMismatch(principalValue: string, trustDomain: string, ingressNamespace: string): string | undefined {
  const m = /^(.+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principalValue);
  if (!m) return `"${principalValue}" is not <trust-domain>/ns/<namespace>/sa/<service-account>`;
  if (m[2] !== ingressNamespace) return `"${principalValue}" names namespace "${m[2]}", but the gateway runs in namespaces.ingress "${ingressNamespace}"`;
  if (m[1] !== trustDomain) return `"${principalValue}" names trust domain "${m[1]}", but meshSecurity.trustDomain is "${trustDomain}"`;
  return undefined;
}

/** Whether the zero-trust objects are rendered in this environment. */
export function meshSecurityEnabled(mesh: { readonly enabled: boolean }, security: MeshSecurity): boolean {
  return mesh.enabled && (security.enabled ?? true);
}

/** Environment-level rule: zero trust needs the mesh (call from checkEnvironment). */
export function checkMeshSecurity(env: { readonly name: string; readonly mesh: { readonly enabled: boolean }; readonly namespaces: { readonly ingress: string }; readonly meshSecurity: MeshSecurity }): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  (env.meshSecurity.gatewayPrincipals ?? []).forEach((p, i) => {
    const why = gatewayPrincipalMismatch(p, env.meshSecurity.trustDomain, env.namespaces.ingress);
    if (why) {
      issues.push({
        path: ['meshSecurity', 'gatewayPrincipals', i],
        value: p,
        message: `${why}: the AuthorizationPolicy would refuse every request through the gateway (403); remove gatewayPrincipals to derive it from namespaces.ingress and meshSecurity.gatewayServiceAccount, or fix the value`,
      });
    }
  });
  if (env.meshSecurity.enabled === true && !env.mesh.enabled) {
    issues.push({
      path: ['meshSecurity', 'enabled'],
      value: true,
      message: `mTLS and AuthorizationPolicies need the Istio sidecar, but mesh.enabled is false in "${env.name}"; remove meshSecurity.enabled or enable the mesh`,
    });
  }
  return issues;
}
