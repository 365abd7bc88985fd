/**
 * No LoadBalancer Service in a mesh environment: it would take internet traffic straight to the
 * pods, past the mesh's ingress gateway and with it the entry's TLS, rate limit and authentication
 * (the AuthorizationPolicies trust the gateway's identity). A reviewed exception (an internal load
 * balancer for a client outside the mesh, say) is a waiver with its reason in config/waivers.yaml.
 * A mesh environment is one whose config enables the mesh, or, without a config, one whose
 * Namespace asks for sidecar injection.
 */
import { PolicyRule } from './rule';

export const MESH_LOAD_BALANCER_RULE = 'policy/mesh-load-balancer';

export const meshLoadBalancer: PolicyRule = {
  id: MESH_LOAD_BALANCER_RULE,
  summary: 'in a mesh environment no Service of type LoadBalancer (it bypasses the mesh ingress gateway and its authentication) unless waived with a reason',
  checkObject: (r, ctx) => {
    const o = r.object as any;
    if (o.kind !== 'Service' || o.apiVersion !== 'v1' || o.spec?.type !== 'LoadBalancer') return [];
    const ns: string | undefined = o.metadata?.namespace;
    // Namespaces are cluster-scoped: the index keeps them with the other cluster-scoped objects.
    const injected = (ctx.index.clusterScoped.get('Namespace', ns)?.object as any)?.metadata?.labels?.['istio-injection'] === 'enabled';
    const mesh = ctx.environment ? ctx.environment.mesh.enabled : injected;
    if (!mesh) return [];
    const where = ctx.environment ? `mesh environment "${ctx.environment.name}"` : `namespace ${ns}, which has sidecar injection`;
    return [{
      object: r,
      path: '/spec/type',
      value: 'LoadBalancer',
      message: `Service ${ns}/${o.metadata?.name} is a LoadBalancer in ${where}: it takes traffic straight to the pods, past the mesh ingress gateway with its TLS, rate limit and authentication`,
      fix: `use service.type ClusterIP (traffic enters through the gateway), or waive ${MESH_LOAD_BALANCER_RULE} for this Service in config/waivers.yaml with the reason (e.g. an internal load balancer for a client outside the mesh)`,
    }];
  },
};
