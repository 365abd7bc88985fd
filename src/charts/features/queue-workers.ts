/**
 * Queue workers: the server image in queue mode as its own Deployment (`<workflow>-worker`),
 * hardened like the API, with its own ServiceAccount, PDB, PodMonitor, NetworkPolicies and
 * autoscaling — a cpu HPA, or a KEDA ScaledObject on pending runs where the environment runs KEDA.
 * Never scaled to zero. Renders nothing while `workers.enabled` is false (the default); when it is
 * true the API server must stop running jobs itself: LangGraphWorkflow's `queueWorkers` does that.
 */
import { secretEnvFor } from '../credentials';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { WorkflowContext, featureScope } from '../context';
import { QueueWorkers, workerScaling } from '../../config/features/queue-workers';
import { Keda } from '../../config/features/keda';
import { DataStores } from '../../config/features/data-stores';
import { API_PORT, API_PORT_NAME, ISTIO_MERGED_METRICS_PORT, } from '../../constructs/langgraph-server';
import { LangGraphWorkload } from '../../constructs/langgraph-workload';
import { JOBS_PER_WORKER_ENV } from '../../constructs/langgraph-workflow';
import { AppServiceAccount } from '../../constructs/service-account';
import { DisruptionBudget } from '../../constructs/disruption-budget';
import { Autoscaler } from '../../constructs/autoscaler';
import { QueueScaledObject } from '../../constructs/queue-scaled-object';
import { WorkloadPodMonitor } from '../../constructs/pod-monitor';
import { AllowPolicies, DNS_PORT, EgressAllow, ISTIOD_XDS_PORT, IngressAllow, dnsPeers, httpsPeers, namespacePeer } from '../../constructs/network-policy';
import { llmBaseUrlEnv } from './mesh-egress';
import { dataStoreEgressPeers, dataStoreEnv, withDataStoreEnv } from './data-stores';
import { workerIdentity, workerName } from './worker-identity';
import { dataProtectionProps } from './data-protection';
import { dataProtectionEnv } from '../../constructs/data-protection';
import { SERVER_METRICS_ENV } from '../../metric-catalog/langgraph-server';

export { workerIdentity, workerName, workerSelector } from './worker-identity';

export { JOBS_PER_WORKER_ENV };

export interface QueueWorkerOptions {
  /** Workflow level: `settings.workers`. */
  readonly workers: QueueWorkers;
  /** Environment level: `environment.keda`. @default - no KEDA: a cpu HPA */
  readonly keda?: Keda;
  /** Environment level: `environment.dataStores`; the workers then use the in-cluster stores. @default - external stores */
  readonly dataStores?: DataStores;
}

export interface QueueWorkerResources {
  readonly workload: LangGraphWorkload;
  /**
   * A QueueScaledObject (KEDA then owns the HPA), a cpu Autoscaler where one is opted into
   * (`workers.autoscaling.cpuScalingReason`), or none: a fixed `workers.replicas` count.
   */
  readonly autoscaling: Autoscaler | QueueScaledObject | undefined;
  readonly monitor: WorkloadPodMonitor;
}


export function addQueueWorkers(scope: Construct, ctx: WorkflowContext, options: QueueWorkerOptions): QueueWorkerResources | undefined {
  scope = featureScope(scope, ctx);
  const w = options.workers;
  if (!w.enabled) return undefined;
  const { env, settings: s } = ctx;
  const name = workerName(ctx);
  const identity = workerIdentity(ctx);
  const kedaEnabled = options.keda?.enabled ?? false;
  const scaling = workerScaling(w, kedaEnabled);

  const account = new AppServiceAccount(scope, 'WorkerServiceAccount', { name });
  const plainEnv = {
    ...llmBaseUrlEnv(env), // the worker runs the graphs, so it calls the LLM too
    ...s.env,
    // The run-outcome metrics of the SLI (the workers execute the runs).
    ...SERVER_METRICS_ENV,
    [JOBS_PER_WORKER_ENV]: String(w.jobsPerWorker),
    // The worker's health and metrics server listens on $PORT (8080 unless set): keep the API's port.
    PORT: String(API_PORT),
  };
  const appEnv = options.dataStores
    ? withDataStoreEnv({ secretEnv: secretEnvFor(ctx), env: plainEnv }, dataStoreEnv(ctx, options.dataStores))
    : { secretEnv: secretEnvFor(ctx), env: plainEnv };
  if (kedaEnabled && !('POSTGRES_URI' in appEnv.secretEnv) && !('POSTGRES_URI' in appEnv.env)) {
    throw new Error(`workflow ${ctx.workflow.name}: KEDA's postgresql trigger reads POSTGRES_URI from the worker, which has none`);
  }

  const dataProtection = dataProtectionEnv(dataProtectionProps(ctx));
  const workload = new LangGraphWorkload(scope, 'Worker', {
    name,
    identity,
    image: ctx.workflow.image.reference,
    allowImageTags: ctx.env.images.allowTags,
    imageRegistry: ctx.env.images.registry,
    imagePullSecrets: ctx.env.images.pullSecrets,
    // Workers finish the runs: disable_webhooks and the rest must reach them too.
    http: s.http,
    podLabels: { ...s.metadata.pods.labels, ...s.metadata.workerPods.labels },
    podAnnotations: { ...s.metadata.pods.annotations, ...s.metadata.workerPods.annotations },
    command: w.command,
    serviceAccount: account.serviceAccount,
    // The workflow's config (rendered by the chart as `<workflow>-config`): the graph code reads it.
    configMap: kplus.ConfigMap.fromConfigMapName(scope, 'WorkerAppConfig', `${ctx.workflow.name}-config`),
    requests: (w.resources ?? s.resources).requests,
    limits: (w.resources ?? s.resources).limits,
    probes: w.probes,
    terminationGracePeriodSeconds: w.terminationGracePeriodSeconds ?? s.terminationGracePeriodSeconds,
    shutdownMarginSeconds: s.shutdownMarginSeconds,
    postgresPoolMaxSize: s.database.poolMaxSize,
    rollingUpdate: s.rollingUpdate,
    // Without KEDA and without an opted-in cpu HPA the workers run a fixed count.
    replicas: scaling.kind === 'fixed' ? scaling.replicas : undefined,
    // The workers read and write the same threads: the same key and TTLs as the API (checked there).
    secretEnv: { ...appEnv.secretEnv, ...dataProtection.secretEnv },
    env: { ...appEnv.env, ...dataProtection.env },
    mesh: env.mesh.enabled ? { terminationDrainSeconds: env.mesh.terminationDrainSeconds } : undefined,
    scheduling: s.scheduling,
    extras: s.pod,
  });

  new DisruptionBudget(scope, 'WorkerDisruptionBudget', { name, identity, selector: workload.selector });

  const a = w.autoscaling;
  const autoscaling = kedaEnabled
    ? new QueueScaledObject(scope, 'WorkerScaledObject', {
      name, identity, deploymentName: name, containerName: identity.component,
      minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, pendingRunsPerReplica: w.jobsPerWorker,
      query: a.pendingRunsQuery, pollingIntervalSeconds: a.pollingIntervalSeconds, scaleUp: a.scaleUp, scaleDown: a.scaleDown,
    })
    : scaling.kind === 'cpu'
      ? new Autoscaler(scope, 'WorkerAutoscaler', {
        name, identity, target: workload,
        minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, cpuUtilization: a.cpuUtilization, scaleUp: a.scaleUp, scaleDown: a.scaleDown,
      })
      : undefined;

  // The worker serves /metrics on the same port as /ok (langgraph_api.queue_entrypoint).
  const monitor = new WorkloadPodMonitor(scope, 'WorkerPodMonitor', {
    name, selector: workload.selector, discoveryLabels: env.monitoring.selectorLabels,
    interval: env.monitoring.scrapeInterval, meshMetricsMerging: env.mesh.enabled,
  });

  new AllowPolicies(scope, 'WorkerNetwork', {
      podSelector: workload.selector,
    ingress: workerIngress(ctx), egress: workerEgress(ctx, options.dataStores),
  });
  return { workload, autoscaling, monitor };
}

/** Nobody calls a worker; only Prometheus scrapes it. */
function workerIngress(ctx: WorkflowContext): IngressAllow[] {
  const mesh = ctx.env.mesh.enabled;
  return [{
    name: 'worker-from-monitoring',
    from: [namespacePeer(ctx.env.namespaces.monitoring)],
    ports: [{ port: mesh ? ISTIO_MERGED_METRICS_PORT : API_PORT_NAME }],
  }];
}

/** What the API may reach, the worker may too: DNS, Postgres, Redis and HTTPS (LLM providers, LangSmith). */
function workerEgress(ctx: WorkflowContext, dataStores: DataStores | undefined): EgressAllow[] {
  const env = ctx.env;
  const stores = { ...env.egress, ...(dataStores ? dataStoreEgressPeers(ctx, dataStores) : {}) };
  const allows: EgressAllow[] = [
    { name: 'worker-dns', to: dnsPeers(env.egress.dns, env.namespaces.dns), ports: [{ port: DNS_PORT, protocol: 'UDP' }, { port: DNS_PORT, protocol: 'TCP' }] },
  ];
  if (env.mesh.enabled) {
    allows.push({ name: 'worker-istiod', to: [namespacePeer(env.namespaces.istio, { app: 'istiod' })], ports: [{ port: ISTIOD_XDS_PORT }] });
  }
  allows.push(
    { name: 'worker-postgres', to: stores.postgres.to, ports: [{ port: stores.postgres.port }] },
    { name: 'worker-redis', to: stores.redis.to, ports: [{ port: stores.redis.port }] },
    {
      name: 'worker-https',
      to: httpsPeers(env.egress.https),
      ports: [{ port: env.egress.https.port }],
    },
  );
  return allows;
}
