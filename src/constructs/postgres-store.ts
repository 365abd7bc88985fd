import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { SecretEnvRef } from './langgraph-server';
import { DevStore, DevStoreProps } from './dev-store';
import { emptyDir, execProbe, tcpProbe } from './store-pod';
import { passwordCheckInitContainer, urlSafePasswordCheck } from './url-safe-password';

export const POSTGRES_PORT = 5432;
export const POSTGRES_PORT_NAME = 'postgres';
/** postgres_exporter's default listen port. */
export const POSTGRES_EXPORTER_PORT = 9187;
/** The volume claim's mount; PGDATA is a subfolder, because initdb wants an empty 0700 folder it owns. */
export const POSTGRES_DATA_MOUNT = '/var/lib/postgresql/data';
export const PGDATA = `${POSTGRES_DATA_MOUNT}/pgdata`;
/** Unix socket folder; the root filesystem is read-only. */
export const POSTGRES_SOCKET_DIR = '/var/run/postgresql';
/** How long the preStop hook waits for a fast shutdown. */
const PRESTOP_TIMEOUT_SECONDS = 50;
/**
 * The password reaches Postgres and the exporter as a mounted file, not an env var (CIS 5.4.1):
 * the image's entrypoint reads POSTGRES_PASSWORD_FILE, postgres_exporter DATA_SOURCE_PASS_FILE.
 */
export const PASSWORD_VOLUME = 'password';
export const PASSWORD_MOUNT = '/etc/postgres-password';
export const PASSWORD_FILE = `${PASSWORD_MOUNT}/password`;

/**
 * The apps reach this store through `postgres://user:$(POSTGRES_PASSWORD)@…` (the password
 * unescaped: see src/constructs/url-safe-password.ts), so the store's init container refuses a
 * password that is not URL-safe. KEDA reads the same URI.
 */
export const URL_SAFE_PASSWORD_CHECK = urlSafePasswordCheck('POSTGRES_PASSWORD', 'DATABASE_URI');

/** `image`: pinned `pgvector/pgvector` (or any official-postgres-compatible) image reference. */
export interface PostgresStoreProps extends DevStoreProps {
  readonly database: string;
  readonly user: string;
  /** The superuser password, by reference to a pre-existing Secret. */
  readonly password: SecretEnvRef;
  readonly storageSize: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/**
 * A StatefulSet whose claim templates say their apiVersion and kind, as the API server stores them.
 * Without them Argo CD's diff (server-side apply) shows the StatefulSet OutOfSync forever (seen in
 * the Argo CD behaviour stage; argoproj/argo-cd#11143). The L1 type cannot express them, and its
 * `toJson` drops what its type lacks (a JSON patch included), so they are added after it.
 */
class StatefulSetWithClaimKinds extends k8s.KubeStatefulSet {
  public toJson(): any {
    const json = super.toJson();
    const claims: object[] | undefined = json.spec?.volumeClaimTemplates;
    if (claims) json.spec.volumeClaimTemplates = claims.map((claim) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...claim }));
    return json;
  }
}

/**
 * A single-replica Postgres for development: a StatefulSet with a volume claim, its headless
 * Service (`<name>.<namespace>.svc:5432`) and a postgres_exporter sidecar. It runs the official
 * image's entrypoint as UID 10001 (the image supports arbitrary UIDs through nss_wrapper) with a
 * read-only root filesystem; only the data volume, the socket folder, /tmp and /dev/shm are writable.
 */
export class PostgresStore extends DevStore {
  public readonly port = POSTGRES_PORT;

  constructor(scope: Construct, id: string, props: PostgresStoreProps) {
    super(scope, id, props);
    const isReady = ['pg_isready', '--host=127.0.0.1', `--port=${POSTGRES_PORT}`, `--username=${props.user}`, `--dbname=${props.database}`];
    new StatefulSetWithClaimKinds(this, 'Resource', {
      metadata: this.metadata,
      spec: {
        serviceName: this.serviceName,
        replicas: 1,
        selector: { matchLabels: { ...this.selector } },
        updateStrategy: { type: 'RollingUpdate' },
        template: this.podTemplate({
          // Room for the fast shutdown (checkpoint) before SIGKILL.
          terminationGracePeriodSeconds: PRESTOP_TIMEOUT_SECONDS + 10,
          initContainers: [passwordCheckInitContainer({
            image: props.image, variable: 'POSTGRES_PASSWORD', uri: 'DATABASE_URI', password: props.password, resources: props.exporterResources,
            file: { volume: PASSWORD_VOLUME, mountPath: PASSWORD_MOUNT, fileName: 'password' },
          })],
          server: {
            ports: [{ name: POSTGRES_PORT_NAME, containerPort: POSTGRES_PORT, protocol: 'TCP' }],
            env: [
              { name: 'POSTGRES_USER', value: props.user },
              { name: 'POSTGRES_DB', value: props.database },
              { name: 'POSTGRES_PASSWORD_FILE', value: PASSWORD_FILE },
              { name: 'PGDATA', value: PGDATA },
            ],
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
              { name: PASSWORD_VOLUME, mountPath: PASSWORD_MOUNT, readOnly: true },
            ],
          },
          exporter: {
            port: POSTGRES_EXPORTER_PORT,
            healthPath: '/',
            env: [
              { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${POSTGRES_PORT}/${props.database}?sslmode=disable` },
              { name: 'DATA_SOURCE_USER', value: props.user },
              { name: 'DATA_SOURCE_PASS_FILE', value: PASSWORD_FILE },
            ],
            volumeMounts: [{ name: PASSWORD_VOLUME, mountPath: PASSWORD_MOUNT, readOnly: true }],
          },
          volumes: [
            emptyDir('run', '16Mi'),
            emptyDir('tmp', '64Mi'),
            // Postgres's dynamic shared memory; the runtime's default /dev/shm is only 64Mi.
            emptyDir('shm', '128Mi', 'Memory'),
            // Group-readable by fsGroup (the pod's non-root group), nobody else.
            { name: PASSWORD_VOLUME, secret: { secretName: props.password.secretName, items: [{ key: props.password.key, path: 'password' }], defaultMode: 0o440 } },
          ],
        }),
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
    // Headless: the StatefulSet's governing Service; clients resolve straight to the pod.
    this.addService(POSTGRES_PORT_NAME, true);
  }
}
