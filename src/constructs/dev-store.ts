/**
 * What the in-cluster development stores (PostgresStore, RedisStore) share: one hardened pod of the
 * store and its Prometheus exporter sidecar (UID 10001, read-only root, spread like the server),
 * scraped through the mesh's metrics merging where there is one, and a Service in front.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity, selectorLabels } from './labels';
import { podDnsConfig } from './pod-dns';
import { podScheduling } from './scheduling';
import { StoreResources, containerResources, hardenedContainerSecurityContext, httpProbe, storePodSecurityContext, tcpProbe } from './store-pod';
import { objectMetadata } from './workflow-scope';
import { imagePullSecretsField, pullSecretErrors, withRegistry } from './image-registry';

export const EXPORTER_PORT_NAME = 'metrics';
export const EXPORTER_METRICS_PATH = '/metrics';

export interface DevStoreProps {
  /** `<workflow>-<store>`: the workload and its Service. */
  readonly name: string;
  readonly identity: ComponentIdentity;
  readonly serviceAccountName: string;
  /** Pinned store image reference. */
  readonly image: string;
  /** Pinned exporter image reference. */
  readonly exporterImage: string;
  readonly resources: StoreResources;
  readonly exporterResources: StoreResources;
  /**
   * Istio metrics merging for the exporter (environments with the mesh): the sidecar scrapes the
   * exporter and serves the result on :15020. @default false
   */
  readonly meshMetricsMerging?: boolean;
  /**
   * Pull the store's, the exporter's and the init containers' images from this registry instead
   * of their own (each keeps its path, tag and digest). @default - each image's own registry
   */
  readonly imageRegistry?: string;
  /** Names of `kubernetes.io/dockerconfigjson` Secrets the kubelet pulls the images with. @default - none */
  readonly imagePullSecrets?: readonly string[];
}

/** The store-specific parts of the pod. */
export interface DevStorePod {
  /** The store container without name, image, pull policy, resources and security context (set here). */
  readonly server: Omit<k8s.Container, 'name' | 'image' | 'imagePullPolicy' | 'resources' | 'securityContext'>;
  readonly exporter: {
    readonly port: number;
    /** The exporter's health endpoint, probed for startup and readiness. */
    readonly healthPath: string;
    readonly env: k8s.EnvVar[];
    /** @default - none */
    readonly volumeMounts?: k8s.VolumeMount[];
  };
  readonly terminationGracePeriodSeconds: number;
  /** @default [] */
  readonly initContainers?: k8s.Container[];
  readonly volumes: k8s.Volume[];
}

export abstract class DevStore extends Construct {
  public readonly name: string;
  /** The Service clients connect to (`<name>.<namespace>.svc`). */
  public readonly serviceName: string;
  public readonly selector: Record<string, string>;
  public abstract readonly port: number;
  protected readonly metadata: ReturnType<typeof objectMetadata>;

  constructor(scope: Construct, id: string, private readonly storeProps: DevStoreProps) {
    super(scope, id);
    this.name = storeProps.name;
    this.serviceName = storeProps.name;
    this.selector = selectorLabels(storeProps.identity);
    this.metadata = objectMetadata(this, storeProps.name, { identity: storeProps.identity });
    this.node.addValidation({ validate: () => pullSecretErrors(`store ${storeProps.name}`, storeProps.imagePullSecrets ?? []) });
  }

  /** The pod: the store's container first (the default container), then its exporter. */
  protected podTemplate(pod: DevStorePod): k8s.PodTemplateSpec {
    const p = this.storeProps;
    const container = p.identity.component;
    const annotations: Record<string, string> = { 'kubectl.kubernetes.io/default-container': container };
    if (p.meshMetricsMerging) {
      annotations['prometheus.io/scrape'] = 'true';
      annotations['prometheus.io/port'] = String(pod.exporter.port);
      annotations['prometheus.io/path'] = EXPORTER_METRICS_PATH;
    }
    const scheduling = podScheduling(this.selector);
    return {
      metadata: { labels: this.metadata.labels, annotations },
      spec: {
        serviceAccountName: p.serviceAccountName,
        automountServiceAccountToken: false,
        securityContext: storePodSecurityContext(),
        terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
        topologySpreadConstraints: scheduling.topologySpreadConstraints as unknown as k8s.TopologySpreadConstraint[],
        affinity: scheduling.affinity as unknown as k8s.Affinity,
        dnsConfig: podDnsConfig(),
        restartPolicy: 'Always', // the default, stated (kube-linter restart-policy)
        ...imagePullSecretsField(p.imagePullSecrets),
        ...(pod.initContainers?.length ? { initContainers: pod.initContainers.map((c) => (c.image === undefined ? c : { ...c, image: withRegistry(c.image, p.imageRegistry) })) } : {}),
        containers: [
          {
            name: container,
            image: withRegistry(p.image, p.imageRegistry),
            imagePullPolicy: 'Always', // re-verifies pull credentials on every start (kube-score, Checkov CKV_K8S_15)
            resources: containerResources(p.resources),
            securityContext: hardenedContainerSecurityContext(),
            ...pod.server,
          },
          {
            name: 'exporter',
            image: withRegistry(p.exporterImage, p.imageRegistry),
            imagePullPolicy: 'Always',
            args: [`--web.listen-address=:${pod.exporter.port}`, `--web.telemetry-path=${EXPORTER_METRICS_PATH}`],
            ports: [{ name: EXPORTER_PORT_NAME, containerPort: pod.exporter.port, protocol: 'TCP' }],
            env: pod.exporter.env,
            ...(pod.exporter.volumeMounts ? { volumeMounts: pod.exporter.volumeMounts } : {}),
            resources: containerResources(p.exporterResources),
            securityContext: hardenedContainerSecurityContext(),
            startupProbe: httpProbe(pod.exporter.healthPath, EXPORTER_PORT_NAME, { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24 }),
            readinessProbe: httpProbe(pod.exporter.healthPath, EXPORTER_PORT_NAME, { periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 3 }),
            livenessProbe: tcpProbe(EXPORTER_PORT_NAME, { periodSeconds: 30, timeoutSeconds: 2, failureThreshold: 4 }),
          },
        ],
        volumes: pod.volumes,
      },
    };
  }

  /** The store's Service on its named port; `headless` for a StatefulSet's governing Service. */
  protected addService(portName: string, headless: boolean): void {
    new k8s.KubeService(this, 'Service', {
      metadata: this.metadata,
      spec: {
        ...(headless ? { clusterIp: 'None' } : { type: 'ClusterIP' }),
        selector: { ...this.selector },
        ports: [{ name: portName, port: this.port, targetPort: k8s.IntOrString.fromString(portName), protocol: 'TCP', appProtocol: 'tcp' }],
      },
    });
  }
}
