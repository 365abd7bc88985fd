/**
 * Every workflow of an environment in one table (`npm run plan` without --workflow): each planned
 * with its own profile, pod requests and HPA targets, so the pods sized and the cores priced are the
 * same numbers (priced cores = compute core-hours ÷ hours per month = pods at HPA max × requested cores).
 */
import { PROVIDERS } from '../config/features/capacity';
import { PlanReport, formatPlanJson } from './format';

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const num = (n: number) => NUMBER.format(n);

/** Cores the compute line bills for: its core-hours over the month's hours. */
export function pricedCores(r: PlanReport): number {
  const m = r.plan.monthlyCost;
  return m.providers.aws.items.compute.billedQuantity / m.hoursPerMonth;
}

export function formatPlanSummaryJson(environment: string | undefined, reports: readonly PlanReport[]): string {
  const workflows = reports.map((r) => JSON.parse(formatPlanJson(r)));
  const totals = {
    podsAtMaxReplicas: reports.reduce((s, r) => s + r.plan.pods.recommendedMaxReplicas, 0),
    requestedCoresAtMaxReplicas: reports.reduce((s, r) => s + r.plan.pods.requestedCoresAtMaxReplicas, 0),
    monthlyCost: Object.fromEntries(PROVIDERS.map((p) => [p, reports.reduce((s, r) => s + r.plan.monthlyCost.providers[p].total, 0)])),
  };
  return `${JSON.stringify({ environment: environment ?? null, workflows, totals }, null, 2)}\n`;
}

export function formatPlanSummaryTable(environment: string | undefined, reports: readonly PlanReport[]): string {
  const currency = reports[0]?.plan.monthlyCost.currency ?? 'USD';
  const header = ['workflow', 'profile', 'pod request', 'plan HPA min–max', 'configured', 'pods × cores = requested', 'priced cores', ...PROVIDERS.map((p) => `${p} ${currency}/month`)];
  const rows = reports.map((r) => {
    const p = r.plan.pods;
    const c = r.configuredReplicas;
    return [
      r.workflow ?? 'workflowDefaults', r.plan.profileName,
      `${num(p.podSizing.cpuRequestCores)} cores / ${num(p.podSizing.memoryRequestMebibytes)} MiB`,
      `${num(p.recommendedMinReplicas)}–${num(p.recommendedMaxReplicas)}`,
      c ? `${num(c.minReplicas)}–${num(c.maxReplicas)}${r.capacity.applyToEnvironment ? ' (replaced)' : ''}` : '',
      `${num(p.recommendedMaxReplicas)} × ${num(p.podSizing.cpuRequestCores)} = ${num(p.requestedCoresAtMaxReplicas)}`,
      num(pricedCores(r)),
      ...PROVIDERS.map((pr) => MONEY.format(r.plan.monthlyCost.providers[pr].total)),
    ];
  });
  const sum = (f: (r: PlanReport) => number) => reports.reduce((s, r) => s + f(r), 0);
  rows.push([
    'total', '', '', '', '',
    `${num(sum((r) => r.plan.pods.recommendedMaxReplicas))} pods = ${num(sum((r) => r.plan.pods.requestedCoresAtMaxReplicas))}`,
    num(sum(pricedCores)),
    ...PROVIDERS.map((pr) => MONEY.format(sum((r) => r.plan.monthlyCost.providers[pr].total))),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const text = all.map((r) => r.map((cell, c) => (c < 6 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
  return [
    `Capacity plan for every workflow (${environment ? `environment "${environment}"` : 'defaults only'}); each workflow planned with its own profile, requests and HPA targets`,
    '',
    ...text,
    '',
    'Each workflow is priced at its recommended HPA max × its requested cores (held all month), plus its own storage, transfer and managed-services lines;',
    'a profile set only on the environment is applied to every workflow, so set `capacity.profile` per workflow for its own traffic.',
    'Details and assumptions for one workflow: npm run plan -- --env NAME --workflow NAME',
    '',
  ].join('\n');
}
