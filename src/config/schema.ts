/**
 * The configuration contract: one zod schema from which the TypeScript types
 * and the editor JSON Schema are derived. Everything here is plain data.
 *
 * Layers (deep-merged, later wins; arrays replace):
 *   config/defaults.yaml ⊕ config/environments/<env>.yaml       → Environment
 *   Environment.workflowDefaults ⊕ workflow.overrides ⊕ workflow.environments[env] → WorkflowSettings
 */
import type { AlertThresholds, CanaryAnalysisSettings, SliContract, SloObjectives } from '../observability/contracts';
import { z } from 'zod';
import { gitopsSchema, workflowGitopsSchema } from './features/gitops';
import { podExtrasSchema, schedulingSchema } from './features/pod';
import { meshCallersSchema, meshSecuritySchema } from './features/mesh-security';
import { authSchema } from './features/auth';
import { meshEgressSchema } from './features/mesh-egress';
import { dnsEgressSchema, httpsEgressSchema } from './features/network-egress';
import { externalSecretSchema } from './features/external-secret';
import { vpaSchema } from './features/vpa';
import { imagesSchema } from './features/images';
import { extraMetadataSchema } from './features/extra-metadata';
import { apiServiceSchema } from './features/api-service';
import { serverHttpSchema } from './features/server-http';
import { rateLimitSchema } from './features/rate-limit';
import { queueWorkersSchema } from './features/queue-workers';
import { kedaSchema } from './features/keda';
import { dataStoresSchema } from './features/data-stores';
import { capacitySchema, workflowCapacitySchema } from './features/capacity';
import { databaseSchema, LANGGRAPH_SERVER_RESOURCES } from './features/database';
import { DIGEST, DIGEST_FORMAT } from '../constructs/validations/image';
import { dataProtectionSchema } from './features/data-protection';
// The constructs' defaults are the config's defaults: one home each (the YAML only overrides).
import { DEFAULT_SHUTDOWN_MARGIN_SECONDS, DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, MIN_SHUTDOWN_MARGIN_SECONDS } from '../constructs/shutdown';
import { DEFAULT_CPU_UTILIZATION, DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP } from '../constructs/autoscaler';
import {
  DEFAULT_ALERT_THRESHOLDS, DEFAULT_CANARY_ANALYSIS, DEFAULT_CANARY_ROUTE_NAME, DEFAULT_CANARY_STEPS, DEFAULT_ENTRY, DEFAULT_MONITORING,
  DEFAULT_PLATFORM_NAMESPACES, DEFAULT_PROBE_TIMING, DEFAULT_PROBES, DEFAULT_ROLLING_UPDATE, DEFAULT_SECRET_KEYS, DEFAULT_SLI, DEFAULT_SLO,
  EntryType,
} from '../constructs/langgraph-workflow';

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
  cpu: cpuQuantity.meta({ description: 'CPU in cores (`"1.5"`) or millicores (`"250m"`).' }),
  memory: byteQuantity.meta({ description: 'Memory in binary units (`Mi`, `Gi`).' }),
  ephemeralStorage: gibibytes.meta({ description: 'Local scratch disk (logs, temp files) in whole GiB; the kubelet evicts a pod that exceeds its limit.' }),
});

const probe = z.strictObject({
  handler: z.enum(['http', 'tcp']).default(DEFAULT_PROBE_TIMING.handler).meta({ description: '`http`: GET `path` on the http port; `tcp`: the port accepts connections (process alive).' }),
  path: z.string().regex(/^\//, 'an HTTP path starting with "/"').default(DEFAULT_PROBE_TIMING.path).meta({ description: 'HTTP path the `http` handler GETs. `/ok` is the LangGraph server\'s health route (it also checks the database).' }),
  initialDelaySeconds: seconds.default(DEFAULT_PROBE_TIMING.initialDelaySeconds).meta({ description: 'Seconds after the container starts before the first probe.' }),
  periodSeconds: positiveInt.default(DEFAULT_PROBE_TIMING.periodSeconds).meta({ description: 'Seconds between probes.' }),
  timeoutSeconds: positiveInt.default(DEFAULT_PROBE_TIMING.timeoutSeconds).meta({ description: 'Seconds one probe may take before it counts as failed.' }),
  failureThreshold: positiveInt.default(DEFAULT_PROBE_TIMING.failureThreshold).meta({ description: 'Consecutive failures before the kubelet acts (startup/liveness: restart; readiness: out of rotation). Startup tolerates failureThreshold × periodSeconds of boot time.' }),
  successThreshold: positiveInt.default(DEFAULT_PROBE_TIMING.successThreshold).meta({ description: 'Consecutive successes to count as healthy again (Kubernetes requires 1 for startup and liveness).' }),
});

const scalingRule = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600).meta({ description: 'The HPA acts on the most conservative recommendation of this many past seconds, so brief dips or spikes do not flap replicas.' }),
  percent: z.number().int().min(1).max(1000).meta({ description: 'At most this percentage of the current replicas added (scale-up) or removed (scale-down) per period.' }),
  periodSeconds: z.number().int().min(1).max(1800).meta({ description: 'Length of the period the `percent` limit applies to, in seconds.' }),
});

const autoscaling = z.strictObject({
  minReplicas: positiveInt.meta({ description: 'Fewest API pods the HPA keeps; 2 or more keeps one serving while another is drained (the gate flags a single replica in production).' }),
  maxReplicas: positiveInt.meta({ description: 'Most API pods the HPA may run. Bounds cost and the Postgres connections the workflow can open (maxReplicas × database.poolMaxSize).' }),
  cpuUtilization: percent.default(DEFAULT_CPU_UTILIZATION).meta({ description: 'Target average CPU utilization, in percent of the requested CPU, that the HPA scales the API to.' }),
  memoryUtilization: percent.optional().meta({ description: 'Memory target, off unless configured on purpose: a Python server keeps its heap after load falls, so a memory target only ever scales up (and pins replicas at the maximum). Requires `memoryUtilizationReason`. Default: no memory target.' }),
  memoryUtilizationReason: z.string().min(20, 'say why in a sentence (at least 20 characters)').optional().meta({ description: 'Why this workflow\'s memory does track load (required with memoryUtilization).' }),
  scaleUp: scalingRule.default({ ...DEFAULT_SCALE_UP }).meta({ description: 'How fast the HPA adds pods (HorizontalPodAutoscaler `behavior.scaleUp`).' }),
  scaleDown: scalingRule.default({ ...DEFAULT_SCALE_DOWN }).meta({ description: 'How fast the HPA removes pods; slow by default so a removed pod can finish its runs within the grace period.' }),
  queueDepth: z
    .strictObject({
      metric: z.string().meta({ description: 'External metric name as the adapter serves it, e.g. `lg_api_num_pending_runs`.' }),
      selector: labelMap.default({}).meta({ description: 'Label matchers selecting this workflow\'s series of the metric.' }),
      averageValue: positiveInt.meta({ description: 'Queue length per replica the HPA aims for (the metric divided by the replica count).' }),
    })
    .optional()
    .meta({ description: 'External metric on the run queue (e.g. lg_api_num_pending_runs), served by an external-metrics adapter that aggregates it with `max` across pods (every pod reports the same queue-wide value; docs/observability.md has the adapter rule). The HPA divides it by the replica count. Off by default. (A `Pods` metric on a queue-wide gauge averages it per pod and scales to the maximum: the gate refuses one.)' }),
});

/**
 * With `keys` left out: the constructs' keys, tracing included, the licence key not (the gate
 * requires it in production-tier environments; development may run without one).
 */
const SECRET_KEYS_DEFAULT = {
  databaseUri: DEFAULT_SECRET_KEYS.databaseUri, redisUri: DEFAULT_SECRET_KEYS.redisUri, langsmithApiKey: DEFAULT_SECRET_KEYS.langsmithApiKey,
  extra: {} as Record<string, string>,
};

const secretRefs = z.strictObject({
  name: dnsLabel.optional().meta({ description: 'Name of the pre-existing Secret in the workflow\'s namespace. Default: `<workflow>-secrets`.' }),
  keys: z
    .strictObject({
      databaseUri: secretKey.default(DEFAULT_SECRET_KEYS.databaseUri).meta({ description: 'Key holding the Postgres URI (DATABASE_URI).' }),
      redisUri: secretKey.default(DEFAULT_SECRET_KEYS.redisUri).meta({ description: 'Key holding the Redis URI (REDIS_URI).' }),
      langsmithApiKey: secretKey.optional().meta({ description: 'LangSmith tracing (and, for the Lite server, its licence check at start).' }),
      licenseKey: secretKey.optional().meta({ description: 'LANGGRAPH_CLOUD_LICENSE_KEY, which the server reads at start (langgraph_api/config/__init__.py of 0.16.7, line 536); required in production-tier environments.' }),
      extra: z.record(envVarName, secretKey).default({}).meta({ description: 'Further env vars from the same Secret, e.g. LLM provider keys: `{ OPENAI_API_KEY: openai-api-key }`.' }),
    })
    .default(SECRET_KEYS_DEFAULT).meta({ description: 'Secret data keys. Only references are rendered, never values.' }),
});

const canaryStep = z.strictObject({
  setWeight: z.number().int().meta({ description: 'Percentage of traffic routed to the canary at this step (0–100).' }),
  pauseSeconds: z.number().int().optional().meta({ description: 'Pause after this step, in seconds; omit for none.' }),
});

/** The construct's steps, as the mutable copy zod's types ask for. */
const CANARY_STEPS_DEFAULT = DEFAULT_CANARY_STEPS.map((step) => ({ ...step }));

const delivery = z.strictObject({
  strategy: z.enum(['rolling', 'canary']).meta({ description: '`rolling`: a Deployment rolling update. `canary`: an Argo Rollout shifting traffic step by step, with analysis against the SLO (needs the mesh).' }),
  canary: z
    .strictObject({
      steps: z.array(canaryStep).min(1).default(CANARY_STEPS_DEFAULT).meta({ description: 'Traffic steps in order; the Rollout promotes fully after the last.' }),
      routeName: dnsLabel.default(DEFAULT_CANARY_ROUTE_NAME).meta({ description: 'Name of the VirtualService HTTP route that Argo Rollouts rewrites.' }),
      handOver: z.boolean().default(false).meta({ description: 'Switching a live workflow from rolling to canary: `true` for the release that switches, so the serving Deployment keeps its pods and the Rollout scales it down only as its own pods become ready (`workloadRef.scaleDown: progressively`); back to `false` once the Rollout is Healthy. docs/delivery.md "Switching strategy".' }),
      analysis: z
        .strictObject({
          intervalSeconds: positiveInt.default(DEFAULT_CANARY_ANALYSIS.intervalSeconds).meta({ description: 'Seconds between analysis measurements.' }),
          failureLimit: z.number().int().min(0).default(DEFAULT_CANARY_ANALYSIS.failureLimit).meta({ description: 'Failed measurements tolerated; one more aborts the rollout.' }),
          consecutiveErrorLimit: z.number().int().min(0).default(DEFAULT_CANARY_ANALYSIS.consecutiveErrorLimit).meta({ description: 'Consecutive measurement errors (Prometheus unreachable, bad query) tolerated before the analysis errors out.' }),
          // The thresholds are the workflow's `slo` (availability, latency share under
          // latencyThresholdSeconds), never a second constant here.
          inconclusiveLimit: z.number().int().min(0).default(DEFAULT_CANARY_ANALYSIS.inconclusiveLimit).meta({ description: 'Inconclusive measurements (a quiet canary: fewer than minRequestCount requests or runs in the window) tolerated; one more makes the AnalysisRun Inconclusive, which pauses the Rollout.' }),
          minRequestCount: z.number().int().min(1).default(DEFAULT_CANARY_ANALYSIS.minRequestCount).meta({ description: 'Below this many requests (runs, for the run metric) in the window a measurement is inconclusive, never a pass.' }),
          window: z.string().regex(/^\d+[smh]$/, 'a PromQL duration such as "2m"').default(DEFAULT_CANARY_ANALYSIS.window).meta({ description: 'Query window, e.g. 2m (a PromQL duration).' }),
        })
        .default({ ...DEFAULT_CANARY_ANALYSIS }).meta({ description: 'Background analysis of the canary\'s success rate and latency against the workflow\'s `slo`; failing it aborts the rollout.' }),
    })
    .default({ steps: CANARY_STEPS_DEFAULT, routeName: DEFAULT_CANARY_ROUTE_NAME, handOver: false, analysis: { ...DEFAULT_CANARY_ANALYSIS } })
    .meta({ description: 'The canary\'s traffic steps and analysis, used where `strategy` is `canary`.' }),
});

const slo = z.strictObject({
  availability: z.number().gt(0).lt(1).default(DEFAULT_SLO.availability).meta({ description: 'Availability objective as a ratio, e.g. 0.999.' }),
  latency: z.number().gt(0).lt(1).default(DEFAULT_SLO.latency).meta({ description: 'Latency objective: this share of requests completes under `latencyThresholdSeconds`.' }),
  latencyThresholdSeconds: z.number().positive().default(DEFAULT_SLO.latencyThresholdSeconds).meta({ description: 'The latency objective\'s threshold: requests faster than this count as good. It must be a bucket boundary of the SLI histogram (the server\'s: 0.01, 0.1, 0.5, 1, 5, 15 s, …), where the share is measured exactly.', examples: [5] }),
});

const alertThresholds = z.strictObject({
  errorRatio: z.number().gt(0).lt(1).default(DEFAULT_ALERT_THRESHOLDS.errorRatio).meta({ description: 'Share of 5xx responses above which the error-ratio alert fires.' }),
  p95LatencySeconds: z.number().positive().default(DEFAULT_ALERT_THRESHOLDS.p95LatencySeconds).meta({ description: 'p95 request latency, in seconds, above which the latency alert fires.' }),
  memoryLimitRatio: z.number().gt(0).lte(1).default(DEFAULT_ALERT_THRESHOLDS.memoryLimitRatio).meta({ description: 'Share of the memory limit above which the memory alert fires (before the OOM kill).' }),
  postgresConnectionRatio: z.number().gt(0).lte(1).default(DEFAULT_ALERT_THRESHOLDS.postgresConnectionRatio).meta({ description: 'Share of max_connections above which the connection-pool alert fires.' }),
  llmFailuresPerSecond: z.number().positive().default(DEFAULT_ALERT_THRESHOLDS.llmFailuresPerSecond).meta({ description: 'Failed upstream (LLM) calls per second above which the provider alert fires.' }),
});

const image = z.strictObject({
  repository: z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, 'an image repository such as registry.example.com/team/app').meta({ description: 'Image repository without tag or digest.', examples: ['registry.example.com/langgraph/support-agent'] }),
  digest: z.string().regex(DIGEST, DIGEST_FORMAT).optional().meta({ description: 'Image digest; pins the exact bytes. Required unless the environment sets `images.allowTags`.', examples: ['sha256:0f4c1e2a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e'] }),
  tag: z.string().regex(/^[\w][\w.-]{0,127}$/, 'a valid image tag').optional().meta({ description: 'Image tag; only where the environment sets `images.allowTags` (never `latest`).' }),
});

const hostname = z
  .string()
  .max(253)
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, 'a DNS hostname such as support-agent.example.com');

export const workflowSettingsSchema = z.strictObject({
  image: image.meta({ description: 'The LangGraph server image the API (and workers) run.' }),
  hostname: hostname.optional().meta({ description: 'External hostname. Default: `<workflow>.<entry.domain>`.' }),
  autoscaling: autoscaling.meta({ description: 'HorizontalPodAutoscaler of the API.' }),
  resources: z.strictObject({ requests: resourceAmounts.meta({ description: 'What the scheduler reserves per server container; the HPA\'s utilization is relative to it.' }), limits: resourceAmounts.meta({ description: 'Ceiling per server container: CPU above it is throttled, memory above it is OOM-killed.' }) }).default(LANGGRAPH_SERVER_RESOURCES).meta({ description: 'Requests and limits of the server container.' }),
  probes: z
    .strictObject({
      startup: probe.default({ ...DEFAULT_PROBES.startup }).meta({ description: 'Holds off the other probes until the server has booted (migrations, graph loading).' }),
      readiness: probe.default({ ...DEFAULT_PROBES.readiness }).meta({ description: 'Takes a pod out of the Service while it fails (e.g. the database is unreachable).' }),
      // Liveness only asks "is the process serving?": a busy or DB-starved server is taken out of
      // rotation by readiness, not restarted (which would also cut its in-flight runs).
      liveness: probe.default({ ...DEFAULT_PROBES.liveness }).meta({ description: 'Restarts the container when it fails; TCP by default so a busy or DB-starved server is not restarted mid-run.' }),
    })
    .default({ startup: { ...DEFAULT_PROBES.startup }, readiness: { ...DEFAULT_PROBES.readiness }, liveness: { ...DEFAULT_PROBES.liveness } }).meta({ description: 'Startup, readiness and liveness probes of the server container.' }),
  terminationGracePeriodSeconds: z.number().int().min(30).max(3600).default(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS).meta({ description: 'Long enough for the server to finish in-flight runs after SIGTERM.' }),
  shutdownMarginSeconds: z.number().int().min(MIN_SHUTDOWN_MARGIN_SECONDS).max(600).default(DEFAULT_SHUTDOWN_MARGIN_SECONDS).meta({ description: 'Seconds of the grace period kept back from the server\'s run drain (BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS = grace − margin) for SIGTERM delivery, cancelling and re-queueing unfinished runs, closing pools; the sidecar stays up through it (src/constructs/shutdown.ts).' }),
  database: databaseSchema.meta({ description: 'Postgres connection pool per server process and this workflow\'s share of max_connections.' }),
  capacity: workflowCapacitySchema.meta({ description: 'This workflow\'s workload profile and coefficients for `npm run plan`, over the environment\'s `capacity`.' }),
  rollingUpdate: z
    .strictObject({ maxSurge: z.number().int().min(0).meta({ description: 'Extra pods allowed above the desired count during a rollout.' }), maxUnavailable: z.number().int().min(0).meta({ description: 'Pods allowed below the desired count during a rollout; 0 keeps full capacity.' }) })
    .default({ ...DEFAULT_ROLLING_UPDATE }).meta({ description: 'Rolling-update budget of the API Deployment (strategy `rolling`).' }),
  env: z.record(envVarName, z.string()).default({}).meta({ description: 'Plain, non-secret environment variables. Secret-like names are refused.' }),
  appConfig: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/, 'a file name (letters, digits, "-", "_", ".")'), z.string()).default({}).meta({ description: 'Application config, rendered into a ConfigMap mounted read-only at /etc/langgraph.' }),
  secret: secretRefs.default({ keys: { ...SECRET_KEYS_DEFAULT } }).meta({ description: 'The Kubernetes Secret holding the server\'s credentials, and which of its keys feed which variable.' }),
  delivery: delivery.meta({ description: 'How a new version reaches production: rolling update or canary.' }),
  apiAccess: z
    .array(z.strictObject({
      apiGroups: z.array(z.string()).min(1).meta({ description: 'API groups of the rule (`""` is the core group).' }),
      resources: z.array(z.string().min(1)).min(1).meta({ description: 'Resource types, e.g. `configmaps`; no wildcards and never `secrets`.' }),
      verbs: z.array(z.enum(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'])).min(1).meta({ description: 'Allowed verbs.' }),
      resourceNames: z.array(z.string().min(1)).optional().meta({ description: 'Restrict the rule to these object names. Default: any object of the resources.' }),
    }))
    .default([]).meta({ description: 'Kubernetes API access for apps that need it (the LangGraph server does not): a Role with exactly these rules, bound to the app\'s ServiceAccount. No wildcards, never secrets.' }),
  scheduling: schedulingSchema.meta({ description: 'Priority and spot-friendly placement.' }),
  auth: authSchema.meta({ description: 'Authentication at the edge: a JWT checked by the API pods\' sidecars, an external authorizer, or none (refused in production-tier environments unless waived). Mesh only.' }),
  meshCallers: meshCallersSchema.meta({ description: 'In-mesh callers allowed to reach the API besides the gateway (mesh environments): the AuthorizationPolicy admits these identities, and the NetworkPolicy `<workflow>-allow-from-mesh` their namespaces (by name) on the API port.' }),
  dataProtection: dataProtectionSchema.meta({ description: 'Encryption at rest (the AES key by Secret reference) and thread/store time-to-live, in the server\'s own format.' }),
  externalSecret: externalSecretSchema.meta({ description: 'Materialize the Secret from a secret manager with External Secrets (off: a pre-existing Secret).' }),
  vpa: vpaSchema.meta({ description: 'VerticalPodAutoscaler, recommendation-only by default.' }),
  rateLimit: rateLimitSchema.meta({ description: 'Istio local rate limit on the API\'s inbound traffic (mesh only; off by default).' }),
  workers: queueWorkersSchema.meta({ description: 'Queue workers running the same image in queue mode (off by default; never scaled to zero).' }),
  pod: podExtrasSchema.meta({ description: 'envFrom, init containers, sidecars and extra volumes.' }),
  http: serverHttpSchema.meta({ description: 'The server\'s HTTP settings (request body limit, route groups off, CORS, headers), rendered in the server\'s own format: LANGGRAPH_HTTP (JSON) and HTTP_MAX_REQUEST_BODY_BYTES.' }),
  service: apiServiceSchema.meta({ description: 'Type (ClusterIP by default) and annotations of the API Service.' }),
  metadata: extraMetadataSchema.meta({ description: 'Extra labels and annotations: on every object, on the API and worker pods, on the worker pods (never a key of the label contract or one the platform sets).' }),
  slo: slo.default({ ...DEFAULT_SLO }).meta({ description: 'Service-level objectives; the canary analysis, SLO recording rules and burn-rate alerts use them.' }),
  alerts: alertThresholds.default({ ...DEFAULT_ALERT_THRESHOLDS }).meta({ description: 'Thresholds of the workflow\'s Prometheus alerts.' }),
  gitops: workflowGitopsSchema.meta({ description: 'This workflow\'s Argo CD Application: its sync policy (default: the environment\'s).' }),
});
export type WorkflowSettings = z.infer<typeof workflowSettingsSchema>;

// ---------------------------------------------------------------- environment

/** A NetworkPolicy peer: CIDR or selectors (NetworkPolicy cannot match hostnames). */
const peer = z.union([
  z.strictObject({ cidr: cidr.meta({ description: 'IP range allowed.', examples: ['10.20.0.0/24'] }), except: z.array(cidr).default([]).meta({ description: 'Sub-ranges of `cidr` not allowed.' }) }),
  z.strictObject({
    namespaceSelector: labelMap.optional().meta({ description: 'Labels of the namespaces allowed (in-cluster peers).' }),
    podSelector: labelMap.optional().meta({ description: 'Labels of the pods allowed (in-cluster peers).' }),
  }),
]);

const egressTarget = z.strictObject({
  port: z.number().int().min(1).max(65535).meta({ description: 'TCP port of the service.' }),
  to: z.array(peer).min(1).meta({ description: 'Where it runs, as NetworkPolicy peers (CIDRs or selectors; NetworkPolicy cannot match hostnames).' }),
});

/**
 * The one SLI contract shared by canary analysis, alerts, SLOs and dashboard. Defaults to the
 * LangGraph server's own per-pod metrics (src/metric-catalog/langgraph-server.ts),
 * which exist with and without the mesh. Every selector is scoped by the scrape's `namespace`
 * (and `job` or the canary's `rollouts_pod_template_hash`), never by a Service label.
 */
const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a Prometheus metric name such as lg_api_http_requests_total');
const promLabelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name such as path');
/** The constructs' SLI default, as the config schema's defaults (mutable copies, as zod types them). */
export const SLI_DEFAULTS = {
  ...DEFAULT_SLI,
  latencyBuckets: [...DEFAULT_SLI.latencyBuckets],
  longLivedRoutes: [...DEFAULT_SLI.longLivedRoutes],
  matchers: { ...DEFAULT_SLI.matchers } as Record<string, string>,
  runOutcomes: { ...DEFAULT_SLI.runOutcomes },
};
const sli = z.strictObject({
  requestMetric: metricName.default(SLI_DEFAULTS.requestMetric).meta({ description: 'Counter of HTTP requests with a status label.' }),
  latencyHistogram: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*_bucket$/, 'the _bucket series of a histogram').default(SLI_DEFAULTS.latencyHistogram).meta({ description: 'Histogram (the `_bucket` series) of request durations.' }),
  latencyUnit: z.enum(['milliseconds', 'seconds']).default(SLI_DEFAULTS.latencyUnit).meta({ description: 'Unit of the histogram\'s `le` boundaries.' }),
  latencyBuckets: z.array(z.number().positive()).min(1).default(SLI_DEFAULTS.latencyBuckets).meta({ description: 'Finite `le` boundaries of the histogram, in its unit (the latency SLO counts requests per bucket).' }),
  statusCodeLabel: promLabelName.default(SLI_DEFAULTS.statusCodeLabel).meta({ description: 'Label holding the HTTP status code.' }),
  routeLabel: promLabelName.default(SLI_DEFAULTS.routeLabel).meta({ description: 'Label holding the route template; `longLivedRoutes` are matched on it (set `longLivedRoutes: []` for metrics without one).' }),
  longLivedRoutes: z.array(z.string().min(1)).default(SLI_DEFAULTS.longLivedRoutes).meta({ description: 'Routes excluded from the latency SLI because their response stays open while a run executes.' }),
  matchers: labelMap.default({}).meta({ description: 'Extra fixed matchers, e.g. { reporter: destination } for an Istio view.' }),
  runOutcomes: z
    .strictObject({
      enabled: z.boolean().default(true).meta({ description: 'Count failed runs against the success SLI.' }),
      succeededMetric: metricName.default(SLI_DEFAULTS.runOutcomes.succeededMetric).meta({ description: 'Counter of runs that succeeded.' }),
      failedMetric: metricName.default(SLI_DEFAULTS.runOutcomes.failedMetric).meta({ description: 'Counter of runs that failed.' }),
    })
    .default(SLI_DEFAULTS.runOutcomes).meta({ description: 'Run outcomes: a failed run answers HTTP 200, so the success SLI also counts failed runs. The server publishes these with EXPOSE_INTERNAL_METRICS_PROMETHEUS=true, which is rendered.' }),
});
export type Sli = z.infer<typeof sli>;

const waiver = z.strictObject({
  rule: z.string().min(1).meta({ description: 'Rule or scanner check id, e.g. `policy/single-replica` or `kube-score/deployment-has-host-podantiaffinity`.' }),
  kind: z.string().min(1).meta({ description: 'Kind of the object waived, e.g. `Deployment`.' }),
  name: z.string().min(1).meta({ description: 'Object name; `<workflow>` is replaced by each workflow\'s name.' }),
  reason: z.string().min(20, 'say why in a sentence (at least 20 characters)').meta({ description: 'Why the exception is acceptable, for the reviewer (a sentence).' }),
});
export type Waiver = z.infer<typeof waiver>;

/**
 * config/waivers.yaml: the one reviewed list of every exception in the project, each naming the
 * environments it applies to (default: all). The loader hands each environment its own entries.
 */
export const waiversFileSchema = z.strictObject({
  waivers: z.array(waiver.extend({ environments: z.array(dnsLabel).min(1).optional().meta({ description: 'Environments the waiver applies to. Default: all.' }) })).default([]).meta({ description: 'Every exception to the validation gate.' }),
});

/** The constructs' platform namespaces, and Argo CD's (a config concern: the gitops constructs take it as given). */
const NAMESPACE_DEFAULTS = {
  istio: DEFAULT_PLATFORM_NAMESPACES.istio, ingress: DEFAULT_PLATFORM_NAMESPACES.ingress, monitoring: DEFAULT_PLATFORM_NAMESPACES.monitoring,
  argocd: 'argocd', dns: DEFAULT_PLATFORM_NAMESPACES.dns,
};

export const environmentSchema = z.strictObject({
  name: dnsLabel.meta({ description: 'Environment name; must equal the file name (`environments/<name>.yaml`); output goes to `dist/<name>/`.' }),
  cluster: z.strictObject({
    server: url.meta({ description: 'API server URL of this environment\'s cluster (Argo CD destination).', examples: ['https://prod.k8s.example.com'] }),
  }).meta({ description: 'The cluster this environment deploys to.' }),
  tier: z.enum(['development', 'production']).default('production').meta({ description: '`development`: hand-made Secrets and no licence key are accepted. `production` (every other environment): the gate requires each referenced Secret to come from an ExternalSecret or from `existingSecrets`, the licence key on every server container, authentication at the edge for every workflow (`auth.mode` `jwt` or `external`) and no image from an example registry.' }),
  existingSecrets: z
    .array(z.strictObject({
      name: z.string().regex(/^[a-z0-9<>]([-a-z0-9<>.]*[a-z0-9<>])?$/, 'a Secret name (may contain <workflow>)').meta({ description: 'Secret name; `<workflow>` is replaced by each workflow\'s name.' }),
      managedBy: z.string().min(10, 'name who creates and rotates it (at least 10 characters)').meta({ description: 'Who creates and rotates it (team, tool), for the reviewer.' }),
    }))
    .default([]).meta({ description: 'Secrets created outside this repository that pods may reference in a production-tier environment; `<workflow>` in a name is replaced by each workflow\'s name.' }),
  mesh: z.strictObject({
    enabled: z.boolean().meta({ description: 'Pods get Istio sidecars; enables the gateway entry, mTLS, egress ServiceEntries and canaries.' }),
    terminationDrainSeconds: positiveInt.optional().meta({ description: 'Seconds the sidecar keeps serving after SIGTERM, for every pod of the environment. Default: derived per pod from its grace period, so it outlives the server\'s drain (src/constructs/shutdown.ts).' }),
  }).meta({ description: 'Istio service mesh.' }),
  namespaces: z
    .strictObject({
      istio: dnsLabel.default(NAMESPACE_DEFAULTS.istio).meta({ description: 'Istio control plane.' }),
      ingress: dnsLabel.default(NAMESPACE_DEFAULTS.ingress).meta({ description: 'Where the Istio ingress gateway (or ingress controller) runs.' }),
      monitoring: dnsLabel.default(NAMESPACE_DEFAULTS.monitoring).meta({ description: 'Prometheus, allowed to scrape the workflows.' }),
      argocd: dnsLabel.default(NAMESPACE_DEFAULTS.argocd).meta({ description: 'Argo CD, where its Application and AppProject objects live.' }),
      dns: dnsLabel.default(NAMESPACE_DEFAULTS.dns).meta({ description: 'Cluster DNS (kube-dns/CoreDNS) pods.' }),
    })
    .default({ ...NAMESPACE_DEFAULTS }).meta({ description: 'Namespaces of the platform components the workflows talk to.' }),
  images: imagesSchema.meta({ description: 'Image policy: tags, registry override, pull Secrets.' }),
  egress: z.strictObject({
    postgres: egressTarget.meta({ description: 'The Postgres the servers use (managed or in-cluster).' }),
    redis: egressTarget.meta({ description: 'The Redis the servers use.' }),
    llmHosts: z.array(hostname).default([]).meta({ description: 'LLM provider API hosts; with the mesh, failed calls to them raise an alert.', examples: [['api.openai.com', 'api.anthropic.com']] }),
    https: httpsEgressSchema.meta({ description: 'External HTTPS APIs (LLM providers, LangSmith): port, excluded ranges, optional narrowing to CIDRs.' }),
    dns: dnsEgressSchema.meta({ description: 'DNS resolvers the pods may reach (kube-dns pods, NodeLocal DNSCache, explicit CIDRs).' }),
  }).meta({ description: 'Where NetworkPolicies let the workloads connect outside their namespace.' }),
  entry: z.strictObject({
    type: z.enum(['gateway', 'ingress', 'gateway-api']).optional().meta({ description: '`gateway` (Istio Gateway + VirtualService; needs the mesh), `ingress` (Kubernetes Ingress; only without the mesh and without canaries) or `gateway-api` (a Gateway API HTTPRoute per workflow on the environment\'s Gateway, rendered once in `_shared`; with or without the mesh, not with canaries). Default: gateway with the mesh, ingress without.' }),
    domain: hostname.meta({ description: 'Hostnames default to `<workflow>.<domain>`.', examples: ['agents.example.com'] }),
    tlsSecretName: z.string().regex(/^[a-z0-9<>]([-a-z0-9<>]*[a-z0-9<>])?$/, 'a Secret name such as <workflow>-tls').default(DEFAULT_ENTRY.tlsSecretName).meta({ description: 'TLS certificate Secret; `<workflow>` is replaced by the workflow name. With `gateway` and `gateway-api` it lives in the gateway\'s namespace (`namespaces.ingress`), with `ingress` in the workflow\'s.' }),
    gatewaySelector: labelMap.optional().meta({ description: `Labels of the Istio ingress gateway pods (entry type \`gateway\` only). Default: \`${Object.entries(DEFAULT_ENTRY.gatewaySelector).map(([k, v]) => `${k}: ${v}`).join(', ')}\`.` }),
    ingressClassName: z.string().min(1).optional().meta({ description: `IngressClass (entry type \`ingress\` only). Default: \`${DEFAULT_ENTRY.ingressClassName}\`.` }),
    ingressRateLimitRps: positiveInt.optional().meta({ description: `Requests per second per client IP at the ingress controller (ingress-nginx; entry type \`ingress\` only). Default: ${DEFAULT_ENTRY.ingressRateLimitRps}.` }),
    gatewayApi: z.strictObject({
      gatewayName: dnsLabel.default(DEFAULT_ENTRY.gatewayApiName).meta({ description: 'Name of the environment\'s Gateway in `namespaces.ingress`.' }),
      gatewayClassName: dnsLabel.default(DEFAULT_ENTRY.gatewayClassName).meta({ description: 'GatewayClass of the implementation. Its proxies must run in the Gateway\'s namespace (the workflows\' NetworkPolicies admit `namespaces.ingress`); with the mesh it must be Istio\'s, whose proxies have the mesh identity `<gatewayName>-<gatewayClassName>` the AuthorizationPolicies admit.' }),
    }).optional().meta({ description: 'The Gateway API Gateway (entry type `gateway-api` only): one per environment, rendered into `dist/<env>/_shared/`, with an HTTP listener that only redirects to HTTPS (301) and one HTTPS listener per workflow (its hostname, its TLS Secret, routes from its namespace only). Default: `langgraph`, class `istio`.' }),
  }).meta({ description: 'How external traffic enters: an Istio Gateway with the mesh, an Ingress without it, or a Gateway API HTTPRoute.' }),
  rbac: z.strictObject({
    oncallGroup: z.string().min(1).meta({ description: 'Group given read-only access to every workflow namespace.' }),
  }).meta({ description: 'People\'s access to the workflow namespaces.' }),
  monitoring: z.strictObject({
    selectorLabels: labelMap.default({ ...DEFAULT_MONITORING.discoveryLabels }).meta({ description: 'Labels the cluster\'s Prometheus uses to select monitors and rules.' }),
    prometheusAddress: url.default(DEFAULT_MONITORING.prometheusAddress).meta({ description: 'Prometheus address used by the canary analysis (default: prometheus-operator\'s Service in the `monitoring` namespace).' }),
    runbookBaseUrl: url.meta({ description: 'URL of docs/runbooks.md in this repository (no #fragment); alerts link to its sections.' }),
    scrapeInterval: z.string().regex(/^\d+[sm]$/, 'a duration such as "30s"').default(DEFAULT_MONITORING.scrapeInterval).meta({ description: 'Scrape interval of the PodMonitor.' }),
    exporters: z
      .strictObject({
        postgres: z.strictObject({ job: z.string().min(1).meta({ description: 'Value of the `job` label of its series.' }), namespace: dnsLabel.optional().meta({ description: 'Value of the `namespace` label of its series. Default: any.' }) }).optional().meta({ description: 'The postgres_exporter scrape job of this environment\'s database.' }),
        redis: z.strictObject({ job: z.string().min(1).meta({ description: 'Value of the `job` label of its series.' }), namespace: dnsLabel.optional().meta({ description: 'Value of the `namespace` label of its series. Default: any.' }) }).optional().meta({ description: 'The redis_exporter scrape job of this environment\'s Redis.' }),
      })
      .default({}).meta({ description: 'postgres_exporter / redis_exporter jobs; the database alerts exist only for those named.' }),
    llmFailureCounter: z.strictObject({ metric: z.string().min(1).meta({ description: 'Counter name.' }), matchers: labelMap.default({}).meta({ description: 'Label matchers selecting the failures.' }) }).optional().meta({ description: 'A counter of failed LLM-provider calls exported by the application, for environments where the mesh cannot see provider responses.' }),
  }).meta({ description: 'The cluster\'s Prometheus (prometheus-operator) and what it scrapes.' }),
  sli: sli.default(SLI_DEFAULTS).meta({ description: 'The metrics that define success and latency: one contract shared by canary analysis, alerts, SLO rules and the dashboard. Default: the LangGraph server\'s own metrics.' }),
  workflowDefaults: z.record(z.string(), z.unknown()).default({}).meta({ description: 'Per-workflow knobs (the shape of workflowSettingsSchema, partially); each catalog entry may override any of them. Checked after merging, per workflow, so errors name the workflow.' }),
  meshSecurity: meshSecuritySchema.meta({ description: 'STRICT mTLS and AuthorizationPolicies (default: on wherever the mesh is).' }),
  meshEgress: meshEgressSchema.meta({ description: 'ServiceEntries, DestinationRules and VirtualServices for external services (mesh only).' }),
  keda: kedaSchema.meta({ description: 'KEDA is installed: queue workers scale on pending runs with a ScaledObject.' }),
  dataStores: dataStoresSchema.meta({ description: 'In-cluster Postgres and Redis for development (off by default; never in prod).' }),
  capacity: capacitySchema.optional().meta({ description: 'Workload profile, coefficients and prices for `npm run plan`; with `applyToEnvironment` the HPA bounds of every workflow come from the plan. Default: the playbook\'s reference profile.' }),
  waivers: z.array(waiver).default([]).meta({ description: 'This environment\'s exceptions, filled in from config/waivers.yaml (not set in environment files).' }),
  gitops: gitopsSchema.meta({ description: 'How the central Argo CD syncs this environment\'s dist/<env> (docs/argocd.md).' }),
});
export type Environment = z.infer<typeof environmentSchema>;

/** The environment's entry type: `entry.type`, else the Istio gateway with the mesh and an Ingress without. */
export function entryTypeOf(env: Pick<Environment, 'entry' | 'mesh'>): EntryType {
  return env.entry.type ?? (env.mesh.enabled ? 'gateway' : 'ingress');
}

// ---------------------------------------------------------------- workflow catalog

/** Overrides are checked after merging (against workflowSettingsSchema); here they only need to be objects. */
const overrides = z.record(z.string(), z.unknown());

export const workflowSchema = z.strictObject({
  name: z
    .string()
    .max(WORKFLOW_NAME_MAX, `at most ${WORKFLOW_NAME_MAX} characters, so derived names such as <workflow>-api-canary stay within 63`)
    .regex(WORKFLOW_NAME_PATTERN, 'lower-case letters, digits and "-", starting with a letter and ending with a letter or digit').meta({ description: 'Workflow name: names its namespace, objects and `dist/<env>/<name>/`. Immutable once shipped.' }),
  namespace: dnsLabel.optional().meta({ description: 'Namespace of the workflow. Default: the workflow name.' }),
  description: z.string().optional().meta({ description: 'Free text for people.' }),
  owner: z.strictObject({
    team: dnsLabel.meta({ description: 'Team name, rendered as the `owner` label.' }),
    email: z.email().meta({ description: 'Contact address of the team, rendered as the `email` annotation.', examples: ['ai-platform@example.com'] }),
    group: z.string().min(1).meta({ description: 'Identity-provider group bound to the workflow\'s people Role.' }),
  }).meta({ description: 'The team that owns the workflow: rendered as the `owner` label and `email` annotation; its `group` gets the workflow\'s people Role.' }),
  image: image.partial().default({}).meta({ description: 'Container image; environments may override it (e.g. a tag in dev).' }),
  version: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/, 'a label value such as 1.4.2').meta({ description: 'Application version, rendered as app.kubernetes.io/version.' }),
  overrides: overrides.default({}).meta({ description: 'Workflow settings for this workflow in every environment (merged over `workflowDefaults`).' }),
  environments: z.record(dnsLabel, overrides).default({}).meta({ description: 'Workflow settings per environment name (merged over `overrides`).' }),
});
export type Workflow = z.infer<typeof workflowSchema>;

export const catalogSchema = z.strictObject({
  workflows: z.array(workflowSchema).min(1).meta({ description: 'Every workflow of the platform.' }),
});
export type Catalog = z.infer<typeof catalogSchema>;

/**
 * The config's shapes are what the observability code reads (it has its own types, so it depends
 * on no config): a change here that breaks that contract fails to compile.
 */
type Fits<T extends U, U> = T;
export type ObservabilityContractsFit = [
  Fits<Sli, SliContract>,
  Fits<WorkflowSettings['slo'], SloObjectives>,
  Fits<WorkflowSettings['alerts'], AlertThresholds>,
  Fits<NonNullable<WorkflowSettings['delivery']['canary']>['analysis'], CanaryAnalysisSettings>,
];
