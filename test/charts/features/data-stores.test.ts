import { featureScope } from '../../../src/charts/context';
import { Testing, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  addDataStores, dataStoreEgressPeers, dataStoreEnv, exporterJobs, storeImageReference, withDataStoreEnv,
} from '../../../src/charts/features/data-stores';
import { addQueueWorkers } from '../../../src/charts/features/queue-workers';
import { secretEnvFor } from '../../../src/charts/credentials';
import { PLACEHOLDER_DIGEST, dataStoresSchema } from '../../../src/config/features/data-stores';
import { queueWorkersSchema } from '../../../src/config/features/queue-workers';
import { kedaSchema } from '../../../src/config/features/keda';
import { LangGraphWorkload } from '../../../src/constructs/langgraph-workload';
import { alertRuleGroups } from '../../../src/observability/alert-rules';
import { defaultSchemaRegistry } from '../../../src/validation/schema-registry';
import { ENVIRONMENTS } from '../../helpers';
import {
  WF, byKindName, contextOf, describeViolations, expectHardenedPod, renderFeature, renderWithChart, resolvedEnvironment,
} from './feature-fixture';

const off = dataStoresSchema.parse(undefined);
const both = dataStoresSchema.parse({ postgres: { enabled: true }, redis: { enabled: true } });
const postgresOnly = dataStoresSchema.parse({ postgres: { enabled: true } });
const redisOnly = dataStoresSchema.parse({ redis: { enabled: true } });
const withRedisPassword = dataStoresSchema.parse({ postgres: { enabled: true }, redis: { enabled: true, password: { key: 'redis-password' } } });
// At most 3 workers, so the API's maximum replicas plus these fit each environment's connection
// budget (cross-object/connection-budget): prod 20 × 10 + 3 × 10 + 1 (KEDA) ≤ 250, staging 6 × 10 + 31 ≤ 100.
const workersOn = queueWorkersSchema.parse({ enabled: true, autoscaling: { maxReplicas: 3 } });
const kedaOn = kedaSchema.parse({ enabled: true });
const NS = WF; // the committed catalog leaves the namespace at the workflow name

const PG_SELECTOR = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': WF, 'app.kubernetes.io/component': 'postgres' };
const REDIS_SELECTOR = { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': WF, 'app.kubernetes.io/component': 'redis' };
const API_SELECTOR = { 'app.kubernetes.io/name': 'langgraph-api', 'app.kubernetes.io/instance': WF, 'app.kubernetes.io/component': 'api' };
const WORKER_SELECTOR = { 'app.kubernetes.io/name': 'langgraph-worker', 'app.kubernetes.io/instance': WF, 'app.kubernetes.io/component': 'worker' };
const selects = (policy: any, labels: Record<string, string>) => Object.entries(policy.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

describe('config', () => {
  test('both stores are off by default', () => {
    expect([off.postgres.enabled, off.redis.enabled]).toEqual([false, false]);
  });

  test('the default digests are the marked placeholder, beside a version tag', () => {
    for (const image of [off.postgres.image, off.postgres.exporter.image, off.redis.image, off.redis.exporter.image]) {
      expect(image.digest).toBe(PLACEHOLDER_DIGEST);
      expect(image.tag).toMatch(/\d/);
    }
    expect(off.postgres.image.repository).toBe('docker.io/pgvector/pgvector');
  });

  test('a password is only ever a Secret reference', () => {
    expect(dataStoresSchema.safeParse({ postgres: { enabled: true, password: { key: 'k', value: 'hunter2' } } }).success).toBe(false);
  });
});

describe('storeImageReference', () => {
  test('a digest pins the image (the tag is kept for readers)', () => {
    expect(storeImageReference({ repository: 'docker.io/library/redis', tag: '7.2.5', digest: PLACEHOLDER_DIGEST }, false, 'x'))
      .toBe(`docker.io/library/redis:7.2.5@${PLACEHOLDER_DIGEST}`);
  });

  test('a tag alone only where the environment allows tags, never latest', () => {
    expect(storeImageReference({ repository: 'docker.io/library/redis', tag: '7.2.5' }, true, 'x')).toBe('docker.io/library/redis:7.2.5');
    expect(() => storeImageReference({ repository: 'docker.io/library/redis', tag: '7.2.5' }, false, 'dataStores.redis.image'))
      .toThrow(/dataStores.redis.image: .* has no digest, and this environment requires one .*set dataStores.redis.image.digest/);
    expect(() => storeImageReference({ repository: 'docker.io/library/redis', tag: 'latest' }, true, 'x')).toThrow(/latest/);
    expect(() => storeImageReference({ repository: 'docker.io/library/redis' }, true, 'x')).toThrow(/neither tag nor digest/);
  });

  test('the composer applies the environment\'s allowTags', () => {
    const tagOnly = dataStoresSchema.parse({ redis: { enabled: true, image: { repository: 'docker.io/library/redis', tag: '7.2.5-alpine' } } });
    expect(() => renderFeature(contextOf('prod'), (chart, c) => addDataStores(chart, c, tagOnly))).toThrow(/images.allowTags is false/);
    const dev = renderFeature(contextOf('dev'), (chart, c) => addDataStores(chart, c, tagOnly));
    // Dev pulls through its mirror (images.registry): the same path and tag from another host.
    expect(byKindName(dev, 'Deployment', `${WF}-redis`).spec.template.spec.containers[0].image).toBe(`${contextOf('dev').env.images.registry}/library/redis:7.2.5-alpine`);
    const noMirror = renderFeature(contextOf('dev', (e) => ({ ...e, images: { ...e.images, registry: undefined } })), (chart, c) => addDataStores(chart, c, tagOnly));
    expect(byKindName(noMirror, 'Deployment', `${WF}-redis`).spec.template.spec.containers[0].image).toBe('docker.io/library/redis:7.2.5-alpine');
  });

  test('the registry override and pull Secrets reach every container of both stores, and their absence leaves them as they are', () => {
    const on = renderFeature(contextOf('dev', (e) => ({ ...e, images: { ...e.images, registry: 'harbor.corp.internal/hub', pullSecrets: ['registry-pull'] } })), (chart, c) => addDataStores(chart, c, both));
    const off = renderFeature(contextOf('dev', (e) => ({ ...e, images: { allowTags: true, pullSecrets: [] } })), (chart, c) => addDataStores(chart, c, both));
    const pods = (objects: any[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => o.spec.template.spec);
    expect(pods(on)).toHaveLength(2);
    for (const [spec, plain] of pods(on).map((s, i) => [s, pods(off)[i]])) {
      expect(spec.imagePullSecrets).toEqual([{ name: 'registry-pull' }]);
      expect(plain.imagePullSecrets).toBeUndefined();
      const images = [...spec.containers, ...(spec.initContainers ?? [])].map((c: any) => c.image);
      const plainImages = [...plain.containers, ...(plain.initContainers ?? [])].map((c: any) => c.image);
      expect(images).toEqual(plainImages.map((i: string) => `harbor.corp.internal/hub/${i.replace(/^[^/]+\//, '')}`));
      for (const image of images) expect(image).toMatch(/@sha256:[a-f0-9]{64}$/);
    }
  });
});

describe('wiring into the app', () => {
  const ctx = contextOf('dev');

  test('off: no env, no egress peers, no exporter jobs', () => {
    expect(dataStoreEnv(ctx, off)).toEqual({ secretEnv: {}, env: {}, replaces: [] });
    expect(dataStoreEgressPeers(ctx, off)).toEqual({});
    expect(exporterJobs(ctx, off)).toEqual({});
  });

  test('off: merging into a workload\'s env changes nothing, not even the order (dist stays as it is)', () => {
    const base = { secretEnv: secretEnvFor(ctx), env: { ...ctx.settings.env, N_JOBS_PER_WORKER: '0' } };
    const merged = withDataStoreEnv(base, dataStoreEnv(ctx, off));
    expect(merged).toEqual(base);
    expect(Object.keys(merged.secretEnv)).toEqual(Object.keys(base.secretEnv));
    expect(Object.keys(merged.env)).toEqual(Object.keys(base.env));
  });

  test('Postgres: the password by secretKeyRef, the URIs through $(POSTGRES_PASSWORD) to the in-cluster Service', () => {
    const env = dataStoreEnv(ctx, postgresOnly);
    expect(env.secretEnv).toEqual({ POSTGRES_PASSWORD: { secretName: `${WF}-secrets`, key: 'postgres-password' } });
    const uri = `postgres://langgraph:$(POSTGRES_PASSWORD)@${WF}-postgres.${NS}.svc:5432/langgraph?sslmode=disable`;
    expect(env.env).toEqual({ DATABASE_URI: uri, POSTGRES_URI: uri });
    expect(env.replaces).toEqual(['DATABASE_URI', 'POSTGRES_URI']);
  });

  test('Redis: REDIS_URI to the in-cluster Service, with the password by reference when one is set', () => {
    expect(dataStoreEnv(ctx, redisOnly).env).toEqual({ REDIS_URI: `redis://${WF}-redis.${NS}.svc:6379` });
    const secured = dataStoreEnv(ctx, withRedisPassword);
    expect(secured.env.REDIS_URI).toBe(`redis://:$(REDIS_PASSWORD)@${WF}-redis.${NS}.svc:6379`);
    expect(secured.secretEnv.REDIS_PASSWORD).toEqual({ secretName: `${WF}-secrets`, key: 'redis-password' });
  });

  test('a Secret other than the workflow\'s may be named, with <workflow> replaced', () => {
    const options = dataStoresSchema.parse({ postgres: { enabled: true, password: { name: '<workflow>-db', key: 'pw' } } });
    expect(dataStoreEnv(ctx, options).secretEnv.POSTGRES_PASSWORD).toEqual({ secretName: `${WF}-db`, key: 'pw' });
  });

  test('in the API workload the password is defined before the URIs that expand it, and the external URIs are gone', () => {
    const merged = withDataStoreEnv({ secretEnv: secretEnvFor(ctx), env: ctx.settings.env }, dataStoreEnv(ctx, both));
    const chart = new Chart(Testing.app(), 'Test', { disableResourceNameHashes: true });
    const s = ctx.settings;
    new LangGraphWorkload(featureScope(chart, ctx), 'Api', {
      name: ctx.apiName, identity: ctx.api, image: ctx.workflow.image.reference, allowImageTags: ctx.env.images.allowTags,
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'SA', ctx.apiName),
      configMap: kplus.ConfigMap.fromConfigMapName(chart, 'CM', `${WF}-config`),
      requests: s.resources.requests, limits: s.resources.limits, probes: s.probes, terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
      rollingUpdate: s.rollingUpdate, secretEnv: merged.secretEnv, env: merged.env,
    });
    const env: any[] = (chart.toJson()[0] as any).spec.template.spec.containers[0].env;
    const names = env.map((e) => e.name);
    expect(names.filter((n) => n === 'DATABASE_URI')).toHaveLength(1);
    expect(names.indexOf('POSTGRES_PASSWORD')).toBeLessThan(names.indexOf('DATABASE_URI'));
    expect(names.indexOf('POSTGRES_PASSWORD')).toBeLessThan(names.indexOf('POSTGRES_URI'));
    for (const name of ['DATABASE_URI', 'POSTGRES_URI', 'REDIS_URI']) expect(env.find((e) => e.name === name).valueFrom).toBeUndefined();
    expect(names).toContain('LANGSMITH_API_KEY'); // the other credentials stay
  });

  test('egress peers: the stores\' pods, on their ports, shaped like env.egress', () => {
    expect(dataStoreEgressPeers(ctx, both)).toEqual({
      postgres: { port: 5432, to: [{ podSelector: PG_SELECTOR }] },
      redis: { port: 6379, to: [{ podSelector: REDIS_SELECTOR }] },
    });
    expect(Object.keys(dataStoreEgressPeers(ctx, redisOnly))).toEqual(['redis']);
  });
});

describe.each(ENVIRONMENTS)('%s', (envName) => {
  const ctx = contextOf(envName);
  const mesh = ctx.env.mesh.enabled;

  test('off: renders nothing', () => {
    expect(renderFeature(ctx, (chart, c) => addDataStores(chart, c, off, { workers: workersOn, keda: kedaOn }))).toEqual([]);
  });

  test('one store on renders only that store', () => {
    const pg = renderFeature(ctx, (chart, c) => addDataStores(chart, c, postgresOnly));
    expect(pg.some((o) => o.metadata.name === `${WF}-redis`)).toBe(false);
    expect(pg.some((o) => o.kind === 'StatefulSet')).toBe(true);
    const redis = renderFeature(ctx, (chart, c) => addDataStores(chart, c, redisOnly));
    expect(redis.some((o) => o.metadata.name === `${WF}-postgres`)).toBe(false);
    expect(redis.some((o) => o.kind === 'Deployment')).toBe(true);
  });

  describe('both on', () => {
    // Base: the environment without its own stores (dev's committed config already runs them), in
    // the development tier the in-cluster stores are for (their passwords sit in a hand-made Secret).
    const withoutStores = resolvedEnvironment(envName, (env) => ({ ...env, tier: 'development', dataStores: off }));
    const { base, added, newViolations } = renderWithChart(withoutStores, (chart, c) => addDataStores(chart, c, withRedisPassword));
    const sts = byKindName(added, 'StatefulSet', `${WF}-postgres`);
    const redis = byKindName(added, 'Deployment', `${WF}-redis`);

    test('the full gate (strict schema, policy, cross-object) finds nothing new', () => {
      expect(describeViolations(newViolations)).toBe('');
      for (const o of added) expect(defaultSchemaRegistry().validate(o)).toEqual([]);
    });

    test('each store: workload, Service, ServiceAccount and PodMonitor named <workflow>-<store>', () => {
      for (const store of ['postgres', 'redis']) {
        for (const kind of ['Service', 'ServiceAccount', 'PodMonitor']) expect(byKindName(added, kind, `${WF}-${store}`)).toBeDefined();
      }
    });

    test('hardened pods', () => {
      expectHardenedPod(sts.spec.template);
      expectHardenedPod(redis.spec.template);
    });

    test('no credential in the rendered objects: passwords only as secretKeyRefs', () => {
      for (const o of added) {
        const json = JSON.stringify(o);
        expect(json).not.toMatch(/"name":"(POSTGRES_PASSWORD|REDIS_PASSWORD|DATA_SOURCE_PASS)","value"/);
      }
      expect(added.some((o) => o.kind === 'Secret')).toBe(false);
    });

    test('Postgres ingress on its port only from the API pods (workers off, no KEDA)', () => {
      const policies = added.filter((o) => o.kind === 'NetworkPolicy' && selects(o, sts.spec.template.metadata.labels));
      const fromClients: any = policies.find((p: any) => p.metadata.name === `${WF}-allow-postgres-from-clients`);
      expect(fromClients.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: API_SELECTOR } }], ports: [{ port: 'postgres', protocol: 'TCP' }] }]);
    });

    test('monitoring reaches only the exporter (or the merged sidecar port with the mesh); egress is DNS only (+ istiod)', () => {
      for (const [store, labels] of [['postgres', sts.spec.template.metadata.labels], ['redis', redis.spec.template.metadata.labels]] as const) {
        const policies = [...base, ...added].filter((o) => o.kind === 'NetworkPolicy' && selects(o, labels));
        const monitoring: any = policies.find((p: any) => p.metadata.name === `${WF}-allow-${store}-from-monitoring`);
        expect(monitoring.spec.ingress[0].ports).toEqual([{ port: mesh ? 15020 : 'metrics', protocol: 'TCP' }]);
        const egressPorts = policies.flatMap((p: any) => (p.spec.egress ?? []).flatMap((r: any) => r.ports.map((x: any) => `${x.port}/${x.protocol}`)));
        expect(egressPorts.sort()).toEqual((mesh ? ['15012/TCP', '53/TCP', '53/UDP'] : ['53/TCP', '53/UDP']).sort());
      }
    });

    test('the PodMonitors\' jobs are what exporterJobs reports, and they feed the database alerts', () => {
      const jobs = exporterJobs(ctx, withRedisPassword);
      expect(jobs).toEqual({
        postgres: { job: `${NS}/${byKindName(added, 'PodMonitor', `${WF}-postgres`).metadata.name}`, namespace: NS },
        redis: { job: `${NS}/${byKindName(added, 'PodMonitor', `${WF}-redis`).metadata.name}`, namespace: NS },
      });
      const s = ctx.settings;
      const [group] = alertRuleGroups({
        workflow: WF, namespace: NS, sli: ctx.env.sli, thresholds: s.alerts, runbookBaseUrl: ctx.env.monitoring.runbookBaseUrl,
        scrapeJob: `${NS}/${ctx.apiName}`, workloadName: ctx.apiName, containerName: 'api', hpaName: ctx.apiName,
        exporterJobs: jobs,
      });
      const byName = Object.fromEntries(group.rules.map((r: any) => [r.alert, r.expr]));
      expect(byName.LangGraphPostgresDown).toContain(`job="${NS}/${WF}-postgres"`);
      expect(byName.LangGraphRedisDown).toContain(`job="${NS}/${WF}-redis"`);
    });

    test('each PodMonitor scrapes its exporter: by port name, or through the sidecar with the mesh', () => {
      const [endpoint] = byKindName(added, 'PodMonitor', `${WF}-postgres`).spec.podMetricsEndpoints;
      if (mesh) {
        expect(endpoint.path).toBe('/stats/prometheus');
        expect(sts.spec.template.metadata.annotations['prometheus.io/port']).toBe('9187');
      } else {
        expect(endpoint).toMatchObject({ port: 'metrics', path: '/metrics' });
      }
    });
  });

  describe('with queue workers and KEDA', () => {
    const { added, newViolations } = renderWithChart(resolvedEnvironment(envName, (env) => ({ ...env, tier: 'development', dataStores: off })), (chart, c) => {
      addQueueWorkers(chart, c, { workers: workersOn, keda: kedaOn, dataStores: both });
      addDataStores(chart, c, both, { workers: workersOn, keda: kedaOn });
    });

    test('the full gate finds nothing new', () => {
      expect(describeViolations(newViolations)).toBe('');
    });

    test('Postgres admits the API, the workers and the KEDA operator; Redis the API and the workers', () => {
      const pg = byKindName(added, 'NetworkPolicy', `${WF}-allow-postgres-from-clients`).spec.ingress[0].from;
      expect(pg).toEqual([
        { podSelector: { matchLabels: API_SELECTOR } },
        { podSelector: { matchLabels: WORKER_SELECTOR } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'keda-operator' } } },
      ]);
      const redis = byKindName(added, 'NetworkPolicy', `${WF}-allow-redis-from-clients`).spec.ingress[0].from;
      expect(redis).toEqual([{ podSelector: { matchLabels: API_SELECTOR } }, { podSelector: { matchLabels: WORKER_SELECTOR } }]);
    });

    test('the workers use the in-cluster stores: URIs and egress to the stores\' pods', () => {
      const env: any[] = byKindName(added, 'Deployment', `${WF}-worker`).spec.template.spec.containers[0].env;
      expect(env.find((e) => e.name === 'POSTGRES_URI').value).toContain(`@${WF}-postgres.${NS}.svc:5432/`);
      expect(env.find((e) => e.name === 'REDIS_URI').value).toBe(`redis://${WF}-redis.${NS}.svc:6379`);
      expect(byKindName(added, 'NetworkPolicy', `${WF}-allow-worker-postgres`).spec.egress[0].to).toEqual([{ podSelector: { matchLabels: PG_SELECTOR } }]);
      expect(byKindName(added, 'NetworkPolicy', `${WF}-allow-worker-redis`).spec.egress[0].to).toEqual([{ podSelector: { matchLabels: REDIS_SELECTOR } }]);
    });
  });
});

test('snapshot: what dataStores (Postgres and Redis) adds to support-agent in dev', () => {
  const withoutStores = resolvedEnvironment('dev', (env) => ({ ...env, dataStores: off }));
  const { added, newViolations } = renderWithChart(withoutStores, (chart, c) => addDataStores(chart, c, both));
  expect(describeViolations(newViolations)).toBe('');
  for (const store of ['postgres', 'redis']) {
    for (const kind of ['Service', 'ServiceAccount', 'PodMonitor']) expect(byKindName(added, kind, `${WF}-${store}`)).toBeDefined();
  }
  const postgres = added.filter((o) => o.metadata.name.includes('postgres'));
  const redis = added.filter((o) => o.metadata.name.includes('redis'));
  expect(postgres.length + redis.length).toBe(added.length); // nothing else, nothing in both
  expect(postgres).toMatchSnapshot('dataStores: Postgres objects added to support-agent in dev');
  expect(redis).toMatchSnapshot('dataStores: Redis objects added to support-agent in dev');
});
