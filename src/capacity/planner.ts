/**
 * Capacity plan from a workload profile: a pure function, unit-correct, with the unit in every name.
 *
 * The formulas are the reference playbook's, with its unit errors fixed:
 *   peak concurrent sessions = DAU × peakConcurrentRatio
 *   peak requests/s          = peak sessions × requestsPerUserPeakHour / 3600
 *   required cores           = peak requests/s × core-seconds/request × (1 + CPU headroom)
 *   required memory GiB      = (peak sessions × MiB/session + MiB payload × peak requests/s × duration s)
 *                              / 1024 × (1 + memory headroom)   (requests/s × s = requests in flight)
 *   storage GiB              = DAU × MiB/user-day × retention days / 1024
 * The playbook turns MB/s into "Mbps" by × 8 / 1024 and then bills Mbps × hours as gigabytes; here
 * megabits/s = MB/request × requests/s × 8, and transfer is GB = MB/s × seconds in the month / 1000.
 *
 * Average load (the HPA minimum and the monthly transfer): the profile's request figure is for the
 * peak hour, so the average needs a daily figure. Daily requests = DAU × requestsPerUserPerDay, which
 * defaults to requestsPerUserPeakHour (a user's day amounts to one peak-hour's worth of requests);
 * average requests/s = daily requests / 86,400. Average concurrent sessions scale with the request
 * rate: peak sessions × average rate / peak rate.
 */
import { CapacityConfig, Provider, PROVIDERS, ProviderPrices } from '../config/features/capacity';

/** The pod shape the plan is expressed in: one environment's requests and HPA targets. */
export interface PodSizing {
  /** CPU request of one pod, in cores (e.g. 0.25 for "250m"). */
  readonly cpuRequestCores: number;
  /** Memory request of one pod, in MiB (e.g. 256 for "256Mi"). */
  readonly memoryRequestMebibytes: number;
  /** HPA CPU target as a ratio (0–1] of the request (70 % → 0.7). */
  readonly cpuTargetUtilization: number;
  /** HPA memory target as a ratio (0–1] of the request. */
  readonly memoryTargetUtilization: number;
}

export interface LoadEstimate {
  readonly peakConcurrentSessions: number;
  readonly averageConcurrentSessions: number;
  readonly peakRequestsPerSecond: number;
  readonly averageRequestsPerSecond: number;
  readonly dailyRequests: number;
}

export interface CpuDemand {
  /** At peak, with headroom. */
  readonly requiredCores: number;
  readonly requiredCoresRoundedUp: number;
  /** At the average request rate, with headroom. */
  readonly averageLoadCores: number;
}

export interface MemoryDemand {
  /** At peak, with headroom. */
  readonly requiredGibibytes: number;
  readonly requiredGibibytesRoundedUp: number;
  /** At the average load, with headroom. */
  readonly averageLoadGibibytes: number;
}

export interface StorageDemand {
  /** Data held once `retentionDays` of it have accumulated. */
  readonly requiredGibibytes: number;
  readonly requiredGibibytesRoundedUp: number;
  readonly retentionDays: number;
}

export interface NetworkDemand {
  /** Decimal megabits (10^6 bits) per second at the peak request rate. */
  readonly peakMegabitsPerSecond: number;
  readonly averageMegabitsPerSecond: number;
  /** Decimal gigabytes in a month at the average request rate. */
  readonly monthlyGigabytesTransferred: number;
}

export interface PodPlan {
  readonly podSizing: PodSizing;
  /** Pods needed at peak for CPU: ceil(required cores / (request × target)). */
  readonly peakPodCountForCpu: number;
  /** Pods needed at peak for memory: ceil(required MiB / (request × target)). */
  readonly peakPodCountForMemory: number;
  /** The larger of the two: pods at the environment's requests and targets. */
  readonly impliedPodCount: number;
  readonly limitingResource: 'cpu' | 'memory';
  /** Pods the average load needs, by the same rule. */
  readonly averageLoadPodCount: number;
  /** max(average-load pods, `minimumReplicas`). */
  readonly recommendedMinReplicas: number;
  /** max(implied pod count, recommended minimum). */
  readonly recommendedMaxReplicas: number;
  /** What the pods ask the scheduler for at the maximum: shows an unbalanced pod shape. */
  readonly requestedCoresAtMaxReplicas: number;
  readonly requestedGibibytesAtMaxReplicas: number;
}

export type CostItemName = 'compute' | 'memory' | 'storage' | 'transfer' | 'managedServices';

export interface CostItem {
  readonly billedQuantity: number;
  readonly billedUnit: 'core-hour' | 'GiB-hour' | 'GiB-month' | 'GB' | 'month';
  readonly unitPrice: number;
  readonly cost: number;
  /** What the quantity is based on (peak or average, rounded or not). */
  readonly basis: string;
}

export interface ProviderMonthlyCost {
  readonly items: Readonly<Record<CostItemName, CostItem>>;
  readonly total: number;
}

export interface MonthlyCost {
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly providers: Readonly<Record<Provider, ProviderMonthlyCost>>;
}

export interface CapacityPlan {
  readonly profileName: string;
  readonly load: LoadEstimate;
  readonly cpu: CpuDemand;
  readonly memory: MemoryDemand;
  readonly storage: StorageDemand;
  readonly network: NetworkDemand;
  readonly pods: PodPlan;
  readonly monthlyCost: MonthlyCost;
  /** Modelling assumptions, in words, for readers of the report. */
  readonly assumptions: readonly string[];
}

/**
 * Share of a pod's memory request the plan fills when the HPA has no memory target (the default:
 * a Python server's memory does not fall with load, so it is sized for, not scaled on).
 */
export const PLANNED_MEMORY_FILL_PERCENT = 80;

const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 86_400;
const MEBIBYTES_PER_GIBIBYTE = 1024;
const BITS_PER_BYTE = 8;
const MEGABYTES_PER_GIGABYTE = 1000;

export const COST_BASIS: Readonly<Record<CostItemName, string>> = {
  compute: 'pods: recommended HPA max × cpu request, held all month (what the scheduler reserves)',
  memory: 'pods: recommended HPA max × memory request, held all month (what the scheduler reserves)',
  storage: 'retention: GiB held once retentionDays of data accumulate, rounded up',
  transfer: 'average: average request rate × MB/request over the month; all of it priced as billable transfer',
  managedServices: 'flat: managed Postgres, Redis, monitoring…',
};

export const PLAN_ASSUMPTIONS: readonly string[] = [
  'requestsPerUserPeakHour applies to the peak concurrent sessions during the peak hour',
  'average load = DAU × requestsPerUserPerDay / 86,400 s; requestsPerUserPerDay defaults to requestsPerUserPeakHour',
  'in-flight payload = payload MiB × requests/s × workflow seconds (Little\'s law)',
  'memory and storage in binary units (MiB, GiB); network in decimal units (MB, Mbit/s, GB)',
  'pod counts use unrounded demand; compute and memory are priced as the pods request them at the HPA maximum (so sizing and cost agree); storage is rounded up',
];

export function planCapacity(capacity: CapacityConfig, podSizing: PodSizing): CapacityPlan {
  checkPodSizing(podSizing);
  const { profile, coefficients, prices } = capacity;

  const peakConcurrentSessions = profile.dailyActiveUsers * profile.peakConcurrentRatio;
  const peakRequestsPerSecond = (peakConcurrentSessions * profile.requestsPerUserPeakHour) / SECONDS_PER_HOUR;
  const dailyRequests = profile.dailyActiveUsers * (profile.requestsPerUserPerDay ?? profile.requestsPerUserPeakHour);
  const averageRequestsPerSecond = dailyRequests / SECONDS_PER_DAY;
  const averageConcurrentSessions = peakConcurrentSessions * (averageRequestsPerSecond / peakRequestsPerSecond);

  const cpuFactor = coefficients.cpuCoreSecondsPerRequest * (1 + coefficients.cpuHeadroomRatio);
  const requiredCores = peakRequestsPerSecond * cpuFactor;
  const averageLoadCores = averageRequestsPerSecond * cpuFactor;

  const memoryGibibytes = (sessions: number, requestsPerSecond: number): number => {
    const sessionMebibytes = sessions * coefficients.memoryMebibytesPerSession;
    const inFlightMebibytes = profile.payloadPerRequestMebibytes * requestsPerSecond * profile.workflowDurationSeconds;
    return ((sessionMebibytes + inFlightMebibytes) / MEBIBYTES_PER_GIBIBYTE) * (1 + coefficients.memoryHeadroomRatio);
  };
  const requiredGibibytes = memoryGibibytes(peakConcurrentSessions, peakRequestsPerSecond);
  const averageLoadGibibytes = memoryGibibytes(averageConcurrentSessions, averageRequestsPerSecond);

  const storageGibibytes =
    (profile.dailyActiveUsers * coefficients.storageMebibytesPerUserDay * coefficients.retentionDays) / MEBIBYTES_PER_GIBIBYTE;

  const megabitsPerSecond = (requestsPerSecond: number) =>
    requestsPerSecond * coefficients.networkMegabytesPerRequest * BITS_PER_BYTE;
  const monthlyGigabytesTransferred =
    (averageRequestsPerSecond * coefficients.networkMegabytesPerRequest * SECONDS_PER_HOUR * prices.hoursPerMonth) /
    MEGABYTES_PER_GIGABYTE;

  const podsFor = (cores: number, gibibytes: number) => ({
    cpu: ceilTolerant(cores / (podSizing.cpuRequestCores * podSizing.cpuTargetUtilization)),
    memory: ceilTolerant(
      (gibibytes * MEBIBYTES_PER_GIBIBYTE) / (podSizing.memoryRequestMebibytes * podSizing.memoryTargetUtilization),
    ),
  });
  const peakPods = podsFor(requiredCores, requiredGibibytes);
  const averagePods = podsFor(averageLoadCores, averageLoadGibibytes);
  const impliedPodCount = Math.max(peakPods.cpu, peakPods.memory);
  const averageLoadPodCount = Math.max(averagePods.cpu, averagePods.memory);
  const recommendedMinReplicas = Math.max(averageLoadPodCount, capacity.minimumReplicas);
  const recommendedMaxReplicas = Math.max(impliedPodCount, recommendedMinReplicas);

  const cpu: CpuDemand = { requiredCores, requiredCoresRoundedUp: ceilTolerant(requiredCores), averageLoadCores };
  const memory: MemoryDemand = {
    requiredGibibytes,
    requiredGibibytesRoundedUp: ceilTolerant(requiredGibibytes),
    averageLoadGibibytes,
  };
  const storage: StorageDemand = {
    requiredGibibytes: storageGibibytes,
    requiredGibibytesRoundedUp: ceilTolerant(storageGibibytes),
    retentionDays: coefficients.retentionDays,
  };
  const network: NetworkDemand = {
    peakMegabitsPerSecond: megabitsPerSecond(peakRequestsPerSecond),
    averageMegabitsPerSecond: megabitsPerSecond(averageRequestsPerSecond),
    monthlyGigabytesTransferred,
  };

  // What is priced is what the pods reserve: the HPA maximum at the pod's requests, not the demand.
  const reserved = {
    cores: recommendedMaxReplicas * podSizing.cpuRequestCores,
    gibibytes: (recommendedMaxReplicas * podSizing.memoryRequestMebibytes) / MEBIBYTES_PER_GIBIBYTE,
  };
  const providers = Object.fromEntries(
    PROVIDERS.map((p) => [p, providerCost(prices[p], reserved, storage, network, prices)]),
  ) as Record<Provider, ProviderMonthlyCost>;

  return {
    profileName: profile.name,
    load: {
      peakConcurrentSessions,
      averageConcurrentSessions,
      peakRequestsPerSecond,
      averageRequestsPerSecond,
      dailyRequests,
    },
    cpu,
    memory,
    storage,
    network,
    pods: {
      podSizing: { ...podSizing },
      peakPodCountForCpu: peakPods.cpu,
      peakPodCountForMemory: peakPods.memory,
      impliedPodCount,
      limitingResource: peakPods.memory > peakPods.cpu ? 'memory' : 'cpu',
      averageLoadPodCount,
      recommendedMinReplicas,
      recommendedMaxReplicas,
      requestedCoresAtMaxReplicas: recommendedMaxReplicas * podSizing.cpuRequestCores,
      requestedGibibytesAtMaxReplicas: (recommendedMaxReplicas * podSizing.memoryRequestMebibytes) / MEBIBYTES_PER_GIBIBYTE,
    },
    monthlyCost: { currency: prices.currency, hoursPerMonth: prices.hoursPerMonth, providers },
    assumptions: PLAN_ASSUMPTIONS,
  };
}

function providerCost(
  rates: ProviderPrices,
  reserved: { readonly cores: number; readonly gibibytes: number },
  storage: StorageDemand,
  network: NetworkDemand,
  prices: CapacityConfig['prices'],
): ProviderMonthlyCost {
  const item = (name: CostItemName, billedQuantity: number, billedUnit: CostItem['billedUnit'], unitPrice: number): CostItem => ({
    billedQuantity,
    billedUnit,
    unitPrice,
    cost: billedQuantity * unitPrice,
    basis: COST_BASIS[name],
  });
  const items: Record<CostItemName, CostItem> = {
    compute: item('compute', reserved.cores * prices.hoursPerMonth, 'core-hour', rates.perCoreHour),
    memory: item('memory', reserved.gibibytes * prices.hoursPerMonth, 'GiB-hour', rates.perGibibyteMemoryHour),
    storage: item('storage', storage.requiredGibibytesRoundedUp, 'GiB-month', rates.perGibibyteStorageMonth),
    transfer: item('transfer', network.monthlyGigabytesTransferred, 'GB', rates.perGigabyteTransferred),
    managedServices: item('managedServices', 1, 'month', prices.managedServicesPerMonth),
  };
  const total = Object.values(items).reduce((sum, i) => sum + i.cost, 0);
  return { items, total };
}

function checkPodSizing(s: PodSizing): void {
  const fail = (field: keyof PodSizing, expected: string) => {
    throw new RangeError(`pod sizing ${field} = ${s[field]}: must be ${expected}`);
  };
  if (!(s.cpuRequestCores > 0)) fail('cpuRequestCores', 'greater than 0 (set resources.requests.cpu)');
  if (!(s.memoryRequestMebibytes > 0)) fail('memoryRequestMebibytes', 'greater than 0 (set resources.requests.memory)');
  if (!(s.cpuTargetUtilization > 0 && s.cpuTargetUtilization <= 1)) fail('cpuTargetUtilization', 'a ratio in (0, 1], e.g. 0.7');
  if (!(s.memoryTargetUtilization > 0 && s.memoryTargetUtilization <= 1)) fail('memoryTargetUtilization', 'a ratio in (0, 1], e.g. 0.8');
}

/** Round up, ignoring floating-point dust: 3.0000000000004 is 3 pods, not 4. */
export function ceilTolerant(x: number): number {
  return Math.ceil(x - 1e-9 * Math.max(1, Math.abs(x)));
}
