import { featureScope } from '../../src/charts/context';
/**
 * Shutdown that keeps runs: the grace period, the server's run drain and the sidecar's drain are
 * derived together, rendered on the API and the workers, and the gate refuses pods where they
 * disagree (the gate's own cases are in test/validation/day2-cases.ts).
 */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { LangGraphWorkload, POOL_MAX_SIZE_ENV } from '../../src/constructs/langgraph-workload';
import { DEFAULT_SHUTDOWN_MARGIN_SECONDS, MIN_SHUTDOWN_MARGIN_SECONDS, SHUTDOWN_GRACE_ENV, SIDECAR_EXIT_SECONDS, shutdownTiming } from '../../src/constructs/shutdown';
import { LANGGRAPH_SERVER_RESOURCES } from '../../src/constructs/resources';
import { secretEnvFor } from '../../src/charts/credentials';
import { contextOf } from '../charts/features/feature-fixture';
import { objectsOf, podTemplates } from '../helpers';

describe('shutdownTiming', () => {
  test('run drain = grace − margin; the sidecar drains past it, until 5 s before SIGKILL', () => {
    expect(shutdownTiming(600)).toEqual({ terminationGracePeriodSeconds: 600, runDrainSeconds: 570, sidecarDrainSeconds: 595 });
    expect(shutdownTiming(180, 45)).toEqual({ terminationGracePeriodSeconds: 180, runDrainSeconds: 135, sidecarDrainSeconds: 175 });
    expect(DEFAULT_SHUTDOWN_MARGIN_SECONDS).toBeGreaterThan(SIDECAR_EXIT_SECONDS);
  });

  test('an explicit sidecar drain must cover the run drain and end by the grace period', () => {
    expect(shutdownTiming(180, 30, 160).sidecarDrainSeconds).toBe(160);
    expect(() => shutdownTiming(600, 30, 170)).toThrow(/sidecar drain 170s must cover the server's run drain \(570s = grace 600s − margin 30s\).*between 570 and 600/);
    expect(() => shutdownTiming(180, 30, 200)).toThrow(/end by the grace period \(180s\)/);
  });

  test('a margin below the floor, or one that eats the whole grace period, is refused with the numbers', () => {
    expect(() => shutdownTiming(180, MIN_SHUTDOWN_MARGIN_SECONDS - 1)).toThrow(/margin 14s is below 15s/);
    expect(() => shutdownTiming(30, 30)).toThrow(/terminationGracePeriodSeconds 30 leaves no run drain after a 30s margin/);
  });
});

function renderApi(extra: Record<string, unknown>): any {
  const ctx = contextOf('prod');
  const s = ctx.settings;
  const chart = new Chart(Testing.app(), 'Test', { disableResourceNameHashes: true });
  new LangGraphWorkload(featureScope(chart, ctx), 'Api', {
    name: ctx.apiName, identity: ctx.api, image: ctx.workflow.image.reference,
    serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'SA', 'sa'), configMap: kplus.ConfigMap.fromConfigMapName(chart, 'CM', 'cm'),
    probes: s.probes, terminationGracePeriodSeconds: 600, rollingUpdate: s.rollingUpdate, secretEnv: secretEnvFor(ctx),
    mesh: {}, ...extra,
  });
  return chart.toJson()[0];
}

const envOf = (container: any) => Object.fromEntries((container.env ?? []).filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));

describe('LangGraphWorkload', () => {
  test('renders the run drain and the derived sidecar drain from its own grace period', () => {
    const d = renderApi({});
    const pod = d.spec.template;
    expect(pod.spec.terminationGracePeriodSeconds).toBe(600);
    expect(envOf(pod.spec.containers[0])[SHUTDOWN_GRACE_ENV]).toBe('570');
    expect(JSON.parse(pod.metadata.annotations['proxy.istio.io/config']).terminationDrainDuration).toBe('595s');
  });

  test('the pool size is rendered when given; neither variable may also come from env', () => {
    expect(envOf(renderApi({ postgresPoolMaxSize: 8 }).spec.template.spec.containers[0])[POOL_MAX_SIZE_ENV]).toBe('8');
    expect(envOf(renderApi({}).spec.template.spec.containers[0])).not.toHaveProperty(POOL_MAX_SIZE_ENV);
    expect(() => renderApi({ env: { [SHUTDOWN_GRACE_ENV]: '999' } })).toThrow(/BG_JOB_SHUTDOWN_GRACE_PERIOD_SECS is set by the workload/);
  });

  test("default requests and limits are LangChain's chart's (1 cpu / 2Gi, 2 cpu / 4Gi)", () => {
    const r = renderApi({}).spec.template.spec.containers[0].resources;
    expect(r.requests).toEqual({ cpu: '1', memory: '2048Mi', 'ephemeral-storage': '1Gi' });
    expect(r.limits).toEqual({ cpu: '2', memory: '4096Mi', 'ephemeral-storage': '2Gi' });
    expect(LANGGRAPH_SERVER_RESOURCES.requests).toEqual({ cpu: '1', memory: '2Gi', ephemeralStorage: '1Gi' });
  });

  test('logs go to stdout: /tmp is the only writable mount, no /var/log volume', () => {
    const spec = renderApi({}).spec.template.spec;
    expect(spec.containers[0].volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/etc/langgraph', '/tmp']);
    expect(spec.volumes.map((v: any) => v.name).sort()).toEqual(['config', 'tmp']);
  });
});

describe('the committed output', () => {
  test.each(['dev', 'staging', 'prod'])('%s: every LangGraph server pod drains runs within its grace period, and its sidecar outlives the drain', (env) => {
    const servers = podTemplates(objectsOf(env)).filter((p) => ['langgraph-api', 'langgraph-worker'].includes(p.template.metadata.labels['app.kubernetes.io/name']));
    expect(servers.length).toBeGreaterThan(3);
    for (const { template } of servers) {
      const grace = template.spec.terminationGracePeriodSeconds;
      const runDrain = Number(envOf(template.spec.containers[0])[SHUTDOWN_GRACE_ENV]);
      expect(grace - runDrain).toBe(DEFAULT_SHUTDOWN_MARGIN_SECONDS);
      const proxy = template.metadata.annotations['proxy.istio.io/config'];
      if (env === 'dev') expect(proxy).toBeUndefined();
      else expect(JSON.parse(proxy).terminationDrainDuration).toBe(`${grace - SIDECAR_EXIT_SECONDS}s`);
      expect(template.spec.volumes.map((v: any) => v.name)).not.toContain('logs');
    }
  });
});
