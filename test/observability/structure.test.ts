/**
 * Structural properties of every rendered rule, without promtool: severity, annotations and a
 * runbook section for each alert, a namespace matcher in every selector, rules only for what the
 * input names; then `promtool check rules` on several inputs when promtool is present.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type AnySchema } from 'ajv';
import { parse } from 'yaml';
import { alertRuleGroups, type AlertRulesInput } from '../../src/observability/alert-rules';
import { canaryAnalysisQueries } from '../../src/observability/canary-queries';
import { checkRules, ruleFileYaml } from '../../src/observability/promtool';
import { isAlertingRule, type RuleGroup } from '../../src/model/rule-group';
import { sloRuleGroups } from '../../src/observability/slo-rules';
import { ALERT_INPUT, ANALYSIS, ISTIO_SLI, PROMTOOL, RUNBOOK_BASE, SECONDS_SLI, SLO, SLO_INPUT, promtoolTest } from './fixtures';
import { scanSelectors } from './selectors';

const RUNBOOKS = readFileSync(join(__dirname, '../../docs/runbooks.md'), 'utf8');

const VARIANTS: Record<string, { alerts: AlertRulesInput; slo: Parameters<typeof sloRuleGroups>[0] }> = {
  "server's own metrics, queue workers, all optional alerts": { alerts: ALERT_INPUT, slo: SLO_INPUT },
  'no workers, no exporters, no LLM source': {
    alerts: { ...ALERT_INPUT, workers: undefined, exporterJobs: undefined, llmFailures: undefined },
    slo: SLO_INPUT,
  },
  'seconds SLI without run outcomes, exporters elsewhere, LLM counter': {
    alerts: {
      ...ALERT_INPUT,
      sli: SECONDS_SLI,
      exporterJobs: { postgres: { job: 'pg', namespace: 'databases' } },
      llmFailures: { kind: 'counter', metric: 'llm_upstream_failures_total', matchers: { provider: 'openai' } },
    },
    slo: { ...SLO_INPUT, sli: SECONDS_SLI },
  },
  'an Istio view of the same pods': {
    alerts: { ...ALERT_INPUT, sli: ISTIO_SLI },
    slo: { ...SLO_INPUT, sli: ISTIO_SLI },
  },
};

const groupsOf = (v: (typeof VARIANTS)[string]): RuleGroup[] => [...alertRuleGroups(v.alerts), ...sloRuleGroups(v.slo)];

describe.each(Object.entries(VARIANTS))('%s', (_name, variant) => {
  const groups = groupsOf(variant);
  const rules = groups.flatMap((g) => g.rules);
  const alerts = rules.filter(isAlertingRule);
  const exporterNamespace = variant.alerts.exporterJobs?.postgres?.namespace;

  test('every alert has a severity, summary, description and a runbook_url into docs/runbooks.md', () => {
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect({ alert: a.alert, severity: ['critical', 'warning'].includes(a.labels.severity) }).toEqual({ alert: a.alert, severity: true });
      expect(a.annotations.summary?.length).toBeGreaterThan(10);
      expect(a.annotations.description?.length).toBeGreaterThan(20);
      expect(a.annotations.runbook_url.startsWith(`${RUNBOOK_BASE}#`)).toBe(true);
      const anchor = a.annotations.runbook_url.split('#')[1];
      expect({ alert: a.alert, anchorInRunbooks: RUNBOOKS.includes(`<a id="${anchor}"></a>`) }).toEqual({
        alert: a.alert,
        anchorInRunbooks: true,
      });
      expect(a.labels.namespace).toBe('shop');
      expect(a.labels.workflow).toBe('shop');
    }
  });

  test('every selector of every rule carries a namespace matcher for this workflow (or its exporter)', () => {
    for (const rule of rules) {
      const selectors = scanSelectors(rule.expr);
      expect(selectors.length).toBeGreaterThan(0);
      for (const s of selectors) {
        const ns = s.matchers.find((m) => (m.label === 'namespace' || m.label.endsWith('_namespace')) && m.op === '=');
        expect({ expr: rule.expr, metric: s.metric, namespace: ns?.value }).toEqual({
          expr: rule.expr,
          metric: s.metric,
          namespace: s.metric.startsWith('pg_') && exporterNamespace ? exporterNamespace : 'shop',
        });
      }
    }
  });

  test('SLI request and latency selectors read the API scrape job, never a Service label', () => {
    const sli = variant.alerts.sli;
    // (The mesh's client-side egress series to LLM providers, reporter="source", are not the SLI.)
    const isSliSelector = (x: ReturnType<typeof scanSelectors>[number]) =>
      (x.metric === sli.requestMetric || x.metric === sli.latencyHistogram) && !x.matchers.some((m) => m.label === 'reporter' && m.value === 'source');
    let seen = 0;
    for (const rule of rules) {
      for (const s of scanSelectors(rule.expr).filter(isSliSelector)) {
        seen++;
        expect(s.matchers).toContainEqual({ label: 'job', op: '=', value: 'shop/shop-api' });
        expect(s.matchers.map((m) => m.label)).not.toEqual(expect.arrayContaining([expect.stringMatching(/service/)]));
      }
    }
    expect(seen).toBeGreaterThan(10);
  });

  test('rule files carry no YAML anchors or aliases', () => {
    const yaml = ruleFileYaml(groups);
    expect(yaml).not.toMatch(/[&*]a\d+/);
    expect(parse(yaml)).toEqual(JSON.parse(JSON.stringify({ groups })));
  });

  test('groups validate strictly against the PrometheusRule CRD schema (spec.groups)', () => {
    const crd = parse(readFileSync(join(__dirname, '../../schemas/crds/prometheus-operator_monitoring.coreos.com_prometheusrules.yaml'), 'utf8'));
    const schema = strictify(crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.groups) as AnySchema;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const valid = ajv.validate(schema, JSON.parse(JSON.stringify(groups)));
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  promtoolTest('promtool check rules passes', () => {
    const result = checkRules(PROMTOOL!, groups);
    if (!result.ok) throw new Error(result.output);
    expect(result.output).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
  });
});

/**
 * Adds additionalProperties: false wherever an object schema lists its properties, and drops
 * the few Go-only regex patterns JavaScript cannot compile (`(?i)…` on partial_response_strategy,
 * a field these groups never set).
 */
function strictify(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'pattern' && typeof v === 'string' && v.includes('(?i)')) continue;
    out[k] = strictify(v);
  }
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

describe('alerts exist only for what the input names', () => {
  const names = (input: AlertRulesInput) => alertRuleGroups(input).flatMap((g) => g.rules).filter(isAlertingRule).map((r) => r.alert);

  test('no exporter jobs: no Postgres or Redis alerts', () => {
    const got = names({ ...ALERT_INPUT, exporterJobs: undefined });
    expect(got).not.toContain('LangGraphPostgresDown');
    expect(got).not.toContain('LangGraphPostgresConnectionsHigh');
    expect(got).not.toContain('LangGraphRedisDown');
  });

  test('only Redis named: Redis alert only', () => {
    const got = names({ ...ALERT_INPUT, exporterJobs: { redis: { job: 'r' } } });
    expect(got).toContain('LangGraphRedisDown');
    expect(got).not.toContain('LangGraphPostgresDown');
  });

  test('no queue workers: no worker alerts; no run outcomes: no run-failure alert', () => {
    const got = names({ ...ALERT_INPUT, workers: undefined, sli: SECONDS_SLI });
    for (const n of ['LangGraphWorkersDown', 'LangGraphWorkersNotReady', 'LangGraphWorkerHighMemory', 'LangGraphRunFailures']) expect(got).not.toContain(n);
    // Queue and pool alerts stay: the API pods execute runs themselves then.
    for (const n of ['LangGraphRunsPilingUp', 'LangGraphNoAvailableWorkers', 'LangGraphServerPostgresPoolExhausted']) expect(got).toContain(n);
  });

  test('no LLM failure source: no LLM alert', () => {
    expect(names({ ...ALERT_INPUT, llmFailures: undefined })).not.toContain('LangGraphLlmProviderFailures');
  });
});

describe('canary queries are scoped', () => {
  test('every selector names the namespace and the canary hash argument only', () => {
    const queries = canaryAnalysisQueries(ISTIO_SLI, SLO, ANALYSIS, { namespace: 'shop', apiRunsJobs: true });
    for (const q of [...queries.successRate, ...queries.latency]) {
      const selectors = scanSelectors(q.query);
      expect(selectors.length).toBeGreaterThanOrEqual(2);
      for (const s of selectors) {
        expect(s.matchers).toEqual(
          expect.arrayContaining([
            { label: 'namespace', op: '=', value: 'shop' },
            { label: 'rollouts_pod_template_hash', op: '=', value: '{{args.canary-hash}}' },
            { label: 'reporter', op: '=', value: 'destination' },
          ]),
        );
        expect(s.matchers.map((m) => m.label).filter((l) => l.includes('service'))).toEqual([]);
      }
    }
  });
});

describe('input errors name the bad value and the fix', () => {
  test('a runbook base URL with a fragment', () => {
    expect(() => alertRuleGroups({ ...ALERT_INPUT, runbookBaseUrl: `${RUNBOOK_BASE}#x` })).toThrow(/runbookBaseUrl ".*#x" must be .* without a #fragment/);
  });

  test('an empty LLM host list', () => {
    expect(() => alertRuleGroups({ ...ALERT_INPUT, llmFailures: { kind: 'mesh', hosts: [] } })).toThrow(/llmFailures.hosts is empty/);
  });

  test('buckets that are not ascending', () => {
    expect(() => sloRuleGroups({ ...SLO_INPUT, sli: { ...SECONDS_SLI, latencyBuckets: [1, 0.5] } })).toThrow(/latencyBuckets must be strictly ascending/);
  });

  test('a latency threshold above the largest finite bucket', () => {
    expect(() =>
      sloRuleGroups({ ...SLO_INPUT, sli: SECONDS_SLI, slo: { ...SLO_INPUT.slo, latencyThresholdSeconds: 10 } }),
    ).toThrow(/threshold 10s .* lies above the largest finite bucket .* \(5\)/);
  });
});
