/**
 * Resilient, allow-listed egress (mesh only). Per LLM host in `egress.llmHosts`: ServiceEntry +
 * DestinationRule + VirtualService. Plus ServiceEntries for external Postgres and Redis (TCP, on the
 * NetworkPolicy's ports), the LangSmith endpoints and other HTTPS APIs, so the list is complete
 * when the mesh's outbound policy is REGISTRY_ONLY. Everything is exported to the workflow's
 * namespace only.
 *
 * TLS modes, per LLM host:
 *   originate   — the entry has port 80 (HTTP, targetPort 443) and the TLS port; the app must call
 *                 http://<host> for the timeout and retries to apply (the sidecar originates TLS to
 *                 the provider); https:// calls still work, as passthrough without retries.
 *   passthrough — the TLS port only, routed by SNI; connection limits and outlier detection apply,
 *                 HTTP timeouts and retries cannot (the sidecar cannot read the requests).
 */
import { Construct } from 'constructs';
import { WorkflowContext } from '../context';
import { DataStoreEgress, LlmPolicy, MeshEgress, llmPolicyFor, meshEgressEnabled } from '../../config/features/mesh-egress';
import { EgressDestinationRule } from '../../constructs/egress-destination-rule';
import { EgressVirtualService } from '../../constructs/egress-virtual-service';
import { ExternalServiceEntry } from '../../constructs/external-service-entry';

/** The port the app sends plain HTTP to when the sidecar originates TLS. */
export const TLS_ORIGINATION_PORT = 80;

export interface LlmEgressHost {
  readonly host: string;
  readonly policy: LlmPolicy;
  /** What the app must use as the provider's base URL for the mesh policy to take full effect. */
  readonly appBaseUrl: string;
}

export interface MeshEgressResult {
  readonly llmHosts: readonly LlmEgressHost[];
  readonly serviceEntries: readonly ExternalServiceEntry[];
}

export function addMeshEgress(scope: Construct, ctx: WorkflowContext, options: MeshEgress): MeshEgressResult | undefined {
  if (!meshEgressEnabled(ctx.env.mesh, options)) return undefined;
  const { namespace, metadata, workflow, env } = ctx;
  const tlsPort = env.egress.https.port;
  const base = { namespace, metadata };
  const serviceEntries: ExternalServiceEntry[] = [];
  const llmHosts: LlmEgressHost[] = [];

  for (const host of env.egress.llmHosts) {
    const policy = llmPolicyFor(options, host);
    const originate = policy.tls === 'originate';
    const name = `${workflow.name}-llm-${slug(host)}`;
    const id = `LlmEgress-${host}`;
    serviceEntries.push(new ExternalServiceEntry(scope, `${id}-ServiceEntry`, {
      ...base, name, hosts: [host], component: 'llm-egress',
      ports: [
        ...(originate ? [{ number: TLS_ORIGINATION_PORT, name: 'http-originate-tls', protocol: 'HTTP' as const, targetPort: tlsPort }] : []),
        { number: tlsPort, name: 'tls', protocol: 'TLS' as const },
      ],
    }));
    new EgressDestinationRule(scope, `${id}-DestinationRule`, {
      ...base, name, host,
      connectionPool: policy.connectionPool,
      outlierDetection: policy.outlierDetection,
      originateTlsOnPort: originate ? TLS_ORIGINATION_PORT : undefined,
    });
    new EgressVirtualService(scope, `${id}-VirtualService`, {
      ...base, name, host,
      http: originate ? { port: TLS_ORIGINATION_PORT, timeoutSeconds: policy.timeoutSeconds, retries: policy.retries } : undefined,
      tlsPassthroughPort: tlsPort,
    });
    llmHosts.push({ host, policy, appBaseUrl: originate ? `http://${host}` : `https://${host}` });
  }

  const dataStore = (kind: 'postgres' | 'redis', store: DataStoreEgress) => {
    if (store.hosts.length === 0) return;
    const port = store.port ?? env.egress[kind].port;
    serviceEntries.push(new ExternalServiceEntry(scope, `Egress-${kind}`, {
      ...base, name: `${workflow.name}-${kind}`, hosts: store.hosts, addresses: store.addresses, component: 'egress',
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
      ...base, name, hosts: fresh, component: 'egress', ports: [{ number: tlsPort, name: 'tls', protocol: 'TLS' }],
    }));
  };
  passthrough('Egress-langsmith', `${workflow.name}-langsmith`, options.langsmith.hosts);
  passthrough('Egress-https', `${workflow.name}-external-https`, options.httpsHosts);

  return { llmHosts, serviceEntries };
}

/** api.openai.com → api-openai-com (object names stay DNS labels). */
function slug(host: string): string {
  return host.replace(/\./g, '-');
}
