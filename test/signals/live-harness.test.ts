/**
 * The pieces of the live signals test (scripts/signals/test-signals.sh) that can be checked
 * without servers: the relabel emulation, Argo's condition semantics, the time rescaling and its
 * "nothing else changed" proof, argument substitution, and reading the latency objective.
 * Each case states a behaviour of the real component (Prometheus 2.42, prometheus-operator,
 * Argo Rollouts) that the live test relies on.
 */
import { evaluateResult, evalCondition, thresholds, UnsupportedExpr } from '../../scripts/signals/argo-expr';
import { latencyObjective, metricKind } from '../../scripts/signals/plan';
import { metricNames, selectors, tokenize, withoutMatchers } from '../../scripts/signals/promql-scan';
import { expand, finalLabels, podMonitorRelabelConfigs, podTargets, relabel, type PodMonitorLike } from '../../scripts/signals/relabel';
import { substituteArgs } from '../../scripts/signals/rendered';
import { assertOnlyDurationsChanged, rescaleExpr, rescaleRuleGroups, type Change } from '../../scripts/signals/time-rescale';

describe('relabel (Prometheus relabel.Process)', () => {
  it('anchors regexes: keep "api" does not keep "api-proxy"', () => {
    expect(relabel({ c: 'api-proxy' }, [{ action: 'keep', source_labels: ['c'], regex: 'api' }])).toBeNull();
    expect(relabel({ c: 'api' }, [{ action: 'keep', source_labels: ['c'], regex: 'api' }])).toEqual({ c: 'api' });
  });

  it('replace defaults to regex (.*) and $1, and deletes the target when the result is empty', () => {
    expect(relabel({ a: 'x' }, [{ source_labels: ['a'], target_label: 'b' }])).toEqual({ a: 'x', b: 'x' });
    expect(relabel({ a: '', b: 'old' }, [{ source_labels: ['a'], target_label: 'b' }])).toEqual({ a: '' });
    // No match: no change.
    expect(relabel({ a: 'x', b: 'old' }, [{ source_labels: ['a'], regex: 'y', target_label: 'b' }])).toEqual({ a: 'x', b: 'old' });
  });

  it('joins source labels with ";" (missing labels are empty)', () => {
    const cfg = [{ action: 'keep', source_labels: ['l', 'present'], regex: '(api);true' }];
    expect(relabel({ l: 'api', present: 'true' }, cfg)).not.toBeNull();
    expect(relabel({ l: 'api' }, cfg)).toBeNull();
  });

  it("expands like Go's regexp.Expand: $1x is the (empty) group named 1x, ${1}x is group 1 then x", () => {
    const m = /^(a)(b)$/.exec('ab')!;
    expect(expand('$1x', m)).toBe('');
    expect(expand('${1}x', m)).toBe('ax');
    expect(expand('$2:15020', m)).toBe('b:15020');
    expect(expand('$$1', m)).toBe('$1');
  });

  it('labelmap copies matching label names; hashmod with modulus 1 is always 0', () => {
    expect(relabel({ __meta_x_label_app: 'a' }, [{ action: 'labelmap', regex: '__meta_x_label_(.+)' }])).toEqual({ __meta_x_label_app: 'a', app: 'a' });
    expect(relabel({ __address__: '10.0.0.1:80' }, [{ action: 'hashmod', source_labels: ['__address__'], target_label: 't', modulus: 1 }])!.t).toBe('0');
  });

  it('refuses what it does not emulate', () => {
    expect(() => relabel({}, [{ action: 'keepifequal' }])).toThrow(/not supported/);
    expect(() => relabel({}, [{ action: 'keep', regex: '\\pL' }])).toThrow(/RE2 syntax/);
  });

  it('finalLabels drops __ labels and defaults instance to the address', () => {
    expect(finalLabels({ __address__: '1.2.3.4:9', __meta_a: 'x', job: 'j' })).toEqual({ job: 'j', instance: '1.2.3.4:9' });
  });
});

describe('podMonitorRelabelConfigs (prometheus-operator generatePodMonitorConfig)', () => {
  const pm: PodMonitorLike = {
    metadata: { name: 'wf-api', namespace: 'wf' },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'langgraph-api' } },
      podMetricsEndpoints: [
        {
          path: '/stats/prometheus',
          relabelings: [
            { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_name'], regex: 'istio-proxy' },
            { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '(.+)', replacement: '$1:15020', targetLabel: '__address__' },
            { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], targetLabel: 'rollouts_pod_template_hash' },
          ],
        },
      ],
    },
  };
  const pod = (labels: Record<string, string>) =>
    podTargets({
      namespace: 'wf',
      name: 'wf-api-abc12-xyz',
      ip: '10.0.0.5',
      labels,
      annotations: {},
      containers: [
        { name: 'api', ports: [{ name: 'http', containerPort: 8000 }] },
        { name: 'istio-proxy', ports: [{ name: 'http-envoy-prom', containerPort: 15090 }] },
      ],
      controllerKind: 'ReplicaSet',
      controllerName: 'wf-api-abc12',
      nodeName: 'n',
    });
  const scrape = (labels: Record<string, string>) => {
    const { configs } = podMonitorRelabelConfigs(pm, 0);
    return pod(labels)
      .map((t) => relabel({ ...t, job: 'podMonitor/wf/wf-api/0' }, configs))
      .filter((x): x is Record<string, string> => x !== null)
      .map(finalLabels);
  };

  it('keeps one target per selected pod, on the sidecar port 15020, with the pod-template hash', () => {
    const kept = scrape({ 'app.kubernetes.io/name': 'langgraph-api', 'rollouts-pod-template-hash': 'abc12' });
    expect(kept).toEqual([
      { job: 'wf/wf-api', namespace: 'wf', container: 'istio-proxy', pod: 'wf-api-abc12-xyz', rollouts_pod_template_hash: 'abc12', instance: '10.0.0.5:15020' },
    ]);
  });

  it('drops a pod the selector does not match (label absent or different)', () => {
    expect(scrape({ 'rollouts-pod-template-hash': 'abc12' })).toEqual([]);
    expect(scrape({ 'app.kubernetes.io/name': 'other', 'rollouts-pod-template-hash': 'abc12' })).toEqual([]);
  });

  it('a pod without the hash label gets no hash label (replace with an empty value deletes)', () => {
    expect(scrape({ 'app.kubernetes.io/name': 'langgraph-api' })[0]).not.toHaveProperty('rollouts_pod_template_hash');
  });

  it('refuses endpoint fields it does not emulate', () => {
    const withParams: PodMonitorLike = { ...pm, spec: { ...pm.spec, podMetricsEndpoints: [{ ...pm.spec.podMetricsEndpoints[0], params: {} }] } };
    expect(() => podMonitorRelabelConfigs(withParams, 0)).toThrow(/params is not emulated/);
  });
});

describe('Argo condition semantics (utils/evaluate, expr-lang subset)', () => {
  const s = 'result[0] >= 0.999';
  const f = 'result[0] >= 0 && result[0] < 0.999';

  it('both conditions: Successful, Failed, or Inconclusive when neither holds', () => {
    expect(evaluateResult([1], s, f).phase).toBe('Successful');
    expect(evaluateResult([0.9], s, f).phase).toBe('Failed');
    expect(evaluateResult([-1], s, f).phase).toBe('Inconclusive');
  });

  it('only a successCondition: false means Failed, never Inconclusive', () => {
    expect(evaluateResult([-1], s, undefined).phase).toBe('Failed');
  });

  it('only a failureCondition: false means Successful', () => {
    expect(evaluateResult([1], undefined, f).phase).toBe('Successful');
  });

  it('an empty vector indexed is an Error; && short-circuits like expr-lang', () => {
    expect(evaluateResult([], s, f)).toMatchObject({ phase: 'Error' });
    expect(evalCondition('len(result) > 0 && result[0] > 1', [])).toBe(false);
    expect(evalCondition('len(result) == 0 || result[0] > 1', [])).toBe(true);
  });

  it('NaN satisfies no comparison', () => {
    expect(evaluateResult([NaN], s, f).phase).toBe('Inconclusive');
    expect(evalCondition('isNaN(result[0])', [NaN])).toBe(true);
  });

  it('throws on syntax outside the subset instead of guessing', () => {
    expect(() => evalCondition('all(result, {# > 1})', [1])).toThrow(UnsupportedExpr);
    expect(() => evalCondition('result[0] in [1, 2]', [1])).toThrow(UnsupportedExpr);
    expect(() => evalCondition('default(result, 0) > 1', [1])).toThrow(UnsupportedExpr);
  });

  it('reads the thresholds compared with an element of result', () => {
    expect(thresholds('result[0] >= 0 && result[0] < 0.999')).toEqual([
      { op: '>=', value: 0 },
      { op: '<', value: 0.999 },
    ]);
    expect(thresholds('2 > asFloat(result[0])')).toEqual([{ op: '<', value: 2 }]);
  });
});

describe('PromQL scanning', () => {
  it('keeps ":" inside brackets apart from metric names', () => {
    expect(tokenize('x[15m:1m]').map((t) => `${t.kind}:${t.text}`)).toEqual(['ident:x', 'punct:[', 'duration:15m', 'punct::', 'duration:1m', 'punct:]']);
    expect(tokenize('a:b:rate5m')[0]).toMatchObject({ kind: 'ident', text: 'a:b:rate5m' });
  });

  it('finds metric names, not aggregations, functions or label lists', () => {
    expect(metricNames('max by (namespace) (lg_api_num_pending_runs{a="1"}) > 0 and on() sum(rate(x_total[5m])) or vector(0)')).toEqual([
      'lg_api_num_pending_runs',
      'x_total',
    ]);
  });

  it('reads matchers with escapes, and removes chosen ones with their comma', () => {
    const q = 'sum(rate(m{a="1",path!~"/threads/\\\\{thread_id\\\\}/stream",le="+Inf"}[2m]))';
    expect(selectors(q)[0].matchers.map((m) => m.value)).toEqual(['1', '/threads/\\{thread_id\\}/stream', '+Inf']);
    expect(withoutMatchers(q, (m) => m.label === 'path')).toEqual({ expr: 'sum(rate(m{a="1",le="+Inf"}[2m]))', removed: 1 });
    expect(withoutMatchers('m{path="x"}', (m) => m.label === 'path').expr).toBe('m{}');
  });
});

describe('time rescaling', () => {
  const opts = { divisor: 6, minRangeMs: 4000 };

  it('divides ranges, subquery ranges and steps, and offsets; leaves strings and numbers alone', () => {
    const log: Change[] = [];
    const out = rescaleExpr('rate(m{re="[5m]"}[5m] offset 1h) > 300 and min_over_time(x[15m:1m])', 'w', 'expr', opts, log);
    expect(out).toBe('rate(m{re="[5m]"}[50s] offset 10m) > 300 and min_over_time(x[2m30s:10s])');
    expect(log.map((c) => `${c.kind} ${c.from}→${c.to}`)).toEqual(['range 5m→50s', 'offset 1h→10m', 'range 15m→2m30s', 'subquery step 1m→10s']);
  });

  it('refuses a range too short for two scrapes', () => {
    expect(() => rescaleExpr('rate(m[10s])', 'w', 'expr', opts, [])).toThrow(/shorter than 4000 ms/);
  });

  it('the proof catches any other change (a planted one)', () => {
    const changes: Change[] = [{ where: 'w', field: 'expr', kind: 'range', from: '5m', to: '50s' }];
    expect(() => assertOnlyDurationsChanged('rate(m[5m]) > 1', 'rate(m[50s]) > 1', changes, 'w')).not.toThrow();
    expect(() => assertOnlyDurationsChanged('rate(m[5m]) > 1', 'rate(m[50s]) > 2', changes, 'w')).toThrow(/token/);
    expect(() => assertOnlyDurationsChanged('rate(m[5m]) > 1', 'rate(m[30s]) > 1', changes, 'w')).toThrow(/not the recorded change/);
    expect(() => assertOnlyDurationsChanged('rate(m[5m])>1', 'rate(m[50s]) >1', changes, 'w')).toThrow(/whitespace/);
  });

  it('rescales rule groups (for, interval) and refuses fields it cannot classify', () => {
    const log: Change[] = [];
    const groups = rescaleRuleGroups(
      [{ name: 'g', interval: '1m', rules: [{ alert: 'A', expr: 'rate(m[5m]) > 0', for: '10m', labels: { severity: 'page' } }] }],
      'PR',
      opts,
      log,
    );
    expect(groups).toEqual([{ name: 'g', interval: '10s', rules: [{ alert: 'A', expr: 'rate(m[50s]) > 0', for: '1m40s', labels: { severity: 'page' } }] }]);
    expect(log).toHaveLength(3);
    expect(() => rescaleRuleGroups([{ name: 'g', rules: [{ alert: 'A', expr: 'x', keep_for: '1m' }] }], 'PR', opts, [])).toThrow(/keep_for unknown/);
  });
});

describe('analysis arguments and objectives', () => {
  it('substitutes {{args.x}} (spaces allowed) and refuses unknown or non-argument tags', () => {
    expect(substituteArgs('h="{{args.canary-hash}}",n="{{ args.ns }}"', { 'canary-hash': 'abc', ns: 'wf' }, 'w')).toBe('h="abc",n="wf"');
    expect(() => substituteArgs('{{args.missing}}', {}, 'w')).toThrow(/has no value/);
    expect(() => substituteArgs('{{templates.x}}', {}, 'w')).toThrow(/not an argument/);
  });

  it('classifies metrics by what they read', () => {
    expect(metricKind(['lg_api_http_requests_latency_bucket'])).toBe('latency');
    expect(metricKind(['lg_api_run_success_counter_total'])).toBe('runs');
    expect(metricKind(['lg_api_http_requests_total'])).toBe('http');
  });

  it('reads the objective of the shapes promql.ts renders, and of a quantile query', () => {
    const b = (le: string) => `sum(rate(lg_api_http_requests_latency_bucket{le=~"${le}(\\\\.0)?"}[2m]))`;
    const inf = 'sum(rate(lg_api_http_requests_latency_bucket{le="+Inf"}[2m]))';
    expect(latencyObjective(`((${b('1000')} + (${b('5000')} - ${b('1000')}) * 0.25) / ${inf})`, undefined, undefined, 'm').ms).toBe(2000);
    expect(latencyObjective(`((${b('10')} * 0.5) / ${inf})`, undefined, undefined, 'm').ms).toBe(5);
    expect(latencyObjective(`(${b('1000')} / ${inf})`, undefined, undefined, 'm').ms).toBe(1000);
    const quantile = 'histogram_quantile(0.95, sum by (le) (rate(lg_api_http_requests_latency_bucket[2m]))) / 1000';
    expect(latencyObjective(quantile, 'result[0] < 2', 'result[0] >= 2', 'm').ms).toBe(2000);
    expect(() => latencyObjective(`(${b('1000')} + ${b('5000')}) / ${inf}`, undefined, undefined, 'm')).toThrow(/cannot read the latency objective/);
  });
});
