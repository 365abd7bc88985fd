/**
 * Zero trust inside the mesh: STRICT mTLS for the workflow's namespace and an allow-list of who may
 * call the API server. Two parts:
 *   - environment level (`meshSecurity`): on/off, the ingress gateway's identity, deny-by-default;
 *   - workflow level (`meshCallers`): the in-mesh callers one workflow accepts (per workflow/env).
 */
import { z } from 'zod';
import type { SemanticIssue } from '../semantic-checks';

const dnsLabel = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label (a namespace name)');

/** `<trust-domain>/ns/<namespace>/sa/<service-account>`: the identity Istio puts in a workload's certificate. */
export const PRINCIPAL_PATTERN = /^[a-z0-9]([-.a-z0-9]*[a-z0-9])?\/ns\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/sa\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;
const principal = z
  .string()
  .regex(PRINCIPAL_PATTERN, 'an Istio principal such as cluster.local/ns/<namespace>/sa/<service-account>');

/** The Istio ingress gateway's identity when installed with the `istio/gateway` chart into istio-ingress. */
export const DEFAULT_GATEWAY_PRINCIPAL = 'cluster.local/ns/istio-ingress/sa/istio-ingressgateway';

const MESH_SECURITY_DEFAULTS = { gatewayPrincipals: [DEFAULT_GATEWAY_PRINCIPAL], denyByDefault: true, trustDomain: 'cluster.local' };

export const meshSecuritySchema = z
  .strictObject({
    /** @default mesh.enabled — on in every environment with the mesh */
    enabled: z.boolean().optional(),
    /** Identities of the ingress gateway pods (the only external entry). */
    gatewayPrincipals: z.array(principal).min(1).default(MESH_SECURITY_DEFAULTS.gatewayPrincipals),
    /**
     * Render a namespace-wide allow-nothing AuthorizationPolicy, so any other server in the
     * workflow's namespace is closed until it gets its own ALLOW policy.
     */
    denyByDefault: z.boolean().default(true),
    /** The mesh's trust domain, for principals of the workflow's own ServiceAccounts. */
    trustDomain: z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'a trust domain such as cluster.local').default('cluster.local'),
  })
  .default(MESH_SECURITY_DEFAULTS);
export type MeshSecurity = z.infer<typeof meshSecuritySchema>;

export const meshCallersSchema = z
  .strictObject({
    /** Workload identities allowed to call the API, e.g. cluster.local/ns/frontend/sa/web. */
    principals: z.array(principal).default([]),
    /** Namespaces whose (mTLS-authenticated) workloads may call the API. */
    namespaces: z.array(dnsLabel).default([]),
  })
  .default({ principals: [], namespaces: [] });
export type MeshCallers = z.infer<typeof meshCallersSchema>;

/** The principal of a ServiceAccount: `<trust-domain>/ns/<namespace>/sa/<name>`. */
export function serviceAccountPrincipal(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** Whether the zero-trust objects are rendered in this environment. */
export function meshSecurityEnabled(mesh: { readonly enabled: boolean }, security: MeshSecurity): boolean {
  return mesh.enabled && (security.enabled ?? true);
}

/** Environment-level rule: zero trust needs the mesh (call from checkEnvironment). */
export function checkMeshSecurity(env: { readonly name: string; readonly mesh: { readonly enabled: boolean }; readonly meshSecurity: MeshSecurity }): SemanticIssue[] {
  if (env.meshSecurity.enabled === true && !env.mesh.enabled) {
    return [{
      path: ['meshSecurity', 'enabled'],
      value: true,
      message: `mTLS and AuthorizationPolicies need the Istio sidecar, but mesh.enabled is false in "${env.name}"; remove meshSecurity.enabled or enable the mesh`,
    }];
  }
  return [];
}
