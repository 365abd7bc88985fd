/**
 * A PromQL lexer for the live signals test (scripts/signals/test-signals.sh): enough of
 * Prometheus's own lexer (promql/parser/lex.go) to find, without a full parser, the duration
 * literals (`[5m]`, `[1h:30s]`, `offset 5m`), the metric names and the label matchers of a
 * rendered expression. Every token keeps its position, so a rewrite splices the original text and
 * leaves every other character as it was.
 *
 * It throws on any character it does not understand instead of guessing.
 */

export type TokenKind = 'string' | 'duration' | 'number' | 'ident' | 'op' | 'punct' | 'comment';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset of the first character in the expression. */
  readonly start: number;
  /** Offset after the last character. */
  readonly end: number;
}

const DURATION_UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

const PATTERNS: readonly (readonly [TokenKind, RegExp])[] = [
  ['comment', /^#[^\n]*/],
  ['string', /^"(?:[^"\\\n]|\\.)*"/],
  ['string', /^'(?:[^'\\\n]|\\.)*'/],
  ['string', /^`[^`]*`/],
  // A duration is a number immediately followed by a unit (Prometheus: `5m`, `1h30m`, `500ms`).
  ['duration', /^(?:\d+(?:ms|[smhdwy]))+(?![a-zA-Z0-9_])/],
  ['number', /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![a-zA-Z_:])/],
  ['ident', /^[a-zA-Z_:][a-zA-Z0-9_:]*/],
  ['op', /^(?:==|!=|>=|<=|=~|!~|[-+*/%^<>=@])/],
  ['punct', /^[(){}[\],:]/],
];

const BRACKET_PATTERNS: readonly (readonly [TokenKind, RegExp])[] = [
  ['duration', /^(?:\d+(?:ms|[smhdwy]))+(?![a-zA-Z0-9_])/],
  ['punct', /^[:\]]/],
];

/** Tokens of `expr`, whitespace dropped; throws with the position of anything unknown. */
export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // Inside `[…]` only durations, ':' and ']' exist (Prometheus lexes a range or subquery there);
  // outside, ':' may start a metric name (recording rules such as `:foo:rate5m`).
  let inBrackets = false;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    let matched = false;
    for (const [kind, re] of inBrackets ? BRACKET_PATTERNS : PATTERNS) {
      const m = re.exec(rest);
      if (!m) continue;
      tokens.push({ kind, text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
      if (m[0] === '[') inBrackets = true;
      if (m[0] === ']') inBrackets = false;
      matched = true;
      break;
    }
    if (!matched) throw new Error(`PromQL lexer: cannot read ${JSON.stringify(rest.slice(0, 30))} at offset ${i} of ${JSON.stringify(expr)}`);
  }
  return tokens;
}

/** Milliseconds of a Prometheus duration such as `1h30m`; throws on anything else. */
export function parseDuration(text: string): number {
  if (!/^(?:\d+(?:ms|[smhdwy]))+$/.test(text)) throw new Error(`not a Prometheus duration: ${JSON.stringify(text)}`);
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|[smhdwy])/g)) ms += Number(m[1]) * DURATION_UNIT_MS[m[2]];
  return ms;
}

/** The shortest Prometheus duration for `ms` (whole milliseconds), e.g. 150000 → `2m30s`. */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`cannot format ${ms} ms as a Prometheus duration`);
  let rest = ms;
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms'] as const) {
    const size = DURATION_UNIT_MS[unit];
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** The value of a PromQL string literal. */
export function unquote(token: string): string {
  const quote = token[0];
  const body = token.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" })[c] ?? `\\${c}`);
}

const KEYWORDS = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'atan2',
]);
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
/** Aggregation operators: `sum by (l) (x)` puts the label list between the name and its '('. */
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);

export interface Matcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  /** Token index range [first, last] of the matcher inside the tokens of the expression. */
  readonly tokens: readonly [number, number];
}

export interface Selector {
  /** Metric name ('' for a selector written only with braces). */
  readonly metric: string;
  readonly matchers: readonly Matcher[];
}

/**
 * Every vector selector of `expr`: metric names (identifiers that are not functions, keywords,
 * label lists or `bool`) with their `{…}` matchers.
 */
export function selectors(expr: string): Selector[] {
  const t = tokenize(expr).filter((x) => x.kind !== 'comment');
  const out: Selector[] = [];
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    if (tok.kind === 'ident' && LABEL_LISTS.has(tok.text) && t[i + 1]?.text === '(') {
      while (i < t.length && t[i].text !== ')') i++;
      continue;
    }
    const isFunctionOrKeyword =
      tok.kind === 'ident' && (KEYWORDS.has(tok.text) || t[i + 1]?.text === '(' || (AGGREGATIONS.has(tok.text) && LABEL_LISTS.has(t[i + 1]?.text ?? '')));
    if (isFunctionOrKeyword) continue;
    if (tok.kind === 'ident' && /^(?:nan|inf)$/i.test(tok.text)) continue; // number literals
    // A label list after an aggregation written as `sum(x) by (l)` is handled above; `{` alone opens a selector.
    if (tok.kind === 'ident' || (tok.kind === 'punct' && tok.text === '{')) {
      const metric = tok.kind === 'ident' ? tok.text : '';
      let j = tok.kind === 'ident' ? i + 1 : i;
      const matchers: Matcher[] = [];
      if (t[j]?.text === '{') {
        j++;
        while (t[j] && t[j].text !== '}') {
          const name = t[j];
          const op = t[j + 1];
          const value = t[j + 2];
          if (name?.kind !== 'ident' || op?.kind !== 'op' || value?.kind !== 'string' || !['=', '!=', '=~', '!~'].includes(op.text)) {
            throw new Error(`PromQL: cannot read a label matcher at ${JSON.stringify(expr.slice(name?.start ?? 0, (name?.start ?? 0) + 40))}`);
          }
          matchers.push({ label: name.text, op: op.text as Matcher['op'], value: unquote(value.text), tokens: [j, j + 2] });
          j += 3;
          if (t[j]?.text === ',') j++;
        }
        if (!t[j]) throw new Error(`PromQL: unclosed '{' in ${JSON.stringify(expr)}`);
      }
      out.push({ metric, matchers });
      // j is at the closing '}' (braces) or just after the metric name (none).
      if (t[j]?.text === '}') i = j;
    }
  }
  return out;
}

/** Distinct metric names the expression selects, in order of appearance. */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  for (const s of selectors(expr)) {
    const name = s.metric || s.matchers.find((m) => m.label === '__name__' && m.op === '=')?.value || '';
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * `expr` with every matcher for which `drop(matcher)` is true removed (with its comma), the rest of
 * the text unchanged. Used to build a counterfactual query (e.g. without a route exclusion).
 */
export function withoutMatchers(expr: string, drop: (m: Matcher) => boolean): { expr: string; removed: number } {
  const t = tokenize(expr);
  const code = t.filter((x) => x.kind !== 'comment');
  const cuts: [number, number][] = [];
  for (const s of selectors(expr)) {
    for (const m of s.matchers) {
      if (!drop(m)) continue;
      const first = code[m.tokens[0]];
      let last = code[m.tokens[1]];
      const next = code[m.tokens[1] + 1];
      if (next?.text === ',') last = next;
      else {
        const prev = code[m.tokens[0] - 1];
        if (prev?.text === ',') {
          cuts.push([prev.start, last.end]);
          continue;
        }
      }
      cuts.push([first.start, last.end]);
    }
  }
  let out = expr;
  for (const [a, b] of cuts.sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + out.slice(b);
  return { expr: out, removed: cuts.length };
}
