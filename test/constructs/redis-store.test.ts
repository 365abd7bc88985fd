import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { RedisStore, RedisStoreProps } from '../../src/constructs/redis-store';
import { REDIS_DEFAULTS } from '../../src/config/features/data-stores';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { expectHardenedPod } from '../charts/features/feature-fixture';

const props: RedisStoreProps = {
  name: 'wf-redis', identity: { workflow: 'wf', app: 'redis', component: 'redis' },
  serviceAccountName: 'wf-redis',
  image: `docker.io/library/redis:7.2.5-alpine@sha256:${'3'.repeat(64)}`,
  exporterImage: `docker.io/oliver006/redis_exporter:v1.62.0@sha256:${'4'.repeat(64)}`,
  resources: REDIS_DEFAULTS.resources, exporterResources: REDIS_DEFAULTS.exporter.resources,
};

function render(p: RedisStoreProps): any[] {
  const chart = new Chart(Testing.app(), 'Test');
  new RedisStore(inWorkflow(chart), 'Redis', p);
  return chart.toJson();
}
const workloadOf = (objects: any[]) => objects.find((o) => o.kind === 'Deployment');

describe('RedisStore', () => {
  const objects = render(props);
  const deployment = workloadOf(objects);
  const svc = objects.find((o) => o.kind === 'Service');
  const pod = deployment.spec.template;
  const [redis, exporter] = pod.spec.containers;

  test('a single-replica Deployment behind a ClusterIP Service on the named redis port', () => {
    expect(deployment.metadata.name).toBe('wf-redis');
    expect(deployment.spec.replicas).toBe(1);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(svc.spec.ports[0]).toMatchObject({ port: 6379, targetPort: 'redis' });
    expect(redis.ports).toEqual([{ name: 'redis', containerPort: 6379, protocol: 'TCP' }]);
  });

  test('hardened like the API', () => {
    expectHardenedPod(pod);
  });

  test('persists nothing (transient data only), so the read-only root filesystem suffices', () => {
    expect(redis.args.slice(0, 5)).toEqual(['redis-server', '--save', '', '--appendonly', 'no']);
  });

  test('without a password: no requirepass and no password env anywhere', () => {
    expect(redis.args).not.toContain('--requirepass');
    expect(JSON.stringify(pod)).not.toContain('PASSWORD');
  });

  test('with a password: requirepass from $(REDIS_PASSWORD), a secretKeyRef defined in the same container, and the exporter and probes authenticate', () => {
    const secured = workloadOf(render({ ...props, password: { secretName: 'wf-secrets', key: 'redis-password' } })).spec.template;
    const [r, e] = secured.spec.containers;
    const ref = { secretKeyRef: { name: 'wf-secrets', key: 'redis-password', optional: false } };
    expect(r.args.slice(-2)).toEqual(['--requirepass', '$(REDIS_PASSWORD)']);
    expect(r.env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: ref });
    expect(r.env).toContainEqual({ name: 'REDISCLI_AUTH', valueFrom: ref });
    expect(e.env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: ref });
    expect(JSON.stringify(r.readinessProbe)).not.toContain('PASSWORD');
    expect(defaultSchemaRegistry().validate(workloadOf(render({ ...props, password: { secretName: 'wf-secrets', key: 'redis-password' } })))).toEqual([]);
  });

  test('probes: redis-cli PING for startup and readiness, the port for liveness; the exporter has /health', () => {
    expect(redis.readinessProbe.exec.command.join(' ')).toMatch(/redis-cli .*ping \| grep -q PONG/);
    expect(redis.livenessProbe.tcpSocket.port).toBe('redis');
    expect(exporter.readinessProbe.httpGet).toEqual({ path: '/health', port: 'metrics' });
    expect(exporter.livenessProbe.tcpSocket.port).toBe('metrics');
    expect(exporter.env).toContainEqual({ name: 'REDIS_ADDR', value: 'redis://127.0.0.1:6379' });
  });

  test('every object validates strictly', () => {
    for (const o of [...objects, ...render({ ...props, meshMetricsMerging: true })]) expect(defaultSchemaRegistry().validate(o)).toEqual([]);
  });
});

test('snapshot: the in-cluster Redis for the minimal props', () => {
  const objects = render(props);
  expect(objects.length).toBeGreaterThan(0);
  expect(objects).toMatchSnapshot('RedisStore: objects for wf-redis');
});
