/**
 * SLO recording rules and multi-window, multi-burn-rate alerts (Google SRE workbook, ch. 5,
 * "Alerting on SLOs", table 5-8), for the availability and latency objectives in the config.
 *
 * Recording rules store each SLO's error ratio over every window an alert needs; an alert fires
 * when both its long and its short window burn the error budget faster than its factor. The short
 * window lets the alert resolve soon after the burn stops.
 */
import type { SliContract as Sli, SloObjectives } from './contracts';
import { errorRatio, latencyBuckets, promNumber, selector, eq, slowRequestRatio, type SliScope } from './promql';
import { runbookUrl } from './runbook-url';
import type { AlertingRule, RecordingRule, RuleGroup, Severity } from '../model/rule-group';

export type SloSettings = SloObjectives;
export type SloKind = 'availability' | 'latency';

export interface SloRulesInput {
  readonly workflow: string;
  readonly namespace: string;
  readonly sli: Sli;
  readonly slo: SloSettings;
  /** URL of docs/runbooks.md, without a fragment. */
  readonly runbookBaseUrl: string;
  /** The `job` label of the API's scrape targets (see AlertRulesInput.scrapeJob). */
  readonly scrapeJob: string;
}

export interface BurnRateAlert {
  readonly name: string;
  readonly severity: Severity;
  /** Multiple of the sustainable error rate (1 spends exactly the budget over the SLO period). */
  readonly burnRate: number;
  readonly longWindow: string;
  readonly shortWindow: string;
}

/** The workbook's four alerts: two pages, two tickets. */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { name: 'Page1h', severity: 'critical', burnRate: 14.4, longWindow: '1h', shortWindow: '5m' },
  { name: 'Page6h', severity: 'critical', burnRate: 6, longWindow: '6h', shortWindow: '30m' },
  { name: 'Ticket1d', severity: 'warning', burnRate: 3, longWindow: '1d', shortWindow: '2h' },
  { name: 'Ticket3d', severity: 'warning', burnRate: 1, longWindow: '3d', shortWindow: '6h' },
];

/** Every window some alert reads, shortest first. */
export const SLO_WINDOWS: readonly string[] = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/** Recorded series: `langgraph:slo_error_ratio:rate<window>{slo, namespace, workflow}`. */
export function sloErrorRatioRecord(window: string): string {
  return `langgraph:slo_error_ratio:rate${window}`;
}

/** Alert name, e.g. LangGraphAvailabilityBudgetBurnPage1h. */
export function burnRateAlertName(kind: SloKind, burn: BurnRateAlert): string {
  return `LangGraph${kind === 'availability' ? 'Availability' : 'Latency'}BudgetBurn${burn.name}`;
}

export const SLO_RUNBOOK_ANCHORS: Readonly<Record<SloKind, string>> = {
  availability: 'availability-slo-burn',
  latency: 'latency-slo-burn',
};

export function sloRuleGroups(input: SloRulesInput): RuleGroup[] {
  const scope: SliScope = { namespace: input.namespace, jobs: [input.scrapeJob] };
  const buckets = latencyBuckets(input.sli);
  const objectives: Record<SloKind, { target: number; errorRatio: (window: string) => string; meaning: string }> = {
    availability: {
      target: input.slo.availability,
      errorRatio: (w) => errorRatio(input.sli, scope, w),
      meaning: 'requests answered without a 5xx status',
    },
    latency: {
      target: input.slo.latency,
      errorRatio: (w) => slowRequestRatio(input.sli, scope, input.slo.latencyThresholdSeconds, w, buckets),
      meaning: `requests answered within ${input.slo.latencyThresholdSeconds}s (long-lived streaming and waiting routes excluded)`,
    },
  };

  const rules: (RecordingRule | AlertingRule)[] = [];
  for (const kind of ['availability', 'latency'] as const) {
    const objective = objectives[kind];
    const labels = { slo: kind, namespace: input.namespace, workflow: input.workflow };
    const recorded = (w: string) => selector(sloErrorRatioRecord(w), Object.entries(labels).map(([k, v]) => eq(k, v)).sort(byLabel));
    // The budget as PromQL will see it: 1 - 0.999 without float noise.
    const budget = promNumber(1 - objective.target);

    for (const window of SLO_WINDOWS) {
      rules.push({ record: sloErrorRatioRecord(window), expr: objective.errorRatio(window), labels: { ...labels } });
    }
    for (const burn of BURN_RATE_ALERTS) {
      const limit = `(${promNumber(burn.burnRate)} * ${budget})`;
      const exhaustion = budgetExhaustion(burn.burnRate);
      rules.push({
        alert: burnRateAlertName(kind, burn),
        expr: `${recorded(burn.longWindow)} > ${limit} and ${recorded(burn.shortWindow)} > ${limit}`,
        labels: {
          severity: burn.severity,
          namespace: input.namespace,
          workflow: input.workflow,
          slo: kind,
          long_window: burn.longWindow,
          short_window: burn.shortWindow,
        },
        annotations: {
          summary: `${input.workflow}: ${kind} error budget burning ${burn.burnRate}x too fast`,
          description:
            `The ${kind} SLO of ${input.workflow} in namespace ${input.namespace} (${percentText(objective.target)} of ` +
            `${objective.meaning}) is spending its error budget ${burn.burnRate} times faster than sustainable over both ` +
            `the last ${burn.longWindow} and the last ${burn.shortWindow}; at this pace the 30-day budget lasts ${exhaustion}.`,
          runbook_url: runbookUrl(input.runbookBaseUrl, SLO_RUNBOOK_ANCHORS[kind]),
        },
      });
    }
  }
  return [{ name: `langgraph-${input.workflow}-slo`, rules }];
}

function byLabel(a: { label: string }, b: { label: string }): number {
  return a.label.localeCompare(b.label);
}

function percentText(ratio: number): string {
  return `${promNumber(ratio * 100)}%`;
}

/** How long a 30-day budget lasts at a burn rate, in words. */
function budgetExhaustion(burnRate: number): string {
  const hours = (30 * 24) / burnRate;
  return hours < 48 ? `about ${promNumber(Math.round(hours))} hours` : `about ${promNumber(Math.round(hours / 24))} days`;
}
