import { capacitySchema } from '../../../src/config/features/capacity';

const messages = (input: unknown) => {
  const r = capacitySchema.safeParse(input);
  if (r.success) throw new Error('expected the input to be rejected');
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('capacitySchema', () => {
  it('fills every default from the issue when the block is empty', () => {
    const c = capacitySchema.parse({});
    expect(c.profile).toEqual({
      name: 'playbook-reference',
      dailyActiveUsers: 10_000,
      peakConcurrentRatio: 0.15,
      requestsPerUserPeakHour: 50,
      workflowDurationSeconds: 3,
      payloadPerRequestMebibytes: 0.5,
    });
    expect(c.coefficients).toEqual({
      cpuCoreSecondsPerRequest: 0.1,
      memoryMebibytesPerSession: 50,
      storageMebibytesPerUserDay: 10,
      networkMegabytesPerRequest: 2,
      cpuHeadroomRatio: 0.5,
      memoryHeadroomRatio: 0.3,
      retentionDays: 30,
    });
    expect(c.prices.aws).toEqual({ perCoreHour: 0.05, perGibibyteMemoryHour: 0.01, perGibibyteStorageMonth: 0.1, perGigabyteTransferred: 0.09 });
    expect(c.prices.azure).toEqual({ perCoreHour: 0.048, perGibibyteMemoryHour: 0.0095, perGibibyteStorageMonth: 0.096, perGigabyteTransferred: 0.087 });
    expect(c.prices.gcp).toEqual({ perCoreHour: 0.047, perGibibyteMemoryHour: 0.0094, perGibibyteStorageMonth: 0.1, perGigabyteTransferred: 0.085 });
    expect(c.prices.managedServicesPerMonth).toBe(500);
    expect(c.prices.hoursPerMonth).toBe(720);
    expect(c.prices.currency).toBe('USD');
    expect(c.minimumReplicas).toBe(2);
    expect(c.applyToEnvironment).toBe(false);
  });

  it('keeps the other defaults when one field is set', () => {
    const c = capacitySchema.parse({ profile: { dailyActiveUsers: 5 }, prices: { aws: { perCoreHour: 1, perGibibyteMemoryHour: 0, perGibibyteStorageMonth: 0, perGigabyteTransferred: 0 } } });
    expect(c.profile.dailyActiveUsers).toBe(5);
    expect(c.profile.peakConcurrentRatio).toBe(0.15);
    expect(c.prices.gcp.perCoreHour).toBe(0.047);
  });

  it('rejects negative users', () => {
    expect(messages({ profile: { dailyActiveUsers: -5 } })).toEqual([
      'profile.dailyActiveUsers: must be at least 1 user (a plan for no users sizes nothing)',
    ]);
  });

  it('rejects a peak ratio above 1 and says to write a share, not a percentage', () => {
    expect(messages({ profile: { peakConcurrentRatio: 15 } })).toEqual([
      'profile.peakConcurrentRatio: must be at most 1 (a share of daily active users: write 0.15 for 15 %, not 15)',
    ]);
    expect(messages({ profile: { peakConcurrentRatio: 0 } })[0]).toMatch(/^profile.peakConcurrentRatio: must be greater than 0/);
  });

  it('accepts a ratio of exactly 1', () => {
    expect(capacitySchema.parse({ profile: { peakConcurrentRatio: 1 } }).profile.peakConcurrentRatio).toBe(1);
  });

  it('rejects zero duration, fractional users, a headroom written as a percentage, negative prices', () => {
    expect(messages({ profile: { workflowDurationSeconds: 0 } })[0]).toMatch(/^profile.workflowDurationSeconds: must be greater than 0/);
    expect(messages({ profile: { dailyActiveUsers: 10.5 } })[0]).toBe('profile.dailyActiveUsers: must be a whole number of users');
    expect(messages({ coefficients: { cpuHeadroomRatio: 50 } })[0]).toMatch(/^coefficients.cpuHeadroomRatio: is a ratio, not a percentage: write 0.5/);
    expect(messages({ prices: { managedServicesPerMonth: -1 } })[0]).toMatch(/^prices.managedServicesPerMonth: must not be negative/);
    expect(messages({ prices: { hoursPerMonth: 8760 } })[0]).toMatch(/at most 744 hours/);
  });

  it('rejects a daily request count that would put the average above the peak', () => {
    // 24 h × 0.15 × 50 = 180 requests/user/day at most
    expect(messages({ profile: { requestsPerUserPerDay: 181 } })[0]).toMatch(/^profile.requestsPerUserPerDay: implies an average request rate above the peak; at most 180/);
    expect(capacitySchema.parse({ profile: { requestsPerUserPerDay: 180 } }).profile.requestsPerUserPerDay).toBe(180);
  });

  it('rejects unknown keys, e.g. the playbook name', () => {
    const r = capacitySchema.safeParse({ profile: { avgRequestsPerUser: 50 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['avgRequestsPerUser'], path: ['profile'] });
  });

  it('rejects a profile name that cannot be an annotation value', () => {
    expect(messages({ profile: { name: 'Peak Season!' } })[0]).toMatch(/^profile.name: lower-case letters/);
  });
});
