/**
 * Queue workers (workflow level, mount as `workers` in workflowSettingsSchema, so each workflow and
 * environment may override it). Off by default: the API server then runs its own jobs.
 *
 * Facts checked against langgraph-api 0.16.7 (`langgraph_api/queue_entrypoint.py`) and LangChain's
 * Helm chart: the worker runs the server image with `/storage/queue_entrypoint.sh`, reads
 * `N_JOBS_PER_WORKER`, and serves `GET /ok` (which checks the database unless `?check_db=0`) and
 * `GET /metrics` on `$PORT` (default 8080, so the worker sets it to the API's 8000).
 */
import { z } from 'zod';

const cpuQuantity = z.string().regex(/^(\d+m|\d+(\.\d{1,3})?)$/, 'a cpu quantity such as "250m" or "1.5"');
const byteQuantity = z.string().regex(/^[1-9]\d*(Ki|Mi|Gi|Ti)$/, 'a byte quantity in binary units such as "256Mi" or "1Gi"');
/** Whole gibibytes: the unit in which the pod's ephemeral-storage is rendered. */
const gibibytes = z.string().regex(/^[1-9]\d*Gi$/, 'whole gibibytes such as "1Gi"');
const resourceAmounts = z.strictObject({ cpu: cpuQuantity, memory: byteQuantity, ephemeralStorage: gibibytes });
const percent = z.number().int().min(1).max(100);
const positiveInt = z.number().int().min(1);

const probe = z.strictObject({
  /** `http`: GET `path` on the http port; `tcp`: the port accepts connections. */
  handler: z.enum(['http', 'tcp']).default('http'),
  path: z.string().regex(/^\//, 'an HTTP path starting with "/"').default('/ok'),
  initialDelaySeconds: z.number().int().min(0).default(0),
  periodSeconds: positiveInt.default(10),
  timeoutSeconds: positiveInt.default(2),
  failureThreshold: positiveInt.default(3),
  successThreshold: positiveInt.default(1),
});

/** `/ok` checks the database; `?check_db=0` only asks whether the worker's loop answers. */
export const WORKER_PROBE_DEFAULTS = {
  startup: { handler: 'http' as const, path: '/ok?check_db=0', initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 60, successThreshold: 1 },
  readiness: { handler: 'http' as const, path: '/ok', initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 },
  // A worker cut off from Postgres is not restarted (that would drop its in-flight runs), only reported unready.
  liveness: { handler: 'http' as const, path: '/ok?check_db=0', initialDelaySeconds: 0, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4, successThreshold: 1 },
};

const scalingRule = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600),
  percent: z.number().int().min(1).max(1000),
  periodSeconds: z.number().int().min(1).max(1800),
});

/**
 * Runs that occupy or wait for a worker slot: pending plus running. (LangChain's chart counts only
 * pending runs, so busy workers with an empty queue were scaled down mid-run.) KEDA divides it by
 * N_JOBS_PER_WORKER: the capacity of one worker.
 */
export const PENDING_RUNS_QUERY = "SELECT COUNT(*) FROM run WHERE status IN ('pending', 'running')";

export const WORKER_AUTOSCALING_DEFAULTS = {
  minReplicas: 1,
  maxReplicas: 5,
  cpuUtilization: 70,
  scaleUp: { stabilizationWindowSeconds: 60, percent: 100, periodSeconds: 15 },
  // Slow scale-down: a removed worker must drain its runs within the grace period.
  scaleDown: { stabilizationWindowSeconds: 600, percent: 10, periodSeconds: 60 },
  pollingIntervalSeconds: 30,
  pendingRunsQuery: PENDING_RUNS_QUERY,
};

export const WORKERS_DEFAULTS = {
  enabled: false,
  command: ['/storage/queue_entrypoint.sh'],
  jobsPerWorker: 10,
  autoscaling: WORKER_AUTOSCALING_DEFAULTS,
  probes: WORKER_PROBE_DEFAULTS,
};

export const queueWorkersSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** The worker's entrypoint in the server image. */
    command: z.array(z.string().min(1)).min(1).default(WORKERS_DEFAULTS.command),
    /** Concurrent runs per worker pod (N_JOBS_PER_WORKER); also KEDA's target of pending runs per pod. */
    jobsPerWorker: z.number().int().min(1).max(1000).default(10),
    /** Requests and limits of a worker pod. @default - the workflow's `resources` */
    resources: z.strictObject({ requests: resourceAmounts, limits: resourceAmounts }).optional(),
    /** @default - the workflow's `terminationGracePeriodSeconds` */
    terminationGracePeriodSeconds: z.number().int().min(30).max(3600).optional(),
    /**
     * Fixed worker count where KEDA is off and no cpu HPA is opted into (runs wait on LLMs and
     * tools, not cpu, so a cpu HPA would not follow the queue). @default - autoscaling.minReplicas
     */
    replicas: positiveInt.optional(),
    autoscaling: z
      .strictObject({
        /** Never below 1: a run dispatched to no worker waits, and scaling to zero can lose in-flight runs. */
        minReplicas: positiveInt.default(1),
        maxReplicas: positiveInt.default(5),
        /** cpu HPA target (environments without KEDA, with cpuScalingReason). */
        cpuUtilization: percent.default(70),
        /**
         * Opt in to a cpu HPA where KEDA is off: say why this workflow's runs are cpu-bound.
         * @default - no cpu HPA: a fixed `replicas` count
         */
        cpuScalingReason: z.string().min(20, 'say why the runs are cpu-bound (at least 20 characters)').optional(),
        scaleUp: scalingRule.default(WORKER_AUTOSCALING_DEFAULTS.scaleUp),
        scaleDown: scalingRule.default(WORKER_AUTOSCALING_DEFAULTS.scaleDown),
        /** How often KEDA runs the query. */
        pollingIntervalSeconds: positiveInt.default(30),
        /** The query KEDA's postgresql trigger runs; its result divided by jobsPerWorker is the wanted replica count. */
        pendingRunsQuery: z.string().regex(/^\s*SELECT\s/i, 'a SELECT that returns one number').default(PENDING_RUNS_QUERY),
      })
      .refine((a) => a.minReplicas <= a.maxReplicas, { message: 'must not exceed workers.autoscaling.maxReplicas; lower minReplicas or raise maxReplicas', path: ['minReplicas'] })
      .default(WORKER_AUTOSCALING_DEFAULTS),
    probes: z
      .strictObject({
        startup: probe.default(WORKER_PROBE_DEFAULTS.startup),
        readiness: probe.default(WORKER_PROBE_DEFAULTS.readiness),
        liveness: probe.default(WORKER_PROBE_DEFAULTS.liveness),
      })
      .default(WORKER_PROBE_DEFAULTS),
  })
  .default(WORKERS_DEFAULTS);
export type QueueWorkers = z.infer<typeof queueWorkersSchema>;

/** How the workers scale in an environment: KEDA on runs, an opted-in cpu HPA, or a fixed count. */
export type WorkerScaling = { readonly kind: 'keda' | 'cpu'; readonly maxReplicas: number } | { readonly kind: 'fixed'; readonly replicas: number; readonly maxReplicas: number };

export function workerScaling(w: Pick<QueueWorkers, 'replicas' | 'autoscaling'>, kedaEnabled: boolean): WorkerScaling {
  if (kedaEnabled) return { kind: 'keda', maxReplicas: w.autoscaling.maxReplicas };
  if (w.autoscaling.cpuScalingReason) return { kind: 'cpu', maxReplicas: w.autoscaling.maxReplicas };
  const replicas = w.replicas ?? w.autoscaling.minReplicas;
  return { kind: 'fixed', replicas, maxReplicas: replicas };
}
