import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { SecretEnvRef } from './langgraph-server';
import { DevStore, DevStoreProps } from './dev-store';
import { emptyDir, execProbe, secretEnvVar, tcpProbe } from './store-pod';
import { passwordCheckInitContainer } from './url-safe-password';

export const REDIS_PORT = 6379;
export const REDIS_PORT_NAME = 'redis';
/** redis_exporter's default listen port. */
export const REDIS_EXPORTER_PORT = 9121;

/** `image`: pinned official `redis` image reference. */
export interface RedisStoreProps extends DevStoreProps {
  /**
   * Require this password. The apps' REDIS_URI embeds it unescaped, so the pod refuses to start
   * when it is not URL-safe (an init container). @default - no password (the NetworkPolicy is the only gate)
   */
  readonly password?: SecretEnvRef;
}

/**
 * A single-replica Redis for development: a Deployment (LangGraph keeps only transient data in
 * Redis, so nothing is persisted: `--save ''`, no AOF), its ClusterIP Service
 * (`<name>.<namespace>.svc:6379`) and a redis_exporter sidecar.
 */
export class RedisStore extends DevStore {
  public readonly port = REDIS_PORT;

  constructor(scope: Construct, id: string, props: RedisStoreProps) {
    super(scope, id, props);
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

    new k8s.KubeDeployment(this, 'Resource', {
      metadata: this.metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...this.selector } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: this.podTemplate({
          terminationGracePeriodSeconds: 30,
          // The apps' REDIS_URI is `redis://:$(REDIS_PASSWORD)@…`: refuse a password that would break it.
          initContainers: props.password ? [passwordCheckInitContainer({
            image: props.image, variable: 'REDIS_PASSWORD', uri: 'REDIS_URI', password: props.password, resources: props.exporterResources,
          })] : [],
          server: {
            args,
            ports: [{ name: REDIS_PORT_NAME, containerPort: REDIS_PORT, protocol: 'TCP' }],
            ...(redisEnv.length ? { env: redisEnv } : {}),
            startupProbe: execProbe(ping, { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 }),
            readinessProbe: execProbe(ping, { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
            livenessProbe: tcpProbe(REDIS_PORT_NAME, { periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 6 }),
            // The image's working directory; nothing is written there with persistence off.
            volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }],
          },
          exporter: { port: REDIS_EXPORTER_PORT, healthPath: '/health', env: exporterEnv },
          volumes: [emptyDir('data', '64Mi'), emptyDir('tmp', '16Mi')],
        }),
      },
    });
    this.addService(REDIS_PORT_NAME, false);
  }
}
