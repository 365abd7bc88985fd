/**
 * Zero trust in the mesh: STRICT mTLS for the namespace, allow-nothing by default, and an ALLOW
 * policy on the API pods for the ingress gateway and the workflow's named callers only. Any other
 * server in the namespace (e.g. the dev Postgres/Redis) stays closed until it is listed in
 * `internalServers` with the ServiceAccounts that may call it. What the gateway itself may reach
 * (a JWT or an external authorizer, the admin routes denied) is the workflow's `auth`: ./edge-auth.ts.
 *
 * The monitoring scraper gets no AuthorizationPolicy rule on purpose: it scrapes the sidecar's
 * merged-metrics port 15020, which istio-init excludes from interception, so neither mTLS nor an
 * AuthorizationPolicy ever sees that traffic (a rule naming 15020 would be dead config). The
 * NetworkPolicy `<workflow>-allow-from-monitoring` (monitoring namespace → 15020 only) is what
 * guards it, and the API port stays STRICT.
 */
import { Construct } from 'constructs';
import { WorkflowContext, featureScope } from '../context';
import { MeshCallers, MeshSecurity, gatewayPrincipalMismatch, gatewayPrincipals, meshSecurityEnabled, serviceAccountPrincipal } from '../../config/features/mesh-security';
import { API_PORT } from '../../constructs/langgraph-server';
import { AllowedCallers, NamespaceDenyAll, WorkloadAllowPolicy } from '../../constructs/mesh-authorization';
import { NamespaceMtls } from '../../constructs/mesh-mtls';
import { AuthConfig } from '../../config/features/auth';
import { EdgeAuthResult, addEdgeAuth } from './edge-auth';

/** Another server in the workflow's namespace (e.g. a dev Postgres), closed by deny-by-default. */
export interface InternalServer {
  /** Object name suffix, e.g. `postgres` → `<workflow>-postgres-allow`. */
  readonly name: string;
  readonly selector: Readonly<Record<string, string>>;
  /** Its container port. */
  readonly port: number;
  /** ServiceAccounts of the workflow's namespace allowed to call it (e.g. `<workflow>-api`). */
  readonly callerServiceAccounts: readonly string[];
}

export interface MeshSecurityOptions {
  /** Environment level (`meshSecurity`). */
  readonly security: MeshSecurity;
  /** Workflow level (`meshCallers`). */
  readonly callers: MeshCallers;
  /** @default [] */
  readonly internalServers?: readonly InternalServer[];
  /** Workflow level (`auth`): authentication at the edge (./edge-auth.ts). @default - none */
  readonly auth?: AuthConfig;
}

export interface MeshSecurityResult {
  readonly mtls: NamespaceMtls;
  readonly apiPolicy: WorkloadAllowPolicy;
  readonly denyAll?: NamespaceDenyAll;
  readonly internalPolicies: readonly WorkloadAllowPolicy[];
  readonly edge: EdgeAuthResult;
}

/** Renders nothing without the mesh or with `meshSecurity.enabled: false`. */
export function addMeshSecurity(scope: Construct, ctx: WorkflowContext, options: MeshSecurityOptions): MeshSecurityResult | undefined {
  scope = featureScope(scope, ctx);
  if (!meshSecurityEnabled(ctx.env.mesh, options.security)) return undefined;
  const { workflow } = ctx;
  const mtls = new NamespaceMtls(scope, 'MeshMtls', { name: workflow.name });
  const denyAll = options.security.denyByDefault
    ? new NamespaceDenyAll(scope, 'MeshDenyAll', { name: `${workflow.name}-deny-by-default` })
    : undefined;
  // The gateway's identity, derived from where it runs; a mismatch would be a 403 for all traffic.
  const gateway = gatewayPrincipals({ namespaces: ctx.env.namespaces, meshSecurity: options.security, entry: ctx.env.entry });
  for (const p of gateway) {
    const why = gatewayPrincipalMismatch(p, options.security.trustDomain, ctx.env.namespaces.ingress);
    if (why) throw new Error(`AuthorizationPolicy ${ctx.apiName}-allow: gateway principal ${why}; set meshSecurity.gatewayServiceAccount and namespaces.ingress instead of gatewayPrincipals`);
  }
  const edge = addEdgeAuth(scope, ctx, { auth: options.auth ?? {}, gatewayPrincipals: gateway });
  const callers: AllowedCallers[] = [...edge.gatewayCallers];
  if (options.callers.principals.length) callers.push({ name: 'named-principals', principals: options.callers.principals });
  if (options.callers.namespaces.length) callers.push({ name: 'named-namespaces', namespaces: options.callers.namespaces });
  const apiPolicy = new WorkloadAllowPolicy(scope, 'MeshApiAllow', {
    name: `${ctx.apiName}-allow`, selector: ctx.apiSelector, port: API_PORT, callers,
  });
  const internalPolicies = (options.internalServers ?? []).map((server) => new WorkloadAllowPolicy(scope, `MeshAllow-${server.name}`, {
    name: `${workflow.name}-${server.name}-allow`, selector: server.selector, port: server.port,
    callers: [{
      name: `${server.name}-clients`,
      principals: server.callerServiceAccounts.map((sa) => serviceAccountPrincipal(options.security.trustDomain, ctx.namespace, sa)),
    }],
  }));
  return { mtls, apiPolicy, denyAll, internalPolicies, edge };
}
