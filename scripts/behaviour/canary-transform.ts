/**
 * The one transformation the behaviour test's canary (scripts/behaviour/canary.sh) applies to the
 * rendered objects of a workflow before it applies them to the simulated cluster. Two kinds of
 * change, and nothing else:
 *
 *   1. time constants ÷ divisor, so that a 25-minute canary walks in a few minutes:
 *        Rollout         spec.strategy.canary.steps[i].pause.duration   (string duration or seconds)
 *        AnalysisTemplate spec.metrics[i].interval, .initialDelay       (Argo duration strings)
 *                         spec.metrics[i].provider.prometheus.query     (PromQL ranges, subquery
 *                         steps, offsets: scripts/signals/time-rescale.ts rescaleExpr, the same
 *                         transformation the signals test proves on the same queries)
 *   2. the Prometheus address of every AnalysisTemplate metric → the test's loopback Prometheus.
 *
 * Every change is recorded (path, from, to). `assertOnlyListedChanges` puts each recorded value
 * back and deep-compares with the input: anything else that moved fails. A field that holds a time
 * and is not handled here (e.g. scaleDownDelaySeconds, an experiment step's duration, a provider
 * timeout) is refused, so no time constant stays long by accident; so is any field this module does
 * not know on a step, a metric or a Prometheus provider.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { rescaleDuration, rescaleExpr, type Change, type RescaleOptions } from '../signals/time-rescale';
import type { K8sObject } from '../signals/rendered';
import { CommandIo, UsageError, defineCommand, environmentProblem, flag, processIo, runCommandSync } from '../../src/cli/command';

export interface CanaryTransformOptions extends RescaleOptions {
  /** The loopback Prometheus every analysis metric queries instead of the rendered address. */
  readonly prometheusAddress: string;
}

/** One recorded change, with the path that locates it inside its object. */
export interface ObjectChange extends Change {
  readonly kind: string;
  /** `Rollout/<name>` or `AnalysisTemplate/<name>`. */
  readonly object: string;
  readonly path: readonly (string | number)[];
  /** The value before (the exact rendered value, a string or a number). */
  readonly before: unknown;
  readonly after: unknown;
}

const STEP_KEYS = new Set(['setWeight', 'pause', 'setCanaryScale', 'analysis', 'setHeaderRoute', 'setMirrorRoute']);
/** Canary fields that hold a time this module does not rescale: refused when rendered. */
const CANARY_TIME_FIELDS = ['scaleDownDelaySeconds', 'abortScaleDownDelaySeconds'];
const ROLLOUT_SPEC_TIME_FIELDS = ['progressDeadlineSeconds', 'minReadySeconds'];
const METRIC_KEYS = new Set([
  'name', 'interval', 'initialDelay', 'count', 'successCondition', 'failureCondition',
  'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit', 'provider',
]);
const METRIC_DURATIONS = ['interval', 'initialDelay'] as const;
const PROMETHEUS_KEYS = new Set(['address', 'query']);

function loopbackUrl(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`Prometheus address ${JSON.stringify(url)} is not a URL; use http://127.0.0.1:<port>`);
  }
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`Prometheus address ${url} is not loopback; use http://127.0.0.1:<port>`);
  return url;
}

function id(o: K8sObject): string {
  return `${o.kind}/${o.metadata.name}`;
}

/** Argo's duration: a Go duration string, or a whole number of seconds. */
function rescaleArgoDuration(value: unknown, where: string, divisor: number): string | number {
  if (typeof value === 'number') {
    const scaled = Math.round(value / divisor);
    if (!Number.isInteger(value) || scaled <= 0) throw new Error(`${where}: ${value} s divided by ${divisor} rounds to 0`);
    return scaled;
  }
  if (typeof value !== 'string') throw new Error(`${where}: ${JSON.stringify(value)} is not a duration`);
  if (/^\d+$/.test(value)) return String(Math.max(1, Math.round(Number(value) / divisor)));
  return rescaleDuration(value, divisor);
}

function transformRollout(o: K8sObject, opts: CanaryTransformOptions, log: ObjectChange[]): void {
  const where = id(o);
  for (const f of ROLLOUT_SPEC_TIME_FIELDS) {
    if (o.spec?.[f] !== undefined && o.spec[f] !== 0) throw new Error(`${where}: spec.${f} is a time constant canary-transform.ts does not rescale; teach it`);
  }
  const canary = o.spec?.strategy?.canary;
  if (!canary) throw new Error(`${where}: not a canary Rollout (spec.strategy.canary missing)`);
  for (const f of CANARY_TIME_FIELDS) {
    if (canary[f] !== undefined) throw new Error(`${where}: spec.strategy.canary.${f} is a time constant canary-transform.ts does not rescale; teach it`);
  }
  (canary.steps ?? []).forEach((step: Record<string, any>, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const key of Object.keys(step)) {
      if (!STEP_KEYS.has(key)) throw new Error(`${where}: steps[${i}].${key} is not a step canary-transform.ts knows (it may hold a time); teach it`);
    }
    if (step.pause?.duration !== undefined) {
      const before = step.pause.duration;
      const after = rescaleArgoDuration(before, `${where} steps[${i}].pause.duration`, opts.divisor);
      step.pause.duration = after;
      log.push({ object: where, where, path: ['spec', 'strategy', 'canary', 'steps', i, 'pause', 'duration'], field: `steps[${i}].pause.duration`, kind: 'duration', from: String(before), to: String(after), before, after });
    }
  });
}

function transformAnalysisTemplate(o: K8sObject, opts: CanaryTransformOptions, log: ObjectChange[]): void {
  const where = id(o);
  (o.spec?.metrics ?? []).forEach((m: Record<string, any>, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const mWhere = `${where} / metric ${m.name}`;
    for (const key of Object.keys(m)) {
      if (!METRIC_KEYS.has(key)) throw new Error(`${mWhere}: field ${key} unknown to canary-transform.ts (it may hold a time); teach it`);
    }
    for (const f of METRIC_DURATIONS) {
      if (m[f] === undefined) continue;
      const before = m[f];
      const after = rescaleArgoDuration(before, `${mWhere} ${f}`, opts.divisor);
      m[f] = after;
      log.push({ object: where, where: mWhere, path: ['spec', 'metrics', i, f], field: f, kind: 'duration', from: String(before), to: String(after), before, after });
    }
    const providers = Object.keys(m.provider ?? {});
    if (providers.length !== 1 || providers[0] !== 'prometheus') throw new Error(`${mWhere}: provider ${providers.join(',') || '(none)'}; the canary test runs Prometheus metrics only`);
    const prom = m.provider.prometheus as Record<string, unknown>;
    for (const key of Object.keys(prom)) {
      if (!PROMETHEUS_KEYS.has(key)) throw new Error(`${mWhere}: provider.prometheus.${key} unknown to canary-transform.ts (it may hold a time); teach it`);
    }
    const base = ['spec', 'metrics', i, 'provider', 'prometheus'];
    const address = prom.address;
    prom.address = opts.prometheusAddress;
    log.push({ object: where, where: mWhere, path: [...base, 'address'], field: 'provider.prometheus.address', kind: 'address', from: String(address), to: opts.prometheusAddress, before: address, after: opts.prometheusAddress });
    const queryChanges: Change[] = [];
    const query = String(prom.query);
    prom.query = rescaleExpr(query, mWhere, 'query', opts, queryChanges);
    for (const c of queryChanges) log.push({ ...c, object: where, path: [...base, 'query'], before: undefined, after: undefined });
    // The whole query as one recorded value too, so that the undo below restores it exactly.
    log.push({ object: where, where: mWhere, path: [...base, 'query'], field: 'provider.prometheus.query', kind: 'query (the ranges above, re-lexed: nothing else)', from: `${queryChanges.length} durations`, to: 'rescaled', before: query, after: prom.query });
  });
}

/**
 * The rendered objects with the test's changes: only Rollouts and (Cluster)AnalysisTemplates are
 * touched. Returns new objects (the input is not modified) and every change made.
 */
export function transformForCanaryTest(objects: readonly K8sObject[], opts: CanaryTransformOptions): { objects: K8sObject[]; changes: ObjectChange[] } {
  loopbackUrl(opts.prometheusAddress);
  const out = JSON.parse(JSON.stringify(objects)) as K8sObject[];
  const changes: ObjectChange[] = [];
  for (const o of out) {
    if (o.kind === 'Rollout') transformRollout(o, opts, changes);
    else if (o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate') transformAnalysisTemplate(o, opts, changes);
  }
  assertOnlyListedChanges(objects, out, changes);
  return { objects: out, changes };
}

function setPath(obj: unknown, p: readonly (string | number)[], value: unknown): void {
  let cur = obj as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[p[p.length - 1]] = value;
}

/**
 * Throws unless `after`, with every recorded value put back (`before` at `path`), deep-equals
 * `before`: proves that nothing but the listed changes differs.
 */
export function assertOnlyListedChanges(before: readonly K8sObject[], after: readonly K8sObject[], changes: readonly ObjectChange[]): void {
  const undone = JSON.parse(JSON.stringify(after)) as K8sObject[];
  for (const c of changes) {
    if (c.before === undefined) continue; // a part of a whole-value change (a query's ranges)
    const target = undone.find((o) => id(o) === c.object);
    if (!target) throw new Error(`change on ${c.object}, which is not among the objects`);
    setPath(target, c.path, c.before);
  }
  if (undone.length !== before.length) throw new Error(`${before.length} objects became ${after.length}`);
  undone.forEach((o, i) => {
    if (JSON.stringify(o) !== JSON.stringify(before[i])) throw new Error(`${id(before[i])}: the transformation changed more than the listed fields`);
  });
}

/** Reads a rendered workflow folder: each file with its objects, in file order. */
export function readFolder(dir: string): { file: string; objects: K8sObject[] }[] {
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((file) => ({
    file,
    objects: parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
      return d.toJS() as K8sObject;
    }).filter((o) => o && o.kind),
  }));
}

/**
 * Writes the folder to `out`: files without a changed object copied byte for byte, the others
 * serialized from the transformed objects. Returns the changes.
 */
export function transformFolder(dir: string, out: string, opts: CanaryTransformOptions): { changes: ObjectChange[]; rewritten: string[]; copied: number } {
  const files = readFolder(dir);
  const all = files.flatMap((f) => f.objects);
  const { objects, changes } = transformForCanaryTest(all, opts);
  fs.mkdirSync(out, { recursive: true });
  const changed = new Set(changes.map((c) => c.object));
  const rewritten: string[] = [];
  let k = 0;
  let copied = 0;
  for (const f of files) {
    const mine = objects.slice(k, k + f.objects.length);
    k += f.objects.length;
    if (mine.some((o) => changed.has(id(o)))) {
      fs.writeFileSync(path.join(out, f.file), mine.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
      rewritten.push(f.file);
    } else {
      fs.copyFileSync(path.join(dir, f.file), path.join(out, f.file));
      copied++;
    }
  }
  return { changes, rewritten, copied };
}

export const CANARY_TRANSFORM_COMMAND = defineCommand({
  name: 'canary-transform',
  run: 'npx tsx scripts/behaviour/canary-transform.ts',
  summary: 'Copy one rendered workflow folder for the behaviour canary: time constants of the Rollout and AnalysisTemplates ÷ N, the Prometheus address → loopback; every change listed, nothing else changed (proven).',
  flags: {
    objects: flag.value({ value: 'DIR', help: 'the rendered objects of one workflow (e.g. dist/prod/support-agent)', required: true }),
    out: flag.value({ value: 'DIR', help: 'folder to write the objects into', required: true }),
    divisor: flag.value({ value: 'N', help: 'divide every time constant by N', parse: atLeastOne, default: 10 }),
    prometheus: flag.value({ value: 'URL', help: 'loopback Prometheus address (http://127.0.0.1:PORT)', required: true }),
    'changes-tsv': flag.value({ value: 'FILE', help: 'also write every change to this file (tab-separated)' }),
  },
  examples: [{ command: 'npx tsx scripts/behaviour/canary-transform.ts --objects dist/prod/support-agent --out /tmp/c --prometheus http://127.0.0.1:9090', explain: 'what canary.sh runs' }],
  exitCodes: ['0  written', '1  an object holds something the transformation does not know (named), or an internal error', '2  bad arguments'],
});

function atLeastOne(raw: string, name: string): number {
  const n = Number(raw);
  if (!(n >= 1)) throw new UsageError(`${name} ${raw}: use a number >= 1`);
  return n;
}

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(CANARY_TRANSFORM_COMMAND, argv, ({ values }) => {
    try {
      const { changes, rewritten, copied } = transformFolder(values.objects, values.out, {
        divisor: values.divisor,
        minRangeMs: 4000,
        prometheusAddress: values.prometheus,
      });
      const shown = changes.filter((c) => !c.kind.startsWith('query'));
      io.out(`canary transformation of ${values.objects}: ${copied} files copied verbatim, rewritten: ${rewritten.join(', ')}\n`);
      io.out(`  ${shown.length} changes (time ÷ ${values.divisor}, Prometheus address → loopback); with them undone the objects equal the rendered ones:\n`);
      const grouped = new Map<string, number>();
      for (const c of shown) {
        const key = `${c.object} ${c.field.replace(/\[\d+\]/g, '[*]')} ${c.kind === 'duration' || c.kind === 'address' ? '' : c.kind + ' '}${c.from} → ${c.to}`;
        grouped.set(key, (grouped.get(key) ?? 0) + 1);
      }
      for (const [k, n] of grouped) io.out(`    ${k}  ×${n}\n`);
      if (values['changes-tsv']) {
        fs.writeFileSync(values['changes-tsv'], ['object\tpath\tkind\tfrom\tto', ...shown.map((c) => [c.object, c.path.join('.'), c.kind, c.from, c.to].join('\t'))].join('\n') + '\n');
      }
    } catch (e) {
      if (environmentProblem(e) !== undefined) throw e;
      io.err(`canary-transform: ${(e as Error).message}\n`);
      return 1;
    }
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
