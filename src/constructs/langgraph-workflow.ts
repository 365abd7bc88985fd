/**
 * The top-level construct: one LangGraph deployment (one graph server image) in one cluster, with
 * everything it needs to run securely: Namespace (Pod Security restricted), ServiceAccount without
 * token, people RBAC, ConfigMap, the hardened API Deployment, Service, entry (Istio Gateway +
 * VirtualService with the mesh, an Ingress without, or a Gateway API HTTPRoute), HPA, PDB, default-deny NetworkPolicies with
 * one allow per purpose, PodMonitor, alert and SLO rules, a Grafana dashboard, and, with `canary`,
 * an Argo Rollout with its analysis. Only `workflowName`, `image`, `hostname` and `owner` are
 * required; every other prop has the default a production workflow should start from.
 */
import { Construct } from 'constructs';
import { AlertRulesInput, LlmFailureSource, QueueWorkerTarget, alertRuleGroups } from '../observability/alert-rules';
import { SloRulesInput, sloRuleGroups } from '../observability/slo-rules';
import { dashboardModel } from '../observability/dashboard';
import { CANARY_HASH_ARG, canaryAnalysisQueries } from '../observability/canary-queries';
import {
  LONG_LIVED_ROUTES, REQUEST_LATENCY, REQUESTS_TOTAL, RUN_FAILED_TOTAL, RUN_SUCCESS_TOTAL, SERVER_LATENCY_BUCKETS_MS, SERVER_METRICS_ENV,
} from '../metric-catalog/langgraph-server';
import { WorkflowScope } from './workflow-scope';
import { ComponentIdentity } from './labels';
import { WorkflowNamespace } from './namespace';
import { ApiAccessRule, AppServiceAccount } from './service-account';
import { PeopleAccess } from './people-rbac';
import { AppConfig } from './app-config';
import { API_PORT_NAME, edgeDeniedPaths, ISTIO_MERGED_METRICS_PORT, ProbeTiming, SecretEnvRef } from './langgraph-server';
import { LangGraphWorkload } from './langgraph-workload';
import { ApiService, ServiceType } from './api-service';
import { ServerHttp } from './server-http';
import { Autoscaler, DEFAULT_CPU_UTILIZATION, DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, IScalable, QueueDepthMetric, ScalingRule } from './autoscaler';
import { DisruptionBudget } from './disruption-budget';
import { MeshGateway } from './mesh-gateway';
import { ApiVirtualService } from './api-virtual-service';
import { ApiIngress } from './ingress';
import { ApiHttpRoute } from './api-http-route';
import { workflowListenerName } from './entry-gateway';
import { CanaryRollout, CanaryStep } from './canary-rollout';
import { CanaryAnalysisTemplate } from './analysis-template';
import { WorkloadPodMonitor } from './pod-monitor';
import { WorkflowRules } from './prometheus-rules';
import { GrafanaDashboard } from './grafana-dashboard';
import { LANGGRAPH_SERVER_RESOURCES, ResourceAmounts } from './resources';
import { DEFAULT_SHUTDOWN_MARGIN_SECONDS, DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from './shutdown';
import { Scheduling } from './scheduling';
import { PodExtras } from './pod-extras';
import { DataProtectionProps, dataProtectionEnv, dataProtectionErrors } from './data-protection';
import {
  AllowPolicies, DNS_PORT, DefaultDenyPolicy, DnsResolvers, EgressAllow, HttpsDestinations, ISTIOD_XDS_PORT, IngressAllow, PeerSpec,
  dnsPeers, httpsPeers, namespacePeer,
} from './network-policy';

/** The SLI contract (metric names and labels) that canary analysis, alerts, SLOs and dashboard read. */
export type SliContract = AlertRulesInput['sli'];
export type AlertThresholds = AlertRulesInput['thresholds'];

/** The LangGraph server's own per-pod metrics, which exist with and without the mesh. */
export const DEFAULT_SLI: SliContract = {
  requestMetric: REQUESTS_TOTAL,
  latencyHistogram: `${REQUEST_LATENCY}_bucket`,
  latencyUnit: 'milliseconds',
  latencyBuckets: [...SERVER_LATENCY_BUCKETS_MS],
  statusCodeLabel: 'status',
  routeLabel: 'path',
  longLivedRoutes: [...LONG_LIVED_ROUTES],
  matchers: {},
  runOutcomes: { enabled: true, succeededMetric: RUN_SUCCESS_TOTAL, failedMetric: RUN_FAILED_TOTAL },
};
export type ServiceLevelObjectives = SloRulesInput['slo'];
export type CanaryAnalysisOptions = Parameters<typeof canaryAnalysisQueries>[2] & {
  /** Consecutive measurement errors tolerated before the analysis errors out. */
  readonly consecutiveErrorLimit: number;
};

export interface WorkflowOwner {
  /** Team name, rendered as the `owner` label. */
  readonly team: string;
  /** Contact, rendered as the `email` annotation. */
  readonly email: string;
  /** Identity-provider group of the owning team: read, promote/abort/retry/restart releases. */
  readonly group: string;
}

export interface ServerProbes {
  /** @default DEFAULT_PROBES.startup (GET /ok every 5 s, 60 failures: 5 min to boot) */
  readonly startup?: ProbeTiming;
  /** @default DEFAULT_PROBES.readiness (GET /ok every 5 s, out after 2 failures) */
  readonly readiness?: ProbeTiming;
  /** @default DEFAULT_PROBES.liveness (TCP every 15 s, restart after 4 failures: a DB-starved server is not restarted mid-run) */
  readonly liveness?: ProbeTiming;
}

/**
 * A probe's timing where nothing else is said (the config fills a partly given probe from it):
 * GET the server's /ok health route, Kubernetes' own period and thresholds, a 2 s timeout.
 */
export const DEFAULT_PROBE_TIMING: ProbeTiming = {
  handler: 'http', path: '/ok', initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1,
};

export const DEFAULT_PROBES: { readonly startup: ProbeTiming; readonly readiness: ProbeTiming; readonly liveness: ProbeTiming } = {
  startup: { ...DEFAULT_PROBE_TIMING, periodSeconds: 5, failureThreshold: 60 },
  readiness: { ...DEFAULT_PROBE_TIMING, periodSeconds: 5, failureThreshold: 2 },
  liveness: { ...DEFAULT_PROBE_TIMING, handler: 'tcp', periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
};

export interface WorkflowAutoscaling {
  /** Never below 1; 2 or more keeps one pod serving while another drains. @default 2 */
  readonly minReplicas?: number;
  /** Bounds cost and the Postgres connections (maxReplicas × pool). @default 10 */
  readonly maxReplicas?: number;
  /** Average cpu utilization (percent of requests) to keep. @default 70 */
  readonly cpuUtilization?: number;
  /** Memory target, only on purpose (a Python server's memory does not fall with load). @default - none */
  readonly memoryUtilization?: number;
  /** @default DEFAULT_SCALE_UP (60 s window, +100 % per 15 s) */
  readonly scaleUp?: ScalingRule;
  /** @default DEFAULT_SCALE_DOWN (300 s window, −10 % per 60 s) */
  readonly scaleDown?: ScalingRule;
  /** External queue-depth metric (needs an external-metrics adapter). @default - not used */
  readonly queueDepth?: QueueDepthMetric;
}


export interface WorkflowCanary {
  /** @default DEFAULT_CANARY_STEPS (10 %, 25 %, 50 %, 75 % with pauses) */
  readonly steps?: readonly CanaryStep[];
  /** @default DEFAULT_CANARY_ANALYSIS */
  readonly analysis?: Partial<CanaryAnalysisOptions>;
  /** The VirtualService route Argo Rollouts rewrites. @default DEFAULT_CANARY_ROUTE_NAME ('primary') */
  readonly routeName?: string;
  /** The release that switches a live workflow from rolling to canary. @default false */
  readonly handOver?: boolean;
}

export const DEFAULT_CANARY_STEPS: readonly CanaryStep[] = [
  { setWeight: 10, pauseSeconds: 300 },
  { setWeight: 25, pauseSeconds: 300 },
  { setWeight: 50, pauseSeconds: 600 },
  { setWeight: 75, pauseSeconds: 300 },
];

/** The VirtualService HTTP route that Argo Rollouts rewrites, by default. */
export const DEFAULT_CANARY_ROUTE_NAME = 'primary';

export const DEFAULT_CANARY_ANALYSIS: CanaryAnalysisOptions = {
  intervalSeconds: 60, failureLimit: 3, consecutiveErrorLimit: 4, inconclusiveLimit: 2, minRequestCount: 10, window: '2m',
};

/** How external traffic enters: Istio Gateway + VirtualService, Kubernetes Ingress, or a Gateway API HTTPRoute. */
export type EntryType = 'gateway' | 'ingress' | 'gateway-api';

/** The environment's Gateway API Gateway a workflow's HTTPRoute attaches to (entry type `gateway-api`). */
export interface GatewayApiParent {
  /** @default DEFAULT_ENTRY.gatewayApiName ('langgraph') */
  readonly name?: string;
  /** @default - the ingress namespace (PlatformNamespaces.ingress) */
  readonly namespace?: string;
}

export interface WorkflowEntry {
  /** @default - `gateway` with the mesh (canary weights apply to external traffic), else `ingress` */
  readonly type?: EntryType;
  /** TLS Secret (in the gateway's namespace with the mesh). @default DEFAULT_ENTRY.tlsSecretName (`<workflow>-tls`) */
  readonly tlsSecretName?: string;
  /** Labels of the Istio ingress gateway pods. @default DEFAULT_ENTRY.gatewaySelector ({ istio: 'ingressgateway' }) */
  readonly gatewaySelector?: Readonly<Record<string, string>>;
  /** @default DEFAULT_ENTRY.ingressClassName ('nginx') */
  readonly ingressClassName?: string;
  /** Requests per second per client IP at ingress-nginx. @default DEFAULT_ENTRY.ingressRateLimitRps (20) */
  readonly ingressRateLimitRps?: number;
  /** The Gateway the HTTPRoute attaches to (type `gateway-api`). @default - DEFAULT_ENTRY.gatewayApiName in the ingress namespace */
  readonly gatewayApi?: GatewayApiParent;
}

/** `<workflow>` in a name stands for the workflow's name. */
export const WORKFLOW_PLACEHOLDER = '<workflow>';

export const DEFAULT_ENTRY = {
  tlsSecretName: `${WORKFLOW_PLACEHOLDER}-tls`,
  gatewaySelector: { istio: 'ingressgateway' } as Readonly<Record<string, string>>,
  ingressClassName: 'nginx',
  ingressRateLimitRps: 20,
  /** The environment's Gateway API Gateway (entry type `gateway-api`). */
  gatewayApiName: 'langgraph',
  /** Its GatewayClass: Istio's, whose proxies join the mesh and run in the Gateway's namespace. */
  gatewayClassName: 'istio',
} as const;

export interface PlatformNamespaces {
  /** @default DEFAULT_PLATFORM_NAMESPACES.istio ('istio-system') */
  readonly istio?: string;
  /** Where the ingress gateway or controller runs. @default DEFAULT_PLATFORM_NAMESPACES.ingress ('istio-ingress') */
  readonly ingress?: string;
  /** Prometheus and Grafana. @default DEFAULT_PLATFORM_NAMESPACES.monitoring ('monitoring') */
  readonly monitoring?: string;
  /** Cluster DNS pods. @default DEFAULT_PLATFORM_NAMESPACES.dns ('kube-system') */
  readonly dns?: string;
}

export const DEFAULT_PLATFORM_NAMESPACES: Required<PlatformNamespaces> = {
  istio: 'istio-system', ingress: 'istio-ingress', monitoring: 'monitoring', dns: 'kube-system',
};

export interface WorkflowMonitoring {
  /** Labels the cluster's Prometheus selects monitors and rules by. @default DEFAULT_MONITORING.discoveryLabels ({ release: 'prometheus' }) */
  readonly discoveryLabels?: Readonly<Record<string, string>>;
  /** @default DEFAULT_MONITORING.scrapeInterval ('30s') */
  readonly scrapeInterval?: string;
  /** Prometheus the canary analysis queries. @default DEFAULT_MONITORING.prometheusAddress (prometheus-operator's Service in `monitoring`) */
  readonly prometheusAddress?: string;
  /** docs/runbooks.md of the platform; alerts link to its sections. @default RUNBOOK_BASE_URL */
  readonly runbookBaseUrl?: string;
  /** postgres_exporter / redis_exporter scrape jobs; the database alerts exist only for those given. @default {} */
  readonly exporterJobs?: AlertRulesInput['exporterJobs'];
  /** @default - with the mesh and `llmHosts`: the mesh's egress metrics; else no LLM alert */
  readonly llmFailures?: LlmFailureSource;
}

/** An example: the config requires the real one (monitoring.runbookBaseUrl). */
export const RUNBOOK_BASE_URL = 'https://git.example.com/platform/langgraph-platform/blob/main/docs/runbooks.md';

export const DEFAULT_MONITORING = {
  discoveryLabels: { release: 'prometheus' } as Readonly<Record<string, string>>,
  scrapeInterval: '30s',
  prometheusAddress: 'http://prometheus-operated.monitoring.svc.cluster.local:9090',
  runbookBaseUrl: RUNBOOK_BASE_URL,
} as const;

/** Where the API may connect (NetworkPolicy peers: CIDRs or selectors, never hostnames). */
export interface WorkflowEgress {
  /** @default DEFAULT_DNS_RESOLVERS (NodeLocal DNSCache plus the kube-dns pods) */
  readonly dns?: DnsResolvers;
  /** The Postgres behind DATABASE_URI. @default - port 5432, no destination (set one: the server needs its database) */
  readonly postgres?: { readonly port: number; readonly to: readonly PeerSpec[] };
  /** The Redis behind REDIS_URI. @default - port 6379, no destination */
  readonly redis?: { readonly port: number; readonly to: readonly PeerSpec[] };
  /** HTTPS (LLM providers, LangSmith). @default - port DEFAULT_HTTPS_EGRESS_PORT (443) anywhere but the cloud metadata address */
  readonly https?: HttpsDestinations & { readonly port?: number };
}

/**
 * Our default pool per process: a run holds a connection only while it reads or writes a
 * checkpoint, so 10 (one per concurrent job at the default N_JOBS_PER_WORKER) serves a pod; the
 * server's 150 would let a handful of pods exhaust any database.
 */
export const DEFAULT_POOL_MAX_SIZE = 10;

/** One pod more during a rollout, none fewer: full capacity throughout. */
export const DEFAULT_ROLLING_UPDATE: { readonly maxSurge: number; readonly maxUnavailable: number } = { maxSurge: 1, maxUnavailable: 0 };

/**
 * NodeLocal DNSCache at its documented link-local address, plus the kube-dns pods (CoreDNS keeps
 * their label) as fallback: works with and without the cache.
 */
export const DEFAULT_DNS_RESOLVERS = {
  mode: 'node-local', podSelector: { 'k8s-app': 'kube-dns' } as Readonly<Record<string, string>>, nodeLocalAddress: '169.254.20.10', cidrs: [] as readonly string[],
} as const satisfies DnsResolvers;

export const DEFAULT_HTTPS_EGRESS_PORT = 443;

export interface LangGraphWorkflowProps {
  /** The workflow id: names every object (`<workflow>-api`, …) and is its instance label. */
  readonly workflowName: string;
  /** The server image, pinned (`repo@sha256:…`). */
  readonly image: string;
  /**
   * Accept an image by tag (e.g. a development environment iterating on a release candidate);
   * otherwise the image must be pinned by digest, and synth refuses a tag.
   * @default false
   */
  readonly allowImageTags?: boolean;
  /**
   * Pull the pods' images from this registry (`host[:port]`, optionally with a path prefix) instead
   * of their own; each keeps its path, tag and digest (src/constructs/image-registry.ts).
   * @default - each image's own registry
   */
  readonly imageRegistry?: string;
  /** Names of `kubernetes.io/dockerconfigjson` Secrets the kubelet pulls the images with. @default - none */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Labels every object of the workflow carries besides the label contract; a contract or platform
   * key is refused (./extra-metadata.ts). @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations every object carries besides the platform's; a platform key is refused. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Labels of the API pods only (on top of `labels`). @default {} */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Annotations of the API pods only, e.g. Vault agent or Datadog autodiscovery. @default {} */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** The server's HTTP settings (LANGGRAPH_HTTP, HTTP_MAX_REQUEST_BODY_BYTES). @default - the server's defaults */
  readonly http?: ServerHttp;
  /** Type and annotations of the API Service `<workflow>-api`. @default - ClusterIP, no annotations */
  readonly service?: { readonly type?: ServiceType; readonly annotations?: Readonly<Record<string, string>> };
  /** External hostname of the API. */
  readonly hostname: string;
  readonly owner: WorkflowOwner;
  /** @default - the workflow name */
  readonly namespace?: string;
  /** Rendered as app.kubernetes.io/version. @default - the image's tag */
  readonly version?: string;
  /** The capacity profile that sized the workflow, as an annotation. @default - none */
  readonly capacityProfile?: string;
  /** Group of on-call engineers: reads and the runbooks' incident steps. @default 'sre-oncall' */
  readonly oncallGroup?: string;

  /** Requests and limits of the server container. @default LANGGRAPH_SERVER_RESOURCES (LangChain's chart: 1 cpu/2Gi, limit 2 cpu/4Gi) */
  readonly resources?: { readonly requests: ResourceAmounts; readonly limits: ResourceAmounts };
  /** @default DEFAULT_PROBES */
  readonly probes?: ServerProbes;
  /** Long enough for in-flight runs to finish after SIGTERM. @default DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS (180) */
  readonly terminationGracePeriodSeconds?: number;
  /** Kept back from the server's run drain (see ./shutdown.ts). @default DEFAULT_SHUTDOWN_MARGIN_SECONDS (30) */
  readonly shutdownMarginSeconds?: number;
  /** LANGGRAPH_POSTGRES_POOL_MAX_SIZE per process (the server's own default is 150). @default DEFAULT_POOL_MAX_SIZE (10) */
  readonly postgresPoolMaxSize?: number;
  /** The workflow's share of the database's max_connections, as a Namespace annotation the gate checks. @default - none stated */
  readonly postgresMaxConnections?: number;
  /** @default DEFAULT_ROLLING_UPDATE ({ maxSurge: 1, maxUnavailable: 0 }) */
  readonly rollingUpdate?: { readonly maxSurge: number; readonly maxUnavailable: number };
  /** Env vars from Secrets (never literal values). @default serverSecretEnv(`<workflow>-secrets`) */
  readonly secretEnv?: Readonly<Record<string, SecretEnvRef>>;
  /** Plain, non-secret env vars of the server. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Files of the ConfigMap mounted read-only at /etc/langgraph. @default {} */
  readonly appConfig?: Readonly<Record<string, string>>;
  /** Kubernetes API access (the server needs none). @default [] */
  readonly apiAccess?: readonly ApiAccessRule[];
  /** @default - spread over zones and nodes only */
  readonly scheduling?: Scheduling;
  /** envFrom, init containers, sidecars, extra volumes. @default - none */
  readonly podExtras?: PodExtras;

  /** @default - the WorkflowAutoscaling defaults */
  readonly autoscaling?: WorkflowAutoscaling;
  /** Canary delivery through Argo Rollouts (needs the mesh's gateway entry). @default - rolling updates */
  readonly canary?: WorkflowCanary;

  /** Run in an Istio mesh (sidecars, Gateway entry, scrape through metrics merging). @default false */
  readonly mesh?: boolean;
  /**
   * Namespaces whose pods may reach the API port from inside the mesh, besides the gateway (the
   * NetworkPolicy `<workflow>-allow-from-mesh`, by namespace name); who within them may call is the
   * mesh's AuthorizationPolicy. Only with `mesh`.
   * @default - none: only the gateway reaches the API
   */
  readonly meshCallerNamespaces?: readonly string[];
  /** Seconds the sidecar keeps serving after SIGTERM. @default - grace period − 5 s */
  readonly meshDrainSeconds?: number;
  /** @default - the WorkflowEntry defaults */
  readonly entry?: WorkflowEntry;
  /** @default - the PlatformNamespaces defaults */
  readonly platformNamespaces?: PlatformNamespaces;
  /** @default - the WorkflowEgress defaults */
  readonly egress?: WorkflowEgress;

  /** @default - the WorkflowMonitoring defaults */
  readonly monitoring?: WorkflowMonitoring;
  /** @default - the LangGraph server's own metrics */
  readonly sli?: SliContract;
  /** @default DEFAULT_SLO (availability 0.999; 0.99 of requests under 1 s) */
  readonly slo?: ServiceLevelObjectives;
  /** @default DEFAULT_ALERT_THRESHOLDS */
  readonly alertThresholds?: AlertThresholds;
  /** Queue workers run the runs (the API then runs none). @default - the API runs them */
  readonly queueWorkers?: QueueWorkerTarget;
  /** AES key by Secret reference, encrypted JSON keys, thread and store TTLs (./data-protection.ts). @default - none */
  readonly dataProtection?: DataProtectionProps;
}

/** The server's credentials from one Secret, by reference. */
export interface ServerSecretKeys {
  /** @default DEFAULT_SECRET_KEYS.databaseUri ('database-uri') */
  readonly databaseUri?: string;
  /** @default DEFAULT_SECRET_KEYS.redisUri ('redis-uri') */
  readonly redisUri?: string;
  /** @default - none, unless `keys` itself is left out (then DEFAULT_SECRET_KEYS.langsmithApiKey, 'langsmith-api-key') */
  readonly langsmithApiKey?: string;
  /** LANGGRAPH_CLOUD_LICENSE_KEY. @default - none, unless `keys` itself is left out (then DEFAULT_SECRET_KEYS.licenseKey, 'langgraph-license-key') */
  readonly licenseKey?: string;
  /** Further variables from the same Secret, e.g. `{ OPENAI_API_KEY: 'openai-api-key' }`. @default {} */
  readonly extra?: Readonly<Record<string, string>>;
}

/** DATABASE_URI = POSTGRES_URI, REDIS_URI, LangSmith, licence and extra keys, all from `secretName`. */
export function serverSecretEnv(secretName: string, keys: ServerSecretKeys = DEFAULT_SECRET_KEYS): Record<string, SecretEnvRef> {
  const ref = (key: string): SecretEnvRef => ({ secretName, key });
  const env: Record<string, SecretEnvRef> = {
    DATABASE_URI: ref(keys.databaseUri ?? DEFAULT_SECRET_KEYS.databaseUri),
    POSTGRES_URI: ref(keys.databaseUri ?? DEFAULT_SECRET_KEYS.databaseUri),
    REDIS_URI: ref(keys.redisUri ?? DEFAULT_SECRET_KEYS.redisUri),
  };
  if (keys.langsmithApiKey) env.LANGSMITH_API_KEY = ref(keys.langsmithApiKey);
  if (keys.licenseKey) env.LANGGRAPH_CLOUD_LICENSE_KEY = ref(keys.licenseKey);
  const extra = keys.extra ?? {};
  for (const name of Object.keys(extra).sort()) env[name] = ref(extra[name]);
  return env;
}

export const DEFAULT_SECRET_KEYS = {
  databaseUri: 'database-uri', redisUri: 'redis-uri', langsmithApiKey: 'langsmith-api-key', licenseKey: 'langgraph-license-key',
} as const satisfies ServerSecretKeys;

/** Availability 0.999; 0.99 of requests complete under 1 s (a bucket boundary of the server's histogram). */
export const DEFAULT_SLO: ServiceLevelObjectives = { availability: 0.999, latency: 0.99, latencyThresholdSeconds: 1 };

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  errorRatio: 0.05, p95LatencySeconds: 2, memoryLimitRatio: 0.9, postgresConnectionRatio: 0.8, llmFailuresPerSecond: 0.1,
};

/** The API server's component: `<workflow>-api`, selected by name + instance + component. */
export function apiIdentity(workflow: string): ComponentIdentity {
  return { workflow, app: 'langgraph-api', component: 'api' };
}

export class LangGraphWorkflow extends WorkflowScope {
  /** The API server's Deployment (with a canary it keeps the pod template; the Rollout runs the pods). */
  public readonly workload: LangGraphWorkload;
  public readonly service: ApiService;
  /** What the HPA (and a VPA) scale: the Rollout with a canary, else the Deployment. */
  public readonly scaleTarget: IScalable;
  public readonly autoscaler: Autoscaler;
  public readonly rollout?: CanaryRollout;
  public readonly serviceAccount: AppServiceAccount;
  public readonly podMonitor: WorkloadPodMonitor;
  /** `<workflow>-api`. */
  public readonly apiName: string;
  public readonly api: ComponentIdentity;
  public readonly hostname: string;
  public readonly meshEnabled: boolean;

  constructor(scope: Construct, id: string, props: LangGraphWorkflowProps) {
    const wf = props.workflowName;
    super(scope, id, {
      workflow: wf, namespace: props.namespace, version: props.version ?? imageTag(props.image, wf),
      ownerTeam: props.owner.team, ownerEmail: props.owner.email, capacityProfile: props.capacityProfile,
      extraLabels: props.labels, extraAnnotations: props.annotations,
    });
    const { namespace } = this;
    const mesh = props.mesh ?? false;
    const ns = { ...DEFAULT_PLATFORM_NAMESPACES, ...props.platformNamespaces };
    const mon = { ...DEFAULT_MONITORING, ...props.monitoring };
    const api = apiIdentity(wf);
    const apiName = `${wf}-api`;
    const canary = props.canary ? {
      steps: DEFAULT_CANARY_STEPS, routeName: DEFAULT_CANARY_ROUTE_NAME, handOver: false, ...props.canary,
      analysis: { ...DEFAULT_CANARY_ANALYSIS, ...props.canary.analysis },
    } : undefined;
    const sli = props.sli ?? DEFAULT_SLI;
    const slo = props.slo ?? DEFAULT_SLO;
    const rollingUpdate = props.rollingUpdate ?? DEFAULT_ROLLING_UPDATE;
    this.apiName = apiName;
    this.api = api;
    this.hostname = props.hostname;
    this.meshEnabled = mesh;

    new WorkflowNamespace(this, 'Namespace', { meshEnabled: mesh, postgresMaxConnections: props.postgresMaxConnections });
    this.serviceAccount = new AppServiceAccount(this, 'ServiceAccount', { name: apiName, apiAccess: props.apiAccess ?? [] });
    new PeopleAccess(this, 'PeopleAccess', {
      ownerGroup: props.owner.group, oncallGroup: props.oncallGroup ?? 'sre-oncall',
      strategy: canary ? 'canary' : 'rolling', apiName,
    });
    const config = new AppConfig(this, 'AppConfig', { name: `${wf}-config`, data: props.appConfig ?? {} });
    const dataProtection = dataProtectionEnv(props.dataProtection);
    this.node.addValidation({ validate: () => dataProtectionErrors(`LangGraphWorkflow ${wf}`, props.dataProtection, [...Object.keys(props.env ?? {}), ...Object.keys(props.secretEnv ?? {})]) });

    this.workload = new LangGraphWorkload(this, 'Api', {
      name: apiName,
      identity: api,
      image: props.image,
      allowImageTags: props.allowImageTags,
      imageRegistry: props.imageRegistry,
      imagePullSecrets: props.imagePullSecrets,
      podLabels: props.podLabels,
      podAnnotations: props.podAnnotations,
      http: props.http,
      serviceAccount: this.serviceAccount.serviceAccount,
      configMap: config.configMap,
      requests: (props.resources ?? LANGGRAPH_SERVER_RESOURCES).requests,
      limits: (props.resources ?? LANGGRAPH_SERVER_RESOURCES).limits,
      probes: { ...DEFAULT_PROBES, ...props.probes },
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
      shutdownMarginSeconds: props.shutdownMarginSeconds ?? DEFAULT_SHUTDOWN_MARGIN_SECONDS,
      postgresPoolMaxSize: props.postgresPoolMaxSize ?? DEFAULT_POOL_MAX_SIZE,
      rollingUpdate,
      secretEnv: { ...(props.secretEnv ?? serverSecretEnv(`${wf}-secrets`)), ...dataProtection.secretEnv },
      // The run-outcome metrics of the SLI are switched on here; with workers the API runs no jobs.
      env: { ...props.env, ...SERVER_METRICS_ENV, ...(props.queueWorkers ? { [JOBS_PER_WORKER_ENV]: '0' } : {}), ...dataProtection.env },
      mesh: mesh ? { terminationDrainSeconds: props.meshDrainSeconds } : undefined,
      scheduling: props.scheduling,
      extras: props.podExtras,
      // With a canary the Rollout runs these pods (workloadRef); the Deployment keeps none, except
      // during a hand-over from rolling, when it keeps its live count until the Rollout scales it down.
      replicas: canary && !canary.handOver ? 0 : undefined,
    });
    const selector = this.workload.selector;

    this.service = new ApiService(this, 'Service', { name: apiName, identity: api, selector, type: props.service?.type, annotations: props.service?.annotations });

    // Entry: an Istio Gateway with the mesh (so canary weights apply), an Ingress without it, or
    // an HTTPRoute on the environment's Gateway API Gateway (rendered once, in the shared chart).
    const entry = props.entry ?? {};
    const tlsSecretName = entry.tlsSecretName ?? DEFAULT_ENTRY.tlsSecretName.split(WORKFLOW_PLACEHOLDER).join(wf);
    let scaleTarget: IScalable = this.workload;
    const entryType = entry.type ?? (mesh ? 'gateway' : 'ingress');
    if (entryType === 'gateway') {
      const gateway = new MeshGateway(this, 'Gateway', {
        name: `${wf}-gateway`, hostname: props.hostname, tlsCredentialName: tlsSecretName,
        gatewaySelector: entry.gatewaySelector ?? DEFAULT_ENTRY.gatewaySelector,
      });
      // Argo Rollouts points these at the stable and canary ReplicaSets.
      const split = canary ? {
        stableService: new ApiService(this, 'StableService', { name: `${apiName}-stable`, identity: api, selector }),
        canaryService: new ApiService(this, 'CanaryService', { name: `${apiName}-canary`, identity: api, selector }),
      } : undefined;
      const virtualService = new ApiVirtualService(this, 'VirtualService', {
        name: apiName, hostname: props.hostname, service: this.service, gateway, routeName: canary?.routeName ?? DEFAULT_CANARY_ROUTE_NAME, canary: split,
      });
      if (canary && split) {
        // The canary is told apart by its pod-template hash (relabelled by the PodMonitor), never by Service.
        const queries = canaryAnalysisQueries(sli, slo, canary.analysis, { namespace, apiRunsJobs: !props.queueWorkers });
        const templates = [
          { id: 'SuccessRateAnalysis', name: `${wf}-success-rate`, metrics: queries.successRate },
          { id: 'LatencyAnalysis', name: `${wf}-latency`, metrics: queries.latency },
        ].map((t) => new CanaryAnalysisTemplate(this, t.id, {
          name: t.name, prometheusAddress: mon.prometheusAddress, metrics: t.metrics, args: [CANARY_HASH_ARG],
          intervalSeconds: canary.analysis.intervalSeconds, failureLimit: canary.analysis.failureLimit,
          consecutiveErrorLimit: canary.analysis.consecutiveErrorLimit, inconclusiveLimit: canary.analysis.inconclusiveLimit,
        }));
        this.rollout = new CanaryRollout(this, 'Rollout', {
          name: apiName, identity: api, workload: this.workload, ...split, virtualService,
          steps: canary.steps, analysisTemplates: templates, maxSurge: rollingUpdate.maxSurge || 1,
          podTemplateHashArgs: { [CANARY_HASH_ARG]: 'Latest' },
          scaleDown: canary.handOver ? 'progressively' : 'never',
        });
        // The HPA scales the Rollout (scale subresource), never the Deployment it manages.
        scaleTarget = this.rollout;
      }
    } else if (entryType === 'gateway-api') {
      // The Gateway API gateway routes straight to the backend Service: a VirtualService's weights
      // (what Argo Rollouts shifts) never apply to its traffic, so a canary here would be unweighted.
      if (canary) throw new Error(`workflow ${wf}: a canary cannot use entry type gateway-api (the Gateway API gateway sends external traffic straight to the Service, past the VirtualService weights Argo Rollouts shifts); use entry type gateway, or rolling delivery`);
      new ApiHttpRoute(this, 'HttpRoute', {
        name: apiName, hostname: props.hostname, service: this.service, deniedPaths: edgeDeniedPaths(props.env?.MOUNT_PREFIX),
        gateway: { name: entry.gatewayApi?.name ?? DEFAULT_ENTRY.gatewayApiName, namespace: entry.gatewayApi?.namespace ?? ns.ingress, sectionName: workflowListenerName(wf) },
      });
    } else {
      if (canary) throw new Error(`workflow ${wf}: a canary needs the mesh's gateway entry (Argo Rollouts shifts traffic in the VirtualService); set mesh: true or drop canary`);
      new ApiIngress(this, 'Ingress', {
        name: apiName, hostname: props.hostname, service: this.service, ingressClassName: entry.ingressClassName ?? DEFAULT_ENTRY.ingressClassName,
        tlsSecretName, rateLimitRps: entry.ingressRateLimitRps ?? DEFAULT_ENTRY.ingressRateLimitRps,
      });
    }
    this.scaleTarget = scaleTarget;

    const a = props.autoscaling ?? {};
    this.autoscaler = new Autoscaler(this, 'Autoscaler', {
      name: apiName,
      identity: api,
      target: scaleTarget,
      minReplicas: a.minReplicas ?? 2,
      maxReplicas: a.maxReplicas ?? 10,
      cpuUtilization: a.cpuUtilization ?? DEFAULT_CPU_UTILIZATION,
      memoryUtilization: a.memoryUtilization,
      scaleUp: a.scaleUp ?? DEFAULT_SCALE_UP,
      scaleDown: a.scaleDown ?? DEFAULT_SCALE_DOWN,
      queueDepth: a.queueDepth,
    });
    new DisruptionBudget(this, 'DisruptionBudget', { name: apiName, identity: api, selector });

    // Observability: every alert, SLO and panel reads the one SLI contract.
    this.podMonitor = new WorkloadPodMonitor(this, 'PodMonitor', {
      name: apiName, selector, discoveryLabels: mon.discoveryLabels,
      interval: mon.scrapeInterval, meshMetricsMerging: mesh,
    });
    const observed = { workflow: wf, namespace, sli, scrapeJob: this.podMonitor.job, workloadName: apiName, containerName: api.component };
    new WorkflowRules(this, 'Rules', {
      name: apiName, discoveryLabels: mon.discoveryLabels,
      groups: [
        ...alertRuleGroups({
          ...observed, thresholds: props.alertThresholds ?? DEFAULT_ALERT_THRESHOLDS, runbookBaseUrl: mon.runbookBaseUrl,
          workers: props.queueWorkers, hpaName: apiName, exporterJobs: mon.exporterJobs ?? {}, llmFailures: mon.llmFailures,
        }),
        ...sloRuleGroups({ ...observed, slo, runbookBaseUrl: mon.runbookBaseUrl }),
      ],
    });
    new GrafanaDashboard(this, 'Dashboard', {
      monitoringNamespace: ns.monitoring,
      dashboard: dashboardModel({ ...observed, slo }),
    });

    new DefaultDenyPolicy(this, 'DefaultDeny');
    new AllowPolicies(this, 'ApiNetwork', {
      podSelector: selector,
      ingress: apiIngress(mesh, ns, props.meshCallerNamespaces ?? []),
      egress: apiEgress(mesh, ns, props.egress ?? {}),
    });
  }
}

/** The env var that sets how many runs a server process executes at once. */
export const JOBS_PER_WORKER_ENV = 'N_JOBS_PER_WORKER';

/** `repo:1.4.2@sha256:…` → `1.4.2`. */
function imageTag(image: string, workflow: string): string {
  const lastSegment = image.split('@')[0].split('/').pop() ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':')[1] : undefined;
  if (!tag) throw new Error(`workflow ${workflow}: image ${image} has no tag to take the version from; set version (e.g. version: '1.4.2')`);
  return tag;
}

function apiIngress(mesh: boolean, ns: Required<PlatformNamespaces>, callerNamespaces: readonly string[]): IngressAllow[] {
  const allows: IngressAllow[] = [
    // The gateway (mesh) or ingress controller (no mesh) is the only external entry.
    { name: 'from-ingress', from: [namespacePeer(ns.ingress)], ports: [{ port: API_PORT_NAME }] },
  ];
  const callers = [...new Set(callerNamespaces)].sort();
  if (mesh && callers.length) {
    // The named in-mesh callers' namespaces, by name: an injection label would miss revision-based
    // injection (istio.io/rev) and open the port to every injected namespace. Which workloads in them
    // may call is the mesh's AuthorizationPolicy.
    allows.push({ name: 'from-mesh', from: callers.map((n) => namespacePeer(n)), ports: [{ port: API_PORT_NAME }] });
  }
  // Prometheus scrapes exactly one port: the sidecar's merged endpoint with the mesh, else the server.
  allows.push({
    name: 'from-monitoring',
    from: [namespacePeer(ns.monitoring)],
    ports: [{ port: mesh ? ISTIO_MERGED_METRICS_PORT : API_PORT_NAME }],
  });
  return allows;
}

function apiEgress(mesh: boolean, ns: Required<PlatformNamespaces>, egress: WorkflowEgress): EgressAllow[] {
  const allows: EgressAllow[] = [
    { name: 'dns', to: dnsPeers(egress.dns ?? DEFAULT_DNS_RESOLVERS, ns.dns), ports: [{ port: DNS_PORT, protocol: 'UDP' }, { port: DNS_PORT, protocol: 'TCP' }] },
  ];
  if (mesh) {
    allows.push({ name: 'istiod', to: [namespacePeer(ns.istio, { app: 'istiod' })], ports: [{ port: ISTIOD_XDS_PORT }] });
  }
  // No destination given: no allow (default deny holds), never an empty `to`, which would allow everything.
  if (egress.postgres?.to.length) allows.push({ name: 'postgres', to: egress.postgres.to, ports: [{ port: egress.postgres.port }] });
  if (egress.redis?.to.length) allows.push({ name: 'redis', to: egress.redis.to, ports: [{ port: egress.redis.port }] });
  allows.push({ name: 'https', to: httpsPeers(egress.https ?? {}), ports: [{ port: egress.https?.port ?? DEFAULT_HTTPS_EGRESS_PORT }] });
  return allows;
}
