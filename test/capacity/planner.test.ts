import { capacitySchema, CapacityConfigInput } from '../../src/config/features/capacity';
import { ceilTolerant, planCapacity, PodSizing } from '../../src/capacity/planner';

/** The default environment pod shape: 250m / 256Mi, HPA targets 70 % / 80 %. */
const POD: PodSizing = { cpuRequestCores: 0.25, memoryRequestMebibytes: 256, cpuTargetUtilization: 0.7, memoryTargetUtilization: 0.8 };

const plan = (input: CapacityConfigInput = {}, pod: PodSizing = POD) => planCapacity(capacitySchema.parse(input), pod);

describe('the playbook example profile (10,000 DAU, 15 %, 50 requests/user/peak hour, 3 s, 0.5 MiB)', () => {
  // Hand computation, written out:
  //   peak sessions = 10,000 × 0.15                        = 1,500
  //   peak RPS      = 1,500 × 50 / 3,600                    = 20.8333…
  //   cores         = 20.8333 × 0.1 × 1.5                   = 3.125        → 4
  //   memory GiB    = (1,500 × 50 + 0.5 × 20.8333 × 3) / 1024 × 1.3
  //                 = (75,000 + 31.25) / 1024 × 1.3 = 97,540.625 / 1024 = 95.2545… → 96
  //                   (the "95.26" is this figure rounded up at two decimals)
  //   storage GiB   = 10,000 × 10 × 30 / 1024               = 2,929.6875   → 2,930
  const p = plan();

  it('reproduces load, cores, memory and storage', () => {
    expect(p.profileName).toBe('playbook-reference');
    expect(p.load.peakConcurrentSessions).toBe(1500);
    expect(p.load.peakRequestsPerSecond).toBeCloseTo(75_000 / 3600, 10);
    expect(p.load.peakRequestsPerSecond.toFixed(2)).toBe('20.83');
    expect(p.cpu.requiredCores).toBeCloseTo(3.125, 10);
    expect(p.cpu.requiredCoresRoundedUp).toBe(4);
    expect(p.memory.requiredGibibytes).toBeCloseTo(97_540.625 / 1024, 10);
    expect(Math.ceil(p.memory.requiredGibibytes * 100) / 100).toBe(95.26);
    expect(p.memory.requiredGibibytesRoundedUp).toBe(96);
    expect(p.storage.requiredGibibytes).toBe(2929.6875);
    expect(p.storage.requiredGibibytesRoundedUp).toBe(2930);
  });

  it('derives the average load from daily requests / 86,400 s', () => {
    // daily requests = 10,000 × 50 = 500,000; average RPS = 500,000 / 86,400 = 5.787…
    expect(p.load.dailyRequests).toBe(500_000);
    expect(p.load.averageRequestsPerSecond).toBeCloseTo(500_000 / 86_400, 10);
    // sessions scale with the rate: 1,500 × 5.787 / 20.833 = 416.67
    expect(p.load.averageConcurrentSessions).toBeCloseTo(1500 * (500_000 / 86_400) / (75_000 / 3600), 8);
    expect(p.cpu.averageLoadCores).toBeCloseTo((500_000 / 86_400) * 0.1 * 1.5, 10);
  });

  it('computes network in decimal megabits per second and gigabytes per month', () => {
    // peak: 20.8333 requests/s × 2 MB × 8 bit/byte = 333.33 Mbit/s
    expect(p.network.peakMegabitsPerSecond).toBeCloseTo(333.3333, 3);
    // month (average basis): 500,000 requests/day × 30 days × 2 MB / 1000 = 30,000 GB
    expect(p.network.monthlyGigabytesTransferred).toBeCloseTo(30_000, 6);
  });

  it('counts pods at the environment requests and targets', () => {
    // cpu: 3.125 / (0.25 × 0.7) = 17.86 → 18; memory: 97,540.625 MiB / (256 × 0.8) = 476.27 → 477
    expect(p.pods.peakPodCountForCpu).toBe(18);
    expect(p.pods.peakPodCountForMemory).toBe(477);
    expect(p.pods.impliedPodCount).toBe(477);
    expect(p.pods.limitingResource).toBe('memory');
    // average memory: (416.667 × 50 + 0.5 × 5.787 × 3) × 1.3 = 27,094.6 MiB / 204.8 = 132.3 → 133
    expect(p.pods.averageLoadPodCount).toBe(133);
    expect(p.pods.recommendedMinReplicas).toBe(133);
    expect(p.pods.recommendedMaxReplicas).toBe(477);
    expect(p.pods.requestedCoresAtMaxReplicas).toBeCloseTo(477 * 0.25, 10);
  });

  it('prices what the pods reserve: pods × requested cores = priced cores (not the 4 cores of demand)', () => {
    // The defect: 133–477 pods of 0.25 cores were sized while 4 cores were priced.
    const aws = p.monthlyCost.providers.aws;
    const pricedCores = aws.items.compute.billedQuantity / p.monthlyCost.hoursPerMonth;
    const pricedGibibytes = aws.items.memory.billedQuantity / p.monthlyCost.hoursPerMonth;
    expect(pricedCores).toBeCloseTo(p.pods.recommendedMaxReplicas * p.pods.podSizing.cpuRequestCores, 10); // 477 × 0.25 = 119.25
    expect(pricedGibibytes).toBeCloseTo((p.pods.recommendedMaxReplicas * p.pods.podSizing.memoryRequestMebibytes) / 1024, 10);
    expect(pricedCores).toBeCloseTo(p.pods.requestedCoresAtMaxReplicas, 10);
    expect(pricedCores).toBeGreaterThan(p.cpu.requiredCores);
  });

  it('itemizes the AWS month with stated bases', () => {
    const aws = p.monthlyCost.providers.aws;
    expect(aws.items.compute.cost).toBeCloseTo(119.25 * 720 * 0.05, 6); // 4,293
    expect(aws.items.memory.cost).toBeCloseTo(119.25 * 720 * 0.01, 6); // 858.60
    expect(aws.items.storage.cost).toBeCloseTo(2930 * 0.1, 6); // 293
    expect(aws.items.transfer.cost).toBeCloseTo(30_000 * 0.09, 6); // 2,700
    expect(aws.items.managedServices.cost).toBe(500);
    expect(aws.total).toBeCloseTo(4293 + 858.6 + 293 + 2700 + 500, 6);
    expect(aws.items.compute.basis).toMatch(/^pods: recommended HPA max × cpu request/);
    expect(aws.items.transfer.basis).toMatch(/^average/);
    expect(aws.items.memory.billedUnit).toBe('GiB-hour');
  });

  it('prices GCP and Azure with their own rates', () => {
    // GCP: 119.25×720×0.047 + 119.25×720×0.0094 + 2930×0.10 + 30,000×0.085 + 500
    expect(p.monthlyCost.providers.gcp.total).toBeCloseTo(4035.42 + 807.084 + 293 + 2550 + 500, 6);
    // Azure: 119.25×720×0.048 + 119.25×720×0.0095 + 2930×0.096 + 30,000×0.087 + 500
    expect(p.monthlyCost.providers.azure.total).toBeCloseTo(4121.28 + 815.67 + 281.28 + 2610 + 500, 6);
  });
});

describe('a small profile', () => {
  // 100 DAU × 0.1 = 10 sessions; 10 × 36 / 3600 = 0.1 RPS; cores = 0.1 × 0.1 × 1.5 = 0.015
  // memory = (10 × 50 + 1 × 0.1 × 2) / 1024 × 1.3 = 650.26 MiB = 0.635 GiB
  const small = plan(
    { profile: { dailyActiveUsers: 100, peakConcurrentRatio: 0.1, requestsPerUserPeakHour: 36, workflowDurationSeconds: 2, payloadPerRequestMebibytes: 1 } },
    { cpuRequestCores: 1, memoryRequestMebibytes: 1024, cpuTargetUtilization: 1, memoryTargetUtilization: 1 },
  );

  it('computes the figures by hand', () => {
    expect(small.load.peakRequestsPerSecond).toBeCloseTo(0.1, 12);
    expect(small.cpu.requiredCores).toBeCloseTo(0.015, 12);
    expect(small.memory.requiredGibibytes).toBeCloseTo(650.26 / 1024, 12);
    expect(small.memory.requiredGibibytesRoundedUp).toBe(1);
  });

  it('keeps the HPA minimum at the floor of 2 and the maximum at least the minimum', () => {
    expect(small.pods.impliedPodCount).toBe(1);
    expect(small.pods.recommendedMinReplicas).toBe(2);
    expect(small.pods.recommendedMaxReplicas).toBe(2);
  });

  it('honours a higher floor for HA', () => {
    const ha = plan({ minimumReplicas: 3, profile: { dailyActiveUsers: 100 } });
    expect(ha.pods.recommendedMinReplicas).toBe(3);
    expect(ha.pods.recommendedMaxReplicas).toBeGreaterThanOrEqual(3);
  });
});

describe('unit consistency', () => {
  const base = plan();
  const doubled = plan({ profile: { dailyActiveUsers: 20_000 } });

  it('doubling daily active users doubles cores, memory, storage, network and variable cost', () => {
    expect(doubled.cpu.requiredCores).toBeCloseTo(2 * base.cpu.requiredCores, 10);
    expect(doubled.memory.requiredGibibytes).toBeCloseTo(2 * base.memory.requiredGibibytes, 10);
    expect(doubled.storage.requiredGibibytes).toBeCloseTo(2 * base.storage.requiredGibibytes, 10);
    expect(doubled.network.peakMegabitsPerSecond).toBeCloseTo(2 * base.network.peakMegabitsPerSecond, 10);
    expect(doubled.network.monthlyGigabytesTransferred).toBeCloseTo(2 * base.network.monthlyGigabytesTransferred, 6);
    expect(doubled.monthlyCost.providers.aws.items.transfer.cost).toBeCloseTo(2 * base.monthlyCost.providers.aws.items.transfer.cost, 6);
  });

  it('a higher peak ratio raises peak demand but not storage or monthly transfer', () => {
    const peaky = plan({ profile: { peakConcurrentRatio: 0.3 } });
    expect(peaky.cpu.requiredCores).toBeCloseTo(2 * base.cpu.requiredCores, 10);
    expect(peaky.storage.requiredGibibytes).toBe(base.storage.requiredGibibytes);
    expect(peaky.network.monthlyGigabytesTransferred).toBeCloseTo(base.network.monthlyGigabytesTransferred, 6);
  });

  it('transfer in GB equals megabits per second × seconds / 8 / 1000', () => {
    const seconds = 720 * 3600;
    expect(base.network.monthlyGigabytesTransferred).toBeCloseTo((base.network.averageMegabitsPerSecond * seconds) / 8 / 1000, 6);
  });

  it('zero headroom gives the bare demand: cores = RPS × core-seconds', () => {
    const bare = plan({ coefficients: { cpuHeadroomRatio: 0, memoryHeadroomRatio: 0 } });
    expect(bare.cpu.requiredCores).toBeCloseTo(75_000 / 3600 * 0.1, 10);
    expect(bare.memory.requiredGibibytes).toBeCloseTo(75_031.25 / 1024, 10);
  });

  it('halving the pod memory request doubles the memory-bound pod count (within rounding)', () => {
    const halfPods = plan({}, { ...POD, memoryRequestMebibytes: 128 });
    expect(halfPods.pods.peakPodCountForMemory).toBe(Math.ceil(97_540.625 / (128 * 0.8)));
  });

  it('an explicit daily request count moves only the average', () => {
    const busy = plan({ profile: { requestsPerUserPerDay: 100 } });
    expect(busy.load.averageRequestsPerSecond).toBeCloseTo(1_000_000 / 86_400, 10);
    expect(busy.load.peakRequestsPerSecond).toBe(base.load.peakRequestsPerSecond);
  });
});

describe('guards', () => {
  it('rejects a pod sizing that cannot hold load', () => {
    expect(() => plan({}, { ...POD, cpuTargetUtilization: 70 })).toThrow(/cpuTargetUtilization = 70: must be a ratio in \(0, 1\]/);
    expect(() => plan({}, { ...POD, memoryRequestMebibytes: 0 })).toThrow(/memoryRequestMebibytes = 0/);
  });

  it('rounds up without floating-point dust', () => {
    expect(ceilTolerant(3.0000000000000004)).toBe(3);
    expect(ceilTolerant(3.001)).toBe(4);
    expect(ceilTolerant(0.2)).toBe(1);
  });
});
