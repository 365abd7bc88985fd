import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity, selectorLabels } from './labels';
import { SecretEnvRef } from './langgraph-server';
import { podScheduling } from './scheduling';
import { EXPORTER_METRICS_PATH, EXPORTER_PORT_NAME } from './postgres-store';
import {
  StoreResources, containerResources, emptyDir, execProbe, hardenedContainerSecurityContext, httpProbe, secretEnvVar,
  storePodSecurityContext, tcpProbe,
} from './store-pod';
import { passwordCheckInitContainer } from './url-safe-password';

export const REDIS_PORT = 6379;
export const REDIS_PORT_NAME = 'redis';
/** redis_exporter's default listen port. */
export const REDIS_EXPORTER_PORT = 9121;

export interface RedisStoreProps {
  readonly name: string;
  readonly identity: ComponentIdentity;
  readonly serviceAccountName: string;
  /** Pinned official `redis` image reference. */
  readonly image: string;
  readonly exporterImage: string;
  /**
   * Require this password. The apps' REDIS_URI embeds it unescaped, so the pod refuses to start
   * when it is not URL-safe (an init container). @default - no password (the NetworkPolicy is the only gate)
   */
  readonly password?: SecretEnvRef;
  readonly resources: StoreResources;
  readonly exporterResources: StoreResources;
  /** Istio metrics merging for the exporter (environments with the mesh). @default false */
  readonly meshMetricsMerging?: boolean;
}

/**
 * A single-replica Redis for development: a Deployment (LangGraph keeps only transient data in
 * Redis, so nothing is persisted: `--save ''`, no AOF), its ClusterIP Service
 * (`<name>.<namespace>.svc:6379`) and a redis_exporter sidecar.
 */
export class RedisStore extends Construct {
  public readonly name: string;
  public readonly serviceName: string;
  public readonly selector: Record<string, string>;
  public readonly port = REDIS_PORT;

  constructor(scope: Construct, id: string, props: RedisStoreProps) {
    super(scope, id);
    this.name = props.name;
    this.serviceName = props.name;
    this.selector = selectorLabels(props.identity);
    const metadata = objectMetadata(this, props.name, { identity: props.identity });
    const labels = metadata.labels;
    const container = props.identity.component;

    // redis-cli reads the password from REDISCLI_AUTH, so it never appears in a probe's command line.
    const ping = ['sh', '-c', `redis-cli -h 127.0.0.1 -p ${REDIS_PORT} ping | grep -q PONG`];
    const args = ['redis-server', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];
    const redisEnv: k8s.EnvVar[] = [];
    const exporterEnv: k8s.EnvVar[] = [{ name: 'REDIS_ADDR', value: `redis://127.0.0.1:${REDIS_PORT}` }];
    if (props.password) {
      redisEnv.push(secretEnvVar('REDIS_PASSWORD', props.password), secretEnvVar('REDISCLI_AUTH', props.password));
      // Kubernetes expands $(REDIS_PASSWORD) in args from the container's env.
      args.push('--requirepass', '$(REDIS_PASSWORD)');
      exporterEnv.push(secretEnvVar('REDIS_PASSWORD', props.password));
    }
    const podAnnotations: Record<string, string> = { 'kubectl.kubernetes.io/default-container': container };
    if (props.meshMetricsMerging) {
      podAnnotations['prometheus.io/scrape'] = 'true';
      podAnnotations['prometheus.io/port'] = String(REDIS_EXPORTER_PORT);
      podAnnotations['prometheus.io/path'] = EXPORTER_METRICS_PATH;
    }
    const scheduling = podScheduling(this.selector);

    new k8s.KubeDeployment(this, 'Resource', {
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...this.selector } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels, annotations: podAnnotations },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: storePodSecurityContext(),
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: scheduling.topologySpreadConstraints as unknown as k8s.TopologySpreadConstraint[],
            affinity: scheduling.affinity as unknown as k8s.Affinity,
            // The apps' REDIS_URI is `redis://:$(REDIS_PASSWORD)@…`: refuse a password that would break it.
            ...(props.password ? {
              initContainers: [passwordCheckInitContainer({
                image: props.image, variable: 'REDIS_PASSWORD', uri: 'REDIS_URI', password: props.password, resources: props.exporterResources,
              })],
            } : {}),
            containers: [
              {
                name: container,
                image: props.image,
                imagePullPolicy: 'Always', // re-verifies pull credentials on every start (kube-score, Checkov CKV_K8S_15)
                args,
                ports: [{ name: REDIS_PORT_NAME, containerPort: REDIS_PORT, protocol: 'TCP' }],
                ...(redisEnv.length ? { env: redisEnv } : {}),
                resources: containerResources(props.resources),
                securityContext: hardenedContainerSecurityContext(),
                startupProbe: execProbe(ping, { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 }),
                readinessProbe: execProbe(ping, { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
                livenessProbe: tcpProbe(REDIS_PORT_NAME, { periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 6 }),
                // The image's working directory; nothing is written there with persistence off.
                volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }],
              },
              {
                name: 'exporter',
                image: props.exporterImage,
                imagePullPolicy: 'Always',
                args: [`--web.listen-address=:${REDIS_EXPORTER_PORT}`, `--web.telemetry-path=${EXPORTER_METRICS_PATH}`],
                ports: [{ name: EXPORTER_PORT_NAME, containerPort: REDIS_EXPORTER_PORT, protocol: 'TCP' }],
                env: exporterEnv,
                resources: containerResources(props.exporterResources),
                securityContext: hardenedContainerSecurityContext(),
                startupProbe: httpProbe('/health', EXPORTER_PORT_NAME, { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24 }),
                readinessProbe: httpProbe('/health', EXPORTER_PORT_NAME, { periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 3 }),
                livenessProbe: tcpProbe(EXPORTER_PORT_NAME, { periodSeconds: 30, timeoutSeconds: 2, failureThreshold: 4 }),
              },
            ],
            volumes: [emptyDir('data', '64Mi'), emptyDir('tmp', '16Mi')],
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selector },
        ports: [{ name: REDIS_PORT_NAME, port: REDIS_PORT, targetPort: k8s.IntOrString.fromString(REDIS_PORT_NAME), protocol: 'TCP', appProtocol: 'tcp' }],
      },
    });
  }
}
