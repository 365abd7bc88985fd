import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { ComponentIdentity, selectorLabels } from './labels';
import { SecretEnvRef } from './langgraph-server';
import { podScheduling } from './scheduling';
import {
  StoreResources, containerResources, emptyDir, execProbe, hardenedContainerSecurityContext, httpProbe, secretEnvVar,
  storePodSecurityContext, tcpProbe,
} from './store-pod';
import { passwordCheckInitContainer, urlSafePasswordCheck } from './url-safe-password';

export const POSTGRES_PORT = 5432;
export const POSTGRES_PORT_NAME = 'postgres';
/** postgres_exporter's default listen port. */
export const POSTGRES_EXPORTER_PORT = 9187;
export const EXPORTER_PORT_NAME = 'metrics';
export const EXPORTER_METRICS_PATH = '/metrics';
/** The volume claim's mount; PGDATA is a subfolder, because initdb wants an empty 0700 folder it owns. */
export const POSTGRES_DATA_MOUNT = '/var/lib/postgresql/data';
export const PGDATA = `${POSTGRES_DATA_MOUNT}/pgdata`;
/** Unix socket folder; the root filesystem is read-only. */
export const POSTGRES_SOCKET_DIR = '/var/run/postgresql';
/** How long the preStop hook waits for a fast shutdown. */
const PRESTOP_TIMEOUT_SECONDS = 50;

/**
 * The apps reach this store through `postgres://user:$(POSTGRES_PASSWORD)@…` (the password
 * unescaped: see src/constructs/url-safe-password.ts), so the store's init container refuses a
 * password that is not URL-safe. KEDA reads the same URI.
 */
export const URL_SAFE_PASSWORD_CHECK = urlSafePasswordCheck('POSTGRES_PASSWORD', 'DATABASE_URI');

export interface PostgresStoreProps {
  readonly name: string;
  readonly identity: ComponentIdentity;
  readonly serviceAccountName: string;
  /** Pinned `pgvector/pgvector` (or any official-postgres-compatible) image reference. */
  readonly image: string;
  readonly exporterImage: string;
  readonly database: string;
  readonly user: string;
  /** The superuser password, by reference to a pre-existing Secret. */
  readonly password: SecretEnvRef;
  readonly storageSize: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  readonly resources: StoreResources;
  readonly exporterResources: StoreResources;
  /**
   * Istio metrics merging for the exporter (environments with the mesh): the sidecar scrapes the
   * exporter and serves the result on :15020. @default false
   */
  readonly meshMetricsMerging?: boolean;
}

/**
 * A single-replica Postgres for development: a StatefulSet with a volume claim, its headless
 * Service (`<name>.<namespace>.svc:5432`) and a postgres_exporter sidecar. It runs the official
 * image's entrypoint as UID 10001 (the image supports arbitrary UIDs through nss_wrapper) with a
 * read-only root filesystem; only the data volume, the socket folder, /tmp and /dev/shm are writable.
 */
export class PostgresStore extends Construct {
  public readonly name: string;
  public readonly serviceName: string;
  public readonly selector: Record<string, string>;
  public readonly port = POSTGRES_PORT;

  constructor(scope: Construct, id: string, props: PostgresStoreProps) {
    super(scope, id);
    this.name = props.name;
    this.serviceName = props.name;
    this.selector = selectorLabels(props.identity);
    const metadata = objectMetadata(this, props.name, { identity: props.identity });
    const labels = metadata.labels;
    const container = props.identity.component;

    const isReady = ['pg_isready', '--host=127.0.0.1', `--port=${POSTGRES_PORT}`, `--username=${props.user}`, `--dbname=${props.database}`];
    const podAnnotations: Record<string, string> = { 'kubectl.kubernetes.io/default-container': container };
    if (props.meshMetricsMerging) {
      podAnnotations['prometheus.io/scrape'] = 'true';
      podAnnotations['prometheus.io/port'] = String(POSTGRES_EXPORTER_PORT);
      podAnnotations['prometheus.io/path'] = EXPORTER_METRICS_PATH;
    }
    const scheduling = podScheduling(this.selector);

    new k8s.KubeStatefulSet(this, 'Resource', {
      metadata,
      spec: {
        serviceName: this.serviceName,
        replicas: 1,
        selector: { matchLabels: { ...this.selector } },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels, annotations: podAnnotations },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: storePodSecurityContext(),
            // Room for the fast shutdown (checkpoint) before SIGKILL.
            terminationGracePeriodSeconds: PRESTOP_TIMEOUT_SECONDS + 10,
            topologySpreadConstraints: scheduling.topologySpreadConstraints as unknown as k8s.TopologySpreadConstraint[],
            affinity: scheduling.affinity as unknown as k8s.Affinity,
            initContainers: [passwordCheckInitContainer({
              image: props.image, variable: 'POSTGRES_PASSWORD', uri: 'DATABASE_URI', password: props.password, resources: props.exporterResources,
            })],
            containers: [
              {
                name: container,
                image: props.image,
                imagePullPolicy: 'Always', // re-verifies pull credentials on every start (kube-score, Checkov CKV_K8S_15)
                ports: [{ name: POSTGRES_PORT_NAME, containerPort: POSTGRES_PORT, protocol: 'TCP' }],
                env: [
                  { name: 'POSTGRES_USER', value: props.user },
                  { name: 'POSTGRES_DB', value: props.database },
                  secretEnvVar('POSTGRES_PASSWORD', props.password),
                  { name: 'PGDATA', value: PGDATA },
                ],
                resources: containerResources(props.resources),
                securityContext: hardenedContainerSecurityContext(),
                // The first start runs initdb: allow it five minutes.
                startupProbe: execProbe(isReady, { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 }),
                readinessProbe: execProbe(isReady, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
                // Liveness only asks whether the postmaster accepts connections at all.
                livenessProbe: tcpProbe(POSTGRES_PORT_NAME, { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 }),
                // SIGTERM means a "smart" shutdown, which waits for the app's pooled connections to
                // close and so ends in SIGKILL and crash recovery; stop fast (checkpoint) instead.
                lifecycle: { preStop: { exec: { command: ['pg_ctl', 'stop', '--mode=fast', '--wait', `--timeout=${PRESTOP_TIMEOUT_SECONDS}`] } } },
                volumeMounts: [
                  { name: 'data', mountPath: POSTGRES_DATA_MOUNT },
                  { name: 'run', mountPath: POSTGRES_SOCKET_DIR },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'shm', mountPath: '/dev/shm' },
                ],
              },
              {
                name: 'exporter',
                image: props.exporterImage,
                imagePullPolicy: 'Always',
                args: [`--web.listen-address=:${POSTGRES_EXPORTER_PORT}`, `--web.telemetry-path=${EXPORTER_METRICS_PATH}`],
                ports: [{ name: EXPORTER_PORT_NAME, containerPort: POSTGRES_EXPORTER_PORT, protocol: 'TCP' }],
                env: [
                  { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${POSTGRES_PORT}/${props.database}?sslmode=disable` },
                  { name: 'DATA_SOURCE_USER', value: props.user },
                  secretEnvVar('DATA_SOURCE_PASS', props.password),
                ],
                resources: containerResources(props.exporterResources),
                securityContext: hardenedContainerSecurityContext(),
                startupProbe: httpProbe('/', EXPORTER_PORT_NAME, { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24 }),
                readinessProbe: httpProbe('/', EXPORTER_PORT_NAME, { periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 3 }),
                livenessProbe: tcpProbe(EXPORTER_PORT_NAME, { periodSeconds: 30, timeoutSeconds: 2, failureThreshold: 4 }),
              },
            ],
            volumes: [
              emptyDir('run', '16Mi'),
              emptyDir('tmp', '64Mi'),
              // Postgres's dynamic shared memory; the runtime's default /dev/shm is only 64Mi.
              emptyDir('shm', '128Mi', 'Memory'),
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels: { ...this.selector } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: k8s.Quantity.fromString(props.storageSize) } },
            ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
          },
        }],
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        // Headless: the StatefulSet's governing Service; clients resolve straight to the pod.
        clusterIp: 'None',
        selector: { ...this.selector },
        ports: [{ name: POSTGRES_PORT_NAME, port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString(POSTGRES_PORT_NAME), protocol: 'TCP', appProtocol: 'tcp' }],
      },
    });
  }
}
