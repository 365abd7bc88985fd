/**
 * A hardened Deployment running the LangGraph server image in any role: the API server (the
 * image's default entrypoint) or a queue worker (`/storage/queue_entrypoint.sh`, through `command`).
 */
import { Construct } from 'constructs';
import { WorkflowScope, objectMetadata } from './workflow-scope';
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { selectorLabels } from './labels';
import { hardenPodTemplate } from './pod-hardening';
import { LANGGRAPH_SERVER_RESOURCES, containerResources, cpu, size } from './resources';
import { DEFAULT_SHUTDOWN_MARGIN_SECONDS, SHUTDOWN_GRACE_ENV, ShutdownTiming, shutdownTiming } from './shutdown';
import { APP_CONFIG_MOUNT_PATH } from './app-config';
import { podDnsConfig } from './pod-dns';
import { podScheduling, schedulingConflicts } from './scheduling';
import type { IScalable, ScaleTarget } from './autoscaler';
import { API_PORT, API_PORT_NAME, METRICS_PATH, MeshSidecarOptions, ProbeTiming, RUN_AS_GROUP, RUN_AS_USER, SecretEnvRef } from './langgraph-server';
import { ResourceAmounts } from './resources';
import { ComponentIdentity } from './labels';
import { ExtraContainer, EXTRA_CONTAINER_RESOURCES, PodExtras } from './pod-extras';
import type { Scheduling } from './scheduling';
import { imagePinningErrors } from './validations/image';
import { literalCredentialErrors } from './validations/secrets';
import { probeErrors } from './validations/probes';
import { imagePullSecretsField, pullSecretErrors, withRegistry } from './image-registry';
import { assertExtraMetadata } from './extra-metadata';
import { ServerHttp, serverHttpEnv, serverHttpProblems } from './server-http';

export interface LangGraphWorkloadProps {
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** Pinned image reference (`repo@sha256:…`). */
  readonly image: string;
  /** Accept an image pinned by tag only (never `latest`); for development environments. @default false */
  readonly allowImageTags?: boolean;
  readonly serviceAccount: kplus.IServiceAccount;
  readonly configMap: kplus.IConfigMap;
  /** @default LANGGRAPH_SERVER_RESOURCES.requests (LangChain's chart: 1 cpu, 2Gi) */
  readonly requests?: ResourceAmounts;
  /** @default LANGGRAPH_SERVER_RESOURCES.limits (LangChain's chart: 2 cpu, 4Gi) */
  readonly limits?: ResourceAmounts;
  readonly probes: { readonly startup: ProbeTiming; readonly readiness: ProbeTiming; readonly liveness: ProbeTiming };
  /** Long enough for the server to finish in-flight runs. */
  readonly terminationGracePeriodSeconds: number;
  /**
   * Part of the grace period kept back from the server's run drain: BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS
   * is rendered as grace − margin (see ./shutdown.ts). @default 30
   */
  readonly shutdownMarginSeconds?: number;
  /**
   * LANGGRAPH_POSTGRES_POOL_MAX_SIZE of the server process (the server's own default is 150).
   * @default - not rendered (the server's default)
   */
  readonly postgresPoolMaxSize?: number;
  readonly rollingUpdate: { readonly maxSurge: number; readonly maxUnavailable: number };
  /** Env vars read from Secrets (never literal values). */
  readonly secretEnv: Readonly<Record<string, SecretEnvRef>>;
  /** Plain, non-secret env vars. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Replica count. `undefined` when an autoscaler owns the workload (the field is then omitted,
   * so a sync never fights the HPA); `0` when an Argo Rollout runs these pods via workloadRef.
   */
  readonly replicas?: number;
  /** Istio sidecar settings; undefined without the mesh. @default - no mesh */
  readonly mesh?: MeshSidecarOptions;
  /** Size limit of the writable /tmp. @default 256Mi */
  readonly tmpSizeLimit?: Size;
  /** Priority class and spot-friendly placement. @default - spread over zones and nodes only */
  readonly scheduling?: Scheduling;
  /** envFrom, init containers, sidecars and extra volumes. @default - none */
  readonly extras?: PodExtras;
  /**
   * Entrypoint override, e.g. `['/storage/queue_entrypoint.sh']` for a queue worker.
   * @default - the image's entrypoint (the API server)
   */
  readonly command?: readonly string[];
  /**
   * Pull every image of the pod (server, init containers, sidecars) from this registry instead of
   * its own: `host[:port]` with an optional path prefix; each image keeps its path, tag and digest.
   * @default - each image's own registry
   */
  readonly imageRegistry?: string;
  /**
   * Names of `kubernetes.io/dockerconfigjson` Secrets in the namespace the kubelet pulls with
   * (references only; the Secrets come from elsewhere).
   * @default - none (the node's credentials)
   */
  readonly imagePullSecrets?: readonly string[];
  /** Labels of the pods besides the contract's (a contract key is refused). @default {} */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Annotations of the pods besides the platform's (a platform key is refused). @default {} */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /**
   * The server's HTTP settings, rendered as LANGGRAPH_HTTP (JSON) and HTTP_MAX_REQUEST_BODY_BYTES
   * (./server-http.ts). @default - the server's own defaults (nothing rendered)
   */
  readonly http?: ServerHttp;
}

/** The server's Postgres pool size per process (langgraph_api/config/__init__.py of 0.16.7, line 58; default 150). */
export const POOL_MAX_SIZE_ENV = 'LANGGRAPH_POSTGRES_POOL_MAX_SIZE';

/** `$(NAME)` references, which Kubernetes expands only from variables defined earlier in the list. */
const VARIABLE_REFERENCE = /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g;

/**
 * The env var names in the order they are rendered: Secret references first (in the given order),
 * then plain values sorted by name. Throws when a name is given both ways, or when a plain value
 * references a variable not defined before it (Kubernetes would pass `$(NAME)` through literally).
 */
export function renderedEnvOrder(secretEnv: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string>>, owner: string): string[] {
  const both = Object.keys(env).filter((n) => n in secretEnv);
  if (both.length) {
    throw new Error(`${owner}: env ${both.join(', ')} defined both from a Secret and as a plain value; keep one (drop it from secretEnv or from env)`);
  }
  const order = [...Object.keys(secretEnv), ...Object.keys(env).sort()];
  const defined = new Set<string>();
  for (const name of order) {
    if (!(name in secretEnv)) {
      for (const m of env[name].matchAll(VARIABLE_REFERENCE)) {
        if (!defined.has(m[1])) {
          throw new Error(`${owner}: env ${name} references $(${m[1]}), which is not defined before it; ` +
            `reference a Secret variable (secretEnv) or a plain variable whose name sorts before ${name}`);
        }
      }
    }
    defined.add(name);
  }
  return order;
}

export class LangGraphWorkload extends Construct implements IScalable {
  public readonly scaleTargetRef: ScaleTarget;
  public readonly deployment: kplus.Deployment;
  public readonly name: string;
  public readonly selector: Record<string, string>;
  public readonly podLabels: Record<string, string>;
  public readonly shutdown: ShutdownTiming;

  constructor(scope: Construct, id: string, props: LangGraphWorkloadProps) {
    super(scope, id);
    this.name = props.name;
    this.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name };
    const owner = `Deployment ${WorkflowScope.of(this).namespace}/${props.name}`;
    assertExtraMetadata(owner, { labels: props.podLabels, annotations: props.podAnnotations }, 'pod');
    this.node.addValidation({ validate: () => [...imagePinningErrors(owner, props.image, props.allowImageTags ?? false), ...literalCredentialErrors(owner, props.env ?? {}), ...probeErrors(owner, props.probes), ...pullSecretErrors(owner, props.imagePullSecrets ?? []),
      ...schedulingConflicts(props.scheduling).map((c) => `${owner}: scheduling.${c.path.join('.')} (value: ${JSON.stringify(c.value)}) ${c.message}`),
      ...serverHttpProblems(props.http).map((p) => `${owner}: http.${p.path.join('.')} (value: ${JSON.stringify(p.value)}) ${p.message}`)] });
    const image = (reference: string) => withRegistry(reference, props.imageRegistry);
    this.selector = selectorLabels(props.identity);
    const metadata = objectMetadata(this, props.name, { identity: props.identity });
    this.podLabels = metadata.labels;
    const labels = this.podLabels;
    // The grace period, the server's run drain and the sidecar's drain, derived together.
    this.shutdown = shutdownTiming(props.terminationGracePeriodSeconds, props.shutdownMarginSeconds ?? DEFAULT_SHUTDOWN_MARGIN_SECONDS, props.mesh?.terminationDrainSeconds);

    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata,
      select: false,
      spread: false,
      replicas: props.replicas,
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: false,
      // The pod's extras first: the platform's keys win (extras naming them were refused above).
      podMetadata: { labels: { ...props.podLabels, ...labels }, annotations: { ...props.podAnnotations, ...podAnnotations(props, this.shutdown) } },
      securityContext: { ensureNonRoot: true, user: RUN_AS_USER, group: RUN_AS_GROUP, fsGroup: RUN_AS_GROUP },
      terminationGracePeriod: Duration.seconds(props.terminationGracePeriodSeconds),
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(props.rollingUpdate.maxSurge),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(props.rollingUpdate.maxUnavailable),
      }),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selector }));
    if (props.replicas === undefined) this.deployment.markHasAutoscaler();

    const container = this.deployment.addContainer({
      name: props.identity.component,
      image: image(props.image),
      ...(props.command ? { command: [...props.command] } : {}),
      ports: [{ name: API_PORT_NAME, number: API_PORT }],
      resources: containerResources(props.requests ?? LANGGRAPH_SERVER_RESOURCES.requests, props.limits ?? LANGGRAPH_SERVER_RESOURCES.limits),
      startup: probe(props.probes.startup),
      readiness: probe(props.probes.readiness),
      liveness: probe(props.probes.liveness),
      securityContext: {
        ensureNonRoot: true,
        user: RUN_AS_USER,
        group: RUN_AS_GROUP,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
      },
    });
    const env: Record<string, string> = { ...(props.env ?? {}) };
    for (const [name, value] of serverEnv(props, this.shutdown)) {
      if (name in env || name in props.secretEnv) throw new Error(`${props.name}: env ${name} is set by the workload (${value}); remove it from env`);
      env[name] = value;
    }
    for (const name of renderedEnvOrder(props.secretEnv, env, `${props.name}`)) {
      const ref = props.secretEnv[name];
      if (ref) {
        const secret = kplus.Secret.fromSecretName(this, `Secret${name}`, ref.secretName);
        container.env.addVariable(name, kplus.EnvValue.fromSecretValue({ secret, key: ref.key }, { optional: false }));
      } else {
        container.env.addVariable(name, kplus.EnvValue.fromValue(env[name]));
      }
    }

    container.mount(APP_CONFIG_MOUNT_PATH, kplus.Volume.fromConfigMap(this, 'ConfigVolume', props.configMap, { name: 'config' }), { readOnly: true });
    // The root filesystem is read-only; /tmp is the only writable path, size-limited. Logs go to
    // stdout (the server writes no log files), where the kubelet and the log shipper collect them.
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', { sizeLimit: props.tmpSizeLimit ?? Size.mebibytes(256) }));

    const extras = props.extras;
    const volumes = new Map<string, kplus.Volume>();
    for (const v of extras?.volumes ?? []) {
      const volume = v.emptyDir
        ? kplus.Volume.fromEmptyDir(this, `Volume-${v.name}`, v.name, { sizeLimit: size(v.emptyDir.sizeLimit) })
        : v.configMap
          ? kplus.Volume.fromConfigMap(this, `Volume-${v.name}`, kplus.ConfigMap.fromConfigMapName(this, `ConfigMap-${v.name}`, v.configMap), { name: v.name })
          : kplus.Volume.fromSecret(this, `Volume-${v.name}`, kplus.Secret.fromSecretName(this, `SecretVolume-${v.name}`, v.secret!), { name: v.name });
      volumes.set(v.name, volume);
      if (v.mountPath) container.mount(v.mountPath, volume, { readOnly: v.readOnly ?? true });
    }
    for (const from of extras?.envFrom ?? []) {
      container.env.copyFrom('configMap' in from
        ? kplus.Env.fromConfigMap(kplus.ConfigMap.fromConfigMapName(this, `EnvFrom-${from.configMap}`, from.configMap))
        : kplus.Env.fromSecret(kplus.Secret.fromSecretName(this, `EnvFromSecret-${from.secret}`, from.secret)));
    }
    for (const c of extras?.initContainers ?? []) this.deployment.addInitContainer(extraContainer({ ...c, image: image(c.image) }, volumes, props.identity.component));
    for (const c of extras?.sidecars ?? []) this.deployment.addContainer(extraContainer({ ...c, image: image(c.image) }, volumes, props.identity.component));

    const workload = ApiObject.of(this.deployment);
    hardenPodTemplate(workload, { containerCount: 1 + (extras?.sidecars?.length ?? 0), initContainerCount: extras?.initContainers?.length ?? 0 });
    addScheduling(workload, this.selector, props.scheduling);
    // cdk8s-plus-27 takes one pull secret (dockerRegistryAuth), as an ISecret: set the list here.
    const pull = imagePullSecretsField(props.imagePullSecrets);
    if (pull.imagePullSecrets) workload.addJsonPatch(JsonPatch.add('/spec/template/spec/imagePullSecrets', pull.imagePullSecrets));
  }

  /** The rendered Deployment object (for composition, e.g. a Rollout's workloadRef). */
  public get apiObject(): ApiObject {
    return ApiObject.of(this.deployment);
  }
}

function probe(t: ProbeTiming): kplus.Probe {
  const timing = {
    port: API_PORT,
    initialDelaySeconds: Duration.seconds(t.initialDelaySeconds),
    periodSeconds: Duration.seconds(t.periodSeconds),
    timeoutSeconds: Duration.seconds(t.timeoutSeconds),
    failureThreshold: t.failureThreshold,
    successThreshold: t.successThreshold,
  };
  return t.handler === 'tcp' ? kplus.Probe.fromTcpSocket(timing) : kplus.Probe.fromHttpGet(t.path, timing);
}

/** Env the workload sets itself: the run drain and, when given, the Postgres pool size. */
function serverEnv(props: LangGraphWorkloadProps, shutdown: ShutdownTiming): [string, string][] {
  const env: [string, string][] = [[SHUTDOWN_GRACE_ENV, String(shutdown.runDrainSeconds)]];
  if (props.postgresPoolMaxSize !== undefined) env.push([POOL_MAX_SIZE_ENV, String(props.postgresPoolMaxSize)]);
  env.push(...Object.entries(serverHttpEnv(props.http)));
  return env;
}

function podAnnotations(props: LangGraphWorkloadProps, shutdown: ShutdownTiming): Record<string, string> {
  const annotations: Record<string, string> = { 'kubectl.kubernetes.io/default-container': props.identity.component };
  if (props.mesh) {
    // Start the sidecar before the server (outbound calls at boot) and keep it up while runs
    // drain and through the margin in which the server re-queues what it could not finish.
    annotations['proxy.istio.io/config'] = JSON.stringify({
      holdApplicationUntilProxyStarts: true,
      terminationDrainDuration: `${shutdown.sidecarDrainSeconds}s`,
    });
    // Istio metrics merging: the sidecar scrapes the server's /metrics and serves both on :15020.
    annotations['prometheus.io/scrape'] = 'true';
    annotations['prometheus.io/port'] = String(API_PORT);
    annotations['prometheus.io/path'] = METRICS_PATH;
  }
  return annotations;
}

/** cdk8s-plus-27 cannot express topology spread, priority classes or raw tolerations: set them here. */
function addScheduling(workload: ApiObject, selector: Record<string, string>, options?: Scheduling): void {
  const fields = podScheduling(selector, options);
  for (const [key, value] of Object.entries(fields)) workload.addJsonPatch(JsonPatch.add(`/spec/template/spec/${key}`, value));
  workload.addJsonPatch(JsonPatch.add('/spec/template/spec/dnsConfig', podDnsConfig()));
}

/** An init container or sidecar from config, with the same hardening and requests/limits as the server. */
function extraContainer(c: ExtraContainer, volumes: ReadonlyMap<string, kplus.Volume>, owner: string): kplus.ContainerProps {
  const timing = (period: number, failures: number) => ({ periodSeconds: Duration.seconds(period), failureThreshold: failures, timeoutSeconds: Duration.seconds(2) });
  // Distinct handlers: readiness asks the sidecar's health endpoint, liveness only that it listens.
  const probes = (p: NonNullable<ExtraContainer['port']>) => ({
    startup: kplus.Probe.fromTcpSocket({ port: p.number, ...timing(5, 24) }),
    readiness: kplus.Probe.fromHttpGet(p.healthPath, { port: p.number, ...timing(10, 3) }),
    liveness: kplus.Probe.fromTcpSocket({ port: p.number, ...timing(20, 6) }),
  });
  const env = c.env ?? {};
  const r = c.resources ?? EXTRA_CONTAINER_RESOURCES;
  return {
    name: c.name,
    image: c.image,
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    envVariables: Object.fromEntries(Object.keys(env).sort().map((k) => [k, kplus.EnvValue.fromValue(env[k])])),
    ...(c.port ? { ports: [{ name: c.port.name, number: c.port.number }], ...probes(c.port) } : {}),
    resources: {
      cpu: { request: cpu(r.cpuRequest), limit: cpu(r.cpuLimit) },
      memory: { request: size(r.memoryRequest), limit: size(r.memoryLimit) },
      ephemeralStorage: { request: size(r.ephemeralStorageRequest), limit: size(r.ephemeralStorageLimit) },
    },
    securityContext: { ensureNonRoot: true, user: RUN_AS_USER, group: RUN_AS_GROUP, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false },
    volumeMounts: (c.mounts ?? []).map((m) => {
      const volume = volumes.get(m.volume);
      if (!volume) throw new Error(`container ${c.name} (beside ${owner}) mounts volume "${m.volume}", which pod.volumes does not define`);
      return { path: m.mountPath, volume, readOnly: m.readOnly ?? true };
    }),
  };
}
