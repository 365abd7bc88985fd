/**
 * The configuration contract: one zod schema from which the TypeScript types
 * and the editor JSON Schema are derived. Everything here is plain data.
 *
 * Layers (deep-merged, later wins; arrays replace):
 *   config/defaults.yaml ⊕ config/environments/<env>.yaml       → Environment
 *   Environment.workflowDefaults ⊕ workflow.overrides ⊕ workflow.environments[env] → WorkflowSettings
 */
import { z } from 'zod';
import { LONG_LIVED_ROUTES, REQUEST_LATENCY, REQUESTS_TOTAL, RUN_FAILED_TOTAL, RUN_SUCCESS_TOTAL, SERVER_LATENCY_BUCKETS_MS } from '../observability/metric-catalog/langgraph-server';
import { gitopsSchema } from './features/gitops';
import { podExtrasSchema, schedulingSchema } from './features/pod';
import { meshCallersSchema, meshSecuritySchema } from './features/mesh-security';
import { meshEgressSchema } from './features/mesh-egress';
import { dnsEgressSchema, httpsEgressSchema } from './features/network-egress';
import { externalSecretSchema } from './features/external-secret';
import { vpaSchema } from './features/vpa';
import { rateLimitSchema } from './features/rate-limit';
import { queueWorkersSchema } from './features/queue-workers';
import { kedaSchema } from './features/keda';
import { dataStoresSchema } from './features/data-stores';
import { capacitySchema, workflowCapacitySchema } from '../capacity/profile-schema';
import { databaseSchema, LANGGRAPH_SERVER_RESOURCES } from './features/database';
import { DEFAULT_SHUTDOWN_MARGIN_SECONDS, MIN_SHUTDOWN_MARGIN_SECONDS } from '../constructs/shutdown';

// ---------------------------------------------------------------- primitives

/** DNS-1123 label that also starts with a letter (RFC 1035), as Service names require. */
export const WORKFLOW_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Longest workflow name such that `<workflow>-api-canary`-style names stay ≤ 63 characters. */
export const WORKFLOW_NAME_MAX = 52;

const dnsLabel = z
  .string()
  .max(63, 'at most 63 characters (a DNS-1123 label)')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');

const cpuQuantity = z
  .string()
  .regex(/^(\d+m|\d+(\.\d{1,3})?)$/, 'a cpu quantity such as "250m" or "1.5"');
/** Binary units only: they are what the kubelet reports and what cdk8s-plus renders. */
const byteQuantity = z
  .string()
  .regex(/^[1-9]\d*(Ki|Mi|Gi|Ti)$/, 'a byte quantity in binary units such as "256Mi" or "1Gi"');
const percent = z.number().int().min(1).max(100);
const seconds = z.number().int().min(0);
const positiveInt = z.number().int().min(1);
const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, 'a CIDR such as "10.0.0.0/16"');
const labelMap = z.record(z.string(), z.string());
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, 'a Secret data key (letters, digits, "-", "_", ".")');
const url = z.string().regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL');

// ---------------------------------------------------------------- workload

/** Whole gibibytes: the unit in which the pod's ephemeral-storage is rendered. */
const gibibytes = z.string().regex(/^[1-9]\d*Gi$/, 'whole gibibytes such as "1Gi"');

const resourceAmounts = z.strictObject({
  cpu: cpuQuantity,
  memory: byteQuantity,
  ephemeralStorage: gibibytes,
});

const probe = z.strictObject({
  /** `http`: GET `path` on the http port; `tcp`: the port accepts connections (process alive). */
  handler: z.enum(['http', 'tcp']).default('http'),
  path: z.string().regex(/^\//, 'an HTTP path starting with "/"').default('/ok'),
  initialDelaySeconds: seconds.default(0),
  periodSeconds: positiveInt.default(10),
  timeoutSeconds: positiveInt.default(2),
  failureThreshold: positiveInt.default(3),
  successThreshold: positiveInt.default(1),
});

const scalingRule = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600),
  percent: z.number().int().min(1).max(1000),
  periodSeconds: z.number().int().min(1).max(1800),
});

const autoscaling = z.strictObject({
  minReplicas: positiveInt,
  maxReplicas: positiveInt,
  cpuUtilization: percent.default(70),
  /**
   * Memory target, off unless configured on purpose: a Python server keeps its heap after load
   * falls, so a memory target only ever scales up (and pins replicas at the maximum). Requires
   * `memoryUtilizationReason`. @default - no memory target
   */
  memoryUtilization: percent.optional(),
  /** Why this workflow's memory does track load (required with memoryUtilization). */
  memoryUtilizationReason: z.string().min(20, 'say why in a sentence (at least 20 characters)').optional(),
  scaleUp: scalingRule.default({ stabilizationWindowSeconds: 60, percent: 100, periodSeconds: 15 }),
  scaleDown: scalingRule.default({ stabilizationWindowSeconds: 300, percent: 10, periodSeconds: 60 }),
  /**
   * External metric on the run queue (e.g. lg_api_num_pending_runs), served by an external-metrics
   * adapter that aggregates it with `max` across pods (every pod reports the same queue-wide value;
   * docs/observability.md has the adapter rule). The HPA divides it by the replica count. Off by
   * default. (A `Pods` metric on a queue-wide gauge averages it per pod and scales to the maximum:
   * the gate refuses one.)
   */
  queueDepth: z
    .strictObject({ metric: z.string(), selector: labelMap.default({}), averageValue: positiveInt })
    .optional(),
});

const secretRefs = z.strictObject({
  /** Name of the pre-existing Secret in the workflow's namespace. Default: `<workflow>-secrets`. */
  name: dnsLabel.optional(),
  /** Secret data keys. Only references are rendered, never values. */
  keys: z
    .strictObject({
      databaseUri: secretKey.default('database-uri'),
      redisUri: secretKey.default('redis-uri'),
      /** LangSmith tracing (and, for the Lite server, its licence check at start). */
      langsmithApiKey: secretKey.optional(),
      /**
       * LANGGRAPH_CLOUD_LICENSE_KEY, which the server reads at start (langgraph_api/config/__init__.py
       * of 0.16.7, line 536); required in production-tier environments.
       */
      licenseKey: secretKey.optional(),
      /** Further env vars from the same Secret, e.g. LLM provider keys: `{ OPENAI_API_KEY: openai-api-key }`. */
      extra: z.record(envVarName, secretKey).default({}),
    })
    .default({ databaseUri: 'database-uri', redisUri: 'redis-uri', langsmithApiKey: 'langsmith-api-key', extra: {} }),
});

const canaryStep = z.strictObject({
  setWeight: z.number().int(),
  /** Pause after this step, in seconds; omit for none. */
  pauseSeconds: z.number().int().optional(),
});

const delivery = z.strictObject({
  strategy: z.enum(['rolling', 'canary']),
  canary: z
    .strictObject({
      steps: z.array(canaryStep).min(1),
      /** Name of the VirtualService HTTP route that Argo Rollouts rewrites. */
      routeName: dnsLabel.default('primary'),
      /**
       * Switching a live workflow from rolling to canary: `true` for the release that switches, so
       * the serving Deployment keeps its pods and the Rollout scales it down only as its own pods
       * become ready (`workloadRef.scaleDown: progressively`); back to `false` once the Rollout is
       * Healthy. docs/delivery.md "Switching strategy". @default false
       */
      handOver: z.boolean().default(false),
      analysis: z
        .strictObject({
          intervalSeconds: positiveInt.default(60),
          failureLimit: z.number().int().min(0).default(3),
          consecutiveErrorLimit: z.number().int().min(0).default(4),
          // The thresholds are the workflow's `slo` (availability, latency share under
          // latencyThresholdSeconds), never a second constant here.
          /**
           * Inconclusive measurements (a quiet canary: fewer than minRequestCount requests or runs in
           * the window) tolerated; one more makes the AnalysisRun Inconclusive, which pauses the Rollout.
           */
          inconclusiveLimit: z.number().int().min(0).default(2),
          /** Below this many requests (runs, for the run metric) in the window a measurement is inconclusive, never a pass. */
          minRequestCount: z.number().int().min(1).default(10),
          /** Query window, e.g. 2m (a PromQL duration). */
          window: z.string().regex(/^\d+[smh]$/, 'a PromQL duration such as "2m"').default('2m'),
        })
        .default({
          intervalSeconds: 60, failureLimit: 3, consecutiveErrorLimit: 4, inconclusiveLimit: 2, minRequestCount: 10, window: '2m',
        }),
    })
    .optional(),
});

const slo = z.strictObject({
  /** Availability objective as a ratio, e.g. 0.999. */
  availability: z.number().gt(0).lt(1).default(0.999),
  /** Latency objective: this share of requests completes under `latencyThresholdSeconds`. */
  latency: z.number().gt(0).lt(1).default(0.99),
  latencyThresholdSeconds: z.number().positive().default(2),
});

const alertThresholds = z.strictObject({
  errorRatio: z.number().gt(0).lt(1).default(0.05),
  p95LatencySeconds: z.number().positive().default(2),
  memoryLimitRatio: z.number().gt(0).lte(1).default(0.9),
  /** Share of max_connections above which the connection-pool alert fires. */
  postgresConnectionRatio: z.number().gt(0).lte(1).default(0.8),
  /** Failed upstream (LLM) calls per second above which the provider alert fires. */
  llmFailuresPerSecond: z.number().positive().default(0.1),
});

const image = z.strictObject({
  repository: z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, 'an image repository such as registry.example.com/team/app'),
  digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'sha256: followed by 64 hex digits').optional(),
  tag: z.string().regex(/^[\w][\w.-]{0,127}$/, 'a valid image tag').optional(),
});

const hostname = z
  .string()
  .max(253)
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, 'a DNS hostname such as support-agent.example.com');

export const workflowSettingsSchema = z.strictObject({
  image,
  /** External hostname. @default `<workflow>.<entry.domain>` */
  hostname: hostname.optional(),
  autoscaling,
  /** Requests and limits of the server container. @default LangChain's chart: 1 cpu / 2Gi requested, 2 cpu / 4Gi limit */
  resources: z.strictObject({ requests: resourceAmounts, limits: resourceAmounts }).default(LANGGRAPH_SERVER_RESOURCES),
  probes: z
    .strictObject({
      startup: probe.default({ handler: 'http', path: '/ok', initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 60, successThreshold: 1 }),
      readiness: probe.default({ handler: 'http', path: '/ok', initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2, successThreshold: 1 }),
      // Liveness only asks "is the process serving?": a busy or DB-starved server is taken out of
      // rotation by readiness, not restarted (which would also cut its in-flight runs).
      liveness: probe.default({ handler: 'tcp', path: '/ok', initialDelaySeconds: 0, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4, successThreshold: 1 }),
    })
    .default({
      startup: { handler: 'http', path: '/ok', initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 60, successThreshold: 1 },
      readiness: { handler: 'http', path: '/ok', initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2, successThreshold: 1 },
      liveness: { handler: 'tcp', path: '/ok', initialDelaySeconds: 0, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4, successThreshold: 1 },
    }),
  /** Long enough for the server to finish in-flight runs after SIGTERM. */
  terminationGracePeriodSeconds: z.number().int().min(30).max(3600).default(180),
  /**
   * Seconds of the grace period kept back from the server's run drain
   * (BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS = grace − margin) for SIGTERM delivery, cancelling and
   * re-queueing unfinished runs, closing pools; the sidecar stays up through it (src/constructs/shutdown.ts).
   */
  shutdownMarginSeconds: z.number().int().min(MIN_SHUTDOWN_MARGIN_SECONDS).max(600).default(DEFAULT_SHUTDOWN_MARGIN_SECONDS),
  /** Postgres connection pool per server process and this workflow's share of max_connections. */
  database: databaseSchema,
  /** This workflow's workload profile and coefficients for `npm run plan`, over the environment's `capacity`. */
  capacity: workflowCapacitySchema,
  rollingUpdate: z
    .strictObject({ maxSurge: z.number().int().min(0), maxUnavailable: z.number().int().min(0) })
    .default({ maxSurge: 1, maxUnavailable: 0 }),
  /** Plain, non-secret environment variables. Secret-like names are refused. */
  env: z.record(envVarName, z.string()).default({}),
  /** Application config, rendered into a ConfigMap mounted read-only at /etc/langgraph. */
  appConfig: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/, 'a file name (letters, digits, "-", "_", ".")'), z.string()).default({}),
  secret: secretRefs.default({ keys: { databaseUri: 'database-uri', redisUri: 'redis-uri', langsmithApiKey: 'langsmith-api-key', extra: {} } }),
  delivery,
  /**
   * Kubernetes API access for apps that need it (the LangGraph server does not): a Role with
   * exactly these rules, bound to the app's ServiceAccount. No wildcards, never secrets.
   */
  apiAccess: z
    .array(z.strictObject({
      apiGroups: z.array(z.string()).min(1),
      resources: z.array(z.string().min(1)).min(1),
      verbs: z.array(z.enum(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'])).min(1),
      resourceNames: z.array(z.string().min(1)).optional(),
    }))
    .default([]),
  /** Priority and spot-friendly placement. */
  scheduling: schedulingSchema,
  /** In-mesh callers allowed to reach the API besides the gateway (mesh environments). */
  meshCallers: meshCallersSchema,
  /** Materialize the Secret from a secret manager with External Secrets (off: a pre-existing Secret). */
  externalSecret: externalSecretSchema,
  /** VerticalPodAutoscaler, recommendation-only by default. */
  vpa: vpaSchema,
  /** Istio local rate limit on the API's inbound traffic (mesh only; off by default). */
  rateLimit: rateLimitSchema,
  /** Queue workers running the same image in queue mode (off by default; never scaled to zero). */
  workers: queueWorkersSchema,
  /** envFrom, init containers, sidecars and extra volumes. */
  pod: podExtrasSchema,
  slo: slo.default({ availability: 0.999, latency: 0.99, latencyThresholdSeconds: 2 }),
  alerts: alertThresholds.default({
    errorRatio: 0.05, p95LatencySeconds: 2, memoryLimitRatio: 0.9, postgresConnectionRatio: 0.8, llmFailuresPerSecond: 0.1,
  }),
});
export type WorkflowSettings = z.infer<typeof workflowSettingsSchema>;

// ---------------------------------------------------------------- environment

/** A NetworkPolicy peer: CIDR or selectors (NetworkPolicy cannot match hostnames). */
const peer = z.union([
  z.strictObject({ cidr, except: z.array(cidr).default([]) }),
  z.strictObject({
    namespaceSelector: labelMap.optional(),
    podSelector: labelMap.optional(),
  }),
]);

const egressTarget = z.strictObject({
  port: z.number().int().min(1).max(65535),
  to: z.array(peer).min(1),
});

/**
 * The one SLI contract shared by canary analysis, alerts, SLOs and dashboard. Defaults to the
 * LangGraph server's own per-pod metrics (src/observability/metric-catalog/langgraph-server.ts),
 * which exist with and without the mesh. Every selector is scoped by the scrape's `namespace`
 * (and `job` or the canary's `rollouts_pod_template_hash`), never by a Service label.
 */
const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a Prometheus metric name such as lg_api_http_requests_total');
const promLabelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name such as path');
export const SLI_DEFAULTS = {
  requestMetric: REQUESTS_TOTAL,
  latencyHistogram: `${REQUEST_LATENCY}_bucket`,
  latencyUnit: 'milliseconds' as const,
  latencyBuckets: [...SERVER_LATENCY_BUCKETS_MS],
  statusCodeLabel: 'status',
  routeLabel: 'path',
  longLivedRoutes: [...LONG_LIVED_ROUTES],
  matchers: {} as Record<string, string>,
  runOutcomes: { enabled: true, succeededMetric: RUN_SUCCESS_TOTAL, failedMetric: RUN_FAILED_TOTAL },
};
const sli = z.strictObject({
  /** Counter of HTTP requests with a status label. */
  requestMetric: metricName.default(SLI_DEFAULTS.requestMetric),
  /** Histogram (the `_bucket` series) of request durations. */
  latencyHistogram: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*_bucket$/, 'the _bucket series of a histogram').default(SLI_DEFAULTS.latencyHistogram),
  latencyUnit: z.enum(['milliseconds', 'seconds']).default('milliseconds'),
  /** Finite `le` boundaries of the histogram, in its unit (the latency SLO counts requests per bucket). */
  latencyBuckets: z.array(z.number().positive()).min(1).default(SLI_DEFAULTS.latencyBuckets),
  /** Label holding the HTTP status code. */
  statusCodeLabel: promLabelName.default('status'),
  /** Label holding the route template; `longLivedRoutes` are matched on it (set `longLivedRoutes: []` for metrics without one). */
  routeLabel: promLabelName.default('path'),
  /**
   * Routes excluded from the latency SLI because their response stays open while a run executes.
   * @default the server's always-long-lived routes (test/fixtures/signals/streaming-routes.json)
   */
  longLivedRoutes: z.array(z.string().min(1)).default(SLI_DEFAULTS.longLivedRoutes),
  /** Extra fixed matchers, e.g. { reporter: destination } for an Istio view. */
  matchers: labelMap.default({}),
  /**
   * Run outcomes: a failed run answers HTTP 200, so the success SLI also counts failed runs.
   * The server publishes these with EXPOSE_INTERNAL_METRICS_PROMETHEUS=true, which is rendered.
   */
  runOutcomes: z
    .strictObject({
      enabled: z.boolean().default(true),
      succeededMetric: metricName.default(RUN_SUCCESS_TOTAL),
      failedMetric: metricName.default(RUN_FAILED_TOTAL),
    })
    .default(SLI_DEFAULTS.runOutcomes),
});
export type Sli = z.infer<typeof sli>;

const waiver = z.strictObject({
  /** Rule or scanner check id, e.g. `policy/single-replica` or `kube-score/deployment-has-host-podantiaffinity`. */
  rule: z.string().min(1),
  kind: z.string().min(1),
  /** Object name; `<workflow>` is replaced by each workflow's name. */
  name: z.string().min(1),
  reason: z.string().min(20, 'say why in a sentence (at least 20 characters)'),
});
export type Waiver = z.infer<typeof waiver>;

/**
 * config/waivers.yaml: the one reviewed list of every exception in the project, each naming the
 * environments it applies to (default: all). The loader hands each environment its own entries.
 */
export const waiversFileSchema = z.strictObject({
  waivers: z.array(waiver.extend({ environments: z.array(dnsLabel).min(1).optional() })).default([]),
});

export const environmentSchema = z.strictObject({
  name: dnsLabel,
  cluster: z.strictObject({
    /** API server URL of this environment's cluster (Argo CD destination). */
    server: url,
  }),
  /**
   * `development`: hand-made Secrets and no licence key are accepted. `production` (every other
   * environment): the gate requires each referenced Secret to come from an ExternalSecret or from
   * `existingSecrets`, and the licence key on every server container.
   */
  tier: z.enum(['development', 'production']).default('production'),
  /**
   * Secrets created outside this repository that pods may reference in a production-tier
   * environment; `<workflow>` in a name is replaced by each workflow's name.
   */
  existingSecrets: z
    .array(z.strictObject({
      name: z.string().regex(/^[a-z0-9<>]([-a-z0-9<>.]*[a-z0-9<>])?$/, 'a Secret name (may contain <workflow>)'),
      managedBy: z.string().min(10, 'name who creates and rotates it (at least 10 characters)'),
    }))
    .default([]),
  mesh: z.strictObject({
    enabled: z.boolean(),
    /**
     * Seconds the sidecar keeps serving after SIGTERM, for every pod of the environment.
     * @default - derived per pod from its grace period, so it outlives the server's drain (src/constructs/shutdown.ts)
     */
    terminationDrainSeconds: positiveInt.optional(),
  }),
  namespaces: z
    .strictObject({
      istio: dnsLabel.default('istio-system'),
      /** Where the Istio ingress gateway (or ingress controller) runs. */
      ingress: dnsLabel.default('istio-ingress'),
      monitoring: dnsLabel.default('monitoring'),
      argocd: dnsLabel.default('argocd'),
      dns: dnsLabel.default('kube-system'),
    })
    .default({ istio: 'istio-system', ingress: 'istio-ingress', monitoring: 'monitoring', argocd: 'argocd', dns: 'kube-system' }),
  images: z
    .strictObject({
      /** Allow `repository:tag` without a digest (dev only). `latest` is never allowed. */
      allowTags: z.boolean().default(false),
    })
    .default({ allowTags: false }),
  egress: z.strictObject({
    postgres: egressTarget,
    redis: egressTarget,
    /** LLM provider API hosts; with the mesh, failed calls to them raise an alert. */
    llmHosts: z.array(hostname).default([]),
    /** External HTTPS APIs (LLM providers, LangSmith): port, excluded ranges, optional narrowing to CIDRs. */
    https: httpsEgressSchema,
    /** DNS resolvers the pods may reach (kube-dns pods, NodeLocal DNSCache, explicit CIDRs). */
    dns: dnsEgressSchema,
  }),
  /** How external traffic enters: an Istio Gateway with the mesh, an Ingress without it. */
  entry: z.strictObject({
    /**
     * `gateway` (Istio Gateway; needs the mesh) or `ingress` (Kubernetes Ingress; only without the
     * mesh and without canaries). @default gateway with the mesh, ingress without
     */
    type: z.enum(['gateway', 'ingress']).optional(),
    /** Hostnames default to `<workflow>.<domain>`. */
    domain: hostname,
    /** TLS certificate Secret; `<workflow>` is replaced by the workflow name. With the mesh it lives in the gateway's namespace. */
    tlsSecretName: z.string().regex(/^[a-z0-9<>]([-a-z0-9<>]*[a-z0-9<>])?$/, 'a Secret name such as <workflow>-tls').default('<workflow>-tls'),
    /** Labels of the Istio ingress gateway pods (mesh environments). */
    gatewaySelector: labelMap.default({ istio: 'ingressgateway' }),
    /** IngressClass (environments without the mesh). */
    ingressClassName: z.string().default('nginx'),
    /** Requests per second per client IP at the ingress controller (ingress-nginx). */
    ingressRateLimitRps: positiveInt.default(20),
  }),
  rbac: z.strictObject({
    /** Group given read-only access to every workflow namespace. */
    oncallGroup: z.string().min(1),
  }),
  monitoring: z.strictObject({
    /** Labels the cluster's Prometheus uses to select monitors and rules. */
    selectorLabels: labelMap.default({ release: 'prometheus' }),
    /** Prometheus address used by the canary analysis. */
    prometheusAddress: url,
    /** URL of docs/runbooks.md in this repository (no #fragment); alerts link to its sections. */
    runbookBaseUrl: url,
    /** Scrape interval of the PodMonitor. */
    scrapeInterval: z.string().regex(/^\d+[sm]$/, 'a duration such as "30s"').default('30s'),
    /** postgres_exporter / redis_exporter jobs; the database alerts exist only for those named. */
    exporters: z
      .strictObject({
        postgres: z.strictObject({ job: z.string().min(1), namespace: dnsLabel.optional() }).optional(),
        redis: z.strictObject({ job: z.string().min(1), namespace: dnsLabel.optional() }).optional(),
      })
      .default({}),
    /**
     * A counter of failed LLM-provider calls exported by the application, for environments where
     * the mesh cannot see provider responses. @default - the mesh's egress metrics (mesh only)
     */
    llmFailureCounter: z.strictObject({ metric: z.string().min(1), matchers: labelMap.default({}) }).optional(),
  }),
  /** @default the LangGraph server's own metrics (SLI_DEFAULTS) */
  sli: sli.default(SLI_DEFAULTS),
  /**
   * Per-workflow knobs (the shape of workflowSettingsSchema, partially); each catalog entry may
   * override any of them. Checked after merging, per workflow, so errors name the workflow.
   */
  workflowDefaults: z.record(z.string(), z.unknown()).default({}),
  /** STRICT mTLS and AuthorizationPolicies (default: on wherever the mesh is). */
  meshSecurity: meshSecuritySchema,
  /** ServiceEntries, DestinationRules and VirtualServices for external services (mesh only). */
  meshEgress: meshEgressSchema,
  /** KEDA is installed: queue workers scale on pending runs with a ScaledObject. */
  keda: kedaSchema,
  /** In-cluster Postgres and Redis for development (off by default; never in prod). */
  dataStores: dataStoresSchema,
  /**
   * Workload profile, coefficients and prices for `npm run plan`; with `applyToEnvironment` the
   * HPA bounds of every workflow come from the plan. @default - the playbook's reference profile
   */
  capacity: capacitySchema.optional(),
  /** This environment's exceptions, filled in from config/waivers.yaml (not set in environment files). */
  waivers: z.array(waiver).default([]),
  /** How the central Argo CD syncs this environment's dist/<env> (docs/argocd.md). */
  gitops: gitopsSchema,
});
export type Environment = z.infer<typeof environmentSchema>;

// ---------------------------------------------------------------- workflow catalog

/** Overrides are checked after merging (against workflowSettingsSchema); here they only need to be objects. */
const overrides = z.record(z.string(), z.unknown());

export const workflowSchema = z.strictObject({
  name: z
    .string()
    .max(WORKFLOW_NAME_MAX, `at most ${WORKFLOW_NAME_MAX} characters, so derived names such as <workflow>-api-canary stay within 63`)
    .regex(WORKFLOW_NAME_PATTERN, 'lower-case letters, digits and "-", starting with a letter and ending with a letter or digit'),
  /** Namespace of the workflow. Default: the workflow name. */
  namespace: dnsLabel.optional(),
  description: z.string().optional(),
  owner: z.strictObject({
    team: dnsLabel,
    email: z.email(),
    /** Identity-provider group bound to the workflow's people Role. */
    group: z.string().min(1),
  }),
  /** Container image; environments may override it (e.g. a tag in dev). */
  image: image.partial().default({}),
  /** Application version, rendered as app.kubernetes.io/version. */
  version: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/, 'a label value such as 1.4.2'),
  overrides: overrides.default({}),
  environments: z.record(dnsLabel, overrides).default({}),
});
export type Workflow = z.infer<typeof workflowSchema>;

export const catalogSchema = z.strictObject({
  workflows: z.array(workflowSchema).min(1),
});
export type Catalog = z.infer<typeof catalogSchema>;
