import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import { entryTypeOf, Environment } from '../config/schema';
import { ResolvedWorkflow } from '../config/resolved';
import { workflowContext } from './context';
import { connectionShare } from '../config/features/database';
import { meshCallerNamespaces } from '../config/features/mesh-security';
import { LangGraphWorkflow, LangGraphWorkflowProps, WORKFLOW_PLACEHOLDER } from '../constructs/langgraph-workflow';
import { LlmFailureSource } from '../observability/alert-rules';
import { addMeshSecurity } from './features/mesh-security';
import { addMeshEgress, llmBaseUrlEnv } from './features/mesh-egress';
import { addExternalSecret } from './features/external-secret';
import { addVpa } from './features/vpa';
import { addRateLimit } from './features/rate-limit';
import { addQueueWorkers, workerIdentity, workerName } from './features/queue-workers';
import { secretEnvFor } from './credentials';
import { dataProtectionProps } from './features/data-protection';
import { addDataStores, dataStoreEgressPeers, dataStoreEnv, exporterJobs, withDataStoreEnv } from './features/data-stores';

export interface WorkflowChartProps {
  readonly environment: Environment;
  readonly workflow: ResolvedWorkflow;
}

/**
 * Every object one workflow needs in one environment: the config mapped onto a LangGraphWorkflow,
 * plus the optional platform features the environment and workflow switch on.
 */
export class WorkflowChart extends Chart {
  public readonly workflow: ResolvedWorkflow;
  public readonly environment: Environment;
  /** The composed workflow (workload, services, scale target, …). */
  public readonly stack: LangGraphWorkflow;

  constructor(scope: Construct, id: string, props: WorkflowChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { environment: env, workflow: wf } = props;
    this.workflow = wf;
    this.environment = env;
    const ctx = workflowContext(env, wf);
    this.stack = new LangGraphWorkflow(this, 'Workflow', workflowProps(env, wf));
    const s = ctx.settings;

    // Optional platform features; each renders nothing when its config leaves it off.
    // Inside the workflow's scope, so they share its namespace and labels.
    const within = this.stack;
    addMeshSecurity(within, ctx, { security: env.meshSecurity, callers: s.meshCallers, auth: s.auth });
    addMeshEgress(within, ctx, env.meshEgress);
    addExternalSecret(within, ctx, s.externalSecret);
    addVpa(within, ctx, s.vpa, this.stack.scaleTarget);
    addRateLimit(within, ctx, s.rateLimit);
    addQueueWorkers(within, ctx, { workers: s.workers, keda: env.keda, dataStores: env.dataStores });
    addDataStores(within, ctx, env.dataStores, { workers: s.workers, keda: env.keda });
  }
}

/** The config layer's answer for every LangGraphWorkflow prop (it only overrides the construct's defaults). */
export function workflowProps(env: Environment, wf: ResolvedWorkflow): LangGraphWorkflowProps {
  const ctx = workflowContext(env, wf);
  const s = wf.settings;
  const canary = s.delivery.strategy === 'canary' ? s.delivery.canary : undefined;
  // Credentials by reference; in-cluster dev stores replace the URIs.
  const appEnv = withDataStoreEnv({ secretEnv: secretEnvFor(ctx), env: { ...llmBaseUrlEnv(env), ...s.env } }, dataStoreEnv(ctx, env.dataStores));
  return {
    workflowName: wf.name,
    namespace: wf.namespace,
    image: wf.image.reference,
    allowImageTags: env.images.allowTags,
    imageRegistry: env.images.registry,
    imagePullSecrets: env.images.pullSecrets,
    labels: s.metadata.labels,
    annotations: s.metadata.annotations,
    podLabels: s.metadata.pods.labels,
    podAnnotations: s.metadata.pods.annotations,
    service: { type: s.service.type, annotations: s.service.annotations },
    http: s.http,
    version: wf.version,
    owner: { team: wf.owner.team, email: wf.owner.email, group: wf.owner.group },
    capacityProfile: wf.capacityProfile,
    hostname: hostnameOf(env, wf),
    oncallGroup: env.rbac.oncallGroup,
    resources: s.resources,
    probes: s.probes,
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
    shutdownMarginSeconds: s.shutdownMarginSeconds,
    postgresPoolMaxSize: s.database.poolMaxSize,
    postgresMaxConnections: connectionShare(s.database, env),
    rollingUpdate: s.rollingUpdate,
    secretEnv: appEnv.secretEnv,
    env: appEnv.env,
    appConfig: s.appConfig,
    apiAccess: s.apiAccess,
    scheduling: s.scheduling,
    podExtras: s.pod,
    autoscaling: s.autoscaling,
    canary: canary ? { steps: canary.steps, analysis: canary.analysis, routeName: canary.routeName, handOver: canary.handOver } : undefined,
    mesh: env.mesh.enabled,
    meshCallerNamespaces: meshCallerNamespaces(s.meshCallers),
    meshDrainSeconds: env.mesh.terminationDrainSeconds,
    entry: {
      type: entryTypeOf(env),
      tlsSecretName: tlsSecretNameOf(env, wf.name),
      gatewaySelector: env.entry.gatewaySelector,
      ingressClassName: env.entry.ingressClassName,
      ingressRateLimitRps: env.entry.ingressRateLimitRps,
      gatewayApi: env.entry.gatewayApi ? { name: env.entry.gatewayApi.gatewayName, namespace: env.namespaces.ingress } : undefined,
    },
    platformNamespaces: env.namespaces,
    egress: { dns: env.egress.dns, https: env.egress.https, ...{ postgres: env.egress.postgres, redis: env.egress.redis }, ...dataStoreEgressPeers(ctx, env.dataStores) },
    monitoring: {
      discoveryLabels: env.monitoring.selectorLabels,
      scrapeInterval: env.monitoring.scrapeInterval,
      prometheusAddress: env.monitoring.prometheusAddress,
      runbookBaseUrl: env.monitoring.runbookBaseUrl,
      exporterJobs: { ...env.monitoring.exporters, ...exporterJobs(ctx, env.dataStores) },
      llmFailures: llmFailureSource(env),
    },
    sli: env.sli,
    slo: s.slo,
    alertThresholds: s.alerts,
    queueWorkers: s.workers.enabled ? { workloadName: workerName(ctx), containerName: workerIdentity(ctx).component } : undefined,
    dataProtection: dataProtectionProps(ctx),
  };
}

/** The workflow's TLS Secret (`entry.tlsSecretName` with `<workflow>` replaced). */
export function tlsSecretNameOf(env: Environment, workflow: string): string {
  return env.entry.tlsSecretName.split(WORKFLOW_PLACEHOLDER).join(workflow);
}

/** The workflow's external hostname: `hostname`, else `<workflow>.<entry.domain>`. */
export function hostnameOf(env: Environment, wf: ResolvedWorkflow): string {
  return wf.settings.hostname ?? `${wf.name}.${env.entry.domain}`;
}

/** Failed LLM calls: the mesh's egress metrics where it sees them, else an app counter if configured. */
function llmFailureSource(env: Environment): LlmFailureSource | undefined {
  if (env.monitoring.llmFailureCounter) return { kind: 'counter', metric: env.monitoring.llmFailureCounter.metric, matchers: env.monitoring.llmFailureCounter.matchers };
  if (env.mesh.enabled && env.egress.llmHosts.length > 0) return { kind: 'mesh', hosts: env.egress.llmHosts };
  return undefined;
}
