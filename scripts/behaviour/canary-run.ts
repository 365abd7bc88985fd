/**
 * The behaviour canary's scenarios (scripts/behaviour/canary.sh starts everything this talks to):
 * releases applied to a cluster where the REAL Argo Rollouts controller runs the (transformed)
 * rendered Rollout and AnalysisTemplates against a REAL Prometheus scraping two REAL LangGraph
 * servers, which stand in for the stable's and the canary's pods: Prometheus labels them with the
 * rollouts-pod-template-hash values read from the API server (the ReplicaSets the controller made).
 *
 *   healthy  both servers healthy      → every step walked, weights set at each, analysis
 *                                        Successful, Healthy with 100 % on the new version
 *   quiet    canary gets no traffic    → analysis Inconclusive, paused, not promoted
 *   runbook  on the paused quiet canary, as the owner group (impersonation): promote moves on,
 *            abort sends every request to stable (Degraded), retry re-runs the same revision
 *   bad      canary: 30 % 500s and 30 % failed runs → analysis Failed, aborted, weights to stable
 *
 * Every wait has a deadline; the traffic is bounded per call (scripts/signals/run-scenarios.ts
 * drive()). Prints a timeline and a report; exit 1 when an expectation fails.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { main as prepareMain } from '../signals/prepare';
import type { K8sObject } from '../signals/rendered';
import { readFolder } from './canary-transform';
import { drive, type Behaviour } from '../signals/run-scenarios';
import { RUNBOOK_COMMANDS } from '../../src/constructs/runbook-commands';
import { CommandIo, defineCommand, flag, processIo, runCommand, wholeNumber } from '../../src/cli/command';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const t0 = Date.now();
const clock = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
const log = (s: string) => process.stdout.write(`[canary ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

interface Ctx {
  kubeconfig: string;
  namespace: string;
  rollout: string;
  virtualService: string;
  route: string;
  prom: string;
  promPid: number;
  stable: string;
  canary: string;
  ports: { stable: number; canary: number };
  prepareObjects: string;
  prepareOut: string;
  divisor: number;
  owner: { user: string; group: string };
  ignore: IgnoreDifference[];
}

// ---------------------------------------------------------------------------------------------
// kubectl (async: the traffic keeps flowing while we wait)

function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, killSignal: 'SIGTERM' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === 'number' ? Number((error as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, out: String(stdout), err: String(stderr) + (error && code === 1 && !stderr ? error.message : '') });
    });
  });
}

async function k(c: Ctx, args: string[], as?: { user: string; group: string }): Promise<string> {
  const r = await run('kubectl', [...args, '--kubeconfig', c.kubeconfig, ...(as ? ['--as', as.user, '--as-group', as.group] : [])]);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}${as ? ` (as ${as.group})` : ''}: ${r.err.trim()}`);
  return r.out;
}

// ---------------------------------------------------------------------------------------------
// State of the release, sampled once a second

interface State {
  phase: string;
  message: string;
  step: number | undefined;
  steps: number;
  abort: boolean;
  paused: string[];
  stableHash: string;
  canaryHash: string;
  weights: { stable: number; canary: number };
  runs: { name: string; phase: string; hash: string; metrics: { name: string; phase: string; successful: number; failed: number; inconclusive: number; error: number; values: string[] }[] }[];
}

async function state(c: Ctx): Promise<State> {
  const list = JSON.parse(await k(c, ['get', 'rollouts.argoproj.io,virtualservices.networking.istio.io,analysisruns.argoproj.io', '-n', c.namespace, '-o', 'json']));
  const named = (kind: string, name: string) => list.items.find((o: K8sObject) => o.kind === kind && o.metadata.name === name);
  const ro = named('Rollout', c.rollout);
  const vs = named('VirtualService', c.virtualService);
  if (!ro || !vs) throw new Error(`Rollout ${c.rollout} or VirtualService ${c.virtualService} not found in ${c.namespace}`);
  const route = (vs.spec.http as { name?: string; route: { destination: { host: string }; weight?: number }[] }[]).find((h) => h.name === c.route);
  if (!route) throw new Error(`VirtualService ${c.virtualService}: no route ${c.route}`);
  const svc = ro.spec.strategy.canary;
  const weight = (svcName: string) => route.route.find((d) => d.destination.host.split('.')[0] === svcName)?.weight ?? 0;
  const st = ro.status ?? {};
  return {
    phase: st.phase ?? '',
    message: st.message ?? '',
    step: st.currentStepIndex,
    steps: (svc.steps ?? []).length,
    abort: !!st.abort,
    paused: (st.pauseConditions ?? []).map((p: { reason: string }) => p.reason).concat(ro.spec.paused ? ['spec.paused'] : []),
    stableHash: st.stableRS ?? '',
    canaryHash: st.currentPodHash ?? '',
    weights: { stable: weight(svc.stableService), canary: weight(svc.canaryService) },
    runs: list.items
      .filter((o: { kind: string }) => o.kind === 'AnalysisRun')
      .sort((a: { metadata: { creationTimestamp: string; name: string } }, b: { metadata: { creationTimestamp: string; name: string } }) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name))
      .map((ar: any) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
        name: ar.metadata.name,
        phase: ar.status?.phase ?? 'Pending',
        hash: ar.metadata.labels?.['rollouts-pod-template-hash'] ?? '',
        metrics: (ar.status?.metricResults ?? []).map((m: any) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
          name: m.name,
          phase: m.phase,
          successful: m.successful ?? 0,
          failed: m.failed ?? 0,
          inconclusive: m.inconclusive ?? 0,
          error: m.consecutiveError ?? 0,
          values: (m.measurements ?? []).map((x: { phase: string; value?: string }) => `${x.phase[0]}${x.value ?? ''}`),
        })),
      })),
  };
}

const show = (s: State) =>
  `${s.phase || '-'} step ${s.step ?? '-'}/${s.steps} weights stable ${s.weights.stable} canary ${s.weights.canary}` +
  `${s.abort ? ' ABORTED' : ''}${s.paused.length ? ` paused(${s.paused.join(',')})` : ''} stable=${s.stableHash} canary=${s.canaryHash}`;

interface Sample { at: number; s: State }

/** Polls the state once a second until `done` holds or the deadline passes; logs every change. */
/** An AnalysisRun phase the controller no longer changes. */
const TERMINAL_RUN_PHASES: ReadonlySet<string> = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);
/** How long a promoted Rollout may take to settle its weights and end its background analysis. */
const SETTLE_SECONDS = 60;

async function watch(c: Ctx, label: string, done: (s: State) => boolean, deadlineS: number, timeline: Sample[]): Promise<State> {
  const end = Date.now() + deadlineS * 1000;
  let last = '';
  let lastRuns = '';
  for (;;) {
    const s = await state(c);
    const line = show(s);
    // Per metric: successful/inconclusive/failed counts and the last measured value.
    const runs = s.runs.map((r) => `${r.name.split('-').slice(-2).join('-')} ${r.phase} [${r.metrics.map((m) => `${m.name} ${m.successful}S/${m.inconclusive}I/${m.failed}F last ${m.values[m.values.length - 1] ?? '-'}`).join('; ')}]`).join(' | ');
    if (line !== last) log(`${clock()} ${label}: ${line}`);
    if (runs !== lastRuns && s.runs.length) log(`${clock()} ${label}:   analysis ${runs}`);
    last = line;
    lastRuns = runs;
    timeline.push({ at: Date.now(), s });
    if (done(s)) return s;
    if (Date.now() > end) throw new Error(`${label}: not reached within ${deadlineS}s; last state: ${line}`);
    await sleep(1000);
  }
}

// ---------------------------------------------------------------------------------------------
// Prometheus: the two servers labelled with the hashes the controller made

async function pointPrometheus(c: Ctx, stableHash: string, canaryHash: string): Promise<void> {
  const outs: string[] = [];
  const io: CommandIo = { out: (s) => void outs.push(s), err: (s) => void outs.push(s) };
  // prepare.ts prints its summary on stdout; the first run (canary.sh) showed it already.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (outs.push(String(chunk)), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = prepareMain([
    '--objects', c.prepareObjects, '--out', c.prepareOut, '--divisor', String(c.divisor),
    '--stable-port', String(c.ports.stable), '--canary-port', String(c.ports.canary),
    '--stable-hash', stableHash, '--canary-hash', canaryHash,
  ], io);
  } finally {
    process.stdout.write = write;
  }
  if (code !== 0) throw new Error(`prepare.ts failed: ${outs.join('')}`);
  process.kill(c.promPid, 'SIGHUP');
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const res = await fetch(`${c.prom}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { data: { activeTargets: { labels: Record<string, string>; health: string }[] } };
    const up = body.data.activeTargets.filter((t) => t.health === 'up').map((t) => t.labels.rollouts_pod_template_hash);
    if (up.includes(stableHash) && up.includes(canaryHash)) {
      log(`${clock()} Prometheus scrapes stable server as ${stableHash}, canary server as ${canaryHash}`);
      return;
    }
    await sleep(500);
  }
  throw new Error(`Prometheus did not scrape both servers with hashes ${stableHash}/${canaryHash} within 30 s`);
}

// ---------------------------------------------------------------------------------------------
// Traffic: bounded drive() calls in a loop, per server, with a behaviour that can change

const HOLD_MS = 15_000;
const HEALTHY: Behaviour = { runs: 12, failRuns: false, api: 24, http5xx: false, delayMs: 0, streamingSleepS: 0 };
const FAILING: Behaviour = { ...HEALTHY, failRuns: true, http5xx: true };

class Traffic {
  mode: { stable: Behaviour | null; canary: Behaviour | null } = { stable: HEALTHY, canary: null };
  sent = { stable: 0, canary: 0 };
  errors: string[] = [];
  private running = true;
  private loops: Promise<void>[] = [];
  constructor(private readonly c: Ctx) {
    for (const role of ['stable', 'canary'] as const) this.loops.push(this.loop(role));
  }
  private async loop(role: 'stable' | 'canary'): Promise<void> {
    while (this.running) {
      const b = this.mode[role];
      if (!b) {
        await sleep(500);
        continue;
      }
      try {
        const r = await drive(role, role === 'stable' ? this.c.stable : this.c.canary, b, Date.now() + 20_000);
        this.sent[role] += r.api + r.runs;
      } catch (e) {
        if (this.errors.length < 20) this.errors.push(`${role}: ${(e as Error).message}`);
        await sleep(500);
      }
    }
  }
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

// ---------------------------------------------------------------------------------------------
// Checks and report

interface Check { scenario: string; what: string; ok: boolean; detail: string }
const checks: Check[] = [];
function check(scenario: string, what: string, ok: boolean, detail: string): void {
  checks.push({ scenario, what, ok, detail });
  log(`${clock()} ${ok ? 'PASS' : 'FAIL'} ${scenario}: ${what} — ${detail}`);
}

/** Times at which each step index was first seen, and the weights seen at each. */
function stepTimings(timeline: Sample[], from: number): { step: number; at: number; weights: string }[] {
  const out: { step: number; at: number; weights: string }[] = [];
  for (const { at, s } of timeline.filter((x) => x.at >= from)) {
    if (s.step === undefined) continue;
    const w = `${s.weights.stable}/${s.weights.canary}`;
    const last = out[out.length - 1];
    if (!last || last.step !== s.step) out.push({ step: s.step, at, weights: w });
    else if (!last.weights.split(' ').includes(w)) last.weights += ` ${w}`;
  }
  return out;
}

interface IgnoreDifference { group: string; kind: string; jsonPointers?: string[]; jqPathExpressions?: string[] }

/** Values at a JSON pointer or a jq path of the `.a.b[].c` shape (the two the ApplicationSet renders). */
function paths(obj: unknown, expr: string, pointer: boolean): (string | number)[][] {
  const parts = pointer ? expr.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')) : expr.replace(/^\./, '').split('.');
  if (!pointer && !parts.every((p) => /^[A-Za-z0-9_-]+(\[\])?$/.test(p))) throw new Error(`jq path ${expr}: only .a.b[].c paths are emulated`);
  let out: (string | number)[][] = [[]];
  for (const part of parts) {
    const each = part.endsWith('[]');
    const key = each ? part.slice(0, -2) : part;
    out = out.flatMap((p) => {
      const v = get(obj, [...p, key]);
      if (!each) return [[...p, key]];
      return Array.isArray(v) ? v.map((_, i) => [...p, key, i]) : [];
    });
  }
  return out;
}
function get(obj: unknown, p: (string | number)[]): unknown {
  return p.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string | number, unknown>)[k] : undefined), obj);
}
function set(obj: unknown, p: (string | number)[], v: unknown): void {
  const parent = get(obj, p.slice(0, -1)) as Record<string | number, unknown> | undefined;
  if (!parent) return;
  if (v === undefined) delete parent[p[p.length - 1]];
  else parent[p[p.length - 1]] = v;
}

/**
 * Syncs a release folder the way the rendered Argo CD ApplicationSet does (ServerSideApply=true,
 * RespectIgnoreDifferences=true): every object applied server-side with conflicts forced, except
 * that the fields in ignoreDifferences (the weights Rollouts sets on the VirtualService, the hash
 * it adds to the Services' selectors) keep their live values.
 */
async function apply(c: Ctx, dir: string): Promise<void> {
  const objects = readFolder(dir).flatMap((f) => f.objects);
  let kept = 0;
  for (const o of objects) {
    const rules = c.ignore.filter((r) => r.kind === o.kind && (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '') === r.group);
    if (!rules.length) continue;
    const live = JSON.parse(await k(c, ['get', `${o.kind.toLowerCase()}.${rules[0].group ? rules[0].group : ''}`.replace(/\.$/, ''), o.metadata.name, '-n', o.metadata.namespace ?? c.namespace, '-o', 'json']));
    for (const r of rules) {
      for (const [expr, pointer] of [...(r.jsonPointers ?? []).map((e) => [e, true] as const), ...(r.jqPathExpressions ?? []).map((e) => [e, false] as const)]) {
        for (const p of paths(live, expr, pointer)) {
          if (JSON.stringify(get(o, p)) !== JSON.stringify(get(live, p))) kept++;
          set(o, p, get(live, p));
        }
      }
    }
  }
  const file = path.join(c.prepareOut, `sync-${path.basename(dir)}.json`);
  fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  await k(c, ['apply', '--server-side', '--force-conflicts', '--field-manager=lgp-canary', '-f', file, '-o', 'name']);
  log(`${clock()} synced ${objects.length} objects of ${dir} like Argo CD (server-side, ${kept} ignoreDifferences values kept live)`);
}

/** The runbook command for `needle`, as argv for the `kubectl` with the plugin on PATH. */
function runbookArgv(needle: string, c: Ctx): string[] {
  const cmd = RUNBOOK_COMMANDS.find((r) => r.command.startsWith(`kubectl argo rollouts ${needle} `));
  if (!cmd) throw new Error(`docs/runbooks.md has no "kubectl argo rollouts ${needle}" command`);
  return cmd.command.replace(/<wf>-api/g, c.rollout).replace(/<ns>/g, c.namespace).split(/\s+/).slice(1);
}

async function runbook(c: Ctx, needle: string): Promise<{ argv: string; out: string }> {
  const argv = runbookArgv(needle, c);
  // The plugin colours its output; the checks read the text.
  const out = (await k(c, argv, c.owner)).replace(/\x1b\[[0-9;]*m/g, '');
  log(`${clock()} runbook as group ${c.owner.group}: kubectl ${argv.join(' ')} → ${out.trim().split('\n')[0]}`);
  return { argv: `kubectl ${argv.join(' ')}`, out };
}

async function release(c: Ctx, name: string, dir: string, traffic: Traffic, canary: Behaviour | null, timeline: Sample[]): Promise<{ before: State; canaryHash: string; started: number }> {
  const before = await state(c);
  const started = Date.now();
  log(`${clock()} ${name}: applying the re-rendered release from ${dir}`);
  await apply(c, dir);
  const s = await watch(c, name, (x) => !!x.canaryHash && x.canaryHash !== before.stableHash && x.canaryHash !== before.canaryHash, 60, timeline);
  traffic.mode.canary = canary;
  await pointPrometheus(c, s.stableHash, s.canaryHash);
  return { before, canaryHash: s.canaryHash, started };
}

async function scenarios(c: Ctx, dirs: { healthy: string; quiet: string; bad: string }, deadlines: { healthy: number; other: number }): Promise<void> {
  const timeline: Sample[] = [];
  const traffic = new Traffic(c);
  try {
    // The first revision: no canary (nothing to compare with); the controller makes it stable.
    const first = await watch(c, 'initial', (s) => s.phase === 'Healthy' && !!s.stableHash, 120, timeline);
    check('initial', 'first revision Healthy, 100 % stable', first.weights.stable === 100 && first.weights.canary === 0, show(first));

    // --- healthy ---------------------------------------------------------------------------
    {
      const rel = await release(c, 'healthy', dirs.healthy, traffic, HEALTHY, timeline);
      let end = await watch(c, 'healthy', (s) => s.phase === 'Healthy' && s.stableHash === rel.canaryHash || s.abort || s.paused.length > 0 && s.phase === 'Paused' && s.paused.some((p) => p !== 'CanaryPauseStep'), deadlines.healthy, timeline);
      if (end.phase === 'Healthy' && end.stableHash === rel.canaryHash) {
        // The Rollout turns Healthy in the same reconcile that promotes; the controller then moves the
        // weights back onto the (now new) stable and terminates the background run, a few seconds
        // later. Judge the settled state, bounded.
        const settled = (s: State) => s.weights.stable === 100 && s.weights.canary === 0
          && s.runs.filter((r) => r.hash === rel.canaryHash).every((r) => TERMINAL_RUN_PHASES.has(r.phase));
        end = await watch(c, 'healthy: settling', settled, SETTLE_SECONDS, timeline).catch(async (e: Error) => { log(`${clock()} ${e.message}`); return state(c); });
      }
      const steps = stepTimings(timeline, rel.started);
      const ro = JSON.parse(await k(c, ['get', `rollout/${c.rollout}`, '-n', c.namespace, '-o', 'json']));
      const wanted = (ro.spec.strategy.canary.steps as { setWeight?: number }[]).filter((x) => x.setWeight !== undefined).map((x) => x.setWeight!);
      const seen = new Set(timeline.filter((x) => x.at >= rel.started).map((x) => x.s.weights.canary));
      check('healthy', 'every setWeight step set on the VirtualService', wanted.every((w) => seen.has(w)), `rendered ${wanted.join(',')}; canary weights seen ${[...seen].sort((a, b) => a - b).join(',')}`);
      check('healthy', 'every step walked', steps.length > 0 && steps[steps.length - 1].step === end.steps, steps.map((x) => `step ${x.step} @${((x.at - rel.started) / 1000).toFixed(0)}s (${x.weights})`).join(', '));
      const ar = end.runs.filter((r) => r.hash === rel.canaryHash);
      check('healthy', 'background analysis Successful', ar.length > 0 && ar.every((r) => r.phase === 'Successful'), ar.map((r) => `${r.name} ${r.phase} ${r.metrics.map((m) => `${m.name}: ${m.successful} ok/${m.inconclusive} inc/${m.failed} failed`).join(', ')}`).join('; ') || 'no AnalysisRun');
      check('healthy', 'Healthy, 100 % on the new version', end.phase === 'Healthy' && end.stableHash === rel.canaryHash && end.weights.stable === 100 && end.weights.canary === 0,
        `${show(end)} after ${((Date.now() - rel.started) / 1000).toFixed(0)}s`);
    }

    // --- quiet -----------------------------------------------------------------------------
    let quietHash = '';
    {
      const rel = await release(c, 'quiet', dirs.quiet, traffic, null, timeline);
      quietHash = rel.canaryHash;
      const end = await watch(c, 'quiet', (s) => s.paused.includes('InconclusiveAnalysisRun') || s.abort || s.stableHash === rel.canaryHash, deadlines.other, timeline);
      const ar = end.runs.filter((r) => r.hash === rel.canaryHash);
      check('quiet', 'analysis Inconclusive (no traffic is never a pass)', ar.some((r) => r.phase === 'Inconclusive'), ar.map((r) => `${r.phase} ${r.metrics.map((m) => `${m.name}: ${m.inconclusive} inconclusive [${m.values.join(' ')}]`).join(', ')}`).join('; '));
      check('quiet', 'paused, not promoted', end.paused.includes('InconclusiveAnalysisRun') && end.stableHash === rel.before.stableHash && !end.abort,
        `${show(end)} after ${((Date.now() - rel.started) / 1000).toFixed(0)}s`);
      // Held: two more analysis intervals later it is still paused on the old stable.
      await sleep(HOLD_MS);
      const held = await state(c);
      check('quiet', `still held ${HOLD_MS / 1000}s later`, held.paused.includes('InconclusiveAnalysisRun') && held.stableHash === rel.before.stableHash, show(held));
    }

    // --- runbook, as the owner group, on the held canary -----------------------------------
    {
      const got = await runbook(c, 'get rollout');
      check('runbook', '`get rollout` shows the paused canary', /Paused/.test(got.out) && got.out.includes(quietHash), got.out.split('\n').find((l) => /Status:/.test(l))?.trim() ?? '');
      const before = await state(c);
      const promoted = Date.now();
      await runbook(c, 'promote');
      const moved = await watch(c, 'promote', (s) => !s.paused.includes('InconclusiveAnalysisRun') || (s.step ?? 0) > (before.step ?? 0) || s.runs.length > before.runs.length, 30, timeline);
      const movedOn = !moved.paused.includes('InconclusiveAnalysisRun') || (moved.step ?? 0) > (before.step ?? 0) || moved.runs.length > before.runs.length;
      check('runbook', 'promote moves the paused canary on', movedOn, `before: ${show(before)}; after ${((Date.now() - promoted) / 1000).toFixed(0)}s: ${show(moved)}; AnalysisRuns ${before.runs.length} → ${moved.runs.length}`);

      await runbook(c, 'abort');
      const aborted = await watch(c, 'abort', (s) => s.abort && s.phase === 'Degraded' && s.weights.canary === 0, 60, timeline);
      check('runbook', 'abort: Degraded, all traffic to stable', aborted.weights.stable === 100 && aborted.stableHash === before.stableHash, show(aborted));

      const runsBefore = aborted.runs.length;
      await runbook(c, 'retry rollout');
      const retried = await watch(c, 'retry', (s) => !s.abort && s.weights.canary > 0, 60, timeline);
      check('runbook', 'retry re-runs the same revision (abort cleared, canary weighted again)', retried.canaryHash === quietHash && retried.stableHash === before.stableHash,
        `${show(retried)}; AnalysisRuns ${runsBefore} → ${retried.runs.length}`);
      await runbook(c, 'abort');
      await watch(c, 'abort again', (s) => s.abort && s.weights.canary === 0, 60, timeline);
    }

    // --- bad -------------------------------------------------------------------------------
    {
      const rel = await release(c, 'bad', dirs.bad, traffic, FAILING, timeline);
      const end = await watch(c, 'bad', (s) => s.abort && s.weights.canary === 0 || s.stableHash === rel.canaryHash, deadlines.other, timeline);
      const ar = end.runs.filter((r) => r.hash === rel.canaryHash);
      const failedMetrics = ar.flatMap((r) => r.metrics.filter((m) => m.phase === 'Failed'));
      check('bad', 'analysis Failed', ar.some((r) => r.phase === 'Failed'), ar.map((r) => `${r.phase} ${r.metrics.map((m) => `${m.name} ${m.phase} failed ${m.failed} [${m.values.join(' ')}]`).join(', ')}`).join('; '));
      const templates = JSON.parse(await k(c, ['get', 'analysistemplates', '-n', c.namespace, '-o', 'json'])).items as { spec: { metrics: { name: string; failureLimit?: number }[] } }[];
      const limits = new Map(templates.flatMap((t) => t.spec.metrics.map((m) => [m.name, m.failureLimit ?? 0] as const)));
      check('bad', 'aborted after failureLimit + 1 failed measurements, not later', failedMetrics.length > 0 && failedMetrics.every((m) => m.failed === (limits.get(m.name) ?? 0) + 1),
        failedMetrics.map((m) => `${m.name}: ${m.failed} failed, failureLimit ${limits.get(m.name)}`).join('; '));
      check('bad', 'Rollout aborted, weights back to stable, old version kept', end.abort && end.weights.stable === 100 && end.weights.canary === 0 && end.stableHash !== rel.canaryHash,
        `${show(end)} ${((Date.now() - rel.started) / 1000).toFixed(0)}s after the release`);
    }
  } finally {
    await traffic.stop();
    log(`traffic: ${traffic.sent.stable} requests+runs to the stable server, ${traffic.sent.canary} to the canary server; ${traffic.errors.length} driver errors${traffic.errors.length ? ': ' + traffic.errors.slice(0, 3).join(' | ') : ''}`);
  }
}

export const CANARY_RUN_COMMAND = defineCommand({
  name: 'canary-run',
  run: 'npx tsx scripts/behaviour/canary-run.ts',
  summary: 'The behaviour canary scenarios (healthy, quiet + runbook, bad) against a running cluster, Rollouts controller, Prometheus and two LangGraph servers; started by scripts/behaviour/canary.sh.',
  flags: {
    kubeconfig: flag.value({ value: 'FILE', help: 'admin kubeconfig of the cluster', required: true }),
    namespace: flag.value({ value: 'NS', help: 'the workflow namespace', required: true }),
    rollout: flag.value({ value: 'NAME', help: 'the Rollout', required: true }),
    prometheus: flag.value({ value: 'URL', help: 'loopback Prometheus', required: true }),
    'prometheus-pid': flag.value({ value: 'PID', help: 'its PID (SIGHUP reloads it after prepare.ts rewrote its config)', parse: wholeNumber(1), required: true }),
    'stable-port': flag.value({ value: 'PORT', help: 'the stable server', parse: wholeNumber(1), required: true }),
    'canary-port': flag.value({ value: 'PORT', help: 'the canary server', parse: wholeNumber(1), required: true }),
    'prepare-objects': flag.value({ value: 'DIR', help: 'rendered objects prepare.ts reads', required: true }),
    'prepare-out': flag.value({ value: 'DIR', help: "the folder of Prometheus' config (prepare.ts --out)", required: true }),
    divisor: flag.value({ value: 'N', help: 'the time divisor (prepare.ts rescales the rules by it)', parse: wholeNumber(1), required: true }),
    healthy: flag.value({ value: 'DIR', help: 'release objects: healthy', required: true }),
    quiet: flag.value({ value: 'DIR', help: 'release objects: quiet canary', required: true }),
    bad: flag.value({ value: 'DIR', help: 'release objects: bad canary', required: true }),
    applicationset: flag.value({ value: 'FILE', help: "the rendered ApplicationSet of the environment (its ignoreDifferences: what a sync leaves to Rollouts)", required: true }),
    'owner-group': flag.value({ value: 'GROUP', help: 'the workflow owner group (RoleBinding <wf>-owner)', required: true }),
    'healthy-deadline': flag.value({ value: 'S', help: 'seconds for the healthy walk', parse: wholeNumber(30), default: 600 }),
    'deadline': flag.value({ value: 'S', help: 'seconds for each other wait', parse: wholeNumber(10), default: 180 }),
  },
  examples: [],
  exitCodes: ['0  every expectation met', '1  an expectation failed, or a deadline passed'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  return runCommand(CANARY_RUN_COMMAND, argv, async ({ values: v }) => {
    const c: Ctx = {
      kubeconfig: v.kubeconfig, namespace: v.namespace, rollout: v.rollout, virtualService: v.rollout, route: 'primary',
      prom: v.prometheus, promPid: v['prometheus-pid'], stable: `http://127.0.0.1:${v['stable-port']}`, canary: `http://127.0.0.1:${v['canary-port']}`,
      ports: { stable: v['stable-port'], canary: v['canary-port'] }, prepareObjects: v['prepare-objects'], prepareOut: v['prepare-out'], divisor: v.divisor,
      owner: { user: 'owner@example.com', group: v['owner-group'] },
      ignore: (readFolder(path.dirname(v.applicationset)).find((f) => f.file === path.basename(v.applicationset))?.objects[0]?.spec as any)?.template?.spec?.ignoreDifferences ?? [], // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    if (!c.ignore.length) throw new Error(`${v.applicationset}: no ignoreDifferences found`);
    const ro = JSON.parse(await k(c, ['get', `rollout/${c.rollout}`, '-n', c.namespace, '-o', 'json']));
    c.virtualService = ro.spec.strategy.canary.trafficRouting.istio.virtualService.name;
    c.route = ro.spec.strategy.canary.trafficRouting.istio.virtualService.routes[0];
    let failed = false;
    try {
      await scenarios(c, { healthy: v.healthy, quiet: v.quiet, bad: v.bad }, { healthy: v['healthy-deadline'], other: v.deadline });
    } catch (e) {
      failed = true;
      io.err(`canary-run: ${(e as Error).stack ?? e}\n`);
    }
    io.out('\nbehaviour canary report\n');
    for (const x of checks) io.out(`  ${x.ok ? 'PASS' : 'FAIL'}  ${x.scenario.padEnd(8)} ${x.what}: ${x.detail}\n`);
    fs.writeFileSync(path.join(v['prepare-out'], 'canary-report.json'), JSON.stringify(checks, null, 2));
    return failed || checks.some((x) => !x.ok) ? 1 : 0;
  }, io);
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
