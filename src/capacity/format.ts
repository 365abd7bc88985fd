/**
 * Two renderings of a capacity plan: a table for people at a terminal and JSON for tools.
 * Neither computes anything; every figure comes from the plan.
 */
import { CapacityConfig, Provider, PROVIDERS } from '../config/features/capacity';
import type { ConfiguredReplicas } from './inputs';
import { CapacityPlan, CostItemName } from './planner';

/** A plan together with what produced it. */
export interface PlanReport {
  /** Environment whose config was read; undefined when only defaults.yaml was. */
  readonly environment?: string;
  /** Workflow whose own profile and pod shape were planned; undefined for workflowDefaults. @default - none */
  readonly workflow?: string;
  /** Config files read, in merge order. */
  readonly sources: readonly string[];
  /** The validated `capacity:` block, defaults filled in. */
  readonly capacity: CapacityConfig;
  readonly plan: CapacityPlan;
  /** The environment's current HPA bounds, if it sets them. */
  readonly configuredReplicas?: ConfiguredReplicas;
}

/** JSON numbers keep 6 decimals: enough for any figure here, without floating-point dust. */
const JSON_DECIMALS = 6;

export function formatPlanJson(report: PlanReport): string {
  const body = {
    environment: report.environment ?? null,
    workflow: report.workflow ?? null,
    sources: report.sources,
    configuredReplicas: report.configuredReplicas ?? null,
    capacity: report.capacity,
    plan: report.plan,
  };
  const factor = 10 ** JSON_DECIMALS;
  return `${JSON.stringify(body, (_key, value) => (typeof value === 'number' ? Math.round(value * factor) / factor : value), 2)}\n`;
}

const COST_ROWS: readonly [CostItemName, string][] = [
  ['compute', 'compute'],
  ['memory', 'memory'],
  ['storage', 'storage'],
  ['transfer', 'transfer'],
  ['managedServices', 'managed services'],
];

export function formatPlanTable(report: PlanReport): string {
  const { plan, capacity } = report;
  const { profile } = capacity;
  const { load, cpu, memory, storage, network, pods, monthlyCost } = plan;
  const sizing = pods.podSizing;
  const where = `${report.workflow ? `workflow "${report.workflow}", ` : ''}${report.environment ? `environment "${report.environment}"` : 'defaults only'}`;

  const out: string[] = [];
  out.push(`Capacity plan for profile "${plan.profileName}" (${where}; read ${report.sources.join(', ') || 'no files: all defaults'})`);
  out.push(
    `Profile: ${num(profile.dailyActiveUsers)} daily active users, ${num(profile.peakConcurrentRatio * 100)} % concurrent at peak, ` +
      `${num(profile.requestsPerUserPeakHour)} requests/user in the peak hour` +
      (profile.requestsPerUserPerDay === undefined ? '' : `, ${num(profile.requestsPerUserPerDay)} requests/user/day`) +
      `, ${num(profile.workflowDurationSeconds)} s workflows, ${num(profile.payloadPerRequestMebibytes)} MiB payload/request`,
  );
  out.push('');

  out.push(
    table([
      ['Load', 'peak', 'average'],
      ['concurrent sessions', num(load.peakConcurrentSessions), num(load.averageConcurrentSessions)],
      ['requests per second', num(load.peakRequestsPerSecond), num(load.averageRequestsPerSecond)],
      ['network Mbit/s', num(network.peakMegabitsPerSecond), num(network.averageMegabitsPerSecond)],
      ['transfer GB per month', '', num(network.monthlyGigabytesTransferred)],
    ]),
  );
  out.push('');

  out.push(
    table([
      ['Resources (with headroom)', 'required', 'rounded up', 'average load'],
      [`CPU cores (+${num(capacity.coefficients.cpuHeadroomRatio * 100)} %)`, num(cpu.requiredCores), num(cpu.requiredCoresRoundedUp), num(cpu.averageLoadCores)],
      [`memory GiB (+${num(capacity.coefficients.memoryHeadroomRatio * 100)} %)`, num(memory.requiredGibibytes), num(memory.requiredGibibytesRoundedUp), num(memory.averageLoadGibibytes)],
      [`storage GiB (${storage.retentionDays} days kept)`, num(storage.requiredGibibytes), num(storage.requiredGibibytesRoundedUp), ''],
    ]),
  );
  out.push('');

  out.push(
    `Pods at ${num(sizing.cpuRequestCores)} cores / ${num(sizing.memoryRequestMebibytes)} MiB requested, ` +
      `HPA target ${num(sizing.cpuTargetUtilization * 100)} % CPU; memory planned at ${num(sizing.memoryTargetUtilization * 100)} % of the request`,
  );
  const limits = (r: 'cpu' | 'memory') => (pods.limitingResource === r ? 'limiting' : '');
  const configured = report.configuredReplicas;
  out.push(
    table([
      ['  pods for peak CPU', num(pods.peakPodCountForCpu), limits('cpu')],
      ['  pods for peak memory', num(pods.peakPodCountForMemory), limits('memory')],
      ['  implied pod count', num(pods.impliedPodCount), ''],
      ['  pods for average load', num(pods.averageLoadPodCount), ''],
      ['  recommended HPA min', num(pods.recommendedMinReplicas), `max(average-load pods, minimumReplicas ${capacity.minimumReplicas})`],
      ['  recommended HPA max', num(pods.recommendedMaxReplicas), 'max(implied pod count, HPA min)'],
      ...(configured
        ? [['  configured HPA min / max', `${num(configured.minReplicas)} / ${num(configured.maxReplicas)}`,
            capacity.applyToEnvironment ? 'replaced by the plan (applyToEnvironment)' : 'kept (applyToEnvironment: false)']]
        : []),
    ], [2]),
  );
  out.push(
    `  at HPA max the pods request ${num(pods.requestedCoresAtMaxReplicas)} cores and ${num(pods.requestedGibibytesAtMaxReplicas)} GiB ` +
      `(demand: ${num(cpu.requiredCores)} cores, ${num(memory.requiredGibibytes)} GiB)`,
  );
  out.push('');

  const providerCell = (p: Provider, item: CostItemName) => money(monthlyCost.providers[p].items[item].cost);
  const aws = monthlyCost.providers.aws.items;
  out.push(
    table([
      [`Monthly cost (${monthlyCost.currency}, ${num(monthlyCost.hoursPerMonth)} h)`, 'billed quantity', ...PROVIDERS, 'basis'],
      ...COST_ROWS.map(([item, label]) => [
        label,
        `${num(aws[item].billedQuantity)} ${aws[item].billedUnit}`,
        ...PROVIDERS.map((p) => providerCell(p, item)),
        aws[item].basis,
      ]),
      ['total', '', ...PROVIDERS.map((p) => money(monthlyCost.providers[p].total)), ''],
    ], [PROVIDERS.length + 2]),
  );
  out.push('');
  out.push('Assumptions:');
  for (const a of plan.assumptions) out.push(`  - ${a}`);
  return `${out.join('\n')}\n`;
}

/** Columns padded to their widest cell: figures right-aligned, the first column and `textColumns` left-aligned. */
function table(rows: readonly (readonly string[])[], textColumns: readonly number[] = []): string {
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const left = new Set([0, ...textColumns]);
  return rows
    .map((r) =>
      widths
        .map((w, c) => (left.has(c) ? (r[c] ?? '').padEnd(w) : (r[c] ?? '').padStart(w)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function num(n: number): string {
  return NUMBER.format(n);
}

function money(n: number): string {
  return MONEY.format(n);
}
