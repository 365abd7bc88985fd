/**
 * Dev data stores: an in-cluster Postgres and Redis per workflow, each with its exporter, monitor,
 * ServiceAccount and NetworkPolicies, plus what the app needs to use them (connection env vars,
 * egress peers) and what the alerts need to watch them (exporter jobs). Renders nothing while
 * `dataStores.postgres.enabled` and `dataStores.redis.enabled` are false (the default).
 */
import { Construct } from 'constructs';
import { WorkflowContext, featureScope } from '../context';
import { DataStores, StoreImage } from '../../config/features/data-stores';
import { Keda } from '../../config/features/keda';
import { QueueWorkers } from '../../config/features/queue-workers';
import { ComponentIdentity, selectorLabels } from '../../constructs/labels';
import { AppServiceAccount } from '../../constructs/service-account';
import { ISTIO_MERGED_METRICS_PORT, SecretEnvRef } from '../../constructs/langgraph-server';
import { PostgresStore, POSTGRES_PORT, POSTGRES_PORT_NAME } from '../../constructs/postgres-store';
import { DevStore, DevStoreProps, EXPORTER_METRICS_PATH, EXPORTER_PORT_NAME } from '../../constructs/dev-store';
import { StoreResources } from '../../constructs/store-pod';
import { RedisStore, REDIS_PORT, REDIS_PORT_NAME } from '../../constructs/redis-store';
import { WorkloadPodMonitor, podMonitorJob } from '../../constructs/pod-monitor';
import { AllowPolicies, DNS_PORT, EgressAllow, ISTIOD_XDS_PORT, IngressAllow, PeerSpec, dnsPeers, namespacePeer } from '../../constructs/network-policy';
import { workerSelector } from './worker-identity';

export type Store = 'postgres' | 'redis';

/** Construct ids of each store's objects. */
const STORE_ID: Record<Store, string> = { postgres: 'Postgres', redis: 'Redis' };

export function storeIdentity(ctx: WorkflowContext, store: Store): ComponentIdentity {
  return { workflow: ctx.workflow.name, app: store, component: store };
}

/** `<workflow>-postgres` / `<workflow>-redis`: the workload, its Service, ServiceAccount and PodMonitor. */
export function storeName(ctx: WorkflowContext, store: Store): string {
  return `${ctx.workflow.name}-${store}`;
}

/** Cluster DNS name of a store's Service. */
export function storeHost(ctx: WorkflowContext, store: Store): string {
  return `${storeName(ctx, store)}.${ctx.namespace}.svc`;
}

/** Connection env vars for the API and the workers; plug into LangGraphWorkload's `secretEnv` and `env`. */
export interface DataStoreEnv {
  /** Secret references; they render before every plain variable, so `env` may use `$(NAME)` of them. */
  readonly secretEnv: Readonly<Record<string, SecretEnvRef>>;
  /** Plain values (URIs with `$(POSTGRES_PASSWORD)` / `$(REDIS_PASSWORD)` in them). */
  readonly env: Readonly<Record<string, string>>;
  /** Names these replace: drop them from the workflow's own `secretEnv` (they point at external stores). */
  readonly replaces: readonly string[];
}

/**
 * DATABASE_URI / POSTGRES_URI and REDIS_URI pointing at the in-cluster stores that are enabled.
 * Each password reaches its URI through Kubernetes' `$(VAR)` expansion of an earlier
 * `POSTGRES_PASSWORD` / `REDIS_PASSWORD` secretKeyRef, so no credential is written into dist/.
 * Expansion does not percent-encode, so the passwords must be URL-safe (`openssl rand -hex 24`);
 * each store's init container refuses any other (src/constructs/url-safe-password.ts).
 */
export function dataStoreEnv(ctx: WorkflowContext, options: DataStores): DataStoreEnv {
  const secretEnv: Record<string, SecretEnvRef> = {};
  const env: Record<string, string> = {};
  const replaces: string[] = [];
  const pg = options.postgres;
  if (pg.enabled) {
    secretEnv.POSTGRES_PASSWORD = passwordRef(ctx, pg.password);
    const uri = `postgres://${pg.user}:$(POSTGRES_PASSWORD)@${storeHost(ctx, 'postgres')}:${POSTGRES_PORT}/${pg.database}?sslmode=disable`;
    env.DATABASE_URI = uri;
    env.POSTGRES_URI = uri;
    replaces.push('DATABASE_URI', 'POSTGRES_URI');
  }
  const redis = options.redis;
  if (redis.enabled) {
    let auth = '';
    if (redis.password) {
      secretEnv.REDIS_PASSWORD = passwordRef(ctx, redis.password);
      auth = ':$(REDIS_PASSWORD)@';
    }
    env.REDIS_URI = `redis://${auth}${storeHost(ctx, 'redis')}:${REDIS_PORT}`;
    replaces.push('REDIS_URI');
  }
  return { secretEnv, env, replaces };
}

/** A workload's env with the in-cluster stores' variables in place of the ones they replace. */
export function withDataStoreEnv(
  base: { readonly secretEnv: Readonly<Record<string, SecretEnvRef>>; readonly env: Readonly<Record<string, string>> },
  stores: DataStoreEnv,
): { secretEnv: Record<string, SecretEnvRef>; env: Record<string, string> } {
  const secretEnv: Record<string, SecretEnvRef> = {};
  for (const [name, ref] of Object.entries(base.secretEnv)) if (!stores.replaces.includes(name) && !(name in stores.env)) secretEnv[name] = ref;
  Object.assign(secretEnv, stores.secretEnv);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base.env)) if (!(name in stores.secretEnv)) env[name] = value;
  Object.assign(env, stores.env);
  return { secretEnv, env };
}

/**
 * NetworkPolicy egress targets for the enabled in-cluster stores, shaped like the environment's
 * `egress.postgres` / `egress.redis`, to use in their place: `{ ...env.egress, ...dataStoreEgressPeers(ctx, options) }`.
 */
export function dataStoreEgressPeers(ctx: WorkflowContext, options: DataStores): { postgres?: { port: number; to: PeerSpec[] }; redis?: { port: number; to: PeerSpec[] } } {
  const peer = (store: Store): PeerSpec => ({ podSelector: selectorLabels(storeIdentity(ctx, store)) });
  return {
    ...(options.postgres.enabled ? { postgres: { port: POSTGRES_PORT, to: [peer('postgres')] } } : {}),
    ...(options.redis.enabled ? { redis: { port: REDIS_PORT, to: [peer('redis')] } } : {}),
  };
}

/** The exporters' scrape jobs, for `alertRuleGroups({ exporterJobs })` (the database alerts). */
export function exporterJobs(ctx: WorkflowContext, options: DataStores): { postgres?: { job: string; namespace: string }; redis?: { job: string; namespace: string } } {
  const target = (store: Store) => ({ job: podMonitorJob(ctx.namespace, storeName(ctx, store)), namespace: ctx.namespace });
  return {
    ...(options.postgres.enabled ? { postgres: target('postgres') } : {}),
    ...(options.redis.enabled ? { redis: target('redis') } : {}),
  };
}

/** Who else connects to the stores. */
export interface DataStoreClients {
  /** The workflow's queue workers; their pods may connect when enabled. @default - off */
  readonly workers?: Pick<QueueWorkers, 'enabled'>;
  /** KEDA's postgresql scaler queries Postgres when workers scale with KEDA. @default - off */
  readonly keda?: Keda;
}

/** `<repo>:<tag>@<digest>` (a digest pins the bytes), or `<repo>:<tag>` where the environment allows tags. */
export function storeImageReference(image: StoreImage, allowTags: boolean, where: string): string {
  if (image.digest) return `${image.repository}${image.tag ? `:${image.tag}` : ''}@${image.digest}`;
  if (!image.tag) throw new Error(`${where}: image ${image.repository} has neither tag nor digest; set ${where}.digest (sha256:…)`);
  if (image.tag === 'latest') throw new Error(`${where}: image ${image.repository}:latest moves; pin a version tag and set ${where}.digest`);
  if (!allowTags) {
    throw new Error(`${where}: image ${image.repository}:${image.tag} has no digest, and this environment requires one (images.allowTags is false); set ${where}.digest (crane digest ${image.repository}:${image.tag})`);
  }
  return `${image.repository}:${image.tag}`;
}

export interface DataStoreResources {
  readonly postgres?: PostgresStore;
  readonly redis?: RedisStore;
}

export function addDataStores(scope: Construct, ctx: WorkflowContext, options: DataStores, clients: DataStoreClients = {}): DataStoreResources {
  scope = featureScope(scope, ctx);
  const { env } = ctx;
  const allowTags = env.images.allowTags;
  const mesh = env.mesh.enabled;
  const clientPeers: PeerSpec[] = [{ podSelector: ctx.apiSelector }];
  if (clients.workers?.enabled) clientPeers.push({ podSelector: workerSelector(ctx) });
  const out: { postgres?: PostgresStore; redis?: RedisStore } = {};

  // What both stores share: a ServiceAccount, pinned images, a PodMonitor on the exporter, and
  // NetworkPolicies that admit only their clients and Prometheus.
  const base = (store: Store, c: { image: StoreImage; exporter: { image: StoreImage; resources: StoreResources }; resources: StoreResources }): DevStoreProps => {
    const name = storeName(ctx, store);
    const account = new AppServiceAccount(scope, `${STORE_ID[store]}ServiceAccount`, { name });
    return {
      name, identity: storeIdentity(ctx, store), serviceAccountName: account.name,
      image: storeImageReference(c.image, allowTags, `dataStores.${store}.image`),
      exporterImage: storeImageReference(c.exporter.image, allowTags, `dataStores.${store}.exporter.image`),
      resources: c.resources, exporterResources: c.exporter.resources, meshMetricsMerging: mesh,
      imageRegistry: env.images.registry, imagePullSecrets: env.images.pullSecrets,
    };
  };
  const watchAndIsolate = (store: Store, built: DevStore, from: readonly PeerSpec[], portName: string) => {
    new WorkloadPodMonitor(scope, `${STORE_ID[store]}PodMonitor`, {
      name: built.name, selector: built.selector, discoveryLabels: env.monitoring.selectorLabels,
      interval: env.monitoring.scrapeInterval, port: EXPORTER_PORT_NAME, path: EXPORTER_METRICS_PATH, meshMetricsMerging: mesh, relabelPodLabels: false,
    });
    new AllowPolicies(scope, `${STORE_ID[store]}Network`, {
      podSelector: built.selector, ingress: storeIngress(ctx, store, from, portName), egress: storeEgress(ctx, store),
    });
  };

  const pg = options.postgres;
  if (pg.enabled) {
    out.postgres = new PostgresStore(scope, 'Postgres', {
      ...base('postgres', pg),
      database: pg.database, user: pg.user, password: passwordRef(ctx, pg.password),
      storageSize: pg.storage.size, storageClassName: pg.storage.storageClassName,
    });
    const from = [...clientPeers];
    // KEDA's postgresql trigger connects from the operator's namespace.
    if (clients.keda?.enabled && clients.workers?.enabled) from.push(namespacePeer(clients.keda.namespace, clients.keda.operatorSelector));
    watchAndIsolate('postgres', out.postgres, from, POSTGRES_PORT_NAME);
  }

  const redis = options.redis;
  if (redis.enabled) {
    out.redis = new RedisStore(scope, 'Redis', {
      ...base('redis', redis),
      password: redis.password ? passwordRef(ctx, redis.password) : undefined,
    });
    watchAndIsolate('redis', out.redis, clientPeers, REDIS_PORT_NAME);
  }
  return out;
}

function passwordRef(ctx: WorkflowContext, ref: { readonly name?: string; readonly key: string }): SecretEnvRef {
  return { secretName: ref.name ? ref.name.replace(/<workflow>/g, ctx.workflow.name) : ctx.secretName, key: ref.key };
}

function storeIngress(ctx: WorkflowContext, store: Store, clients: readonly PeerSpec[], port: string): IngressAllow[] {
  const mesh = ctx.env.mesh.enabled;
  return [
    { name: `${store}-from-clients`, from: clients, ports: [{ port }] },
    // Prometheus scrapes the exporter, or the sidecar's merged endpoint with the mesh.
    { name: `${store}-from-monitoring`, from: [namespacePeer(ctx.env.namespaces.monitoring)], ports: [{ port: mesh ? ISTIO_MERGED_METRICS_PORT : EXPORTER_PORT_NAME }] },
  ];
}

/** A store calls nothing: DNS only (and istiod for its sidecar with the mesh). */
function storeEgress(ctx: WorkflowContext, store: Store): EgressAllow[] {
  const env = ctx.env;
  const allows: EgressAllow[] = [
    { name: `${store}-dns`, to: dnsPeers(env.egress.dns, env.namespaces.dns), ports: [{ port: DNS_PORT, protocol: 'UDP' }, { port: DNS_PORT, protocol: 'TCP' }] },
  ];
  if (env.mesh.enabled) allows.push({ name: `${store}-istiod`, to: [namespacePeer(env.namespaces.istio, { app: 'istiod' })], ports: [{ port: ISTIOD_XDS_PORT }] });
  return allows;
}
