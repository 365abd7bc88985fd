/**
 * Turns the rendered objects of one workflow into what the live signals test runs
 * (scripts/signals/test-signals.sh):
 *   - prometheus.yml: one scrape job equivalent to the rendered PodMonitor for two synthetic pods
 *     (stable, canary) on loopback: the relabel_configs prometheus-operator generates, the
 *     rendered relabelings verbatim, then a documented harness tail that only points the target
 *     at the loopback server;
 *   - rules-<PrometheusRule>.yml: the rendered rule groups, time constants rescaled;
 *   - plan.json: the analysis metrics with the Rollout's arguments substituted and the query
 *     rescaled, the expected target labels (computed by scripts/signals/relabel.ts), the server
 *     environment taken from the rendered Deployment, every change made.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { HASHES, LATENCY_BUCKET, latencyObjective, metricKind, type Plan, type PlanMetric, type PlanRecordingRule, type Role } from './plan';
import { finalLabels, podMonitorRelabelConfigs, podTargets, relabel, type Labels, type PodMonitorLike, type RelabelConfig, type SyntheticContainer, type SyntheticPod } from './relabel';
import { loadRendered, resolveAnalysis, type HashValues, type K8sObject, type RenderedWorkflow } from './rendered';
import { rescaleExpr, rescaleRuleGroups, type Change, type RescaleOptions, type RuleGroup } from './time-rescale';
import { metricNames, parseDuration, tokenize } from './promql-scan';
import { CommandIo, UsageError, defineCommand, environmentProblem, flag, processIo, runCommandSync, wholeNumber } from '../../src/cli/command';

const SCRAPE_INTERVAL = '1s';
const SCRAPE_INTERVAL_MS = 1000;
const ISTIO_PROXY_PORT = { name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' };

/** Literal env vars of the rendered API container that the loopback server must not get. */
const SERVER_ENV_DENY = /^(PORT|HOST|DATABASE_URI|POSTGRES_URI|REDIS_URI|LANGSMITH_.*|LANGCHAIN_.*|LANGGRAPH_CLOUD_LICENSE_KEY|LANGGRAPH_AUTH_TYPE|.*_API_KEY|N_WORKERS|MOUNT_PREFIX)$/;

function matchesSelector(labels: Record<string, string>, selector: { matchLabels?: Record<string, string> }): boolean {
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** The API pod template: the Deployment the Rollout's workloadRef names (or the Rollout's own template). */
function apiPodTemplate(w: RenderedWorkflow): { template: any; owner: string; rollout: K8sObject } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const rollout = w.one('Rollout', 'the API workload');
  const ref = rollout.spec.workloadRef;
  if (ref) {
    const dep = w.ofKind('Deployment').find((d) => d.metadata.name === ref.name);
    if (!dep) throw new Error(`Rollout ${rollout.metadata.name}: workloadRef Deployment ${ref.name} is not rendered`);
    return { template: dep.spec.template, owner: `Deployment ${dep.metadata.name}`, rollout };
  }
  if (!rollout.spec.template) throw new Error(`Rollout ${rollout.metadata.name}: neither workloadRef nor template`);
  return { template: rollout.spec.template, owner: `Rollout ${rollout.metadata.name}`, rollout };
}

/**
 * The pod Kubernetes would run for `hash`: the template's labels plus Argo's
 * rollouts-pod-template-hash, named like a ReplicaSet pod, and, when the namespace has Istio
 * injection on, the sidecar with its labels, ports and the metrics-merging annotations.
 */
function syntheticPod(w: RenderedWorkflow, role: Role, hash: string, ip: string): { pod: SyntheticPod; meshed: boolean; notes: string[] } {
  const { template, rollout } = apiPodTemplate(w);
  const namespace = rollout.metadata.namespace!;
  const ns = w.ofKind('Namespace').find((n) => n.metadata.name === namespace);
  const nsLabels = ns?.metadata.labels ?? {};
  const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}), 'rollouts-pod-template-hash': hash };
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  const injectLabel = labels['sidecar.istio.io/inject'];
  const meshed = injectLabel !== 'false' && (nsLabels['istio-injection'] === 'enabled' || !!nsLabels['istio.io/rev'] || injectLabel === 'true');
  const containers: SyntheticContainer[] = (template.spec.containers as { name: string; ports?: { name?: string; containerPort: number; protocol?: string }[]; image?: string }[]).map((c) => ({
    name: c.name,
    image: c.image,
    ports: c.ports ?? [],
  }));
  const notes: string[] = [];
  if (meshed) {
    // What Istio's sidecar injector adds (istio/pkg/kube/inject): the proxy container with its
    // Prometheus port, the init container, the canonical-service labels, and, with metrics
    // merging (on by default), prometheus.io annotations pointing at the agent on 15020.
    containers.push({ name: 'istio-proxy', image: 'istio/proxyv2', ports: [ISTIO_PROXY_PORT] });
    containers.push({ name: 'istio-init', image: 'istio/proxyv2', ports: [], init: true });
    labels['security.istio.io/tlsMode'] = 'istio';
    labels['service.istio.io/canonical-name'] ??= labels['app.kubernetes.io/name'] ?? labels.app ?? rollout.metadata.name;
    labels['service.istio.io/canonical-revision'] ??= labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
    annotations['prometheus.io/port'] = '15020';
    annotations['prometheus.io/path'] = '/stats/prometheus';
    annotations['prometheus.io/scrape'] = 'true';
    notes.push(`namespace ${namespace} has Istio injection: synthetic pods get istio-proxy (port 15090 http-envoy-prom), istio-init, the canonical-service labels and metrics-merging annotations`);
  }
  const rsName = `${rollout.metadata.name}-${hash}`;
  const pod: SyntheticPod = {
    namespace,
    name: `${rsName}-${role === 'stable' ? 'x7k2p' : 'q9w4z'}`,
    ip,
    labels,
    annotations,
    containers,
    controllerKind: 'ReplicaSet',
    controllerName: rsName,
    nodeName: 'node-a',
  };
  return { pod, meshed, notes };
}

export const PREPARE_COMMAND = defineCommand({
  name: 'prepare',
  run: 'npx tsx scripts/signals/prepare.ts',
  summary: 'Turn the rendered objects of one workflow into what the live signals test runs (scripts/signals/test-signals.sh): prometheus.yml, the rescaled rules, plan.json and the server environment.',
  flags: {
    objects: flag.value({ value: 'DIR', help: 'the rendered objects of one workflow (e.g. dist/prod/support-agent)', required: true }),
    out: flag.value({ value: 'DIR', help: 'folder to write into', required: true }),
    'stable-port': flag.value({ value: 'PORT', help: 'loopback port of the stable server', parse: wholeNumber(1), required: true }),
    'canary-port': flag.value({ value: 'PORT', help: 'loopback port of the canary server', parse: wholeNumber(1), required: true }),
    divisor: flag.value({ value: 'N', help: 'divide every time constant by N', parse: atLeastOne, default: 6 }),
    'stable-hash': flag.value({ value: 'HASH', help: "the stable pod's rollouts-pod-template-hash (the behaviour canary reads it from the API server)", default: HASHES.stable as string }),
    'canary-hash': flag.value({ value: 'HASH', help: "the canary pod's rollouts-pod-template-hash", default: HASHES.latest as string }),
  },
  examples: [{ command: 'npx tsx scripts/signals/prepare.ts --objects dist/prod/support-agent --out /tmp/signals --stable-port 8001 --canary-port 8002', explain: 'what test-signals.sh runs' }],
  exitCodes: ['0  written', '1  the objects are not what the test emulates (named in the message), or an internal error', '2  bad arguments, or a folder that cannot be read or written'],
});

function atLeastOne(raw: string, name: string): number {
  const n = Number(raw);
  if (!(n >= 1)) throw new UsageError(`${name} ${raw}: use a number >= 1`);
  return n;
}

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(PREPARE_COMMAND, argv, ({ values }) => {
    try {
      const hashes = { stable: values['stable-hash'], latest: values['canary-hash'] };
      if (hashes.stable === hashes.latest) throw new UsageError(`--stable-hash and --canary-hash are both ${hashes.stable}: the two pods must differ`);
      prepare({ objects: values.objects, out: values.out, ports: { stable: values['stable-port'], canary: values['canary-port'] }, divisor: values.divisor, hashes });
    } catch (e) {
      if (environmentProblem(e) !== undefined) throw e;
      io.err(`prepare: ${(e as Error).message}\n`);
      return 1;
    }
    return 0;
  }, io);
}

function prepare(options: { readonly objects: string; readonly out: string; readonly ports: Record<Role, number>; readonly divisor: number; readonly hashes: HashValues }): void {
  const objectsDir = path.resolve(options.objects);
  const out = path.resolve(options.out);
  const { ports, divisor, hashes } = options;
  const opts: RescaleOptions = { divisor, minRangeMs: 4 * SCRAPE_INTERVAL_MS };
  const changes: Change[] = [];
  const w = loadRendered(objectsDir);
  const notes: string[] = [];

  // --- (a) PodMonitor → scrape config ------------------------------------------------------
  const { template, rollout } = apiPodTemplate(w);
  const namespace = rollout.metadata.namespace!;
  const podLabels = { ...(template.metadata?.labels ?? {}), 'rollouts-pod-template-hash': 'x' };
  const monitors = w.ofKind('PodMonitor').filter((pm) => matchesSelector(podLabels, pm.spec.selector)) as unknown as PodMonitorLike[];
  if (monitors.length !== 1) throw new Error(`${objectsDir}: expected one PodMonitor selecting the API pods, found ${monitors.length}`);
  const pm = monitors[0];
  if (pm.spec.podMetricsEndpoints.length !== 1) throw new Error(`PodMonitor ${pm.metadata.name}: ${pm.spec.podMetricsEndpoints.length} endpoints; the test emulates exactly one`);
  const ep = pm.spec.podMetricsEndpoints[0];
  const { configs: operatorAndRendered, origin } = podMonitorRelabelConfigs(pm, 0);
  const jobName = `podMonitor/${pm.metadata.namespace}/${pm.metadata.name}/0`;
  const metricsPath = (ep.path as string | undefined) ?? '/metrics';
  if (ep.interval) changes.push({ where: `PodMonitor ${pm.metadata.name}`, field: 'podMetricsEndpoints[0].interval', kind: 'scrape interval', from: String(ep.interval), to: SCRAPE_INTERVAL });
  changes.push({ where: 'Prometheus', field: 'global.evaluation_interval', kind: 'rule evaluation interval', from: '30s (prometheus-operator default)', to: SCRAPE_INTERVAL });

  const ips: Record<Role, string> = { stable: '10.0.0.11', canary: '10.0.0.12' };
  const pods = {} as Plan['pods'];
  const staticConfigs: { targets: string[]; labels: Labels }[] = [];
  const synthetic: { role: Role; pod: SyntheticPod; target: Labels }[] = [];
  for (const role of ['stable', 'canary'] as Role[]) {
    const hash = role === 'stable' ? hashes.stable : hashes.latest;
    const { pod, notes: n } = syntheticPod(w, role, hash, ips[role]);
    if (role === 'stable') notes.push(...n);
    pods[role] = { name: pod.name, hash, port: ports[role], ip: pod.ip };
    for (const t of podTargets(pod)) {
      const { __address__, ...meta } = t;
      staticConfigs.push({ targets: [__address__], labels: meta });
      synthetic.push({ role, pod, target: t });
    }
  }
  // Harness tail: the only rules added after the rendered ones. They keep `instance` what it
  // would be in the cluster (pod address) and send the scrape to the loopback server's /metrics.
  const tail: RelabelConfig[] = [
    { source_labels: ['instance', '__address__'], regex: ';(.+)', target_label: 'instance', replacement: '$1' },
    ...(['stable', 'canary'] as Role[]).map((role) => ({
      source_labels: ['__meta_kubernetes_pod_name'],
      regex: pods[role].name.replace(/[.]/g, '\\.'),
      target_label: '__address__',
      replacement: `127.0.0.1:${ports[role]}`,
    })),
    { target_label: '__metrics_path__', replacement: '/metrics' },
  ];
  const relabelConfigs = [...operatorAndRendered, ...tail];
  const relabelOrigins = [
    ...origin,
    'harness: instance = the pod address when no rule set it',
    'harness: stable pod → loopback stable server',
    'harness: canary pod → loopback canary server',
    `harness: __metrics_path__ ${metricsPath} → /metrics (the loopback server; in the cluster ${metricsPath === '/metrics' ? 'the same path' : "Istio's agent serves the app's /metrics merged at " + metricsPath})`,
  ];

  const expectedTargets: Plan['expectedTargets'] = [];
  let dropped = 0;
  for (const s of synthetic) {
    const initial: Labels = {
      ...s.target,
      job: jobName,
      __scheme__: 'http',
      __metrics_path__: metricsPath,
      __scrape_interval__: SCRAPE_INTERVAL,
      __scrape_timeout__: SCRAPE_INTERVAL,
    };
    const r = relabel(initial, relabelConfigs);
    if (!r) {
      dropped++;
      continue;
    }
    expectedTargets.push({ pod: s.pod.name, labels: finalLabels(r) });
  }
  for (const role of ['stable', 'canary'] as Role[]) {
    const n = expectedTargets.filter((t) => t.pod === pods[role].name).length;
    if (n !== 1) throw new Error(`the rendered PodMonitor keeps ${n} targets for the ${role} pod (one pod must be scraped exactly once)`);
  }

  // --- (b) PrometheusRules → rule files ------------------------------------------------------
  const ruleFiles: string[] = [];
  const recordingRules: PlanRecordingRule[] = [];
  const alerts: string[] = [];
  for (const pr of w.ofKind('PrometheusRule')) {
    const owner = `PrometheusRule ${pr.metadata.name}`;
    const groups = rescaleRuleGroups(pr.spec.groups as RuleGroup[], owner, opts, changes);
    const file = path.join(out, `rules-${pr.metadata.name}.yml`);
    fs.writeFileSync(file, stringify({ groups }, { lineWidth: 0 }));
    ruleFiles.push(file);
    for (const g of groups) {
      for (const r of g.rules) {
        if (r.record) recordingRules.push({ file, group: g.name, record: String(r.record), labels: (r.labels as Record<string, string>) ?? {}, expr: String(r.expr) });
        else alerts.push(String(r.alert));
      }
    }
  }

  // --- (c) AnalysisTemplates → metrics -------------------------------------------------------
  const metrics: PlanMetric[] = resolveAnalysis(w, hashes).map((m) => {
    const query = rescaleExpr(m.query, `AnalysisTemplate ${m.template} / metric ${m.metric}`, 'query', opts, changes);
    const names = metricNames(query);
    const windows = tokenize(query).filter((t, i, all) => t.kind === 'duration' && all[i - 1]?.text === '[').map((t) => parseDuration(t.text));
    if (!windows.length) throw new Error(`${m.id}: the query has no range window`);
    const pm: PlanMetric = {
      id: m.id,
      kind: metricKind(names),
      renderedQuery: m.renderedQuery,
      query,
      successCondition: m.successCondition,
      failureCondition: m.failureCondition,
      args: m.args,
      windowMs: Math.max(...windows),
    };
    if (pm.kind === 'latency') {
      const o = latencyObjective(query, m.successCondition, m.failureCondition, m.id);
      pm.objectiveSeconds = o.ms / 1000;
      pm.objectiveNote = o.how;
    }
    return pm;
  });
  if (!metrics.some((m) => m.kind === 'latency')) notes.push(`no latency analysis metric found (none reads ${LATENCY_BUCKET})`);
  const windowMs = Math.max(...metrics.map((m) => m.windowMs));

  // --- server environment from the rendered container ---------------------------------------
  const api = (template.spec.containers as { name: string; env?: { name: string; value?: string; valueFrom?: unknown }[] }[])[0];
  const serverEnv: string[] = [];
  const serverEnvSkipped: string[] = [];
  for (const e of api.env ?? []) {
    if (e.value === undefined) serverEnvSkipped.push(`${e.name} (valueFrom)`);
    else if (SERVER_ENV_DENY.test(e.name)) serverEnvSkipped.push(`${e.name} (cluster-only)`);
    else serverEnv.push(`${e.name}=${e.value}`);
  }

  const prometheusYml = {
    global: { scrape_interval: SCRAPE_INTERVAL, scrape_timeout: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
    rule_files: ruleFiles,
    scrape_configs: [
      {
        job_name: jobName,
        honor_labels: false,
        scrape_interval: SCRAPE_INTERVAL,
        scrape_timeout: SCRAPE_INTERVAL,
        metrics_path: metricsPath,
        static_configs: staticConfigs,
        relabel_configs: relabelConfigs,
      },
    ],
  };
  fs.writeFileSync(path.join(out, 'prometheus.yml'), stringify(prometheusYml, { lineWidth: 0 }));

  const plan: Plan = {
    objectsDir,
    namespace,
    divisor,
    scrapeIntervalMs: SCRAPE_INTERVAL_MS,
    windowMs,
    pods,
    jobName,
    expectedTargets,
    droppedTargets: dropped,
    metrics,
    recordingRules,
    alerts,
    serverEnv,
    serverEnvSkipped,
    changes,
    relabelOrigins,
  };
  fs.writeFileSync(path.join(out, 'plan.json'), JSON.stringify(plan, null, 2));
  fs.writeFileSync(
    path.join(out, 'changes.tsv'),
    ['where\tfield\tkind\tfrom\tto', ...changes.map((c) => [c.where, c.field, c.kind, c.from, c.to].join('\t'))].join('\n') + '\n',
  );
  fs.writeFileSync(path.join(out, 'server-env'), serverEnv.join('\n') + (serverEnv.length ? '\n' : ''));

  // --- summary ------------------------------------------------------------------------------
  const log = (s = '') => process.stdout.write(`${s}\n`);
  log(`objects: ${objectsDir}`);
  for (const n of notes) log(`note: ${n}`);
  log(`PodMonitor ${pm.metadata.name}: ${relabelConfigs.length} relabel rules (${origin.filter((o) => o.startsWith('rendered')).length} rendered), ` +
    `${synthetic.length} discovered targets → ${expectedTargets.length} kept, ${dropped} dropped`);
  for (const t of expectedTargets) log(`  ${t.pod}: ${JSON.stringify(t.labels)}`);
  log(`analysis metrics (args as the Rollout passes them):`);
  for (const m of metrics) {
    log(`  ${m.id} [${m.kind}] window ${m.windowMs / 1000}s${m.objectiveSeconds !== undefined ? `, objective ${m.objectiveSeconds} s: ${m.objectiveNote}` : ''}`);
    for (const [k, v] of Object.entries(m.args)) log(`    args.${k} = ${JSON.stringify(v.value)} (${v.from})`);
  }
  log(`rules: ${recordingRules.length} recording, ${alerts.length} alerting, in ${ruleFiles.length} file(s)`);
  log(`server env from the rendered container: ${serverEnv.join(' ') || '(none)'}; skipped: ${serverEnvSkipped.join(', ') || '(none)'}`);
  // Every change, grouped by what it did.
  const byMapping = new Map<string, Change[]>();
  for (const c of changes) {
    const key = `${c.kind === 'duration' ? c.field : c.kind} ${c.from} → ${c.to}`;
    byMapping.set(key, [...(byMapping.get(key) ?? []), c]);
  }
  log(`time transformation: every duration ÷ ${divisor}; ${changes.length} changes, nothing else changed (re-lexed and compared):`);
  for (const [key, cs] of [...byMapping.entries()].sort()) {
    const where = [...new Set(cs.map((c) => c.where.replace(/^.* \/ (record|alert|metric) /, '$1 ')))];
    log(`  ${key}  ×${cs.length}  (${where.length > 4 ? `${where.slice(0, 4).join(', ')}, … ${where.length - 4} more` : where.join(', ')})`);
  }
  log(`  full list: ${path.join(out, 'changes.tsv')}`);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
