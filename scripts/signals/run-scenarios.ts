/**
 * The scenarios of the live signals test (scripts/signals/test-signals.sh), against two real
 * LangGraph servers ("stable", "canary") and a real Prometheus that scrapes them with the rendered
 * PodMonitor's relabelling and evaluates the rendered rules (see prepare.ts).
 *
 * Phases run one after the other; each sends a fixed, bounded amount of traffic and is judged at a
 * fixed evaluation time `te` through Prometheus's HTTP API (`/api/v1/query?time=te`), with the
 * analysis queries exactly as Argo would send them (arguments substituted, time constants
 * rescaled). Phases are spaced so that the analysis window at `te` holds this phase's traffic and
 * none of the previous phase's.
 *
 * Exit status 1 when any expectation fails. Every request: loopback only, with a timeout.
 */
import * as fs from 'fs';
import * as path from 'path';
import { evaluateResult, promValue, type ArgoResult, type Phase } from './argo-expr';
import type { MetricKind, Plan, PlanMetric, Role } from './plan';
import { metricNames, selectors, withoutMatchers } from './promql-scan';
import { loadCatalog, SIGNALS_FIXTURES } from '../../test/signals/catalog';
import { CommandIo, defineCommand, flag, processIo, runCommand } from '../../src/cli/command';

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const nowS = () => Date.now() / 1000;
const log = (s: string) => process.stderr.write(`[signals ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

function loopback(url: string): string {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`refusing non-loopback URL ${url}`);
  return url.replace(/\/$/, '');
}

interface HttpResult {
  status: number;
  text: string;
  ms: number;
}

async function http(
  base: string,
  method: string,
  route: string,
  opts: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number; hangUpAfterMs?: number } = {},
): Promise<HttpResult> {
  const started = Date.now();
  const ctrl = new AbortController();
  const limit = opts.hangUpAfterMs ?? opts.timeoutMs ?? 30_000;
  const timer = setTimeout(() => ctrl.abort(), limit);
  try {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: { accept: 'application/json, text/event-stream', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: ctrl.signal,
    });
    let text = '';
    try {
      text = await res.text();
    } catch (e) {
      if (opts.hangUpAfterMs === undefined) throw e;
    }
    return { status: res.status, text, ms: Date.now() - started };
  } catch (e) {
    if (opts.hangUpAfterMs !== undefined && ctrl.signal.aborted) return { status: 200, text: '', ms: Date.now() - started };
    throw new Error(`${method} ${base}${route}: ${(e as Error).message}${ctrl.signal.aborted ? ` (timed out after ${limit} ms)` : ''}`);
  } finally {
    clearTimeout(timer);
  }
}

async function pool<T>(limit: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]();
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// Prometheus

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

class Prom {
  constructor(readonly base: string) {}

  async query(q: string, time?: number): Promise<{ resultType: string; result: Sample[] | [number, string] }> {
    const form = new URLSearchParams({ query: q });
    if (time !== undefined) form.set('time', time.toFixed(3));
    const res = await fetch(`${this.base}/api/v1/query`, { method: 'POST', body: form, signal: AbortSignal.timeout(15_000) });
    const body = (await res.json()) as { status: string; data: { resultType: string; result: Sample[] }; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus refused the query: ${body.error}\n${q}`);
    return body.data;
  }

  async vector(q: string, time?: number): Promise<Sample[]> {
    const d = await this.query(q, time);
    if (d.resultType !== 'vector') throw new Error(`expected a vector from ${q}, got ${d.resultType}`);
    return d.result as Sample[];
  }

  async get<T>(route: string): Promise<T> {
    const res = await fetch(`${this.base}${route}`, { signal: AbortSignal.timeout(15_000) });
    const body = (await res.json()) as { status: string; data: T };
    if (body.status !== 'success') throw new Error(`Prometheus ${route}: ${JSON.stringify(body)}`);
    return body.data;
  }
}

/** What Argo's Prometheus provider hands to the conditions. */
async function argoResult(prom: Prom, query: string, time: number): Promise<{ result: ArgoResult; shown: string }> {
  const d = await prom.query(query, time);
  if (d.resultType === 'scalar') {
    const v = promValue((d.result as [number, string])[1]);
    return { result: v, shown: String(v) };
  }
  if (d.resultType !== 'vector') throw new Error(`Argo does not support a ${d.resultType} result (query ${query})`);
  const values = (d.result as Sample[]).map((s) => promValue(s.value[1]));
  return { result: values, shown: `[${values.map((v) => (Number.isInteger(v) ? v : Number(v.toPrecision(4)))).join(',')}]` };
}

// ---------------------------------------------------------------------------------------------
// Traffic

export interface Behaviour {
  /** POST /runs/wait runs (no sleep). */
  runs: number;
  /** Runs i with i % 10 in {2,5,8} (30 %) carry the fail marker and end in error (HTTP 200). */
  failRuns: boolean;
  /** Requests on ordinary (non-long-lived) routes, the latency SLI's population. */
  api: number;
  /** API requests i with i % 10 in {2,5,8} (30 %) go to GET /signals/fail instead: HTTP 500. */
  http5xx: boolean;
  /** Response delay (ms) of every API request (x-signals-delay-ms), 0 = none. */
  delayMs: number;
  /** Long-lived requests (runs that sleep this long), 0 = none. */
  streamingSleepS: number;
}

const ROUNDS = 4;
const ROUND_GAP_MS = 1500;
const QUIET: Behaviour = { runs: 0, failRuns: false, api: 0, http5xx: false, delayMs: 0, streamingSleepS: 0 };
const ASSISTANT = 'signals';
const THIRTY_PERCENT = (i: number) => [2, 5, 8].includes(i % 10);

export interface TrafficRecord {
  role: Role;
  runs: number;
  failedRuns: number;
  api: number;
  http500: number;
  streaming: number;
  slowestApiMs: number;
  streamingRoutes: string[];
}

export async function drive(role: Role, base: string, b: Behaviour, deadlineMs: number): Promise<TrafficRecord> {
  const timeoutMs = Math.max(1000, deadlineMs - Date.now());
  const call = async (method: string, route: string, body?: unknown, expect = 200, extra: { hangUpAfterMs?: number; headers?: Record<string, string> } = {}) => {
    const r = await http(base, method, route, { body, timeoutMs, ...extra });
    if (r.status !== expect) throw new Error(`${role}: ${method} ${route} → ${r.status}, expected ${expect}: ${r.text.slice(0, 200)}`);
    return r;
  };
  const rec: TrafficRecord = { role, runs: 0, failedRuns: 0, api: 0, http500: 0, streaming: 0, slowestApiMs: 0, streamingRoutes: [] };
  if (!b.runs && !b.api && !b.streamingSleepS) return rec;
  const newThread = async () => JSON.parse((await call('POST', '/threads', {})).text).thread_id as string;
  const thread = await newThread();
  rec.api++;

  const slow = b.delayMs ? { headers: { 'x-signals-delay-ms': String(b.delayMs) } } : {};
  const apiJobs = Array.from({ length: b.api }, (_, i) => async () => {
    if (b.http5xx && THIRTY_PERCENT(i)) {
      await call('GET', '/signals/fail', undefined, 500, slow);
      rec.http500++;
    } else {
      const r = await [
        () => call('POST', '/threads', {}, 200, slow),
        () => call('GET', `/threads/${thread}`, undefined, 200, slow),
        () => call('POST', '/threads/search', { limit: 5 }, 200, slow),
        () => call('POST', '/assistants/search', { limit: 5 }, 200, slow),
      ][i % 4]();
      rec.slowestApiMs = Math.max(rec.slowestApiMs, r.ms);
    }
    rec.api++;
  });
  const runJobs = Array.from({ length: b.runs }, (_, i) => async () => {
    const fail = b.failRuns && THIRTY_PERCENT(i);
    const r = await call('POST', '/runs/wait', { assistant_id: ASSISTANT, input: { fail, sleep_seconds: 0 } });
    const errored = r.text.includes('"__error__"');
    if (errored !== fail) throw new Error(`${role}: run ${i} ${fail ? 'should have failed' : 'failed unexpectedly'}: ${r.text.slice(0, 200)}`);
    rec.runs++;
    rec.failedRuns += fail ? 1 : 0;
  });
  const streamJobs: (() => Promise<void>)[] = [];
  if (b.streamingSleepS) {
    const input = { fail: false, sleep_seconds: b.streamingSleepS };
    const threads = await Promise.all([0, 1, 2, 3, 4].map(() => newThread()));
    rec.api += threads.length;
    const stream = (route: string, f: () => Promise<unknown>) => async () => {
      await f();
      rec.streaming++;
      rec.streamingRoutes.push(route);
    };
    streamJobs.push(
      stream('POST /runs/stream', () => call('POST', '/runs/stream', { assistant_id: ASSISTANT, input, stream_mode: ['values'] })),
      stream('POST /runs/wait', () => call('POST', '/runs/wait', { assistant_id: ASSISTANT, input })),
      stream('POST /threads/{thread_id}/runs/wait', () => call('POST', `/threads/${threads[0]}/runs/wait`, { assistant_id: ASSISTANT, input })),
      stream('POST /threads/{thread_id}/runs/stream', () => call('POST', `/threads/${threads[1]}/runs/stream`, { assistant_id: ASSISTANT, input })),
      stream('GET /threads/{thread_id}/runs/{run_id}/join', async () => {
        const run = JSON.parse((await call('POST', `/threads/${threads[2]}/runs`, { assistant_id: ASSISTANT, input })).text).run_id;
        rec.api++;
        await call('GET', `/threads/${threads[2]}/runs/${run}/join`);
      }),
      stream('GET /threads/{thread_id}/runs/{run_id}/stream', async () => {
        const run = JSON.parse((await call('POST', `/threads/${threads[3]}/runs`, { assistant_id: ASSISTANT, input })).text).run_id;
        rec.api++;
        await call('GET', `/threads/${threads[3]}/runs/${run}/stream`);
      }),
      stream('GET /threads/{thread_id}/stream', () => call('GET', `/threads/${threads[4]}/stream`, undefined, 200, { hangUpAfterMs: b.streamingSleepS * 1000 })),
    );
  }
  // Paced like steady traffic: ROUNDS rounds, one every ROUND_GAP_MS (longer than a scrape), so
  // that every series' increments span several scrapes. Prometheus's rate()/increase() never
  // count a counter series' first sample, so a burst that creates a series (the first 500s, the
  // first failed runs) between two scrapes would be invisible: a real property of the queries,
  // reported, not what these scenarios are about. In each round: runs first (they load the
  // server's event loop), then the SLI requests at low concurrency, so that a healthy server's
  // latency is not contention from our own runs; delayed requests wait on a timer: all at once.
  const streaming = pool(8, streamJobs);
  await Promise.all(
    Array.from({ length: ROUNDS }, async (_, k) => {
      await sleep(k * ROUND_GAP_MS);
      await pool(10, runJobs.filter((_, j) => j % ROUNDS === k));
      await pool(b.delayMs ? 50 : 4, apiJobs.filter((_, j) => j % ROUNDS === k));
    }),
  );
  await streaming;
  return rec;
}

// ---------------------------------------------------------------------------------------------
// Report

type Outcome = 'PASS' | 'FAIL' | 'INFO' | 'EMPTY';
interface Row {
  scenario: string;
  check: string;
  value: string;
  expected: string;
  outcome: Outcome;
}
const rows: Row[] = [];
const row = (r: Row) => {
  rows.push(r);
  log(`${r.outcome.padEnd(5)} ${r.scenario} | ${r.check} | ${r.value} | expected ${r.expected}`);
};

function printTable(): void {
  const cols: (keyof Row)[] = ['scenario', 'check', 'value', 'expected', 'outcome'];
  const clip = (s: string) => (s.length > 110 ? `${s.slice(0, 107)}...` : s);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => clip(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => clip(c).padEnd(widths[i])).join(' | ')} |`;
  const out = [line(cols), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line(cols.map((c) => r[c])))];
  process.stdout.write(`${out.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------
// Checks

async function checkTargets(prom: Prom, plan: Plan): Promise<void> {
  type Target = { scrapePool: string; labels: Record<string, string>; health: string; lastError: string; discoveredLabels: Record<string, string> };
  const deadline = Date.now() + 30_000;
  let active: Target[] = [];
  for (;;) {
    const d = await prom.get<{ activeTargets: Target[] }>('/api/v1/targets?state=active');
    active = d.activeTargets.filter((t) => t.scrapePool === plan.jobName);
    if ((active.length === plan.expectedTargets.length && active.every((t) => t.health === 'up')) || Date.now() > deadline) break;
    await sleep(500);
  }
  // Dropped targets carry only their discovered labels (no job in Prometheus 2.42): match our pods.
  const ourPods = new Set(Object.values(plan.pods).map((p) => p.name));
  const dropped = (await prom.get<{ droppedTargets: Target[] }>('/api/v1/targets?state=dropped')).droppedTargets.filter((t) =>
    ourPods.has(t.discoveredLabels.__meta_kubernetes_pod_name),
  );
  for (const role of ['stable', 'canary'] as Role[]) {
    const pod = plan.pods[role];
    const want = plan.expectedTargets.find((t) => t.pod === pod.name)!.labels;
    const got = active.filter((t) => t.labels.pod === pod.name);
    const same = got.length === 1 && JSON.stringify(Object.entries(got[0].labels).sort()) === JSON.stringify(Object.entries(want).sort());
    row({
      scenario: 'relabelling',
      check: `${role} pod target labels (Prometheus vs relabel.ts)`,
      value: got.length === 1 ? `${got[0].health}; ${Object.entries(got[0].labels).map(([k, v]) => `${k}=${v}`).join(' ')}` : `${got.length} targets`,
      expected: '1 target, up, labels = relabel.ts',
      outcome: same && got[0].health === 'up' ? 'PASS' : 'FAIL',
    });
    if (!same && got.length === 1) log(`  Prometheus: ${JSON.stringify(got[0].labels)} ${got[0].lastError}`);
  }
  row({
    scenario: 'relabelling',
    check: 'targets dropped by the relabelling (other containers/ports)',
    value: String(dropped.length),
    expected: String(plan.droppedTargets),
    outcome: dropped.length === plan.droppedTargets ? 'PASS' : 'FAIL',
  });
}

interface PhaseSpec {
  name: string;
  what: string;
  stable: Behaviour;
  canary: Behaviour;
  /** Expected Argo phase of the whole analysis (worst metric), undefined = recorded only. */
  analysis?: Phase;
  /** Expected phase per metric kind; a kind not listed is recorded only. */
  expect: Partial<Record<MetricKind, Phase>>;
  /** Kinds of which at least one metric must have this phase (attribution of a failure). */
  someOf?: { kind: MetricKind; phase: Phase };
}

/** Argo's AnalysisRun phase from its metrics' phases (one measurement each): the worst wins. */
function analysisPhase(phases: Phase[]): Phase {
  for (const p of ['Error', 'Failed', 'Inconclusive'] as Phase[]) if (phases.includes(p)) return p;
  return 'Successful';
}

async function judge(prom: Prom, plan: Plan, phase: PhaseSpec, te: number, verdicts: Map<string, Phase>): Promise<void> {
  const got: { m: PlanMetric; phase: Phase }[] = [];
  for (const m of plan.metrics) {
    const { result, shown } = await argoResult(prom, m.query, te);
    const v = evaluateResult(result, m.successCondition, m.failureCondition);
    verdicts.set(`${phase.name}/${m.id}`, v.phase);
    got.push({ m, phase: v.phase });
    const want = phase.expect[m.kind];
    row({
      scenario: phase.name,
      check: `${m.id} [${m.kind}]`,
      value: `${shown} → ${v.phase}${v.error ? ` (${v.error})` : ''}`,
      expected: want ?? '(recorded)',
      outcome: want === undefined ? 'INFO' : v.phase === want ? 'PASS' : 'FAIL',
    });
  }
  if (phase.someOf) {
    const { kind, phase: p } = phase.someOf;
    const of = got.filter((g) => g.m.kind === kind);
    row({
      scenario: phase.name,
      check: `a ${kind} metric judges the canary ${p}`,
      value: of.map((g) => `${g.m.id.split("/")[1]}=${g.phase}`).join(' ') || `no ${kind} metric rendered`,
      expected: p,
      outcome: of.some((g) => g.phase === p) ? 'PASS' : 'FAIL',
    });
  }
  if (phase.analysis) {
    const a = analysisPhase(got.map((g) => g.phase));
    row({ scenario: phase.name, check: 'analysis (all metrics, worst wins)', value: a, expected: phase.analysis, outcome: a === phase.analysis ? 'PASS' : 'FAIL' });
  }
}

/** The streaming-route properties, judged at the end of the healthy phase (canary had long-lived requests). */
async function judgeStreaming(prom: Prom, plan: Plan, te: number, streamingRoutes: string[]): Promise<void> {
  const routes = JSON.parse(fs.readFileSync(path.join(SIGNALS_FIXTURES, 'streaming-routes.json'), 'utf8')) as {
    long_lived: { method: string; path: string }[];
    long_lived_sometimes: { method: string; path: string }[];
  };
  const longLived = new Set(routes.long_lived.map((r) => r.path));
  const sometimes = new Set(routes.long_lived_sometimes.map((r) => r.path));
  const hash = plan.pods.canary.hash;
  for (const m of plan.metrics.filter((x) => x.kind === 'latency')) {
    // 1. Which `path` values the query's own selectors admit, on the canary's real series.
    const latencySelectors = selectors(m.query).filter((s) => /^lg_api_http_requests_latency/.test(s.metric));
    const seen = new Set((await prom.vector(`group by (path) (lg_api_http_requests_latency_count{rollouts_pod_template_hash="${hash}"})`, te)).map((s) => s.metric.path));
    // `le` picks histogram buckets, not routes: leave it out to ask which routes a selector admits.
    const distinct = [
      ...new Set(
        latencySelectors.map((sel) =>
          sel.matchers
            .filter((x) => x.label !== 'le')
            .map((x) => `${x.label}${x.op}${JSON.stringify(x.value)}`)
            .join(','),
        ),
      ),
    ];
    for (const matchers of distinct) {
      const admitted = new Set((await prom.vector(`group by (path) (lg_api_http_requests_latency_count{${matchers}})`, te)).map((s) => s.metric.path));
      const wrongIn = [...admitted].filter((p) => longLived.has(p));
      const wrongOut = [...seen].filter((p) => !admitted.has(p) && !longLived.has(p) && !sometimes.has(p));
      const excluded = [...seen].filter((p) => !admitted.has(p));
      row({
        scenario: 'streaming',
        check: `${m.id}: routes its selector admits (canary series)`,
        value: `excludes ${excluded.length}/${seen.size} seen: ${excluded.join(' ') || '(none)'}`,
        expected: 'every long-lived route out, every other route in',
        outcome: wrongIn.length || wrongOut.length || !excluded.length ? 'FAIL' : 'PASS',
      });
      if (wrongIn.length) log(`  long-lived routes inside the SLI: ${wrongIn.join(' ')}`);
      if (wrongOut.length) log(`  ordinary routes left out of the SLI: ${wrongOut.join(' ')}`);
    }
    // 2. The same query with its `path` matchers removed must fail: the streaming requests were
    //    recorded, slower than the objective, and only the exclusion keeps them out.
    const { expr: counterfactual, removed } = withoutMatchers(m.query, (x) => x.label === 'path');
    if (removed === 0) {
      row({ scenario: 'streaming', check: `${m.id} without its path matchers`, value: 'query has no path matcher', expected: 'a path exclusion', outcome: 'FAIL' });
      continue;
    }
    const { result, shown } = await argoResult(prom, counterfactual, te);
    const v = evaluateResult(result, m.successCondition, m.failureCondition);
    row({
      scenario: 'streaming',
      check: `${m.id} with its ${removed} path matcher(s) removed (all routes)`,
      value: `${shown} → ${v.phase}`,
      expected: 'Failed',
      outcome: v.phase === 'Failed' ? 'PASS' : 'FAIL',
    });
  }
  row({
    scenario: 'streaming',
    check: 'long-lived requests the canary served in the healthy phase',
    value: `${streamingRoutes.length}: ${[...new Set(streamingRoutes)].map((r) => r.replace(/^(GET|POST) /, '')).join(' ')}`,
    expected: '> 0',
    outcome: streamingRoutes.length ? 'PASS' : 'FAIL',
  });
}

async function checkRules(prom: Prom, plan: Plan, since: number): Promise<void> {
  type Rule = { name: string; type: string; health: string; lastError?: string; state?: string; labels?: Record<string, string> };
  const groups = (await prom.get<{ groups: { name: string; rules: Rule[] }[] }>('/api/v1/rules')).groups;
  const all = groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: g.name })));
  const bad = all.filter((r) => r.health !== 'ok');
  row({
    scenario: 'rules',
    check: `health of all ${all.length} loaded rules`,
    value: bad.length ? bad.map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`).join('; ') : 'all ok',
    expected: 'all ok',
    outcome: bad.length ? 'FAIL' : 'PASS',
  });
  if (all.length !== plan.recordingRules.length + plan.alerts.length) {
    row({ scenario: 'rules', check: 'rules loaded', value: String(all.length), expected: String(plan.recordingRules.length + plan.alerts.length), outcome: 'FAIL' });
  }
  const span = Math.ceil(nowS() - since) + 5;
  const fixtureNames = new Set<string>();
  for (const f of ['langgraph-api-metrics.prom', 'langgraph-api-metrics.internal.prom']) {
    for (const fam of loadCatalog(path.join(SIGNALS_FIXTURES, f)).values()) fam.seriesNames.forEach((n) => fixtureNames.add(n));
  }
  const recorded = new Set(plan.recordingRules.map((r) => r.record));
  const present = async (name: string) => (await prom.vector(`count(last_over_time(${name}[${span}s]))`)).length > 0;
  /** Why an expression can have no value here: its inputs without series, each with a reason. */
  const missingInputs = async (expr: string): Promise<{ reasons: string[]; explained: boolean }> => {
    const reasons: string[] = [];
    let explained = true;
    for (const name of metricNames(expr)) {
      if (await present(name)) continue;
      if (recorded.has(name)) reasons.push(`${name} (recording rule, itself empty)`);
      else if (fixtureNames.has(name)) {
        reasons.push(`${name} is in the recorded fixtures but was not scraped`);
        explained = false;
      } else if (/^lg_api_/.test(name)) reasons.push(`${name} not exposed by the in-memory server (absent from the recorded fixtures)`);
      else if (/^kube_/.test(name)) reasons.push(`${name}: kube-state-metrics does not run here`);
      else if (/^(container|machine)_/.test(name)) reasons.push(`${name}: cAdvisor does not run here`);
      else if (/^(istio|envoy|pilot)_/.test(name)) reasons.push(`${name}: Istio does not run here`);
      else if (/^(pg|redis)_/.test(name)) reasons.push(`${name}: the database exporters do not run here`);
      else {
        reasons.push(`${name}: no series, unknown source`);
        explained = false;
      }
    }
    return { reasons, explained };
  };
  for (const r of plan.recordingRules) {
    const sel = `${r.record}{${Object.entries(r.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
    const got = await prom.vector(`last_over_time(${sel}[${span}s])`);
    if (got.length) {
      row({
        scenario: 'rules',
        check: `record ${r.record}${Object.keys(r.labels).length ? ` ${JSON.stringify(r.labels)}` : ''}`,
        value: got.map((s) => Number(promValue(s.value[1]).toPrecision(4))).join(','),
        expected: 'a value',
        outcome: 'PASS',
      });
      continue;
    }
    const { reasons, explained: inputsExplained } = await missingInputs(r.expr);
    let explained = inputsExplained;
    if (!reasons.length) {
      reasons.push('every input has series, the expression still selects nothing (labels or vector matching)');
      explained = false;
    }
    row({
      scenario: 'rules',
      check: `record ${r.record}${Object.keys(r.labels).length ? ` ${JSON.stringify(r.labels)}` : ''}`,
      value: `empty: ${reasons.join('; ')}`,
      expected: 'a value',
      outcome: explained ? 'EMPTY' : 'FAIL',
    });
  }
  const alerts = all.filter((r) => r.type === 'alerting');
  // Alerts are not required to have a value (most are silent on healthy data); say which ones
  // could not have fired here at all, and why.
  const alertExprs = new Map<string, string>();
  for (const g of groups) for (const r of g.rules as (Rule & { query?: string })[]) if (r.type === 'alerting' && r.query) alertExprs.set(r.name, r.query);
  let realInputs = 0;
  for (const a of alerts) {
    const { reasons } = await missingInputs(alertExprs.get(a.name) ?? '');
    if (!reasons.length) {
      realInputs++;
      continue;
    }
    row({ scenario: 'rules', check: `alert ${a.name}: inputs absent here`, value: reasons.join('; '), expected: '(recorded)', outcome: 'INFO' });
  }
  row({ scenario: 'rules', check: 'alerts whose every input has real series here', value: `${realInputs} of ${alerts.length}`, expected: '(recorded)', outcome: 'INFO' });
  const byState = new Map<string, string[]>();
  for (const a of alerts) byState.set(a.state ?? '?', [...(byState.get(a.state ?? '?') ?? []), a.name]);
  for (const [state, names] of byState) {
    row({ scenario: 'rules', check: `alerts ${state} at the end (time behaviour is promtool's)`, value: `${names.length}: ${names.join(' ')}`, expected: '(recorded)', outcome: 'INFO' });
  }
}

// ---------------------------------------------------------------------------------------------

export const RUN_SCENARIOS_COMMAND = defineCommand({
  name: 'run-scenarios',
  run: 'npx tsx scripts/signals/run-scenarios.ts',
  summary: 'Run the scenarios of the live signals test against two loopback LangGraph servers and a loopback Prometheus, and print a table of every expectation (scripts/signals/test-signals.sh).',
  details: ['SIGNALS_RUNS and SIGNALS_API_REQUESTS (10..100, default 20) set the traffic of each phase.'],
  flags: {
    plan: flag.value({ value: 'FILE', help: 'plan.json written by prepare.ts', required: true }),
    prometheus: flag.value({ value: 'URL', help: 'the Prometheus (loopback only)', required: true }),
    stable: flag.value({ value: 'URL', help: 'the stable server (loopback only)', required: true }),
    canary: flag.value({ value: 'URL', help: 'the canary server (loopback only)', required: true }),
  },
  examples: [{ command: 'npx tsx scripts/signals/run-scenarios.ts --plan /tmp/signals/plan.json --prometheus http://127.0.0.1:9090 --stable http://127.0.0.1:8001 --canary http://127.0.0.1:8002', explain: 'what test-signals.sh runs' }],
  exitCodes: ['0  every expectation held', '1  an expectation failed, or an error (printed with the table so far)', '2  bad arguments'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  return runCommand(RUN_SCENARIOS_COMMAND, argv, async ({ values }) => {
    try {
      return await runScenarios(values);
    } catch (e) {
      io.err(`run-scenarios: ${(e as Error).stack ?? e}\n`);
      printTable();
      return 1;
    }
  }, io);
}

async function runScenarios(args: { readonly plan: string; readonly prometheus: string; readonly stable: string; readonly canary: string }): Promise<number> {
  const plan = JSON.parse(fs.readFileSync(args.plan, 'utf8')) as Plan;
  const prom = new Prom(loopback(args.prometheus));
  const bases: Record<Role, string> = { stable: loopback(args.stable), canary: loopback(args.canary) };
  const runs = Number(process.env.SIGNALS_RUNS ?? 20);
  const api = Number(process.env.SIGNALS_API_REQUESTS ?? 20);
  if (!(runs >= 10 && runs <= 100 && api >= 10 && api <= 100)) throw new Error('SIGNALS_RUNS and SIGNALS_API_REQUESTS: use 10..100');
  const W = plan.windowMs / 1000;
  const budget = W - 5;
  if (budget < 8) throw new Error(`analysis window ${W}s leaves ${budget}s per phase; use a smaller SIGNALS_TIME_DIVISOR`);
  const latency = plan.metrics.find((m) => m.kind === 'latency');
  if (!latency?.objectiveSeconds) throw new Error('no latency analysis metric with an objective: the slow scenario cannot be sized');
  const objectiveMs = latency.objectiveSeconds * 1000;
  // Slower than the objective by 25 %, in real time, measured by the server itself.
  const slowMs = Math.round(objectiveMs * 1.25);
  const withinMs = Math.round(objectiveMs * 0.75);
  const healthy: Behaviour = { runs, failRuns: false, api, http5xx: false, delayMs: 0, streamingSleepS: 0 };
  const all = (p: Phase): Partial<Record<MetricKind, Phase>> => ({ latency: p, runs: p, http: p, other: p });

  const phases: PhaseSpec[] = [
    {
      name: 'healthy',
      what: `both healthy; the canary also serves long-lived requests sleeping ${slowMs} ms`,
      stable: healthy,
      canary: { ...healthy, streamingSleepS: slowMs / 1000 },
      analysis: 'Successful',
      expect: all('Successful'),
    },
    {
      name: 'stable-unhealthy',
      what: `stable: 30 % of runs fail, 30 % of requests answer 500, every request ${slowMs} ms late; canary healthy`,
      stable: { ...healthy, failRuns: true, http5xx: true, delayMs: slowMs },
      canary: healthy,
      analysis: 'Successful',
      expect: all('Successful'),
    },
    {
      name: 'canary-run-failures',
      what: 'canary: 30 % of runs fail (fail marker; HTTP still 200); stable healthy',
      stable: healthy,
      canary: { ...healthy, failRuns: true },
      analysis: 'Failed',
      expect: {},
      someOf: { kind: 'runs', phase: 'Failed' },
    },
    {
      name: 'canary-http-5xx',
      what: 'canary: 30 % of its API requests answer 500 (GET /signals/fail); stable healthy',
      stable: healthy,
      canary: { ...healthy, http5xx: true },
      analysis: 'Failed',
      expect: {},
      someOf: { kind: 'http', phase: 'Failed' },
    },
    {
      name: 'canary-slow',
      what: `canary: every API request ${slowMs} ms late (objective ${objectiveMs} ms × 1.25); stable healthy`,
      stable: healthy,
      canary: { ...healthy, delayMs: slowMs },
      analysis: 'Failed',
      expect: { latency: 'Failed' },
    },
    {
      name: 'canary-within-objective',
      // The objective sits on a bucket boundary (a config check enforces it), so a canary inside it
      // is measured as inside it; between boundaries it would be interpolated and could fail.
      what: `canary: every API request ${withinMs} ms late (objective × 0.75: within the SLO)`,
      stable: healthy,
      canary: { ...healthy, delayMs: withinMs },
      analysis: 'Successful',
      expect: { latency: 'Successful' },
    },
    {
      name: 'canary-quiet',
      what: 'canary receives no traffic (still scraped); stable healthy',
      stable: healthy,
      canary: QUIET,
      analysis: 'Inconclusive',
      expect: all('Inconclusive'),
    },
  ];

  const t0 = nowS();
  await checkTargets(prom, plan);
  // Warm-up, judged by nothing: Prometheus's increase()/rate() cannot count the first value of a
  // counter series (the server creates a series on its first request per route and status), so
  // a series born inside a window under-counts. The warm-up makes the request, latency and
  // run-success series exist on both servers, as on a pod that has served traffic. It creates no
  // failed-run series: a healthy canary never has one, and the queries must cope with that.
  log('warm-up: healthy traffic on both servers (creates the SLI series; outside every judged window)');
  const warm: Behaviour = { runs: 10, failRuns: false, api: 8, http5xx: false, delayMs: 0, streamingSleepS: 0.1 };
  await Promise.all((['stable', 'canary'] as Role[]).map((r) => drive(r, bases[r], warm, Date.now() + budget * 1000)));
  const verdicts = new Map<string, Phase>();
  let lastEval = nowS() + 2.5;
  for (const phase of phases) {
    const start = lastEval + 3;
    await sleep((start - nowS()) * 1000);
    log(`phase ${phase.name}: ${phase.what}`);
    const deadline = Date.now() + budget * 1000;
    const [s, c] = await Promise.all([drive('stable', bases.stable, phase.stable, deadline), drive('canary', bases.canary, phase.canary, deadline)]);
    const took = nowS() - start;
    if (took > budget) throw new Error(`phase ${phase.name}: traffic took ${took.toFixed(1)} s, more than the ${budget} s the ${W} s window allows`);
    for (const r of [s, c]) {
      row({
        scenario: phase.name,
        check: `traffic ${r.role}`,
        value: `${r.runs} runs (${r.failedRuns} failed), ${r.api} API requests (${r.http500} answered 500, slowest 2xx ${r.slowestApiMs} ms), ${r.streaming} long-lived`,
        expected: '(sent)',
        outcome: 'INFO',
      });
    }
    // Evaluate once every increment has been scraped and the window holds this phase only.
    const te = Math.max(nowS() + 2.5, lastEval + W + 0.5);
    await sleep((te - nowS()) * 1000 + 50);
    await judge(prom, plan, phase, te, verdicts);
    if (phase.name === 'healthy') await judgeStreaming(prom, plan, te, c.streamingRoutes);
    lastEval = te;
  }
  for (const m of plan.metrics) {
    const a = verdicts.get(`healthy/${m.id}`);
    const b = verdicts.get(`stable-unhealthy/${m.id}`);
    row({
      scenario: 'stable-unhealthy',
      check: `${m.id}: canary verdict unchanged by the stable's health`,
      value: `${a} → ${b}`,
      expected: 'same verdict',
      outcome: a === b ? 'PASS' : 'FAIL',
    });
  }
  await checkRules(prom, plan, t0);
  printTable();
  const failed = rows.filter((r) => r.outcome === 'FAIL');
  process.stdout.write(
    `${failed.length ? `FAILED: ${failed.length} expectation(s)` : 'PASSED'}: ${rows.filter((r) => r.outcome === 'PASS').length} passed, ` +
      `${rows.filter((r) => r.outcome === 'EMPTY').length} empty (explained), ${failed.length} failed; scenarios took ${Math.round(nowS() - t0)} s\n`,
  );
  return failed.length ? 1 : 0;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
