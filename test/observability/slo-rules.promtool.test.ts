/**
 * promtool unit tests of the SLO rules: recorded error ratios are exact on hand-computed data,
 * and each burn-rate alert fires only when both its long and its short window burn too fast.
 */
import { counterValues, testRules, type AlertRuleTest, type InputSeries, type PromqlExprTest } from '../../src/observability/promtool';
import { BURN_RATE_ALERTS, burnRateAlertName, sloRuleGroups, type SloKind, type SloRulesInput } from '../../src/observability/slo-rules';
import {
  PROMTOOL,
  SECONDS_SLI,
  SLO_INPUT,
  alertingRules,
  firing,
  histogram,
  latencyBucket,
  perSecond,
  requests,
  pinned,
  promtoolTest,
  ruleNamed,
} from './fixtures';

const groups = sloRuleGroups(SLO_INPUT);

// ---------------------------------------------------------------- recorded error ratios

const recorded = (window: string, slo: SloKind) =>
  `langgraph:slo_error_ratio:rate${window}{namespace="shop",slo="${slo}",workflow="shop"}`;

interface RatioCase {
  readonly name: string;
  readonly input: SloRulesInput;
  readonly series: readonly InputSeries[];
  readonly slo: SloKind;
  /** Hand-computed; undefined: no sample at all. */
  readonly expected: number | undefined;
}

const serverLatency = (cumulative: Record<string, number>, path?: string, method?: string) => histogram(latencyBucket({}, path, method), cumulative, 10);
const withThreshold = (latencyThresholdSeconds: number): SloRulesInput => ({
  ...SLO_INPUT,
  slo: { ...SLO_INPUT.slo, latencyThresholdSeconds },
});
const secondsInput: SloRulesInput = {
  ...SLO_INPUT,
  sli: SECONDS_SLI,
  slo: { ...SLO_INPUT.slo, latencyThresholdSeconds: 1.75 },
};
const secondsBucket = (le: string) => `http_request_duration_seconds_bucket{namespace="shop",job="shop/shop-api",le="${le}"}`;

const RATIO_CASES: readonly RatioCase[] = [
  {
    name: 'availability: 2 of 64 requests/s answered 5xx → 0.03125',
    input: SLO_INPUT,
    series: [perSecond(requests('200'), 62, 10), perSecond(requests('500'), 2, 10)],
    slo: 'availability',
    expected: 2 / 64,
  },
  {
    name: 'availability: traffic without 5xx records 0, not nothing',
    input: SLO_INPUT,
    series: [perSecond(requests('200'), 10, 10)],
    slo: 'availability',
    expected: 0,
  },
  {
    name: 'availability: no traffic records nothing',
    input: SLO_INPUT,
    series: [],
    slo: 'availability',
    expected: undefined,
  },
  {
    // 2 s lies between the server's 1000 and 5000 ms buckets; nothing in between here, so 48 of 64 are fast.
    name: 'latency, 2 s (interpolated between the server buckets): 16 of 64/s above 5 s → 0.25',
    input: SLO_INPUT,
    series: serverLatency({ '500.0': 48, '1000': 48, '5000': 48, '15000': 48, '+Inf': 64 }),
    slo: 'latency',
    expected: 0.25,
  },
  {
    // Fast ≈ 20 + (60 − 20)·(3000 − 1000)/(5000 − 1000) = 40 of 64 → 1 − 40/64.
    name: 'latency, 3 s: linear interpolation inside the (1000, 5000] ms bucket → 0.375',
    input: withThreshold(3),
    series: serverLatency({ '500.0': 20, '1000': 20, '5000': 60, '15000': 60, '+Inf': 64 }),
    slo: 'latency',
    expected: 0.375,
  },
  {
    name: 'latency, 5 s: exactly on a bucket boundary → 1 − 60/64 = 0.0625',
    input: withThreshold(5),
    series: serverLatency({ '500.0': 20, '1000': 20, '5000': 60, '15000': 60, '+Inf': 64 }),
    slo: 'latency',
    expected: 0.0625,
  },
  {
    name: 'latency, 3 s: the Prometheus 3 bucket spelling le="1000.0" matches too',
    input: withThreshold(3),
    series: serverLatency({ '500.0': 20, '1000.0': 20, '5000.0': 60, '15000.0': 60, '+Inf': 64 }),
    slo: 'latency',
    expected: 0.375,
  },
  {
    name: 'latency: /runs/wait and /threads/{thread_id}/stream, open for whole runs, do not count → 0.0625',
    input: withThreshold(5),
    series: [
      ...serverLatency({ '500.0': 20, '1000': 20, '5000': 60, '15000': 60, '+Inf': 64 }),
      ...serverLatency({ '500.0': 0, '1000': 0, '5000': 0, '15000': 0, '+Inf': 64 }, '/runs/wait', 'POST'),
      ...serverLatency({ '500.0': 0, '1000': 0, '5000': 0, '15000': 0, '+Inf': 64 }, '/threads/{thread_id}/stream', 'GET'),
    ],
    slo: 'latency',
    expected: 0.0625,
  },
  {
    name: 'latency, seconds histogram, 1.75 s → 0.375',
    input: secondsInput,
    series: histogram(secondsBucket, { '0.5': 20, '1': 20, '2.5': 60, '5': 60, '+Inf': 64 }, 10),
    slo: 'latency',
    expected: 0.375,
  },
  {
    // Below the first boundary the lower edge is 0: fast ≈ 32 · 0.25/0.5 = 16 of 64.
    name: 'latency, seconds histogram, 0.25 s below the first bucket → 0.75',
    input: { ...secondsInput, slo: { ...secondsInput.slo, latencyThresholdSeconds: 0.25 } },
    series: histogram(secondsBucket, { '0.5': 32, '1': 40, '2.5': 60, '5': 60, '+Inf': 64 }, 10),
    slo: 'latency',
    expected: 0.75,
  },
];

// ---------------------------------------------------------------- burn-rate scenarios

/** Requests per second in every burn scenario. */
const TOTAL_PER_SECOND = 50;

/** Bad requests per second that burn each alert's budget clearly faster than its factor. */
const BAD_PER_SECOND: Record<SloKind, Record<string, number>> = {
  // Budget 0.1 %: 2 % > 1.44 %, 1 % > 0.6 %, 0.4 % > 0.3 %, 0.2 % > 0.1 % of 50/s.
  availability: { Page1h: 1, Page6h: 0.5, Ticket1d: 0.2, Ticket3d: 0.1 },
  // Budget 1 %: 20 % > 14.4 %, 8 % > 6 %, 4 % > 3 %, 2 % > 1 % of 50/s.
  latency: { Page1h: 10, Page6h: 4, Ticket1d: 2, Ticket3d: 1 },
};

interface Segment {
  readonly badPerSecond: number;
  readonly minutes: number;
}

/** Input series with `TOTAL_PER_SECOND` requests, of which `badPerSecond` fail, segment by segment. */
function sloSeries(kind: SloKind, segments: readonly Segment[], stepMinutes: number): InputSeries[] {
  const stepSeconds = stepMinutes * 60;
  const counter = (perSecondOf: (bad: number) => number) =>
    counterValues(
      segments.map((s) => {
        if (s.minutes % stepMinutes !== 0) throw new Error(`segment of ${s.minutes}m is not a multiple of ${stepMinutes}m`);
        const perStep = perSecondOf(s.badPerSecond) * stepSeconds;
        if (!Number.isInteger(perStep)) throw new Error(`${perStep} per step is not a whole number`);
        return { perStep, steps: s.minutes / stepMinutes };
      }),
    );
  const good = counter((bad) => TOTAL_PER_SECOND - bad);
  const all = counter(() => TOTAL_PER_SECOND);
  const bad = counter((b) => b);
  if (kind === 'availability') {
    return [
      { series: requests('200'), values: good },
      { series: requests('500'), values: bad },
    ];
  }
  // Fast requests within 500 ms; slow ones above 5 s.
  return [
    ...['500.0', '1000', '5000'].map((le) => ({ series: latencyBucket()(le), values: good })),
    { series: latencyBucket()('+Inf'), values: all },
  ];
}

interface BurnScenario {
  readonly name: string;
  readonly kind: SloKind;
  readonly stepMinutes: number;
  readonly series: readonly InputSeries[];
  readonly check: AlertRuleTest;
}

const H = 60;
const burnScenarios: BurnScenario[] = [];
for (const kind of ['availability', 'latency'] as const) {
  for (const burn of BURN_RATE_ALERTS) {
    const alertname = burnRateAlertName(kind, burn);
    const bad = BAD_PER_SECOND[kind][burn.name];
    const long = minutes(burn.longWindow);
    const short = minutes(burn.shortWindow);
    // Coarser steps for long windows keep promtool fast; each step still fits its short window
    // several times over (the 1h page reads a 5m window, so it keeps 1-minute steps).
    const stepMinutes = long >= 72 * H ? 15 : long >= 6 * H ? 5 : 1;
    const scenario = (name: string, segments: Segment[], fires: boolean): BurnScenario => {
      const end = segments.reduce((sum, s) => sum + s.minutes, 0);
      return {
        name: `${alertname}: ${name}`,
        kind,
        stepMinutes,
        series: sloSeries(kind, segments, stepMinutes),
        check: { alertname, eval_time: `${end}m`, exp_alerts: fires ? [firing(ruleNamed(groups, alertname))] : [] },
      };
    };
    burnScenarios.push(
      scenario(`burning over the whole ${burn.longWindow} fires`, [{ badPerSecond: bad, minutes: long + short }], true),
      // The long window still exceeds the factor, the short one has recovered: resolved.
      scenario(
        `burn stopped ${burn.shortWindow}+ ago stays silent`,
        [{ badPerSecond: bad, minutes: long }, { badPerSecond: 0, minutes: short + (long >= 24 * H ? H : 10) }],
        false,
      ),
      // The short window exceeds the factor, the long one does not yet: not enough budget spent.
      scenario(
        `a ${burn.shortWindow} spike after a clean ${burn.longWindow} stays silent`,
        [{ badPerSecond: 0, minutes: long }, { badPerSecond: bad, minutes: short }],
        false,
      ),
      scenario('no errors stays silent', [{ badPerSecond: 0, minutes: long + short }], false),
    );
  }
}

function minutes(window: string): number {
  const n = Number(window.slice(0, -1));
  return { m: 1, h: 60, d: 1440 }[window.slice(-1) as 'm' | 'h' | 'd'] * n;
}

describe('SLO rules under promtool', () => {
  test('every burn-rate alert has firing and silent cases, the window pairs of the SRE workbook', () => {
    expect(BURN_RATE_ALERTS.map((b) => [b.burnRate, b.longWindow, b.shortWindow])).toEqual([
      [14.4, '1h', '5m'],
      [6, '6h', '30m'],
      [3, '1d', '2h'],
      [1, '3d', '6h'],
    ]);
    const names = alertingRules(groups).map((r) => r.alert);
    expect(names).toHaveLength(8);
    for (const name of names) {
      const checks = burnScenarios.filter((s) => s.check.alertname === name).map((s) => s.check.exp_alerts.length > 0);
      expect({ name, firing: checks.includes(true), silent: checks.includes(false) }).toEqual({ name, firing: true, silent: true });
    }
  });

  for (const c of RATIO_CASES) {
    promtoolTest(`recorded ${c.name}`, () => {
      const test: PromqlExprTest = {
        expr: pinned(recorded('5m', c.slo)),
        eval_time: '10m',
        exp_samples: c.expected === undefined ? [] : [{ labels: `{namespace="shop",slo="${c.slo}",workflow="shop"}`, value: c.expected }],
      };
      const result = testRules(PROMTOOL!, sloRuleGroups(c.input), [{ name: c.name, input_series: c.series, promql_expr_test: [test] }]);
      if (!result.ok) throw new Error(result.output);
    });
  }

  for (const s of burnScenarios) {
    promtoolTest(s.name, () => {
      const result = testRules(PROMTOOL!, groups, [{ name: s.name, interval: `${s.stepMinutes}m`, input_series: s.series, alert_rule_test: [s.check] }], {
        evaluationInterval: `${s.stepMinutes}m`,
      });
      if (!result.ok) throw new Error(result.output);
    });
  }
});
