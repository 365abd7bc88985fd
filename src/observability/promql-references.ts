/**
 * What a PromQL expression refers to: its metric selectors (name and label matchers) and the
 * labels it groups or matches on. A small scanner, not a full parser: enough to check rendered
 * queries against the metric catalogs (src/metric-catalog/), where a miss is a dead reference.
 */
import type { LabelMatcher, MatchOp } from './promql';

export interface SelectorReference {
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

export interface PromqlReferences {
  readonly selectors: readonly SelectorReference[];
  /** Labels in `by (…)`, `without (…)`, `on (…)`, `ignoring (…)`, `group_left (…)`, `group_right (…)`. */
  readonly groupingLabels: readonly string[];
}

const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2', '@', 'start', 'end']);
// Aggregation operators may be followed by `by (…)` before their parenthesis.
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL = /[a-zA-Z_][a-zA-Z0-9_]*/y;

export function promqlReferences(expr: string): PromqlReferences {
  const selectors: SelectorReference[] = [];
  const groupingLabels: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`PromQL ${JSON.stringify(expr)}: ${what} at column ${i + 1}`);
  };
  const skipSpace = () => {
    while (i < expr.length && /\s/.test(expr[i])) i++;
  };
  const readString = (): string => {
    const quote = expr[i];
    let out = '';
    i++;
    while (i < expr.length && expr[i] !== quote) {
      if (expr[i] === '\\' && quote !== '`') {
        const next = expr[i + 1];
        out += next === 'n' ? '\n' : next;
        i += 2;
      } else out += expr[i++];
    }
    if (expr[i] !== quote) fail('unterminated string');
    i++;
    return out;
  };
  const readMatchers = (): LabelMatcher[] => {
    const matchers: LabelMatcher[] = [];
    i++; // {
    for (;;) {
      skipSpace();
      if (expr[i] === '}') {
        i++;
        return matchers;
      }
      LABEL.lastIndex = i;
      const label = LABEL.exec(expr)?.[0] ?? fail('expected a label name');
      i += label.length;
      skipSpace();
      const op = (['=~', '!~', '!=', '='] as const).find((o) => expr.startsWith(o, i)) ?? fail(`expected a match operator after ${label}`);
      i += op.length;
      skipSpace();
      if (!`"'\``.includes(expr[i])) fail(`expected a quoted value for ${label}`);
      matchers.push({ label, op: op as MatchOp, value: readString() });
      skipSpace();
      if (expr[i] === ',') i++;
    }
  };
  const readLabelList = () => {
    skipSpace();
    if (expr[i] !== '(') return; // group_left without a list
    i++;
    for (;;) {
      skipSpace();
      if (expr[i] === ')') {
        i++;
        return;
      }
      LABEL.lastIndex = i;
      const label = LABEL.exec(expr)?.[0] ?? fail('expected a label name in a grouping list');
      groupingLabels.push(label);
      i += label.length;
      skipSpace();
      if (expr[i] === ',') i++;
    }
  };

  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'" || c === '`') {
      readString();
    } else if (c === '[') {
      const close = expr.indexOf(']', i);
      if (close < 0) fail('unterminated range');
      i = close + 1;
    } else if (c === '{') {
      // A selector without a metric name, e.g. {__name__="x"}.
      selectors.push({ metric: '', matchers: readMatchers() });
    } else if (/[0-9.]/.test(c)) {
      // A number or a duration (5m, 1.5e3).
      while (i < expr.length && /[0-9a-zA-Z.+]/.test(expr[i]) && !(expr[i] === '+' && !/[eE]/.test(expr[i - 1]))) i++;
    } else if (/[a-zA-Z_:]/.test(c)) {
      IDENT.lastIndex = i;
      const word = IDENT.exec(expr)![0];
      i += word.length;
      const lower = word.toLowerCase();
      if (GROUPING.has(lower)) {
        readLabelList();
        continue;
      }
      if (KEYWORDS.has(lower) || AGGREGATIONS.has(lower)) continue;
      skipSpace();
      if (expr[i] === '(') continue; // a function or aggregation
      selectors.push({ metric: word, matchers: expr[i] === '{' ? readMatchers() : [] });
    } else {
      i++;
    }
  }
  return { selectors, groupingLabels };
}
