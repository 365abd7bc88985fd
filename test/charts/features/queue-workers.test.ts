import { addQueueWorkers } from '../../../src/charts/features/queue-workers';
import { withRegistry } from '../../../src/constructs/image-registry';
import { secretEnvFor } from '../../../src/charts/credentials';
import { dataProtectionProps } from '../../../src/charts/features/data-protection';
import { dataProtectionEnv } from '../../../src/constructs/data-protection';
import { queueWorkersSchema } from '../../../src/config/features/queue-workers';
import { kedaSchema } from '../../../src/config/features/keda';
import { CLOUD_METADATA_CIDR } from '../../../src/constructs/network-policy';
import { defaultSchemaRegistry } from '../../../src/validation/schema-registry';
import { ENVIRONMENTS } from '../../helpers';
import {
  WF, byKindName, contextOf, describeViolations, expectHardenedPod, renderFeature, renderWithChart, resolvedEnvironment,
} from './feature-fixture';

const NAME = `${WF}-worker`;
const SELECTOR = { 'app.kubernetes.io/name': 'langgraph-worker', 'app.kubernetes.io/instance': WF, 'app.kubernetes.io/component': 'worker' };
// At most 3 workers, so the API's maximum replicas plus these fit each environment's connection
// budget (cross-object/connection-budget): prod 20 × 10 + 3 × 10 + 1 (KEDA) ≤ 250, staging 6 × 10 + 31 ≤ 100.
const on = queueWorkersSchema.parse({ enabled: true, autoscaling: { maxReplicas: 3 } });
/** A cpu HPA only where opted into with a reason (runs mostly wait on LLMs, which uses no cpu). */
const onCpu = queueWorkersSchema.parse({ enabled: true, autoscaling: { maxReplicas: 3, cpuScalingReason: 'these graphs parse documents locally on cpu' } });
const off = queueWorkersSchema.parse(undefined);
const kedaOn = kedaSchema.parse({ enabled: true });
const kedaOff = kedaSchema.parse(undefined);

const secretRefs = (container: any) => (container.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => [e.name, e.valueFrom.secretKeyRef]);
const plainEnv = (container: any) => Object.fromEntries((container.env ?? []).filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
const selects = (policy: any, labels: Record<string, string>) => Object.entries(policy.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

describe('config', () => {
  test('off by default, with LangChain\'s entrypoint and 10 jobs per worker', () => {
    expect(off.enabled).toBe(false);
    expect(off.command).toEqual(['/storage/queue_entrypoint.sh']);
    expect(off.jobsPerWorker).toBe(10);
    expect(off.autoscaling.minReplicas).toBeGreaterThanOrEqual(1);
  });

  test('refuses scaling to zero and a minimum above the maximum', () => {
    expect(queueWorkersSchema.safeParse({ enabled: true, autoscaling: { minReplicas: 0 } }).success).toBe(false);
    const inverted = queueWorkersSchema.safeParse({ enabled: true, autoscaling: { minReplicas: 6, maxReplicas: 5 } });
    expect(inverted.success).toBe(false);
    // The wording belongs to the config layer (it now carries a fix); the test pins what it must say.
    expect(inverted.error!.issues.map((i) => i.message).join('\n')).toMatch(/must not exceed .*maxReplicas/);
  });
});

test('the committed environments cover both branches below: in-cluster stores without the mesh (dev), external stores with the mesh (staging, prod)', () => {
  expect(ENVIRONMENTS.map((e) => [e, contextOf(e).env.dataStores.postgres.enabled, contextOf(e).env.mesh.enabled])).toEqual([
    ['dev', true, false], ['staging', false, true], ['prod', false, true],
  ]);
});

describe.each(ENVIRONMENTS)('%s', (envName) => {
  const ctx = contextOf(envName);
  const mesh = ctx.env.mesh.enabled;

  test('off: renders nothing, with or without KEDA', () => {
    expect(renderFeature(ctx, (chart, c) => addQueueWorkers(chart, c, { workers: off, keda: kedaOn }))).toEqual([]);
    expect(renderFeature(ctx, (chart, c) => addQueueWorkers(chart, c, { workers: off }))).toEqual([]);
  });

  test('on without KEDA and without an opted-in cpu HPA: a fixed count (minReplicas), no autoscaler', () => {
    const added = renderFeature(ctx, (chart, c) => addQueueWorkers(chart, c, { workers: on, keda: kedaOff, dataStores: c.env.dataStores }));
    expect(added.some((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject')).toBe(false);
    expect(byKindName(added, 'Deployment', NAME).spec.replicas).toBe(on.autoscaling.minReplicas);
    const fixed = renderFeature(ctx, (chart, c) => addQueueWorkers(chart, c, { workers: { ...on, replicas: 4 }, keda: kedaOff, dataStores: c.env.dataStores }));
    expect(byKindName(fixed, 'Deployment', NAME).spec.replicas).toBe(4);
  });

  describe('on, cpu HPA opted into (no KEDA)', () => {
    // The environment's own data stores (dev) reach the worker as they reach the API.
    const { base, added, newViolations } = renderWithChart(resolvedEnvironment(envName), (chart, c) => addQueueWorkers(chart, c, { workers: onCpu, keda: kedaOff, dataStores: c.env.dataStores }));
    const worker = byKindName(added, 'Deployment', NAME);
    const api = byKindName(base, 'Deployment', `${WF}-api`);
    const container = worker.spec.template.spec.containers[0];
    const apiContainer = api.spec.template.spec.containers[0];

    test('the full gate (strict schema, policy, cross-object) finds nothing new', () => {
      expect(describeViolations(newViolations)).toBe('');
      for (const o of added) expect(defaultSchemaRegistry().validate(o)).toEqual([]);
    });

    test('renders exactly the worker set', () => {
      expect(added.filter((o) => o.kind !== 'NetworkPolicy').map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        `Deployment/${NAME}`, `HorizontalPodAutoscaler/${NAME}`, `PodDisruptionBudget/${NAME}`, `PodMonitor/${NAME}`, `ServiceAccount/${NAME}`,
      ]);
    });

    test('same image as the API, in queue mode, with N_JOBS_PER_WORKER and the API port', () => {
      expect(container.image).toBe(apiContainer.image);
      expect(container.image).toBe(withRegistry(ctx.workflow.image.reference, ctx.env.images.registry));
      expect(container.command).toEqual(['/storage/queue_entrypoint.sh']);
      expect(plainEnv(container)).toMatchObject({ N_JOBS_PER_WORKER: '10', PORT: '8000' });
      expect(container.ports).toEqual([{ containerPort: 8000, name: 'http' }]);
    });

    test('the same Secret references as the API (secretEnvFor mirrors the chart)', () => {
      expect(secretRefs(container)).toEqual(secretRefs(apiContainer));
      // Both branches run: dev has in-cluster stores (the URIs are plain values built around
      // $(POSTGRES_PASSWORD)), staging and prod external ones (every URI from the Secret).
      const inCluster = ctx.env.dataStores.postgres.enabled;
      const storeUris = ['DATABASE_URI', 'POSTGRES_URI', 'REDIS_URI'];
      // The workflow's credentials plus the AES key of `dataProtection`, by reference like them.
      const fromSecret = [...Object.keys(secretEnvFor(ctx)), ...Object.keys(dataProtectionEnv(dataProtectionProps(ctx)).secretEnv)];
      const expected = inCluster ? [...fromSecret.filter((n) => !storeUris.includes(n)), 'POSTGRES_PASSWORD'] : fromSecret;
      expect(secretRefs(container).map(([n]: [string]) => n).sort()).toEqual(expected.sort());
      expect(storeUris.filter((n) => n in plainEnv(container))).toEqual(inCluster ? storeUris : []);
    });

    test('labels and selector follow the contract', () => {
      expect(worker.spec.selector.matchLabels).toEqual(SELECTOR);
      expect(worker.metadata.labels).toMatchObject({ ...SELECTOR, 'app.kubernetes.io/part-of': WF, 'app.kubernetes.io/managed-by': 'cdk8s' });
    });

    test('hardened exactly like the API', () => {
      expectHardenedPod(worker.spec.template);
      expect(worker.spec.template.spec.securityContext).toEqual(api.spec.template.spec.securityContext);
      expect(container.securityContext).toEqual(apiContainer.securityContext);
      expect(container.resources).toEqual(apiContainer.resources);
      expect(worker.spec.template.spec.serviceAccountName).toBe(NAME);
    });

    test('probes: /ok (with the database check) for readiness, /ok?check_db=0 for liveness and startup', () => {
      expect(container.readinessProbe.httpGet).toMatchObject({ path: '/ok', port: 8000 });
      expect(container.livenessProbe.httpGet).toMatchObject({ path: '/ok?check_db=0', port: 8000 });
      expect(container.startupProbe.httpGet).toMatchObject({ path: '/ok?check_db=0', port: 8000 });
    });

    test('own PDB: one eviction at a time, unhealthy pods always evictable', () => {
      const pdb = byKindName(added, 'PodDisruptionBudget', NAME);
      expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    });

    test('HPA on cpu only, never below one replica; no ScaledObject', () => {
      const hpa = byKindName(added, 'HorizontalPodAutoscaler', NAME);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: NAME });
      expect(hpa.spec.metrics.map((m: any) => m.resource.name)).toEqual(['cpu']);
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(worker.spec.replicas).toBeUndefined();
      expect(added.some((o) => o.kind === 'ScaledObject')).toBe(false);
    });

    test('a PodMonitor scrapes the worker (the merged sidecar endpoint with the mesh)', () => {
      const monitor = byKindName(added, 'PodMonitor', NAME);
      expect(monitor.spec.selector.matchLabels).toEqual(SELECTOR);
      const [endpoint] = monitor.spec.podMetricsEndpoints;
      if (mesh) expect(endpoint.path).toBe('/stats/prometheus');
      else expect(endpoint).toMatchObject({ port: 'http', path: '/metrics' });
    });

    test('NetworkPolicy: ingress only from monitoring, on the one scraped port', () => {
      const policies = [...base, ...added].filter((o) => o.kind === 'NetworkPolicy' && selects(o, worker.spec.template.metadata.labels));
      const ingress = policies.flatMap((p: any) => p.spec.ingress ?? []);
      expect(ingress.length).toBeGreaterThan(0);
      for (const rule of ingress) {
        expect(rule.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ctx.env.namespaces.monitoring } } }]);
        expect(rule.ports.map((p: any) => p.port)).toEqual([mesh ? 15020 : 'http']);
      }
    });

    test('NetworkPolicy egress like the API: DNS, Postgres, Redis, HTTPS without the metadata address (istiod with the mesh)', () => {
      const policies = added.filter((o) => o.kind === 'NetworkPolicy' && selects(o, worker.spec.template.metadata.labels));
      const egress = policies.flatMap((p: any) => (p.spec.egress ?? []).flatMap((r: any) => r.ports.map((port: any) => ({ to: r.to, ...port }))));
      const ports = egress.map((r: any) => `${r.port}/${r.protocol}`);
      expect(ports).toEqual(expect.arrayContaining(['53/UDP', '53/TCP', `${ctx.env.egress.postgres.port}/TCP`, `${ctx.env.egress.redis.port}/TCP`, '443/TCP']));
      expect(ports.includes('15012/TCP')).toBe(mesh);
      // The same Postgres peers as the API (CIDRs, or dev's in-cluster store by pod selector).
      const apiPostgres = base.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === `${WF}-allow-postgres`) as any;
      expect(egress.find((r: any) => r.port === ctx.env.egress.postgres.port).to).toEqual(apiPostgres.spec.egress[0].to);
      for (const r of egress.filter((x: any) => x.port === 443)) expect(r.to[0].ipBlock.except).toContain(CLOUD_METADATA_CIDR);
    });
  });

  describe('on, with KEDA', () => {
    const { all, added, newViolations } = renderWithChart(resolvedEnvironment(envName), (chart, c) => addQueueWorkers(chart, c, { workers: on, keda: kedaOn }));

    test('the full gate finds nothing new', () => {
      expect(describeViolations(newViolations)).toBe('');
      for (const o of added) expect(defaultSchemaRegistry().validate(o)).toEqual([]);
    });

    test('a ScaledObject on pending runs replaces the HPA (KEDA creates its own)', () => {
      const so = byKindName(added, 'ScaledObject', NAME);
      expect(so.apiVersion).toBe('keda.sh/v1alpha1');
      expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(so.spec.maxReplicaCount).toBe(on.autoscaling.maxReplicas);
      expect(so.spec.triggers[0]).toMatchObject({
        type: 'postgresql',
        metadata: { connectionFromEnv: 'POSTGRES_URI', query: "SELECT COUNT(*) FROM run WHERE status IN ('pending', 'running')", targetQueryValue: String(on.jobsPerWorker) },
      });
      expect(all.filter((o: any) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === NAME)).toEqual([]);
    });

    test('the worker container KEDA reads from defines POSTGRES_URI', () => {
      const so = byKindName(added, 'ScaledObject', NAME);
      const container = byKindName(added, 'Deployment', NAME).spec.template.spec.containers.find((c: any) => c.name === so.spec.scaleTargetRef.envSourceContainerName);
      expect(container.env.map((e: any) => e.name)).toContain('POSTGRES_URI');
    });
  });

  test('jobs per worker, command and minimum flow through to the worker and its scaler', () => {
    const workers = queueWorkersSchema.parse({ enabled: true, jobsPerWorker: 4, command: ['python', '-m', 'langgraph_api.queue_entrypoint'], autoscaling: { minReplicas: 2, maxReplicas: 9 } });
    const objects = renderFeature(ctx, (chart, c) => addQueueWorkers(chart, c, { workers, keda: kedaOn }));
    const container = byKindName(objects, 'Deployment', NAME).spec.template.spec.containers[0];
    expect(container.command).toEqual(['python', '-m', 'langgraph_api.queue_entrypoint']);
    expect(plainEnv(container).N_JOBS_PER_WORKER).toBe('4');
    expect(byKindName(objects, 'ScaledObject', NAME).spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 9, triggers: [{ metadata: { targetQueryValue: '4' } }] });
  });
});

test('snapshot: what queueWorkers (cpu HPA, no KEDA) adds to support-agent in prod', () => {
  const { added, newViolations } = renderWithChart(resolvedEnvironment('prod'), (chart, c) => addQueueWorkers(chart, c, { workers: onCpu, keda: kedaOff, dataStores: c.env.dataStores }));
  expect(describeViolations(newViolations)).toBe('');
  expect(added.filter((o) => o.kind !== 'NetworkPolicy').map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
    `Deployment/${NAME}`, `HorizontalPodAutoscaler/${NAME}`, `PodDisruptionBudget/${NAME}`, `PodMonitor/${NAME}`, `ServiceAccount/${NAME}`,
  ]);
  const policies = added.filter((o) => o.kind === 'NetworkPolicy');
  expect(policies.length).toBeGreaterThan(0);
  expect(byKindName(added, 'Deployment', NAME)).toMatchSnapshot('queueWorkers: worker Deployment added to support-agent in prod');
  expect(added.filter((o) => !['Deployment', 'NetworkPolicy'].includes(o.kind)))
    .toMatchSnapshot('queueWorkers: worker ServiceAccount, PodDisruptionBudget, HorizontalPodAutoscaler and PodMonitor in prod');
  expect(policies).toMatchSnapshot('queueWorkers: worker NetworkPolicies in prod');
});
