/**
 * Resilient, allow-listed egress through the mesh. Environment level (`meshEgress`); mesh only.
 *
 * - LLM provider hosts (`egress.llmHosts`): a ServiceEntry, a DestinationRule (connection-pool
 *   limits, outlier detection, TLS origination) and a VirtualService (timeout, bounded retries on
 *   failures that are safe to retry) per host, so a provider outage fails fast instead of holding
 *   every server worker.
 * - With TLS origination (the default) the SDKs must call http://<host>: every container that
 *   calls the LLM gets the provider's base-URL variable(s) (`llm.sdkBaseUrls`), or the requests
 *   stay opaque TLS on 443 and the timeout, retries and the LLM-failure alert never apply.
 * - A namespace-wide Istio Sidecar with outbound policy REGISTRY_ONLY (`registryOnly`, default on)
 *   makes these entries the allow-list, so it also covers external Postgres and Redis (TCP),
 *   LangSmith (licence check and tracing) and any other HTTPS APIs the graphs call; the config
 *   check refuses a list that would keep the server from starting.
 */
import { z } from 'zod';
import type { SemanticIssue } from '../semantic-issue';

const hostname = z
  .string()
  .max(253)
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, 'a DNS hostname such as api.openai.com');
const ipOrCidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$|^[0-9a-fA-F:]+(\/\d{1,3})?$/, 'an IP address or CIDR such as "10.20.0.0/24"');
const port = z.number().int().min(1).max(65535);

/** retryOn conditions where the provider has not processed the request (safe for non-idempotent POSTs). */
export const SAFE_RETRY_CONDITIONS = [
  'connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes', 'reset-before-request',
] as const;
/** Status codes a provider returns before doing the work (overloaded / unavailable). */
export const SAFE_RETRY_STATUS_CODES = ['502', '503'] as const;
export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes,503';

const retryOn = z
  .string()
  .refine((s) => s.split(',').every((t) => (SAFE_RETRY_CONDITIONS as readonly string[]).includes(t) || (SAFE_RETRY_STATUS_CODES as readonly string[]).includes(t)), {
    message: `a comma-separated list of ${SAFE_RETRY_CONDITIONS.join(', ')}, ${SAFE_RETRY_STATUS_CODES.join(', ')}; conditions such as 5xx, gateway-error or reset can re-send a request the provider already processed (double cost, duplicate tool calls)`,
  });

const connectionPool = z.strictObject({
  maxConnections: z.number().int().min(1).meta({ description: 'TCP connections per sidecar to the host.' }),
  maxPendingRequests: z.number().int().min(1).meta({ description: 'Requests queued waiting for a connection before failing fast with 503.' }),
  maxRequests: z.number().int().min(1).meta({ description: 'Concurrent requests per sidecar to the host.' }),
  connectTimeoutSeconds: z.number().int().min(1).max(60).meta({ description: 'TCP connect timeout.' }),
  idleTimeoutSeconds: z.number().int().min(1).meta({ description: 'Idle upstream connections are closed after this long.' }),
});

const outlierDetection = z.strictObject({
  consecutive5xxErrors: z.number().int().min(1).meta({ description: 'Consecutive 5xx (or, for TLS passthrough, connect failures) before an endpoint is ejected.' }),
  intervalSeconds: z.number().int().min(1).meta({ description: 'Seconds between ejection sweeps.' }),
  baseEjectionSeconds: z.number().int().min(1).meta({ description: 'Minimum ejection time (grows with repeated ejections).' }),
  maxEjectionPercent: z.number().int().min(1).max(100).meta({ description: 'Most endpoints of the host ejected at once, in percent.' }),
});

const retries = z.strictObject({
  attempts: z.number().int().min(0).max(3).meta({ description: 'Retries after the first try; at most 3. 0 disables retries.' }),
  perTryTimeoutSeconds: z.number().int().min(1).optional().meta({ description: 'Timeout of each try. Default: the route timeout (a long generation is never cut short and retried).' }),
  retryOn: retryOn.meta({ description: 'Conditions retried: only ones where the provider has not processed the request (no 5xx, gateway-error or reset, which could bill or run a tool twice).' }),
});

export const LLM_POLICY_DEFAULTS = {
  tls: 'originate' as const,
  timeoutSeconds: 300,
  retries: { attempts: 2, retryOn: DEFAULT_RETRY_ON },
  connectionPool: { maxConnections: 100, maxPendingRequests: 50, maxRequests: 100, connectTimeoutSeconds: 5, idleTimeoutSeconds: 300 },
  outlierDetection: { consecutive5xxErrors: 5, intervalSeconds: 30, baseEjectionSeconds: 60, maxEjectionPercent: 50 },
};

const llmPolicy = z.strictObject({
  tls: z.enum(['originate', 'passthrough']).default(LLM_POLICY_DEFAULTS.tls).meta({ description: '`originate`: the app calls http://<host> (port 80) and the sidecar opens TLS to the provider, so timeouts and retries apply; https:// calls still pass through on the TLS port. `passthrough`: the app calls https://<host>; the mesh sees TLS only (SNI routing, connection limits and outlier detection apply; HTTP timeouts and retries cannot).' }),
  timeoutSeconds: z.number().int().min(1).max(3600).default(LLM_POLICY_DEFAULTS.timeoutSeconds).meta({ description: 'Whole-request timeout (covers a streamed response too).' }),
  retries: retries.default(LLM_POLICY_DEFAULTS.retries).meta({ description: 'Retries of failed calls (originated TLS only).' }),
  connectionPool: connectionPool.default(LLM_POLICY_DEFAULTS.connectionPool).meta({ description: 'Connection limits per sidecar (DestinationRule).' }),
  outlierDetection: outlierDetection.default(LLM_POLICY_DEFAULTS.outlierDetection).meta({ description: 'Ejects failing provider endpoints for a while (DestinationRule).' }),
});
export type LlmPolicy = z.infer<typeof llmPolicy>;

/** Per-host override: any subset of the policy (nested objects merge). */
const llmPolicyOverride = z.strictObject({
  tls: z.enum(['originate', 'passthrough']).optional().meta({ description: 'This host\'s `meshEgress.llm.defaults.tls`.' }),
  timeoutSeconds: z.number().int().min(1).max(3600).optional().meta({ description: 'This host\'s `meshEgress.llm.defaults.timeoutSeconds`.' }),
  retries: retries.partial().optional().meta({ description: 'Keys of `meshEgress.llm.defaults.retries` to change for this host.' }),
  connectionPool: connectionPool.partial().optional().meta({ description: 'Keys of `meshEgress.llm.defaults.connectionPool` to change for this host.' }),
  outlierDetection: outlierDetection.partial().optional().meta({ description: 'Keys of `meshEgress.llm.defaults.outlierDetection` to change for this host.' }),
});
export type LlmPolicyOverride = z.infer<typeof llmPolicyOverride>;

/** An SDK environment variable that holds a provider's base URL, and the path the SDK expects after the host. */
const sdkBaseUrl = z.strictObject({
  env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name such as OPENAI_BASE_URL').meta({ description: 'The environment variable the SDK reads its base URL from.' }),
  path: z.string().regex(/^(\/[-._~a-zA-Z0-9/]*)?$/, 'empty or a path such as "/v1"').default('').meta({ description: 'Path after the host, as the SDK\'s own default base URL has it (`/v1` for OpenAI, none for Anthropic).' }),
});
export type SdkBaseUrl = z.infer<typeof sdkBaseUrl>;

/**
 * What each provider's SDK reads, with the path of its built-in default, so `http://<host><path>`
 * differs from the default only in the scheme:
 * - OpenAI: openai-python reads OPENAI_BASE_URL, default `https://api.openai.com/v1`
 *   (github.com/openai/openai-python src/openai/_client.py); langchain-openai's ChatOpenAI passes
 *   OPENAI_API_BASE when set, else leaves the client's default, so OPENAI_BASE_URL covers both.
 * - Anthropic: anthropic-sdk-python reads ANTHROPIC_BASE_URL, default `https://api.anthropic.com`
 *   without /v1 (github.com/anthropics/anthropic-sdk-python src/anthropic/_client.py);
 *   langchain-anthropic reads ANTHROPIC_API_URL, then ANTHROPIC_BASE_URL
 *   (github.com/langchain-ai/langchain libs/partners/anthropic/langchain_anthropic/chat_models.py).
 * Other hosts (Azure OpenAI, Gemini, a gateway) need an entry in `meshEgress.llm.sdkBaseUrls`.
 */
export const DEFAULT_SDK_BASE_URLS: Readonly<Record<string, readonly SdkBaseUrl[]>> = {
  'api.openai.com': [{ env: 'OPENAI_BASE_URL', path: '/v1' }],
  'api.anthropic.com': [{ env: 'ANTHROPIC_BASE_URL', path: '' }],
};

const dataStore = z.strictObject({
  hosts: z.array(hostname).default([]).meta({ description: 'Hostnames the server connects to (from DATABASE_URI / REDIS_URI).' }),
  port: port.optional().meta({ description: 'TCP port of the store. Default: `egress.postgres.port` / `egress.redis.port` (the NetworkPolicy\'s port).' }),
  addresses: z.array(ipOrCidr).default([]).meta({ description: 'IPs or CIDRs of the store. Without them a TCP ServiceEntry matches all traffic on the port (Istio IST0134); with a CIDR the entry uses resolution NONE (Istio allows CIDRs only there).' }),
}).refine((d) => d.addresses.length === 0 || d.hosts.length > 0, { message: 'addresses need at least one hostname in hosts (a ServiceEntry is named by its hosts); add the store\'s hostname to hosts', path: ['hosts'] });
export type DataStoreEgress = z.infer<typeof dataStore>;

/** LangSmith API (API-key verification and tracing) and Beacon (licence verification, usage metering). */
export const DEFAULT_LANGSMITH_HOSTS = ['api.smith.langchain.com', 'beacon.langchain.com'];

const MESH_EGRESS_DEFAULTS = {
  registryOnly: true,
  llm: { defaults: LLM_POLICY_DEFAULTS, hosts: {}, sdkBaseUrls: {} },
  postgres: { hosts: [], addresses: [] },
  redis: { hosts: [], addresses: [] },
  langsmith: { hosts: DEFAULT_LANGSMITH_HOSTS },
  httpsHosts: [],
};

export const meshEgressSchema = z
  .strictObject({
    enabled: z.boolean().optional().meta({ description: 'Render the egress ServiceEntries, DestinationRules, VirtualServices and the REGISTRY_ONLY Sidecar. Default: `mesh.enabled` (on wherever the mesh is).' }),
    registryOnly: z.boolean().default(true).meta({ description: 'The workflow namespace\'s Sidecar sets outbound REGISTRY_ONLY: only hosts with a ServiceEntry (and in-cluster services) are reachable, so the allow-list must be complete (checked). false: the Sidecar says ALLOW_ANY (unknown hosts pass through, unobserved).' }),
    llm: z
      .strictObject({
        defaults: llmPolicy.default(LLM_POLICY_DEFAULTS).meta({ description: 'Policy of every host in egress.llmHosts.' }),
        hosts: z.record(hostname, llmPolicyOverride).default({}).meta({ description: 'Overrides per host (keys must be in egress.llmHosts).' }),
        sdkBaseUrls: z.record(hostname, z.array(sdkBaseUrl).min(1)).default({}).meta({ description: 'SDK base-URL variables per host, set to http://<host><path> on every container that calls the LLM when the host\'s TLS is originated. Merged over DEFAULT_SDK_BASE_URLS (OpenAI, Anthropic).' }),
      })
      .default(MESH_EGRESS_DEFAULTS.llm).meta({ description: 'Resilience policy for the LLM provider hosts of `egress.llmHosts`.' }),
    postgres: dataStore.default(MESH_EGRESS_DEFAULTS.postgres).meta({ description: 'ServiceEntry for an external Postgres (TCP, TLS passthrough).' }),
    redis: dataStore.default(MESH_EGRESS_DEFAULTS.redis).meta({ description: 'ServiceEntry for an external Redis (TCP).' }),
    langsmith: z.strictObject({ hosts: z.array(hostname).default(DEFAULT_LANGSMITH_HOSTS).meta({ description: 'LangSmith and Beacon hostnames.' }) }).default(MESH_EGRESS_DEFAULTS.langsmith).meta({ description: 'LangSmith endpoints (EU: eu.api.smith.langchain.com); TLS passthrough.' }),
    httpsHosts: z.array(hostname).default([]).meta({ description: 'Other external HTTPS APIs the graphs call (tools, search); TLS passthrough.' }),
  })
  .default(MESH_EGRESS_DEFAULTS);
export type MeshEgress = z.infer<typeof meshEgressSchema>;

export function meshEgressEnabled(mesh: { readonly enabled: boolean }, config: MeshEgress): boolean {
  return mesh.enabled && (config.enabled ?? true);
}

/** The policy of one LLM host: defaults with that host's override merged in. */
export function llmPolicyFor(config: MeshEgress, host: string): LlmPolicy {
  const d = config.llm.defaults;
  const o = config.llm.hosts[host] ?? {};
  return {
    tls: o.tls ?? d.tls,
    timeoutSeconds: o.timeoutSeconds ?? d.timeoutSeconds,
    retries: { ...d.retries, ...defined(o.retries) },
    connectionPool: { ...d.connectionPool, ...defined(o.connectionPool) },
    outlierDetection: { ...d.outlierDetection, ...defined(o.outlierDetection) },
  };
}

/** The SDK base-URL variables of one host: config over the defaults; empty when unknown. */
export function sdkBaseUrlsFor(config: MeshEgress, host: string): readonly SdkBaseUrl[] {
  return config.llm.sdkBaseUrls[host] ?? DEFAULT_SDK_BASE_URLS[host] ?? [];
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface EgressEnv {
  readonly name: string;
  readonly mesh: { readonly enabled: boolean };
  readonly egress: { readonly llmHosts: readonly string[] };
  readonly meshEgress: MeshEgress;
}

/** Environment-level rules (call from checkEnvironment once `meshEgress` is mounted). */
export function checkMeshEgress(env: EgressEnv): SemanticIssue[] {
  const c = env.meshEgress;
  const issues: SemanticIssue[] = [];
  const add = (path: (string | number)[], value: unknown, message: string) => issues.push({ path, value, message });
  if (c.enabled === true && !env.mesh.enabled) {
    add(['meshEgress', 'enabled'], true, `ServiceEntries and egress policies need the Istio sidecar, but mesh.enabled is false in "${env.name}"; remove meshEgress.enabled or enable the mesh`);
  }
  if (!meshEgressEnabled(env.mesh, c)) return issues;
  for (const host of Object.keys(c.llm.hosts)) {
    if (!env.egress.llmHosts.includes(host)) add(['meshEgress', 'llm', 'hosts', host], host, `is not in egress.llmHosts (${env.egress.llmHosts.join(', ') || 'none'}); add it there or remove the override`);
  }
  for (const host of Object.keys(c.llm.sdkBaseUrls)) {
    if (!env.egress.llmHosts.includes(host)) add(['meshEgress', 'llm', 'sdkBaseUrls', host], host, `is not in egress.llmHosts (${env.egress.llmHosts.join(', ') || 'none'}); add it there or remove the entry`);
  }
  const envOwners = new Map<string, string>();
  for (const host of env.egress.llmHosts) {
    const p = llmPolicyFor(c, host);
    if (p.tls === 'originate') {
      const vars = sdkBaseUrlsFor(c, host);
      if (vars.length === 0) {
        add(['meshEgress', 'llm', 'sdkBaseUrls', host], undefined, `${host} has TLS originated by the mesh, but no SDK base-URL variable is known for it, so the SDK would keep calling https:// and bypass the timeout and retries; add meshEgress.llm.sdkBaseUrls.${host}: [{ env: <SDK's base-URL variable>, path: <path of its default base URL> }], or set meshEgress.llm.hosts.${host}.tls: passthrough`);
      }
      for (const v of vars) {
        const other = envOwners.get(v.env);
        if (other !== undefined) add(['meshEgress', 'llm', 'sdkBaseUrls', host], v.env, `${v.env} is already the base URL of ${other}; one variable can point at one host only, so give each host its own variable`);
        else envOwners.set(v.env, host);
      }
    }
    const where = c.llm.hosts[host]?.retries?.perTryTimeoutSeconds !== undefined ? ['meshEgress', 'llm', 'hosts', host, 'retries', 'perTryTimeoutSeconds'] : ['meshEgress', 'llm', 'defaults', 'retries', 'perTryTimeoutSeconds'];
    if (p.retries.perTryTimeoutSeconds !== undefined && p.retries.perTryTimeoutSeconds > p.timeoutSeconds) {
      add(where, p.retries.perTryTimeoutSeconds, `exceeds the route timeout (${p.timeoutSeconds}s) for ${host}; a try can never outlast the whole request, so lower it to ${p.timeoutSeconds} or less`);
    }
  }
  if (c.registryOnly) {
    const missing = (path: string[], what: string) => add(path, [], `must list ${what}: with registryOnly (the default) the namespace's Sidecar drops traffic to any host without a ServiceEntry and the server cannot start; add them here, or set meshEgress.registryOnly: false`);
    if (c.postgres.hosts.length === 0) missing(['meshEgress', 'postgres', 'hosts'], 'the Postgres hostname(s) of DATABASE_URI');
    if (c.redis.hosts.length === 0) missing(['meshEgress', 'redis', 'hosts'], 'the Redis hostname(s) of REDIS_URI');
    if (c.langsmith.hosts.length === 0) missing(['meshEgress', 'langsmith', 'hosts'], `the LangSmith licence/API endpoints (${DEFAULT_LANGSMITH_HOSTS.join(', ')})`);
  }
  return issues;
}
