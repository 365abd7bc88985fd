/**
 * The plan the live signals test runs (prepare.ts writes it, run-scenarios.ts reads it), and how
 * an analysis metric is classified and its latency objective read from the rendered query.
 */
import { thresholds } from './argo-expr';
import type { Change } from './time-rescale';
import type { Labels } from './relabel';
import { selectors } from './promql-scan';

/** Pod-template hashes of the two synthetic pods (podTemplateHashValue Stable / Latest). */
export const HASHES = { stable: 'stable0hash', latest: 'canary0hash' } as const;
export type MetricKind = 'latency' | 'runs' | 'http' | 'other';

/** The server's request-latency histogram (milliseconds: its HELP text, test/fixtures/signals). */
export const LATENCY_BUCKET = 'lg_api_http_requests_latency_bucket';

export function metricKind(names: readonly string[]): MetricKind {
  if (names.includes(LATENCY_BUCKET)) return 'latency';
  if (names.some((n) => /^lg_api_run_/.test(n))) return 'runs';
  if (names.includes('lg_api_http_requests_total')) return 'http';
  return 'other';
}

/**
 * The latency objective (ms) a rendered latency query judges by, read from the query itself:
 *   - `histogram_quantile(...)` compared with a number in the conditions (÷ 1000 in the query
 *     means the number is seconds);
 *   - the share of requests within T, from cumulative buckets, in the shapes
 *     src/observability/promql.ts fastRequestRatio renders: `B(le=T)/B(+Inf)`,
 *     `B(le=hi)*f/B(+Inf)` (T = f·hi) or `(B(le=lo) + (B(le=hi) - B(le=lo))*f)/B(+Inf)`
 *     (T = lo + f·(hi − lo)).
 * Anything else throws: the slow scenario must know how slow is too slow.
 */
export function latencyObjective(query: string, success: string | undefined, failure: string | undefined, id: string): { ms: number; how: string } {
  if (/histogram_quantile/.test(query)) {
    const bounds = [...new Set([...thresholds(success ?? ''), ...thresholds(failure ?? '')].map((t) => t.value))];
    if (bounds.length !== 1) throw new Error(`${id}: cannot read one latency objective from its conditions (found ${JSON.stringify(bounds)})`);
    const perSecond = /\/\s*1000(?:\.0*)?\b/.test(query) || /\*\s*0?\.001\b/.test(query);
    return { ms: perSecond ? bounds[0] * 1000 : bounds[0], how: `quantile compared with ${bounds[0]} ${perSecond ? 's' : 'ms'}` };
  }
  const les = new Set<number>();
  for (const sel of selectors(query).filter((x) => x.metric === LATENCY_BUCKET)) {
    for (const mt of sel.matchers.filter((x) => x.label === 'le')) {
      if (mt.value === '+Inf') continue;
      const n = /^(\d+(?:\.\d+)?)(?:\(\\\.0\)\?)?$/.exec(mt.value);
      if (!n || (mt.op !== '=' && mt.op !== '=~')) throw new Error(`${id}: bucket matcher le${mt.op}${JSON.stringify(mt.value)} not understood`);
      les.add(Number(n[1]));
    }
  }
  const finite = [...les].sort((a, b) => a - b);
  const factors = [...new Set([...query.matchAll(/\)\s*\*\s*(\d*\.?\d+(?:[eE][-+]?\d+)?)/g)].map((x) => Number(x[1])))];
  if (finite.length === 1 && factors.length === 0) return { ms: finite[0], how: `share of requests in bucket le=${finite[0]} ms` };
  if (finite.length === 1 && factors.length === 1) return { ms: factors[0] * finite[0], how: `share within ${factors[0]} × ${finite[0]} ms (interpolated in the first bucket)` };
  if (finite.length === 2 && factors.length === 1) {
    const [lo, hi] = finite;
    return { ms: lo + factors[0] * (hi - lo), how: `share within ${lo} + ${factors[0]} × (${hi} − ${lo}) ms (interpolated between buckets ${lo} and ${hi})` };
  }
  throw new Error(`${id}: cannot read the latency objective from the query (finite le ${JSON.stringify(finite)}, factors ${JSON.stringify(factors)})`);
}
export type Role = 'stable' | 'canary';

export interface PlanMetric {
  id: string;
  /** What the metric reads: the latency histogram, run outcomes, HTTP statuses, or other. */
  kind: MetricKind;
  renderedQuery: string;
  /** Arguments substituted, time constants rescaled. */
  query: string;
  successCondition?: string;
  failureCondition?: string;
  args: Record<string, { value: string; from: string }>;
  /** Latency objective in seconds (latency metrics), read from the conditions. */
  objectiveSeconds?: number;
  objectiveNote?: string;
  /** Longest range window of the query after rescaling, ms. */
  windowMs: number;
}

export interface PlanRecordingRule {
  file: string;
  group: string;
  record: string;
  labels: Record<string, string>;
  expr: string;
}

export interface Plan {
  objectsDir: string;
  namespace: string;
  divisor: number;
  scrapeIntervalMs: number;
  /** Window the phases are sized by: the longest analysis range, ms. */
  windowMs: number;
  pods: Record<Role, { name: string; hash: string; port: number; ip: string }>;
  jobName: string;
  expectedTargets: { pod: string; labels: Labels }[];
  droppedTargets: number;
  metrics: PlanMetric[];
  recordingRules: PlanRecordingRule[];
  alerts: string[];
  serverEnv: string[];
  serverEnvSkipped: string[];
  changes: Change[];
  relabelOrigins: string[];
}

