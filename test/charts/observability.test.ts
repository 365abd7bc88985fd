import { ENVIRONMENTS, committed, find, objectsOf, ofKind } from '../helpers';
import { checkRules, findPromtool } from '../../src/observability/promtool';
import { RUNBOOK_ANCHORS } from '../../src/observability/alert-rules';

const WF = 'support-agent';
const envOf = (env: string) => committed().config.environments.find((e) => e.environment.name === env)!.environment;
const promtool = findPromtool();
if (!promtool) console.warn('SKIPPED: promtool not found — `promtool check rules` on the rendered PrometheusRules did not run (apt-get install prometheus)');

describe.each(ENVIRONMENTS)('%s observability', (env) => {
  const objects = objectsOf(env, WF);
  const e = envOf(env);
  const deployment = find(objects, 'Deployment', `${WF}-api`);

  test('a PodMonitor selects every API pod (stable and canary alike), labelled for discovery', () => {
    const pm = find(objects, 'PodMonitor', `${WF}-api`);
    for (const [k, v] of Object.entries(e.monitoring.selectorLabels)) expect(pm.metadata.labels[k]).toBe(v);
    for (const [k, v] of Object.entries(pm.spec.selector.matchLabels)) expect(deployment.spec.template.metadata.labels[k]).toBe(v);
    expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
  });

  test('it scrapes exactly the port the NetworkPolicy admits from the monitoring namespace', () => {
    const endpoint = find(objects, 'PodMonitor', `${WF}-api`).spec.podMetricsEndpoints;
    expect(endpoint).toHaveLength(1);
    const allow = find(objects, 'NetworkPolicy', `${WF}-allow-from-monitoring`).spec.ingress[0];
    expect(allow.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(e.namespaces.monitoring);
    if (e.mesh.enabled) {
      // Istio metrics merging: the sidecar's :15020/stats/prometheus, never 15090 as well.
      expect(endpoint[0].path).toBe('/stats/prometheus');
      const replace = endpoint[0].relabelings.find((r: any) => r.targetLabel === '__address__');
      expect(replace.replacement).toBe('$1:15020');
      expect(JSON.stringify(endpoint)).not.toContain('15090');
      expect(allow.ports).toEqual([{ port: 15020, protocol: 'TCP' }]);
      const annotations = deployment.spec.template.metadata.annotations;
      expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000', 'prometheus.io/path': '/metrics' });
    } else {
      expect(endpoint[0]).toMatchObject({ port: 'http', path: '/metrics' });
      expect(allow.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
    }
    // Canary pods are told apart by their pod-template hash, relabelled onto every series (with or without the mesh).
    for (const [source, target] of [['rollouts_pod_template_hash', 'rollouts_pod_template_hash'], ['app_kubernetes_io_version', 'version']]) {
      expect(endpoint[0].relabelings).toContainEqual({ action: 'replace', sourceLabels: [`__meta_kubernetes_pod_label_${source}`], targetLabel: target });
    }
  });

  test('every server container publishes the run-outcome metrics the SLI reads', () => {
    const servers = objectsOf(env).filter((o: any) => o.kind === 'Deployment' && /-(api|worker)$/.test(o.metadata.name));
    expect(servers.length).toBeGreaterThanOrEqual(4);
    for (const d of servers as any[]) {
      const c = d.spec.template.spec.containers.find((x: any) => x.name === d.metadata.labels['app.kubernetes.io/component']);
      expect({ deployment: d.metadata.name, env: c.env.find((v: any) => v.name === 'EXPOSE_INTERNAL_METRICS_PROMETHEUS')?.value }).toEqual({ deployment: d.metadata.name, env: 'true' });
    }
  });

  test('no HPA averages a queue-wide gauge per pod', () => {
    for (const hpa of ofKind(objectsOf(env), 'HorizontalPodAutoscaler')) {
      expect((hpa.spec.metrics ?? []).filter((m: any) => m.type === 'Pods')).toEqual([]);
    }
  });

  const rule = find(objects, 'PrometheusRule', `${WF}-api`);
  const alerts = rule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);

  test('the PrometheusRule carries the playbook alerts, the runbook alerts and the burn-rate pairs', () => {
    for (const [k, v] of Object.entries(e.monitoring.selectorLabels)) expect(rule.metadata.labels[k]).toBe(v);
    const names = alerts.map((a: any) => a.alert);
    for (const n of ['LangGraphApiDown', 'LangGraphHighErrorRate', 'LangGraphRunFailures', 'LangGraphHighLatency', 'LangGraphHighMemory', 'LangGraphHpaAtMaxReplicas', 'LangGraphMemoryLeak', 'LangGraphCrashLooping']) expect(names).toContain(n);
    // The run queue and the server's own pools, in every environment (from the server's metrics, not exporters).
    for (const n of ['LangGraphRunsPilingUp', 'LangGraphNoAvailableWorkers', 'LangGraphServerPostgresPoolExhausted', 'LangGraphServerPostgresPoolErrors', 'LangGraphServerRedisPoolExhausted']) expect(names).toContain(n);
    // Worker alerts only where the workflow runs queue workers (support-agent does not).
    expect(names).not.toContain('LangGraphWorkersDown');
    const workerAlerts = find(objectsOf(env, 'research-assistant'), 'PrometheusRule', 'research-assistant-api').spec.groups.flatMap((g: any) => g.rules).map((r: any) => r.alert);
    for (const n of ['LangGraphWorkersDown', 'LangGraphWorkersNotReady', 'LangGraphWorkerHighMemory']) expect(workerAlerts).toContain(n);
    for (const kind of ['Availability', 'Latency']) for (const w of ['Page1h', 'Page6h', 'Ticket1d', 'Ticket3d']) expect(names).toContain(`LangGraph${kind}BudgetBurn${w}`);
    // Database alerts exist only where an exporter runs: named in monitoring.exporters, or the dev stores' sidecars.
    expect(names.includes('LangGraphPostgresDown')).toBe(!!e.monitoring.exporters.postgres || e.dataStores.postgres.enabled);
    expect(names.includes('LangGraphRedisDown')).toBe(!!e.monitoring.exporters.redis || e.dataStores.redis.enabled);
    expect(names.includes('LangGraphPostgresConnectionsHigh')).toBe(!!e.monitoring.exporters.postgres || e.dataStores.postgres.enabled);
  });

  test('every alert is scoped to the workflow namespace and has severity, summary, description, runbook_url', () => {
    for (const a of alerts) {
      expect(['critical', 'warning']).toContain(a.labels.severity);
      expect(a.annotations.summary).toBeTruthy();
      expect(a.annotations.description).toBeTruthy();
      expect(a.annotations.runbook_url).toMatch(new RegExp(`^${e.monitoring.runbookBaseUrl.replace(/[.]/g, '\\.')}#[a-z0-9-]+$`));
      expect(a.expr).toContain(`"${WF}"`);
    }
  });

  test('request alerts read the environment\'s SLI contract (same metric as the canary analysis)', () => {
    const errorRate = alerts.find((a: any) => a.alert === 'LangGraphHighErrorRate');
    expect(e.sli.requestMetric).toBe('lg_api_http_requests_total');
    expect(errorRate.expr).toContain(e.sli.requestMetric);
    expect(errorRate.expr).toContain(`namespace="${WF}",job="${WF}/${WF}-api"`);
    for (const at of ofKind(objects, 'AnalysisTemplate')) {
      for (const m of at.spec.metrics) expect(m.provider.prometheus.query).toMatch(new RegExp(`${e.sli.requestMetric}|${e.sli.latencyHistogram}|${e.sli.runOutcomes.succeededMetric}`));
    }
  });

  test('the Grafana dashboard is generated for the sidecar, in the monitoring namespace, from the same metrics', () => {
    const cm = find(objects, 'ConfigMap', `${WF}-dashboard`);
    expect(cm.metadata.namespace).toBe(e.namespaces.monitoring);
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(cm.data[`${WF}.json`]);
    const titles = dashboard.panels.map((p: any) => p.title);
    expect(titles).toEqual(expect.arrayContaining([expect.stringMatching(/Request rate/), 'Runs ended per second by outcome', 'Run queue', 'Worker slots', 'CPU (cores)', 'Memory working set', expect.stringMatching(/error budget remaining/)]));
    const exprs = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr)).join('\n');
    expect(exprs).toContain(e.sli.requestMetric);
    // The server never emitted it: the old panel was dead.
    expect(exprs).not.toContain('langgraph_workflow_executions_total');
    // Queue-wide gauges are read with max, never summed.
    expect(exprs).toContain('max(lg_api_num_pending_runs{');
    expect(exprs).not.toMatch(/sum[^\n]*lg_api_num_(pending|running)_runs/);
    // The budget panels read the very series the burn-rate alerts record.
    const recorded = rule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.record).map((r: any) => r.record);
    expect(recorded.some((r: string) => exprs.includes(r))).toBe(true);
  });

  (promtool ? test : test.skip)('promtool check rules accepts the rendered rule groups', () => {
    const result = checkRules(promtool!, rule.spec.groups);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});

test('runbook anchors exist in docs/runbooks.md', () => {
  const fs = require('fs') as typeof import('fs');
  const doc = fs.readFileSync(require('path').join(__dirname, '..', '..', 'docs', 'runbooks.md'), 'utf8');
  for (const anchor of Object.values(RUNBOOK_ANCHORS)) expect(doc).toMatch(new RegExp(`(id="${anchor}"|#+ .*\\{#${anchor}\\}|<a name="${anchor}">|^#+ ${anchor.replace(/-/g, '[ -]')})`, 'im'));
});
