/**
 * The one transformation the live signals test applies to rendered rules and analysis queries:
 * every time constant is divided by the same factor, so that a 2-minute analysis window or a
 * 5-minute burn window fits in a test of a few minutes. Nothing else may change, and this module
 * proves it for every string it rewrites.
 *
 * What counts as a time constant (Prometheus 2.42):
 *   - a duration literal in PromQL: range `[5m]`, subquery range and step `[1h:5m]`, `offset 5m`;
 *   - a rule's `for` (and `keep_firing_for`), a rule group's `interval`.
 * Numbers that are seconds by convention (e.g. predict_linear's horizon, a `> 300` on an age)
 * are NOT rewritten: they are plain numbers in PromQL and this module cannot know their unit.
 *
 * Every rewrite is recorded as a Change (where, what, from, to). `assertOnlyDurationsChanged`
 * re-lexes the result and checks that every token except the recorded durations is identical.
 */
import { formatDuration, parseDuration, tokenize, type Token } from './promql-scan';

export interface Change {
  /** e.g. `PrometheusRule support-agent-api / group g / record r`. */
  readonly where: string;
  /** `expr`, `for`, `interval`, `query`, … */
  readonly field: string;
  /** `range`, `subquery step`, `offset`, or `duration` for a YAML field. */
  readonly kind: string;
  readonly from: string;
  readonly to: string;
}

export interface RescaleOptions {
  /** Every duration is divided by this. */
  readonly divisor: number;
  /** A range window shorter than this after rescaling is refused (rate() needs two samples). */
  readonly minRangeMs: number;
}

export function rescaleDuration(text: string, divisor: number): string {
  const ms = parseDuration(text);
  const scaled = Math.round(ms / divisor);
  if (scaled <= 0) throw new Error(`duration ${text} divided by ${divisor} rounds to 0`);
  return formatDuration(scaled);
}

function durationKind(tokens: readonly Token[], i: number): string {
  const prev = tokens[i - 1];
  if (prev?.text === '[') return 'range';
  if (prev?.text === ':') return 'subquery step';
  if (prev?.text === 'offset' || (prev?.text === '-' && tokens[i - 2]?.text === 'offset')) return 'offset';
  throw new Error(`duration ${tokens[i].text} at offset ${tokens[i].start} is not a range, subquery step or offset`);
}

/** `expr` with every duration literal divided by the divisor; the changes are appended to `log`. */
export function rescaleExpr(expr: string, where: string, field: string, opts: RescaleOptions, log: Change[]): string {
  const tokens = tokenize(expr).filter((t) => t.kind !== 'comment');
  let out = '';
  let last = 0;
  const mine: Change[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'duration') return;
    const kind = durationKind(tokens, i);
    const to = rescaleDuration(t.text, opts.divisor);
    if (kind === 'range' && parseDuration(to) < opts.minRangeMs) {
      throw new Error(
        `${where} ${field}: range [${t.text}] becomes [${to}], shorter than ${opts.minRangeMs} ms (two scrapes); ` +
          'use a smaller time divisor (SIGNALS_TIME_DIVISOR)',
      );
    }
    out += expr.slice(last, t.start) + to;
    last = t.end;
    mine.push({ where, field, kind, from: t.text, to });
  });
  out += expr.slice(last);
  assertOnlyDurationsChanged(expr, out, mine, `${where} ${field}`);
  log.push(...mine);
  return out;
}

/**
 * Throws unless `after` lexes to the same tokens as `before`, except that the duration tokens,
 * in order, are exactly `changes[k].from` → `changes[k].to`; whitespace and comments between
 * tokens must be byte-identical too.
 */
export function assertOnlyDurationsChanged(before: string, after: string, changes: readonly Change[], where: string): void {
  const a = tokenize(before);
  const b = tokenize(after);
  const fail = (why: string) => {
    throw new Error(`${where}: the rescaled text differs in more than durations (${why})\nbefore: ${before}\nafter:  ${after}`);
  };
  if (a.length !== b.length) fail(`${a.length} tokens became ${b.length}`);
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    const gapA = before.slice(i === 0 ? 0 : a[i - 1].end, a[i].start);
    const gapB = after.slice(i === 0 ? 0 : b[i - 1].end, b[i].start);
    if (gapA !== gapB) fail(`whitespace before token ${i}`);
    if (a[i].kind !== b[i].kind) fail(`token ${i} kind ${a[i].kind} → ${b[i].kind}`);
    if (a[i].kind === 'duration') {
      const c = changes[k++];
      if (!c || c.from !== a[i].text || c.to !== b[i].text) fail(`duration ${a[i].text} → ${b[i].text} is not the recorded change`);
    } else if (a[i].text !== b[i].text) {
      fail(`token ${i} ${a[i].text} → ${b[i].text}`);
    }
  }
  if (k !== changes.length) fail(`${changes.length} changes recorded, ${k} durations found`);
  if (before.slice(a.length ? a[a.length - 1].end : 0) !== after.slice(b.length ? b[b.length - 1].end : 0)) fail('trailing text');
}

/** A YAML duration field (`for`, `interval`, …) divided by the divisor, recorded in `log`. */
export function rescaleField(value: unknown, where: string, field: string, opts: RescaleOptions, log: Change[]): string {
  if (typeof value !== 'string') throw new Error(`${where}: ${field} is ${JSON.stringify(value)}, expected a duration string`);
  const to = rescaleDuration(value, opts.divisor);
  log.push({ where, field, kind: 'duration', from: value, to });
  return to;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Record<string, unknown>[];
  [key: string]: unknown;
}

const RULE_DURATION_FIELDS = ['for', 'keep_firing_for'];
const RULE_KNOWN_FIELDS = new Set(['record', 'alert', 'expr', 'labels', 'annotations', ...RULE_DURATION_FIELDS]);
const GROUP_KNOWN_FIELDS = new Set(['name', 'interval', 'rules', 'limit']);

/**
 * The rule groups of one PrometheusRule with every time constant rescaled. Refuses fields it does
 * not know (it could not tell whether they hold a time). Verifies that the result, with the
 * changed fields put back, deep-equals the input.
 */
export function rescaleRuleGroups(groups: readonly RuleGroup[], owner: string, opts: RescaleOptions, log: Change[]): RuleGroup[] {
  const out = groups.map((g) => {
    for (const key of Object.keys(g)) {
      if (!GROUP_KNOWN_FIELDS.has(key)) throw new Error(`${owner} group ${g.name}: unknown field ${key}; teach scripts/signals/time-rescale.ts about it`);
    }
    const where = `${owner} / group ${g.name}`;
    const group: RuleGroup = { ...g, rules: [] };
    if (g.interval !== undefined) group.interval = rescaleField(g.interval, where, 'interval', opts, log);
    group.rules = g.rules.map((r) => {
      for (const key of Object.keys(r)) {
        if (!RULE_KNOWN_FIELDS.has(key)) throw new Error(`${where}: rule field ${key} unknown; teach scripts/signals/time-rescale.ts about it`);
      }
      const name = (r.record ?? r.alert) as string;
      const ruleWhere = `${where} / ${r.record ? 'record' : 'alert'} ${name}`;
      const rule: Record<string, unknown> = { ...r };
      rule.expr = rescaleExpr(String(r.expr), ruleWhere, 'expr', opts, log);
      for (const f of RULE_DURATION_FIELDS) if (r[f] !== undefined) rule[f] = rescaleField(r[f], ruleWhere, f, opts, log);
      return rule;
    });
    return group;
  });
  // Put every recorded change back and compare: proves nothing else moved.
  const undone = JSON.parse(JSON.stringify(out)) as RuleGroup[];
  undone.forEach((g, gi) => {
    if (groups[gi].interval !== undefined) g.interval = groups[gi].interval;
    g.rules.forEach((r, ri) => {
      const orig = groups[gi].rules[ri];
      r.expr = orig.expr;
      for (const f of RULE_DURATION_FIELDS) if (orig[f] !== undefined) r[f] = orig[f];
    });
  });
  if (JSON.stringify(undone) !== JSON.stringify(groups)) throw new Error(`${owner}: rescaling changed more than time constants`);
  return out;
}
