/**
 * How Argo Rollouts judges one Prometheus measurement, for the live signals test:
 *   - the Prometheus provider turns an instant vector into `result` = []float64 (one value per
 *     sample, in response order) and a scalar into a float64
 *     (argo-rollouts metricproviders/prometheus/prometheus.go processResponse);
 *   - each condition is an expr-lang expression over `result`; a compile or run error (e.g.
 *     `result[0]` of an empty vector) makes the measurement Error;
 *   - EvaluateResult (utils/evaluate/evaluate.go): only a successCondition → failed unless it is
 *     true; only a failureCondition → successful unless it is true; both → Failed when the failure
 *     condition is true, Successful when only the success condition is, Inconclusive when neither.
 *
 * The expression language is a SUBSET of expr-lang: numbers, true/false, `result`, indexing with a
 * non-negative integer, len(), isNaN(), isInf(), asFloat(), asInt(), comparisons, + - * / %,
 * unary - and !, `&&`/`and`, `||`/`or` (short-circuit, as expr-lang does), parentheses.
 * Anything else (closures, `in`, `matches`, ternaries, strings, default/isNil, negative indices)
 * throws UnsupportedExpr so the test fails loudly instead of judging a condition it cannot read.
 */

export type ArgoResult = number | number[];
export type Phase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

export class UnsupportedExpr extends Error {}
/** An error Argo itself would raise while evaluating (the measurement becomes Error). */
export class EvalError extends Error {}

type Value = number | boolean | number[];

interface Tok {
  t: 'num' | 'id' | 'op' | 'end';
  v: string;
  at: number;
}

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    const num = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(rest);
    if (num) {
      out.push({ t: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const id = /^[a-zA-Z_$][a-zA-Z0-9_$]*/.exec(rest);
    if (id) {
      out.push({ t: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const op = /^(?:&&|\|\||==|!=|<=|>=|[<>!+\-*/%()[\],])/.exec(rest);
    if (op) {
      out.push({ t: 'op', v: op[0], at: i });
      i += op[0].length;
      continue;
    }
    throw new UnsupportedExpr(`cannot read ${JSON.stringify(rest.slice(0, 20))} at ${i} in condition ${JSON.stringify(src)}`);
  }
  out.push({ t: 'end', v: '', at: src.length });
  return out;
}

type Node =
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'result' }
  | { k: 'index'; target: Node; index: Node }
  | { k: 'call'; fn: string; args: Node[] }
  | { k: 'unary'; op: string; arg: Node }
  | { k: 'bin'; op: string; l: Node; r: Node };

const FUNCTIONS = new Set(['len', 'isNaN', 'isInf', 'asFloat', 'asInt']);

/** Parses a condition; throws UnsupportedExpr on anything outside the subset. */
export function parseCondition(src: string): Node {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const take = () => toks[p++];
  const expect = (v: string) => {
    const tok = take();
    if (tok.v !== v) throw new UnsupportedExpr(`expected '${v}' at ${tok.at} in ${JSON.stringify(src)}, found '${tok.v}'`);
  };
  const isOp = (...vs: string[]) => (peek().t === 'op' || peek().t === 'id') && vs.includes(peek().v);

  const or = (): Node => {
    let l = and();
    while (isOp('||', 'or')) {
      take();
      l = { k: 'bin', op: '||', l, r: and() };
    }
    return l;
  };
  const and = (): Node => {
    let l = cmp();
    while (isOp('&&', 'and')) {
      take();
      l = { k: 'bin', op: '&&', l, r: cmp() };
    }
    return l;
  };
  const cmp = (): Node => {
    const l = add();
    if (isOp('==', '!=', '<', '<=', '>', '>=')) {
      const op = take().v;
      const r = add();
      if (isOp('==', '!=', '<', '<=', '>', '>=')) throw new UnsupportedExpr(`chained comparison in ${JSON.stringify(src)}`);
      return { k: 'bin', op, l, r };
    }
    return l;
  };
  const add = (): Node => {
    let l = mul();
    while (isOp('+', '-')) {
      const op = take().v;
      l = { k: 'bin', op, l, r: mul() };
    }
    return l;
  };
  const mul = (): Node => {
    let l = unary();
    while (isOp('*', '/', '%')) {
      const op = take().v;
      l = { k: 'bin', op, l, r: unary() };
    }
    return l;
  };
  const unary = (): Node => {
    if (isOp('!', 'not', '-')) {
      const op = take().v;
      return { k: 'unary', op: op === 'not' ? '!' : op, arg: unary() };
    }
    return postfix();
  };
  const postfix = (): Node => {
    let n = primary();
    while (isOp('[')) {
      take();
      const index = or();
      expect(']');
      n = { k: 'index', target: n, index };
    }
    return n;
  };
  const primary = (): Node => {
    const tok = take();
    if (tok.t === 'num') return { k: 'num', v: Number(tok.v) };
    if (tok.t === 'op' && tok.v === '(') {
      const n = or();
      expect(')');
      return n;
    }
    if (tok.t === 'id') {
      if (tok.v === 'true' || tok.v === 'false') return { k: 'bool', v: tok.v === 'true' };
      if (tok.v === 'result') return { k: 'result' };
      if (FUNCTIONS.has(tok.v) && peek().v === '(') {
        take();
        const args: Node[] = [];
        if (peek().v !== ')') {
          args.push(or());
          while (peek().v === ',') {
            take();
            args.push(or());
          }
        }
        expect(')');
        if (args.length !== 1) throw new UnsupportedExpr(`${tok.v}() takes one argument in ${JSON.stringify(src)}`);
        return { k: 'call', fn: tok.v, args };
      }
      throw new UnsupportedExpr(`identifier '${tok.v}' at ${tok.at} is outside the supported subset of expr-lang (${JSON.stringify(src)})`);
    }
    throw new UnsupportedExpr(`unexpected '${tok.v || 'end of condition'}' at ${tok.at} in ${JSON.stringify(src)}`);
  };
  const node = or();
  if (peek().t !== 'end') throw new UnsupportedExpr(`unexpected '${peek().v}' at ${peek().at} in ${JSON.stringify(src)}`);
  return node;
}

function num(v: Value, what: string): number {
  if (typeof v !== 'number') throw new EvalError(`${what} is ${Array.isArray(v) ? 'an array' : 'a bool'}, expected a number`);
  return v;
}

function evalNode(n: Node, result: ArgoResult): Value {
  switch (n.k) {
    case 'num':
      return n.v;
    case 'bool':
      return n.v;
    case 'result':
      return result;
    case 'index': {
      const target = evalNode(n.target, result);
      const index = num(evalNode(n.index, result), 'index');
      if (!Array.isArray(target)) throw new EvalError('cannot index a non-array (result is a scalar)');
      if (!Number.isInteger(index) || index < 0) throw new UnsupportedExpr(`index ${index} (only non-negative integers are supported)`);
      if (index >= target.length) throw new EvalError(`index out of range: ${index} (array of length ${target.length})`);
      return target[index];
    }
    case 'call': {
      const arg = evalNode(n.args[0], result);
      if (n.fn === 'len') {
        if (!Array.isArray(arg)) throw new EvalError('len() of a non-array');
        return arg.length;
      }
      const x = num(arg, `${n.fn}() argument`);
      if (n.fn === 'isNaN') return Number.isNaN(x);
      if (n.fn === 'isInf') return x === Infinity || x === -Infinity;
      if (n.fn === 'asInt') return Math.trunc(x);
      return x; // asFloat
    }
    case 'unary': {
      const v = evalNode(n.arg, result);
      if (n.op === '!') {
        if (typeof v !== 'boolean') throw new EvalError('! of a non-bool');
        return !v;
      }
      return -num(v, 'operand of unary -');
    }
    case 'bin': {
      if (n.op === '&&' || n.op === '||') {
        const l = evalNode(n.l, result);
        if (typeof l !== 'boolean') throw new EvalError(`left side of ${n.op} is not a bool`);
        if (n.op === '&&' && !l) return false;
        if (n.op === '||' && l) return true;
        const r = evalNode(n.r, result);
        if (typeof r !== 'boolean') throw new EvalError(`right side of ${n.op} is not a bool`);
        return r;
      }
      const l = evalNode(n.l, result);
      const r = evalNode(n.r, result);
      if ((n.op === '==' || n.op === '!=') && typeof l === 'boolean' && typeof r === 'boolean') return n.op === '==' ? l === r : l !== r;
      const a = num(l, `left side of ${n.op}`);
      const b = num(r, `right side of ${n.op}`);
      switch (n.op) {
        case '==': return a === b;
        case '!=': return a !== b;
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        case '>=': return a >= b;
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        case '%':
          if (!Number.isInteger(a) || !Number.isInteger(b)) throw new EvalError('% on non-integers');
          return a % b;
      }
      throw new UnsupportedExpr(`operator ${n.op}`);
    }
  }
}

/** Evaluates one condition; true/false, or throws EvalError (Argo: Error) / UnsupportedExpr. */
export function evalCondition(condition: string, result: ArgoResult): boolean {
  const v = evalNode(parseCondition(condition), result);
  if (typeof v !== 'boolean') throw new EvalError(`expected bool, but got ${Array.isArray(v) ? 'array' : 'number'}`);
  return v;
}

export interface Verdict {
  readonly phase: Phase;
  readonly success: boolean | null;
  readonly failure: boolean | null;
  readonly error?: string;
}

/** Argo's EvaluateResult for one measurement. UnsupportedExpr is rethrown (the test must fail). */
export function evaluateResult(result: ArgoResult, successCondition: string | undefined, failureCondition: string | undefined): Verdict {
  let success: boolean | null = null;
  let failure: boolean | null = null;
  try {
    if (successCondition) success = evalCondition(successCondition, result);
    if (failureCondition) failure = evalCondition(failureCondition, result);
  } catch (e) {
    if (e instanceof EvalError) return { phase: 'Error', success, failure, error: e.message };
    throw e;
  }
  if (!successCondition && !failureCondition) return { phase: 'Successful', success, failure };
  const failed = failureCondition ? failure! : !success;
  const succeeded = successCondition ? success! : !failure;
  if (failed) return { phase: 'Failed', success, failure };
  if (!succeeded) return { phase: 'Inconclusive', success, failure };
  return { phase: 'Successful', success, failure };
}

/** Prometheus's sample value string ("NaN", "+Inf", "1.5") as a number. */
export function promValue(s: string): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  const n = Number(s);
  if (Number.isNaN(n)) throw new Error(`not a Prometheus sample value: ${s}`);
  return n;
}

export interface Threshold {
  /** Comparison with `result[i]` on the left, e.g. `<` for `result[0] < 2` and for `2 > result[0]`. */
  readonly op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  readonly value: number;
}

const FLIP: Record<string, Threshold['op']> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/** Every comparison of an element of `result` with a number literal in `condition`. */
export function thresholds(condition: string): Threshold[] {
  const out: Threshold[] = [];
  const isElement = (n: Node): boolean =>
    (n.k === 'index' && n.target.k === 'result') || (n.k === 'call' && (n.fn === 'asFloat' || n.fn === 'asInt') && isElement(n.args[0]));
  const walk = (n: Node): void => {
    if (n.k === 'bin') {
      if (['<', '<=', '>', '>=', '==', '!='].includes(n.op)) {
        if (isElement(n.l) && n.r.k === 'num') out.push({ op: n.op as Threshold['op'], value: n.r.v });
        else if (isElement(n.r) && n.l.k === 'num') out.push({ op: FLIP[n.op], value: n.l.v });
      }
      walk(n.l);
      walk(n.r);
    } else if (n.k === 'unary') walk(n.arg);
    else if (n.k === 'call') n.args.forEach(walk);
    else if (n.k === 'index') {
      walk(n.target);
      walk(n.index);
    }
  };
  walk(parseCondition(condition));
  return out;
}
