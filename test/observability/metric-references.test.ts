/**
 * No dead references: every metric name and label matcher in every rendered query (PrometheusRule,
 * AnalysisTemplate, dashboard, KEDA trigger) of the committed config is in a declared catalog,
 * and the gate rule that enforces it refuses what it should.
 */
import { committed, ENVIRONMENTS } from '../helpers';
import { promqlReferences } from '../../src/observability/promql-references';
import { metricReferences, queryProblems, renderedQueries } from '../../src/validation/cross-object/metric-references';
import { EnvironmentIndex } from '../../src/validation/object-index';
import type { RenderedObject } from '../../src/model/rendered-object';

const result = committed();
const envConfig = (name: string) => result.config.environments.find((e) => e.environment.name === name)!.environment;

describe.each(ENVIRONMENTS)('%s: rendered queries', (env) => {
  const objects = result.objects.filter((o) => o.environment === env);
  const queries = objects.flatMap(renderedQueries);
  const recorded = new Map<string, Set<string>>();
  for (const o of objects) {
    if (o.object.kind !== 'PrometheusRule') continue;
    for (const g of (o.object as any).spec.groups) for (const r of g.rules) if (r.record) recorded.set(r.record, new Set(Object.keys(r.labels ?? {})));
  }

  test('queries of every kind are found', () => {
    const kinds = new Set(queries.map((q) => q.object.object.kind));
    expect(kinds).toEqual(new Set(env === 'dev' ? ['PrometheusRule', 'ConfigMap'] : ['PrometheusRule', 'ConfigMap', 'AnalysisTemplate']));
    expect(queries.length).toBeGreaterThan(50);
  });

  test('every metric and every label matcher is catalogued (or recorded by a rule here)', () => {
    const problems = queries.flatMap((q) => queryProblems(q.expr, { meshEnabled: envConfig(env).mesh.enabled, recorded }).map((p) => `${q.object.object.metadata.name} ${q.path}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('no query relies on a Service label to tell pods apart', () => {
    for (const q of queries) {
      for (const s of promqlReferences(q.expr).selectors) {
        if (s.metric === 'istio_requests_total' && s.matchers.some((m) => m.label === 'reporter' && m.value === 'source')) continue; // egress to LLM hosts
        expect({ metric: s.metric, labels: s.matchers.map((m) => m.label).filter((l) => /service/.test(l)) }).toEqual({ metric: s.metric, labels: [] });
      }
    }
  });

  test('the gate rule finds nothing in the committed output', () => {
    expect(metricReferences.check(new EnvironmentIndex(env, objects, envConfig(env)))).toEqual([]);
  });
});

test('a mesh-less environment (dev) renders working alerts from the server metrics, no istio_*', () => {
  const dev = result.objects.filter((o) => o.environment === 'dev');
  expect(envConfig('dev').mesh.enabled).toBe(false);
  const exprs = dev.flatMap(renderedQueries).map((q) => q.expr).join('\n');
  expect(exprs).not.toContain('istio_');
  expect(exprs).toContain('lg_api_http_requests_total');
  const alerts = dev.filter((o) => o.object.kind === 'PrometheusRule').flatMap((o) => (o.object as any).spec.groups.flatMap((g: any) => g.rules)).filter((r: any) => r.alert);
  expect(alerts.map((a: any) => a.alert)).toEqual(expect.arrayContaining(['LangGraphHighErrorRate', 'LangGraphRunFailures', 'LangGraphNoAvailableWorkers', 'LangGraphServerPostgresPoolExhausted']));
});

describe('the gate rule refuses', () => {
  const dev = result.objects.filter((o) => o.environment === 'dev');
  const rule = (expr: string): RenderedObject => ({
    ...dev[0],
    object: {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'planted', namespace: 'support-agent' },
      spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr }] }] },
    },
  } as RenderedObject);
  const check = (o: RenderedObject, env = 'dev') => metricReferences.check(new EnvironmentIndex(env, [...result.objects.filter((x) => x.environment === env), o], envConfig(env))).map((f) => f.message);

  test('istio_* where the mesh is not', () => {
    const o = rule('sum(rate(istio_requests_total{namespace="support-agent",reporter="destination"}[5m])) > 0');
    expect(check(o)).toEqual([expect.stringMatching(/istio_requests_total comes from the Istio mesh, which this environment does not run/)]);
    expect(check({ ...o, environment: 'prod' }, 'prod')).toEqual([]);
  });

  test('a metric in no catalog (the dashboard\'s old langgraph_workflow_executions_total)', () => {
    expect(check(rule('sum(increase(langgraph_workflow_executions_total{namespace="x"}[1h]))'))).toEqual([expect.stringMatching(/langgraph_workflow_executions_total is in no declared catalog/)]);
  });

  test('a label the metric does not carry (status on the latency histogram; the old Service label)', () => {
    expect(check(rule('sum(rate(lg_api_http_requests_latency_bucket{namespace="x",status="500"}[5m]))'))).toEqual([expect.stringMatching(/label status is not a label of lg_api_http_requests_latency_bucket/)]);
    expect(check(rule('sum(rate(lg_api_http_requests_total{namespace="x",service="x-api-canary"}[5m]))'))).toEqual([expect.stringMatching(/label service is not a label of/)]);
  });

  test('an HPA Pods metric on the queue-wide running-runs gauge', () => {
    const hpa = {
      ...dev[0],
      object: {
        apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'planted', namespace: 'support-agent' },
        spec: { metrics: [{ type: 'Pods', pods: { metric: { name: 'lg_api_num_running_runs' }, target: { type: 'AverageValue', averageValue: '5' } } }] },
      },
    } as RenderedObject;
    expect(check(hpa)).toEqual([expect.stringMatching(/queue-wide gauge .* averages it per pod/)]);
  });
});

describe('promqlReferences', () => {
  test('selectors, matchers and grouping labels; functions, aggregations, keywords and ranges skipped', () => {
    const refs = promqlReferences(
      'max by (pod) (a{x="1",y=~"b\\\\.c"}) == 0 and on (pod) (sum without (le) (rate(b_bucket[5m])) >= on (pod) c) or vector(-1) unless min_over_time(d[15m:1m]) > 1e3',
    );
    expect(refs.selectors.map((s) => s.metric)).toEqual(['a', 'b_bucket', 'c', 'd']);
    expect(refs.selectors[0].matchers).toEqual([{ label: 'x', op: '=', value: '1' }, { label: 'y', op: '=~', value: 'b\\.c' }]);
    expect(refs.groupingLabels).toEqual(['pod', 'pod', 'le', 'pod']);
  });

  test('Argo placeholders inside label values are values', () => {
    expect(promqlReferences('a{h="{{args.canary-hash}}"}').selectors[0].matchers[0].value).toBe('{{args.canary-hash}}');
  });
});
