import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { PGDATA, POSTGRES_DATA_MOUNT, PostgresStore, PostgresStoreProps } from '../../src/constructs/postgres-store';
import { POSTGRES_DEFAULTS } from '../../src/config/features/data-stores';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { expectHardenedPod } from '../charts/features/feature-fixture';

const props: PostgresStoreProps = {
  name: 'wf-postgres', identity: { workflow: 'wf', app: 'postgres', component: 'postgres' },
  serviceAccountName: 'wf-postgres',
  image: `docker.io/pgvector/pgvector:0.8.0-pg16@sha256:${'1'.repeat(64)}`,
  exporterImage: `quay.io/prometheuscommunity/postgres-exporter:v0.15.0@sha256:${'2'.repeat(64)}`,
  database: 'appdb', user: 'appuser', password: { secretName: 'wf-secrets', key: 'postgres-password' },
  storageSize: '20Gi', resources: POSTGRES_DEFAULTS.resources, exporterResources: POSTGRES_DEFAULTS.exporter.resources,
};

function render(p: PostgresStoreProps): any[] {
  const chart = new Chart(Testing.app(), 'Test');
  new PostgresStore(inWorkflow(chart), 'Postgres', p);
  return chart.toJson();
}

describe('PostgresStore', () => {
  const objects = render(props);
  const sts = objects.find((o) => o.kind === 'StatefulSet');
  const svc = objects.find((o) => o.kind === 'Service');
  const pod = sts.spec.template;
  const [postgres, exporter] = pod.spec.containers;

  test('a single-replica StatefulSet governed by its headless Service of the same name', () => {
    expect(sts.metadata.name).toBe('wf-postgres');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP', appProtocol: 'tcp' }]);
  });

  test('selector uses only name, instance and component', () => {
    expect(Object.keys(sts.spec.selector.matchLabels).sort()).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name']);
  });

  test('hardened like the API: UID/GID 10001, seccomp, drop ALL, read-only root, resources, three probes', () => {
    expectHardenedPod(pod);
    expect(pod.spec.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
  });

  test('the data lives on the claim (PGDATA a subfolder of it); socket, /tmp and /dev/shm are size-limited emptyDirs', () => {
    const mounts = Object.fromEntries(postgres.volumeMounts.map((m: any) => [m.mountPath, m.name]));
    expect(mounts[POSTGRES_DATA_MOUNT]).toBe('data');
    expect(PGDATA.startsWith(`${POSTGRES_DATA_MOUNT}/`)).toBe(true);
    expect(postgres.env).toContainEqual({ name: 'PGDATA', value: PGDATA });
    const volumes = Object.fromEntries(pod.spec.volumes.map((v: any) => [v.name, v]));
    for (const path of ['/var/run/postgresql', '/tmp', '/dev/shm']) expect(volumes[mounts[path]].emptyDir.sizeLimit).toBeTruthy();
    expect(volumes[mounts['/dev/shm']].emptyDir.medium).toBe('Memory');
    const [claim] = sts.spec.volumeClaimTemplates;
    // As the API server stores the template: without them Argo CD's diff never settles (argoproj/argo-cd#11143).
    expect([claim.apiVersion, claim.kind]).toEqual(['v1', 'PersistentVolumeClaim']);
    expect(claim.metadata.name).toBe('data');
    expect(claim.spec.resources.requests.storage).toBe('20Gi');
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim.spec.storageClassName).toBeUndefined();
  });

  test('a storageClassName is rendered when given', () => {
    const claim = render({ ...props, storageClassName: 'fast-ssd' }).find((o) => o.kind === 'StatefulSet').spec.volumeClaimTemplates[0];
    expect(claim.spec.storageClassName).toBe('fast-ssd');
  });

  test('pg_isready for startup and readiness; liveness only checks the port', () => {
    expect(postgres.readinessProbe.exec.command[0]).toBe('pg_isready');
    expect(postgres.readinessProbe.exec.command).toEqual(expect.arrayContaining(['--username=appuser', '--dbname=appdb']));
    expect(postgres.startupProbe.exec.command).toEqual(postgres.readinessProbe.exec.command);
    expect(postgres.livenessProbe.tcpSocket.port).toBe('postgres');
  });

  test('stops with a fast shutdown before SIGKILL (a SIGTERM alone waits for pooled clients)', () => {
    const command = postgres.lifecycle.preStop.exec.command;
    expect(command.slice(0, 3)).toEqual(['pg_ctl', 'stop', '--mode=fast']);
    const timeout = Number(command.find((a: string) => a.startsWith('--timeout=')).split('=')[1]);
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(timeout);
  });

  test('the password comes only from the Secret, as a mounted file in both containers; no credential in env', () => {
    expect(postgres.env).toContainEqual({ name: 'POSTGRES_PASSWORD_FILE', value: '/etc/postgres-password/password' });
    expect(exporter.env).toContainEqual({ name: 'DATA_SOURCE_PASS_FILE', value: '/etc/postgres-password/password' });
    for (const c of [postgres, exporter]) {
      expect(c.volumeMounts).toContainEqual({ name: 'password', mountPath: '/etc/postgres-password', readOnly: true });
      expect(c.env.filter((e: any) => e.valueFrom !== undefined || /PASS(WORD)?$/.test(e.name))).toEqual([]);
    }
    expect(pod.spec.volumes).toContainEqual({ name: 'password', secret: { secretName: 'wf-secrets', items: [{ key: 'postgres-password', path: 'password' }], defaultMode: 0o440 } });
  });

  test('the exporter reads the local server and serves /metrics on its named port', () => {
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9187, protocol: 'TCP' }]);
    expect(exporter.env).toContainEqual({ name: 'DATA_SOURCE_URI', value: '127.0.0.1:5432/appdb?sslmode=disable' });
    expect(exporter.env).toContainEqual({ name: 'DATA_SOURCE_USER', value: 'appuser' });
  });

  test('metrics merging annotations exactly when asked (mesh)', () => {
    expect(pod.metadata.annotations['prometheus.io/port']).toBeUndefined();
    const meshPod = render({ ...props, meshMetricsMerging: true }).find((o) => o.kind === 'StatefulSet').spec.template;
    expect(meshPod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9187', 'prometheus.io/path': '/metrics' });
  });

  test('every object validates strictly', () => {
    for (const o of [...objects, ...render({ ...props, storageClassName: 'fast-ssd', meshMetricsMerging: true })]) {
      expect(defaultSchemaRegistry().validate(o)).toEqual([]);
    }
  });
});

test('snapshot: the in-cluster Postgres for the minimal props', () => {
  const objects = render(props);
  expect(objects.length).toBeGreaterThan(0);
  expect(objects).toMatchSnapshot('PostgresStore: objects for wf-postgres');
});
