/**
 * Resilient, allow-listed egress (mesh only). Per LLM host in `egress.llmHosts`: ServiceEntry +
 * DestinationRule + VirtualService. Plus ServiceEntries for external Postgres and Redis (TCP, on the
 * NetworkPolicy's ports), the LangSmith endpoints and other HTTPS APIs, so the list is complete
 * when the mesh's outbound policy is REGISTRY_ONLY. Everything is exported to the workflow's
 * namespace only.
 *
 * A namespace-wide Sidecar (outbound REGISTRY_ONLY unless `registryOnly: false`) makes these
 * entries the allow-list: the workloads reach their own namespace, istio-system and these hosts.
 *
 * TLS modes, per LLM host:
 *   originate   — the entry has port 80 (HTTP, targetPort 443) and the TLS port; the app must call
 *                 http://<host> for the timeout and retries to apply (the sidecar originates TLS to
 *                 the provider), so every container that calls the LLM gets the SDK's base-URL
 *                 variable(s) from {@link llmBaseUrlEnv}; https:// calls still work, as
 *                 passthrough without retries (the gate refuses a container left on https://).
 *   passthrough — the TLS port only, routed by SNI; connection limits and outlier detection apply,
 *                 HTTP timeouts and retries cannot (the sidecar cannot read the requests).
 */
import { Construct } from 'constructs';
import { WorkflowContext, featureScope } from '../context';
import { Environment } from '../../config/schema';
import { DataStoreEgress, LlmPolicy, MeshEgress, llmPolicyFor, meshEgressEnabled, sdkBaseUrlsFor } from '../../config/features/mesh-egress';
import { EgressDestinationRule } from '../../constructs/egress-destination-rule';
import { EgressSidecar } from '../../constructs/egress-sidecar';
import { EgressVirtualService } from '../../constructs/egress-virtual-service';
import { ExternalServiceEntry } from '../../constructs/external-service-entry';

/** The port the app sends plain HTTP to when the sidecar originates TLS. */
export const TLS_ORIGINATION_PORT = 80;

export interface LlmEgressHost {
  readonly host: string;
  readonly policy: LlmPolicy;
  /** What the app must use as the provider's base URL for the mesh policy to take full effect. */
  readonly appBaseUrl: string;
  /** The SDK variables set to it on every container that calls the LLM (none for passthrough). */
  readonly sdkEnv: Readonly<Record<string, string>>;
}

export interface MeshEgressResult {
  readonly llmHosts: readonly LlmEgressHost[];
  readonly serviceEntries: readonly ExternalServiceEntry[];
  readonly sidecar: EgressSidecar;
}

type BaseUrlEnv = Pick<Environment, 'mesh' | 'meshEgress'> & { readonly egress: { readonly llmHosts: readonly string[] } };

/**
 * The SDK base-URL variables for the containers that call the LLM (API and queue workers): for each
 * LLM host whose TLS the mesh originates, `http://<host><path>` per configured variable (e.g.
 * OPENAI_BASE_URL=http://api.openai.com/v1). Empty without the mesh or for passthrough hosts,
 * where the SDK defaults (https://) are right. Spread it before the workflow's own `env`, so an
 * explicit value wins, and the gate (cross-object/egress-base-urls) reports one that misses the host.
 */
export function llmBaseUrlEnv(env: BaseUrlEnv): Record<string, string> {
  if (!meshEgressEnabled(env.mesh, env.meshEgress)) return {};
  const out: Record<string, string> = {};
  for (const host of env.egress.llmHosts) {
    Object.assign(out, sdkEnvFor(env.meshEgress, host, llmPolicyFor(env.meshEgress, host)));
  }
  return out;
}

function sdkEnvFor(config: MeshEgress, host: string, policy: LlmPolicy): Record<string, string> {
  if (policy.tls !== 'originate') return {};
  return Object.fromEntries(sdkBaseUrlsFor(config, host).map((v) => [v.env, `http://${host}${v.path}`]));
}

export function addMeshEgress(scope: Construct, ctx: WorkflowContext, options: MeshEgress): MeshEgressResult | undefined {
  scope = featureScope(scope, ctx);
  if (!meshEgressEnabled(ctx.env.mesh, options)) return undefined;
  const { workflow, env } = ctx;
  const tlsPort = env.egress.https.port;
  const serviceEntries: ExternalServiceEntry[] = [];
  const llmHosts: LlmEgressHost[] = [];

  for (const host of env.egress.llmHosts) {
    const policy = llmPolicyFor(options, host);
    const originate = policy.tls === 'originate';
    const name = `${workflow.name}-llm-${slug(host)}`;
    const id = `LlmEgress-${host}`;
    serviceEntries.push(new ExternalServiceEntry(scope, `${id}-ServiceEntry`, {
      name, hosts: [host], component: 'llm-egress',
      ports: [
        ...(originate ? [{ number: TLS_ORIGINATION_PORT, name: 'http-originate-tls', protocol: 'HTTP' as const, targetPort: tlsPort }] : []),
        { number: tlsPort, name: 'tls', protocol: 'TLS' as const },
      ],
    }));
    new EgressDestinationRule(scope, `${id}-DestinationRule`, {
      name, host,
      connectionPool: policy.connectionPool,
      outlierDetection: policy.outlierDetection,
      originateTlsOnPort: originate ? TLS_ORIGINATION_PORT : undefined,
    });
    new EgressVirtualService(scope, `${id}-VirtualService`, {
      name, host,
      http: originate ? { port: TLS_ORIGINATION_PORT, timeoutSeconds: policy.timeoutSeconds, retries: policy.retries } : undefined,
      tlsPassthroughPort: tlsPort,
    });
    llmHosts.push({ host, policy, appBaseUrl: originate ? `http://${host}` : `https://${host}`, sdkEnv: sdkEnvFor(options, host, policy) });
  }

  const dataStore = (kind: 'postgres' | 'redis', store: DataStoreEgress) => {
    if (store.hosts.length === 0) return;
    const port = store.port ?? env.egress[kind].port;
    // One source for the store's addresses: the NetworkPolicy's CIDR peers unless given here.
    const addresses = store.addresses.length ? store.addresses : env.egress[kind].to.flatMap((p) => ('cidr' in p ? [p.cidr] : []));
    serviceEntries.push(new ExternalServiceEntry(scope, `Egress-${kind}`, {
      name: `${workflow.name}-${kind}`, hosts: store.hosts, addresses, component: 'egress',
      ports: [{ number: port, name: `tcp-${kind}`, protocol: 'TCP' }],
    }));
  };
  dataStore('postgres', options.postgres);
  dataStore('redis', options.redis);

  // TLS passthrough allow-list entries; a host already covered as an LLM host is not repeated.
  const covered = new Set<string>(env.egress.llmHosts);
  const passthrough = (id: string, name: string, hosts: readonly string[]) => {
    const fresh = [...new Set(hosts)].filter((h) => !covered.has(h));
    fresh.forEach((h) => covered.add(h));
    if (fresh.length === 0) return;
    serviceEntries.push(new ExternalServiceEntry(scope, id, {
      name, hosts: fresh, component: 'egress', ports: [{ number: tlsPort, name: 'tls', protocol: 'TLS' }],
    }));
  };
  passthrough('Egress-langsmith', `${workflow.name}-langsmith`, options.langsmith.hosts);
  passthrough('Egress-https', `${workflow.name}-external-https`, options.httpsHosts);

  // The allow-list: this namespace (its Services and the entries above) and the mesh's control plane.
  const sidecar = new EgressSidecar(scope, 'EgressSidecar', {
    namespaces: [env.namespaces.istio],
    hosts: serviceEntries.flatMap((se) => se.hosts),
    outboundTrafficPolicy: options.registryOnly ? 'REGISTRY_ONLY' : 'ALLOW_ANY',
  });

  return { llmHosts, serviceEntries, sidecar };
}

/** api.openai.com → api-openai-com (object names stay DNS labels). */
function slug(host: string): string {
  return host.replace(/\./g, '-');
}
