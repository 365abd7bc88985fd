import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import { Environment } from '../config/schema';
import { ResolvedWorkflow } from '../config/resolved';
import { workflowContext } from './context';
import { WorkflowNamespace } from '../constructs/namespace';
import { connectionShare } from '../config/features/database';
import { AppServiceAccount } from '../constructs/service-account';
import { PeopleAccess } from '../constructs/people-rbac';
import { AppConfig } from '../constructs/app-config';
import { API_PORT_NAME, ISTIO_MERGED_METRICS_PORT } from '../constructs/langgraph-server';
import { LangGraphWorkload } from '../constructs/langgraph-workload';
import { ApiService } from '../constructs/api-service';
import { Autoscaler } from '../constructs/autoscaler';
import { DisruptionBudget } from '../constructs/disruption-budget';
import { MeshGateway } from '../constructs/mesh-gateway';
import { ApiVirtualService } from '../constructs/api-virtual-service';
import { ApiIngress } from '../constructs/ingress';
import { CanaryRollout } from '../constructs/canary-rollout';
import { CanaryAnalysisTemplate } from '../constructs/analysis-template';
import { CANARY_HASH_ARG, canaryAnalysisQueries } from '../observability/canary-queries';
import { SERVER_METRICS_ENV } from '../metric-catalog/langgraph-server';
import { ApiPodMonitor } from '../constructs/pod-monitor';
import { WorkflowRules } from '../constructs/prometheus-rules';
import { GrafanaDashboard } from '../constructs/grafana-dashboard';
import { alertRuleGroups, LlmFailureSource } from '../observability/alert-rules';
import { sloRuleGroups } from '../observability/slo-rules';
import { dashboardModel } from '../observability/dashboard';
import { addMeshSecurity } from './features/mesh-security';
import { addMeshEgress, llmBaseUrlEnv } from './features/mesh-egress';
import { addExternalSecret } from './features/external-secret';
import { addVpa } from './features/vpa';
import { addRateLimit } from './features/rate-limit';
import { addQueueWorkers, apiEnvWhenWorkers, workerIdentity, workerName } from './features/queue-workers';
import { secretEnvFor } from './credentials';
import { addDataStores, dataStoreEgressPeers, dataStoreEnv, exporterJobs, withDataStoreEnv } from './features/data-stores';
import { AllowPolicies, PeerSpec, DNS_PORT, DefaultDenyPolicy, EgressAllow, ISTIOD_XDS_PORT, IngressAllow, dnsPeers, httpsPeers, namespacePeer } from '../constructs/network-policy';

export interface WorkflowChartProps {
  readonly environment: Environment;
  readonly workflow: ResolvedWorkflow;
}

/** Every object one workflow needs in one environment. */
export class WorkflowChart extends Chart {
  public readonly workflow: ResolvedWorkflow;
  public readonly environment: Environment;

  constructor(scope: Construct, id: string, props: WorkflowChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { environment: env, workflow: wf } = props;
    this.workflow = wf;
    this.environment = env;
    const ctx = workflowContext(env, wf);
    const { settings: s, namespace, metadata, api, apiName } = ctx;

    new WorkflowNamespace(this, 'Namespace', { name: namespace, metadata, meshEnabled: env.mesh.enabled, postgresMaxConnections: connectionShare(s.database, env) });
    const identity = new AppServiceAccount(this, 'ServiceAccount', { name: apiName, namespace, metadata, apiAccess: s.apiAccess });
    new PeopleAccess(this, 'PeopleAccess', {
      workflow: wf.name, namespace, metadata, ownerGroup: wf.owner.group, oncallGroup: env.rbac.oncallGroup,
      strategy: s.delivery.strategy === 'canary' ? 'canary' : 'rolling', apiName,
    });
    const config = new AppConfig(this, 'AppConfig', { name: `${wf.name}-config`, namespace, metadata, data: s.appConfig });

    const canary = s.delivery.strategy === 'canary' ? s.delivery.canary : undefined;
    const workload = new LangGraphWorkload(this, 'Api', {
      name: apiName,
      namespace,
      metadata,
      identity: api,
      image: wf.image.reference,
      allowImageTags: env.images.allowTags,
      serviceAccount: identity.serviceAccount,
      configMap: config.configMap,
      requests: s.resources.requests,
      limits: s.resources.limits,
      probes: s.probes,
      terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
      shutdownMarginSeconds: s.shutdownMarginSeconds,
      postgresPoolMaxSize: s.database.poolMaxSize,
      rollingUpdate: s.rollingUpdate,
      // Credentials by reference; in-cluster dev stores replace the URIs, workers take the queue.
      ...withDataStoreEnv({ secretEnv: secretEnvFor(ctx), env: { ...llmBaseUrlEnv(env), ...s.env, ...SERVER_METRICS_ENV, ...apiEnvWhenWorkers(s.workers) } }, dataStoreEnv(ctx, env.dataStores)),
      mesh: env.mesh.enabled ? { terminationDrainSeconds: env.mesh.terminationDrainSeconds } : undefined,
      scheduling: s.scheduling,
      extras: s.pod,
      // With a canary the Rollout runs these pods (workloadRef); the Deployment keeps none, except
      // during a hand-over from rolling, when it keeps its live count until the Rollout scales it down.
      replicas: canary && !canary.handOver ? 0 : undefined,
    });

    new ApiService(this, 'Service', { name: apiName, namespace, metadata, identity: api, selector: workload.selector });

    // Entry: an Istio Gateway with the mesh (so canary weights apply), an Ingress without it.
    const hostname = s.hostname ?? `${wf.name}.${env.entry.domain}`;
    const tlsSecretName = env.entry.tlsSecretName.replace(/<workflow>/g, wf.name);
    let scaleTarget = { apiVersion: 'apps/v1', kind: 'Deployment', name: apiName };
    if ((env.entry.type ?? (env.mesh.enabled ? 'gateway' : 'ingress')) === 'gateway') {
      const gateway = new MeshGateway(this, 'Gateway', {
        name: `${wf.name}-gateway`, namespace, metadata, hostname, tlsCredentialName: tlsSecretName, gatewaySelector: env.entry.gatewaySelector,
      });
      const stableService = `${apiName}-stable`;
      const canaryService = `${apiName}-canary`;
      const routeName = canary?.routeName ?? 'primary';
      const virtualService = new ApiVirtualService(this, 'VirtualService', {
        name: apiName, namespace, metadata, hostname, service: apiName, gateway: gateway.reference, routeName,
        canary: canary ? { stableService, canaryService } : undefined,
      });
      if (canary) {
        new ApiService(this, 'StableService', { name: stableService, namespace, metadata, identity: api, selector: workload.selector });
        new ApiService(this, 'CanaryService', { name: canaryService, namespace, metadata, identity: api, selector: workload.selector });
        // The canary is told apart by its pod-template hash (relabelled by the PodMonitor), never by Service.
        const queries = canaryAnalysisQueries(env.sli, s.slo, canary.analysis, { namespace, apiRunsJobs: !s.workers.enabled });
        const templates = [
          { id: 'SuccessRateAnalysis', name: `${wf.name}-success-rate`, metrics: queries.successRate },
          { id: 'LatencyAnalysis', name: `${wf.name}-latency`, metrics: queries.latency },
        ].map((t) => new CanaryAnalysisTemplate(this, t.id, {
          name: t.name, namespace, metadata, prometheusAddress: env.monitoring.prometheusAddress, metrics: t.metrics, args: [CANARY_HASH_ARG],
          intervalSeconds: canary.analysis.intervalSeconds, failureLimit: canary.analysis.failureLimit,
          consecutiveErrorLimit: canary.analysis.consecutiveErrorLimit, inconclusiveLimit: canary.analysis.inconclusiveLimit,
        }));
        const rollout = new CanaryRollout(this, 'Rollout', {
          name: apiName, namespace, metadata, identity: api, deploymentName: workload.name, selector: workload.selector,
          stableService, canaryService, virtualService: virtualService.name, routeName,
          steps: canary.steps, analysisTemplates: templates.map((t) => t.name), maxSurge: s.rollingUpdate.maxSurge || 1,
          podTemplateHashArgs: { [CANARY_HASH_ARG]: 'Latest' },
          scaleDown: canary.handOver ? 'progressively' : 'never',
        });
        // The HPA scales the Rollout (scale subresource), never the Deployment it manages.
        scaleTarget = { apiVersion: CanaryRollout.API_VERSION, kind: CanaryRollout.KIND, name: rollout.name };
      }
    } else {
      new ApiIngress(this, 'Ingress', {
        name: apiName, namespace, metadata, hostname, service: apiName, ingressClassName: env.entry.ingressClassName,
        tlsSecretName, rateLimitRps: env.entry.ingressRateLimitRps,
      });
    }

    const a = s.autoscaling;
    new Autoscaler(this, 'Autoscaler', {
      name: apiName,
      namespace,
      metadata,
      identity: api,
      target: scaleTarget,
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      cpuUtilization: a.cpuUtilization,
      memoryUtilization: a.memoryUtilization,
      scaleUp: a.scaleUp,
      scaleDown: a.scaleDown,
      queueDepth: a.queueDepth,
    });
    new DisruptionBudget(this, 'DisruptionBudget', { name: apiName, namespace, metadata, identity: api, selector: workload.selector });

    // Observability: every alert, SLO and panel reads the environment's one SLI contract.
    const monitor = new ApiPodMonitor(this, 'PodMonitor', {
      name: apiName, namespace, metadata, selector: workload.selector, discoveryLabels: env.monitoring.selectorLabels,
      interval: env.monitoring.scrapeInterval, meshMetricsMerging: env.mesh.enabled,
    });
    const observed = { workflow: wf.name, namespace, sli: env.sli, scrapeJob: monitor.job, workloadName: apiName, containerName: api.component };
    new WorkflowRules(this, 'Rules', {
      name: apiName, namespace, metadata, discoveryLabels: env.monitoring.selectorLabels,
      groups: [
        ...alertRuleGroups({
          ...observed, thresholds: s.alerts, runbookBaseUrl: env.monitoring.runbookBaseUrl,
          workers: s.workers.enabled ? { workloadName: workerName(ctx), containerName: workerIdentity(ctx).component } : undefined,
          hpaName: apiName, exporterJobs: { ...env.monitoring.exporters, ...exporterJobs(ctx, env.dataStores) }, llmFailures: llmFailureSource(env),
        }),
        ...sloRuleGroups({ ...observed, slo: s.slo, runbookBaseUrl: env.monitoring.runbookBaseUrl }),
      ],
    });
    new GrafanaDashboard(this, 'Dashboard', {
      name: `${wf.name}-dashboard`, namespace: env.namespaces.monitoring, metadata, workflow: wf.name,
      dashboard: dashboardModel({ ...observed, slo: s.slo }),
    });

    // Optional platform features; each renders nothing when its config leaves it off.
    addMeshSecurity(this, ctx, { security: env.meshSecurity, callers: s.meshCallers });
    addMeshEgress(this, ctx, env.meshEgress);
    addExternalSecret(this, ctx, s.externalSecret);
    addVpa(this, ctx, s.vpa);
    addRateLimit(this, ctx, s.rateLimit);
    addQueueWorkers(this, ctx, { workers: s.workers, keda: env.keda, dataStores: env.dataStores });
    addDataStores(this, ctx, env.dataStores, { workers: s.workers, keda: env.keda });

    new DefaultDenyPolicy(this, 'DefaultDeny', { workflow: wf.name, namespace, metadata });
    new AllowPolicies(this, 'ApiNetwork', {
      workflow: wf.name,
      namespace,
      metadata,
      podSelector: workload.selector,
      ingress: apiIngress(env),
      egress: apiEgress(env, { ...env.egress, ...dataStoreEgressPeers(ctx, env.dataStores) }),
    });
  }
}

/** Failed LLM calls: the mesh's egress metrics where it sees them, else an app counter if configured. */
function llmFailureSource(env: Environment): LlmFailureSource | undefined {
  if (env.monitoring.llmFailureCounter) return { kind: 'counter', metric: env.monitoring.llmFailureCounter.metric, matchers: env.monitoring.llmFailureCounter.matchers };
  if (env.mesh.enabled && env.egress.llmHosts.length > 0) return { kind: 'mesh', hosts: env.egress.llmHosts };
  return undefined;
}

function apiIngress(env: Environment): IngressAllow[] {
  const allows: IngressAllow[] = [
    // The gateway (mesh) or ingress controller (no mesh) is the only external entry.
    { name: 'from-ingress', from: [namespacePeer(env.namespaces.ingress)], ports: [{ port: API_PORT_NAME }] },
  ];
  if (env.mesh.enabled) {
    // In-mesh callers; identity is enforced by the mesh's AuthorizationPolicy, not by IP.
    allows.push({ name: 'from-mesh', from: [{ namespaceSelector: { 'istio-injection': 'enabled' } }], ports: [{ port: API_PORT_NAME }] });
  }
  // Prometheus scrapes exactly one port: the sidecar's merged endpoint with the mesh, else the server.
  allows.push({
    name: 'from-monitoring',
    from: [namespacePeer(env.namespaces.monitoring)],
    ports: [{ port: env.mesh.enabled ? ISTIO_MERGED_METRICS_PORT : API_PORT_NAME }],
  });
  return allows;
}

interface EgressTargets {
  readonly postgres: { readonly port: number; readonly to: readonly PeerSpec[] };
  readonly redis: { readonly port: number; readonly to: readonly PeerSpec[] };
  readonly https: { readonly port: number; readonly exceptCidrs: readonly string[]; readonly cidrs: readonly string[]; readonly hostCidrs: Readonly<Record<string, readonly string[]>> };
}

function apiEgress(env: Environment, egress: EgressTargets): EgressAllow[] {
  const allows: EgressAllow[] = [
    { name: 'dns', to: dnsPeers(env.egress.dns, env.namespaces.dns), ports: [{ port: DNS_PORT, protocol: 'UDP' }, { port: DNS_PORT, protocol: 'TCP' }] },
  ];
  if (env.mesh.enabled) {
    allows.push({ name: 'istiod', to: [namespacePeer(env.namespaces.istio, { app: 'istiod' })], ports: [{ port: ISTIOD_XDS_PORT }] });
  }
  allows.push(
    { name: 'postgres', to: egress.postgres.to, ports: [{ port: egress.postgres.port }] },
    { name: 'redis', to: egress.redis.to, ports: [{ port: egress.redis.port }] },
    {
      name: 'https',
      to: httpsPeers(egress.https),
      ports: [{ port: egress.https.port }],
    },
  );
  return allows;
}
