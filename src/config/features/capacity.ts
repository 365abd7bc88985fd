/**
 * The `capacity:` block of an environment: a workload profile, the resource coefficients that turn
 * it into demand, and the monthly prices that turn demand into cost. Defaults reproduce the
 * reference playbook's example, so an environment without the block still gets a plan.
 *
 * Units are part of every name. Memory and storage are binary (MiB in, GiB out) because the
 * playbook divides by 1024 and Kubernetes sizes memory in Mi/Gi; network is decimal (MB, megabits,
 * GB) as link speeds and transfer bills are. Prices are per provider unit as billed: memory and disk
 * GB are GiB on AWS, Azure and GCP, so the price names say Gibibyte.
 */
import { z } from 'zod';

const positive = (what: string) => z.number().positive(`must be greater than 0 (${what})`);
const nonNegative = (what: string) => z.number().min(0, `must not be negative (${what})`);
/** A headroom ratio: 0.5 means 50 % spare. Above 4 is almost certainly a percentage typed as a ratio. */
const headroomRatio = (what: string) =>
  z
    .number()
    .min(0, `must not be negative (${what}; 0.5 means 50 % spare)`)
    .max(4, `is a ratio, not a percentage: write 0.5 for 50 % (${what})`);
const price = (what: string) => z.number().min(0, `must not be negative (a price ${what})`);

export const PROFILE_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const workloadProfileSchema = z
  .strictObject({
    name: z
      .string()
      .max(63, 'at most 63 characters (it becomes an annotation value and appears in reports)')
      .regex(PROFILE_NAME_PATTERN, 'lower-case letters, digits and "-", such as "peak-2025"')
      .default('playbook-reference').meta({ description: 'Names the profile; manifests sized from this plan carry it in an annotation.' }),
    dailyActiveUsers: z
      .number()
      .int('must be a whole number of users')
      .positive('must be at least 1 user (a plan for no users sizes nothing)')
      .default(10_000).meta({ description: 'Distinct users active on a day.' }),
    peakConcurrentRatio: z
      .number()
      .gt(0, 'must be greater than 0 (a share of daily active users, e.g. 0.15 for 15 %)')
      .lte(1, 'must be at most 1 (a share of daily active users: write 0.15 for 15 %, not 15)')
      .default(0.15).meta({ description: 'Share (0–1] of daily active users connected at the same time at the peak.' }),
    requestsPerUserPeakHour: positive('requests per user in the peak hour').default(50).meta({ description: 'Requests each concurrently connected user sends during the peak hour.' }),
    requestsPerUserPerDay: positive('requests per user per day').optional().meta({ description: 'Requests each daily active user sends over a whole day, for the average load (HPA minimum, monthly transfer). Unset: equal to `requestsPerUserPeakHour`, i.e. a user\'s day amounts to one peak-hour\'s worth of requests. Must not imply an average above the peak.' }),
    workflowDurationSeconds: positive('a workflow takes some time').default(3).meta({ description: 'Average time one workflow request holds its payload in memory, in seconds.' }),
    payloadPerRequestMebibytes: nonNegative('payload per request in MiB').default(0.5).meta({ description: 'Data held in memory per in-flight request, in MiB.' }),
  })
  .superRefine((profile, ctx) => {
    // Average request rate must not exceed the peak rate: daily ≤ 24 × ratio × peak-hour requests.
    if (profile.requestsPerUserPerDay === undefined) return;
    const maxPerDay = 24 * profile.peakConcurrentRatio * profile.requestsPerUserPeakHour;
    // Tolerance: 24 × 0.15 × 50 is 179.99999999999997 in floating point, and 180 must pass.
    if (profile.requestsPerUserPerDay > maxPerDay * (1 + 1e-9)) {
      ctx.addIssue({
        code: 'custom',
        path: ['requestsPerUserPerDay'],
        input: profile.requestsPerUserPerDay,
        message:
          `implies an average request rate above the peak; at most ${formatPlain(maxPerDay)} ` +
          '(24 × peakConcurrentRatio × requestsPerUserPeakHour) — lower it or raise the peak figures',
      });
    }
  });

export const capacityCoefficientsSchema = z.strictObject({
  cpuCoreSecondsPerRequest: positive('CPU core-seconds per request').default(0.1).meta({ description: 'CPU time one request consumes, in core-seconds.' }),
  memoryMebibytesPerSession: positive('MiB per concurrent session').default(50).meta({ description: 'Memory one concurrent session holds, in MiB.' }),
  storageMebibytesPerUserDay: nonNegative('MiB stored per user-day').default(10).meta({ description: 'Data stored per daily active user per day, in MiB.' }),
  networkMegabytesPerRequest: nonNegative('MB of traffic per request').default(2).meta({ description: 'Network traffic per request, in decimal megabytes (10^6 bytes).' }),
  cpuHeadroomRatio: headroomRatio('CPU headroom').default(0.5).meta({ description: 'Spare CPU on top of the computed demand, as a ratio.' }),
  memoryHeadroomRatio: headroomRatio('memory headroom').default(0.3).meta({ description: 'Spare memory on top of the computed demand, as a ratio.' }),
  retentionDays: z.number().int('must be a whole number of days').min(1, 'must keep data at least 1 day').default(30).meta({ description: 'Days of stored data kept.' }),
});

export const providerPricesSchema = z.strictObject({
  perCoreHour: price('per core-hour').meta({ description: 'Price of one CPU core for one hour.' }),
  perGibibyteMemoryHour: price('per GiB of memory per hour').meta({ description: 'Price of one GiB of memory for one hour.' }),
  perGibibyteStorageMonth: price('per GiB of storage per month').meta({ description: 'Price of one GiB of storage for one month.' }),
  perGigabyteTransferred: price('per GB transferred').meta({ description: 'Price of one GB of network transfer.' }),
});

export const PROVIDERS = ['aws', 'azure', 'gcp'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const capacityPricesSchema = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 currency code such as "USD"').default('USD').meta({ description: 'ISO 4217 code all prices are in.' }),
  aws: providerPricesSchema.prefault({
    perCoreHour: 0.05, perGibibyteMemoryHour: 0.01, perGibibyteStorageMonth: 0.1, perGigabyteTransferred: 0.09,
  }).meta({ description: 'AWS prices.' }),
  azure: providerPricesSchema.prefault({
    perCoreHour: 0.048, perGibibyteMemoryHour: 0.0095, perGibibyteStorageMonth: 0.096, perGigabyteTransferred: 0.087,
  }).meta({ description: 'Azure prices.' }),
  gcp: providerPricesSchema.prefault({
    perCoreHour: 0.047, perGibibyteMemoryHour: 0.0094, perGibibyteStorageMonth: 0.1, perGigabyteTransferred: 0.085,
  }).meta({ description: 'Google Cloud prices.' }),
  managedServicesPerMonth: price('per month for managed services').default(500).meta({ description: 'Flat monthly cost of managed Postgres, Redis, monitoring…, the same for every provider.' }),
  hoursPerMonth: z
    .number()
    .positive('must be greater than 0 hours')
    .max(744, 'a month has at most 744 hours (31 × 24)')
    .default(720).meta({ description: 'Billed hours in a month (24 × 30).' }),
});

export const capacitySchema = z.strictObject({
  profile: workloadProfileSchema.prefault({}).meta({ description: 'The workload: users, concurrency, requests and their duration and payload.' }),
  coefficients: capacityCoefficientsSchema.prefault({}).meta({ description: 'Resource use per request and session, headroom and retention.' }),
  prices: capacityPricesSchema.prefault({}).meta({ description: 'Monthly prices per provider for the cost estimate.' }),
  minimumReplicas: z.number().int('must be a whole number of pods').min(1, 'must be at least 1 pod').default(2).meta({ description: 'Floor for the recommended HPA minimum: 2 keeps one pod serving while another is drained or rolled; use 3 to survive the loss of a zone.' }),
  applyToEnvironment: z.boolean().default(false).meta({ description: 'Opt in: this environment takes its HPA bounds from the plan (at its own pod requests), and its manifests carry an annotation naming the profile.' }),
});

/**
 * A workflow's own workload profile and coefficients (`capacity:` in its settings: workflows.yaml
 * `overrides` or `environments.<env>`, or an environment's workflowDefaults), merged key by key over
 * the environment's `capacity` block and validated with it (capacitySchema).
 */
export const workflowCapacitySchema = z
  .strictObject({
    profile: z.record(z.string(), z.unknown()).optional().meta({ description: 'Keys of the environment\'s `capacity.profile` to change for this workflow.' }),
    coefficients: z.record(z.string(), z.unknown()).optional().meta({ description: 'Keys of the environment\'s `capacity.coefficients` to change for this workflow.' }),
  })
  .optional();
export type WorkflowCapacityOverride = z.infer<typeof workflowCapacitySchema>;

/** The environment's capacity block with a workflow's override merged in, validated. */
export function workflowCapacity(environmentCapacity: CapacityConfigInput | undefined, override: WorkflowCapacityOverride): ReturnType<typeof capacitySchema.safeParse> {
  const base = environmentCapacity ?? {};
  return capacitySchema.safeParse({
    ...base,
    profile: { ...(base.profile ?? {}), ...(override?.profile ?? {}) },
    coefficients: { ...(base.coefficients ?? {}), ...(override?.coefficients ?? {}) },
  });
}

/** The validated block, defaults filled in. */
export type CapacityConfig = z.infer<typeof capacitySchema>;
/** What a config file may hold (every field optional). */
export type CapacityConfigInput = z.input<typeof capacitySchema>;
export type WorkloadProfile = CapacityConfig['profile'];
export type CapacityCoefficients = CapacityConfig['coefficients'];
export type CapacityPrices = CapacityConfig['prices'];
export type ProviderPrices = z.infer<typeof providerPricesSchema>;

function formatPlain(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
