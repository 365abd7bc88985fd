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
import { DEFAULT_PROBE_TIMING } from '../../constructs/langgraph-workflow';

const cpuQuantity = z.string().regex(/^(\d+m|\d+(\.\d{1,3})?)$/, 'a cpu quantity such as "250m" or "1.5"');
const byteQuantity = z.string().regex(/^[1-9]\d*(Ki|Mi|Gi|Ti)$/, 'a byte quantity in binary units such as "256Mi" or "1Gi"');
/** Whole gibibytes: the unit in which the pod's ephemeral-storage is rendered. */
const gibibytes = z.string().regex(/^[1-9]\d*Gi$/, 'whole gibibytes such as "1Gi"');
const resourceAmounts = z.strictObject({ cpu: cpuQuantity.meta({ description: 'CPU in cores or millicores.' }), memory: byteQuantity.meta({ description: 'Memory in binary units.' }), ephemeralStorage: gibibytes.meta({ description: 'Local scratch disk in whole GiB.' }) });
const percent = z.number().int().min(1).max(100);
const positiveInt = z.number().int().min(1);

const probe = z.strictObject({
  handler: z.enum(['http', 'tcp']).default(DEFAULT_PROBE_TIMING.handler).meta({ description: '`http`: GET `path` on the http port; `tcp`: the port accepts connections.' }),
  path: z.string().regex(/^\//, 'an HTTP path starting with "/"').default(DEFAULT_PROBE_TIMING.path).meta({ description: 'HTTP path the `http` handler GETs (`?check_db=0` skips the database check).' }),
  initialDelaySeconds: z.number().int().min(0).default(DEFAULT_PROBE_TIMING.initialDelaySeconds).meta({ description: 'Seconds after the container starts before the first probe.' }),
  periodSeconds: positiveInt.default(DEFAULT_PROBE_TIMING.periodSeconds).meta({ description: 'Seconds between probes.' }),
  timeoutSeconds: positiveInt.default(DEFAULT_PROBE_TIMING.timeoutSeconds).meta({ description: 'Seconds one probe may take.' }),
  failureThreshold: positiveInt.default(DEFAULT_PROBE_TIMING.failureThreshold).meta({ description: 'Consecutive failures before the kubelet acts.' }),
  successThreshold: positiveInt.default(DEFAULT_PROBE_TIMING.successThreshold).meta({ description: 'Consecutive successes to count as healthy again.' }),
});

/** `/ok` checks the database; `?check_db=0` only asks whether the worker's loop answers. */
export const WORKER_PROBE_DEFAULTS = {
  startup: { handler: 'http' as const, path: '/ok?check_db=0', initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 60, successThreshold: 1 },
  readiness: { handler: 'http' as const, path: '/ok', initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 },
  // A worker cut off from Postgres is not restarted (that would drop its in-flight runs), only reported unready.
  liveness: { handler: 'http' as const, path: '/ok?check_db=0', initialDelaySeconds: 0, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4, successThreshold: 1 },
};

const scalingRule = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600).meta({ description: 'Look-back window of the scaler\'s recommendation, in seconds.' }),
  percent: z.number().int().min(1).max(1000).meta({ description: 'At most this percentage of the current workers added or removed per period.' }),
  periodSeconds: z.number().int().min(1).max(1800).meta({ description: 'Length of the period the `percent` limit applies to, in seconds.' }),
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
    enabled: z.boolean().default(false).meta({ description: 'Run a separate worker Deployment that executes runs from the queue, so the API pods only serve HTTP.' }),
    command: z.array(z.string().min(1)).min(1).default(WORKERS_DEFAULTS.command).meta({ description: 'The worker\'s entrypoint in the server image.' }),
    jobsPerWorker: z.number().int().min(1).max(1000).default(10).meta({ description: 'Concurrent runs per worker pod (N_JOBS_PER_WORKER); also KEDA\'s target of pending runs per pod.' }),
    resources: z.strictObject({ requests: resourceAmounts.meta({ description: 'Reserved per worker container.' }), limits: resourceAmounts.meta({ description: 'Ceiling per worker container.' }) }).optional().meta({ description: 'Requests and limits of a worker pod. Default: the workflow\'s `resources`.' }),
    terminationGracePeriodSeconds: z.number().int().min(30).max(3600).optional().meta({ description: 'Seconds a worker gets after SIGTERM to finish its runs before it is killed. Default: the workflow\'s `terminationGracePeriodSeconds`.' }),
    replicas: positiveInt.optional().meta({ description: 'Fixed worker count where KEDA is off and no cpu HPA is opted into (runs wait on LLMs and tools, not cpu, so a cpu HPA would not follow the queue). Default: autoscaling.minReplicas.' }),
    autoscaling: z
      .strictObject({
        minReplicas: positiveInt.default(1).meta({ description: 'Never below 1: a run dispatched to no worker waits, and scaling to zero can lose in-flight runs.' }),
        maxReplicas: positiveInt.default(5).meta({ description: 'Most worker pods.' }),
        cpuUtilization: percent.default(70).meta({ description: 'cpu HPA target (environments without KEDA, with cpuScalingReason).' }),
        cpuScalingReason: z.string().min(20, 'say why the runs are cpu-bound (at least 20 characters)').optional().meta({ description: 'Opt in to a cpu HPA where KEDA is off: say why this workflow\'s runs are cpu-bound. Default: no cpu HPA: a fixed `replicas` count.' }),
        scaleUp: scalingRule.default(WORKER_AUTOSCALING_DEFAULTS.scaleUp).meta({ description: 'How fast workers are added.' }),
        scaleDown: scalingRule.default(WORKER_AUTOSCALING_DEFAULTS.scaleDown).meta({ description: 'How fast workers are removed; slow, since a removed worker must drain its runs.' }),
        pollingIntervalSeconds: positiveInt.default(30).meta({ description: 'How often KEDA runs the query.' }),
        pendingRunsQuery: z.string().regex(/^\s*SELECT\s/i, 'a SELECT that returns one number').default(PENDING_RUNS_QUERY).meta({ description: 'The query KEDA\'s postgresql trigger runs; its result divided by jobsPerWorker is the wanted replica count.' }),
      })
      .refine((a) => a.minReplicas <= a.maxReplicas, { message: 'must not exceed workers.autoscaling.maxReplicas; lower minReplicas or raise maxReplicas', path: ['minReplicas'] })
      .default(WORKER_AUTOSCALING_DEFAULTS).meta({ description: 'How the workers scale: KEDA on pending plus running runs where `keda.enabled`, else a fixed count or an opted-in cpu HPA.' }),
    probes: z
      .strictObject({
        startup: probe.default(WORKER_PROBE_DEFAULTS.startup).meta({ description: 'Holds off the other probes until the worker has booted.' }),
        readiness: probe.default(WORKER_PROBE_DEFAULTS.readiness).meta({ description: 'Reports the worker unready while it fails (checks the database).' }),
        liveness: probe.default(WORKER_PROBE_DEFAULTS.liveness).meta({ description: 'Restarts the worker when its loop stops answering (skips the database check).' }),
      })
      .default(WORKER_PROBE_DEFAULTS).meta({ description: 'Probes of the worker container.' }),
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
