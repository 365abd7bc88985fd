/**
 * A small PromQL scanner for tests: finds every vector selector in an expression, with its
 * label matchers, so tests can assert that each one is scoped. It knows just enough PromQL for
 * the expressions this project renders and throws on anything it does not understand.
 */

export interface ScannedMatcher {
  readonly label: string;
  readonly op: string;
  readonly value: string;
}

export interface ScannedSelector {
  readonly metric: string;
  readonly matchers: readonly ScannedMatcher[];
}

type Token = { kind: 'ident' | 'string' | 'number' | 'duration' | 'op' | 'punct'; text: string };

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);
const LABEL_LIST_OPENERS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile']);

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const patterns: [Token['kind'], RegExp][] = [
    ['string', /^"(?:[^"\\]|\\.)*"/],
    ['duration', /^\[\d+[smhdwy](?::\d+[smhdwy])?\]/],
    ['number', /^(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+)/i],
    ['ident', /^[a-zA-Z_:][a-zA-Z0-9_:]*/],
    ['op', /^(?:==|!=|>=|<=|=~|!~|[-+*/%^<>=])/],
    ['punct', /^[(){},]/],
  ];
  let rest = expr;
  while (rest.length > 0) {
    const space = /^\s+/.exec(rest);
    if (space) {
      rest = rest.slice(space[0].length);
      continue;
    }
    const hit = patterns.map(([kind, re]) => [kind, re.exec(rest)] as const).find(([, m]) => m);
    if (!hit || !hit[1]) throw new Error(`cannot scan PromQL at: ${rest.slice(0, 40)}`);
    tokens.push({ kind: hit[0], text: hit[1][0] });
    rest = rest.slice(hit[1][0].length);
  }
  return tokens;
}

/** The value of a PromQL double-quoted string: `\n` is a newline, `\x` is `x`. */
function unquote(quoted: string): string {
  let out = '';
  for (let i = 1; i < quoted.length - 1; i++) {
    const c = quoted[i];
    if (c === '\\') {
      const next = quoted[++i];
      out += next === 'n' ? '\n' : next;
    } else {
      out += c;
    }
  }
  return out;
}

/** Every vector selector in `expr`. */
export function scanSelectors(expr: string): ScannedSelector[] {
  const tokens = tokenize(expr);
  const selectors: ScannedSelector[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'ident' && LABEL_LIST_OPENERS.has(t.text) && tokens[i + 1]?.text === '(') {
      while (tokens[i].text !== ')') i++; // skip the label list
      continue;
    }
    // Keywords, functions, and aggregations (which may be followed by `by (…)` before their argument).
    if (t.kind === 'ident' && (KEYWORDS.has(t.text) || AGGREGATIONS.has(t.text) || tokens[i + 1]?.text === '(')) continue;
    if (t.kind === 'ident' || (t.kind === 'punct' && t.text === '{')) {
      const metric = t.kind === 'ident' ? t.text : '';
      if (t.kind === 'ident') i++;
      const matchers: ScannedMatcher[] = [];
      if (tokens[i]?.text === '{') {
        i++;
        while (tokens[i].text !== '}') {
          const [label, op, value] = [tokens[i], tokens[i + 1], tokens[i + 2]];
          if (label.kind !== 'ident' || op.kind !== 'op' || value.kind !== 'string') {
            throw new Error(`unexpected matcher near "${label.text} ${op?.text} ${value?.text}" in ${expr}`);
          }
          matchers.push({ label: label.text, op: op.text, value: unquote(value.text) });
          i += 3;
          if (tokens[i].text === ',') i++;
        }
      } else {
        i--; // a bare metric name: no matchers; let the loop continue after it
      }
      selectors.push({ metric, matchers });
    }
  }
  return selectors;
}
