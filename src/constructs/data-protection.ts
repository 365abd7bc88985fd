/**
 * Data protection settings of the LangGraph server, as the env vars the server itself parses:
 * the AES key for encryption at rest (by Secret reference only), the JSON keys it encrypts, and the
 * thread (and checkpoint) time-to-live. Every rule here is the server's (langgraph-api 0.16.7, cited by
 * file and line under site-packages/langgraph_api/), checked at synth so a value the server would
 * refuse, or silently misread, never reaches a cluster.
 *
 * The key's length (16, 24 or 32 bytes, config/__init__.py:87-104) cannot be checked at synth: the
 * value lives in a Secret the synth never sees. The server checks it at start (and a wrong key
 * stops the process), so a bad key fails the rollout's readiness instead of serving.
 */
import type { SecretEnvRef } from './langgraph-server';

/** The AES key, read by `_parse_aes_key` (config/__init__.py:87-107). */
export const AES_KEY_ENV = 'LANGGRAPH_AES_KEY';
/** Comma-separated JSON keys to encrypt, read by `_get_aes_json_keys` (config/__init__.py:124-156). */
export const AES_JSON_KEYS_ENV = 'LANGGRAPH_AES_JSON_KEYS';
/** Thread TTL, read by `_parse.parse_thread_ttl` (config/__init__.py:399-401; config/_parse.py:38-59). */
export const THREAD_TTL_ENV = 'LANGGRAPH_THREAD_TTL';
/**
 * The env vars this file owns: set through `dataProtection`, never through plain `env`. No store
 * TTL: the server reads it only inside LANGGRAPH_STORE (config/__init__.py:275-277), the whole store
 * config that `langgraph build` bakes into the image from langgraph.json (langgraph_cli/config.py:
 * 1265-1266); a pod value would replace it (index, custom path) rather than add a TTL. Store TTL
 * belongs in langgraph.json (`store.ttl`).
 */
export const DATA_PROTECTION_ENV = [AES_KEY_ENV, AES_JSON_KEYS_ENV, THREAD_TTL_ENV] as const;

/** Key lengths AES accepts, in UTF-8 bytes of the env value (config/__init__.py:101-103). */
export const AES_KEY_BYTES = [16, 24, 32] as const;

/**
 * System-populated metadata the server refuses to encrypt (a copy of AES_JSON_DISALLOWED_KEYS,
 * config/__init__.py:110-121).
 */
export const AES_JSON_DISALLOWED_KEYS: readonly string[] = [
  'langgraph_version', 'langgraph_api_version', 'langgraph_plan', 'langgraph_host',
  'langgraph_api_url', 'langgraph_request_id', 'langgraph_auth_user_id', 'langgraph_auth_permissions',
];

/**
 * ThreadTTLConfig.strategy (config/schemas.py:133-139). The JSON form of LANGGRAPH_THREAD_TTL is
 * not validated at start (_parse.py:51-52 only loads it); an unknown strategy fails every thread
 * creation with 422 (grpc/ops/threads.py:148-161), hence the check here.
 */
export const THREAD_TTL_STRATEGIES = ['delete', 'keep_latest'] as const;
export type ThreadTtlStrategy = typeof THREAD_TTL_STRATEGIES[number];

/**
 * The values the server fills in for the plain-number form (config/_parse.py:53-59); the JSON form
 * fills in nothing, so the rendered JSON always states them.
 */
export const DEFAULT_THREAD_TTL = { strategy: 'delete' as ThreadTtlStrategy, sweepIntervalMinutes: 5, sweepLimit: 10000 };
/** `sweep_interval_minutes` travels as a protobuf int32 (ThreadTTLConfig in core_api_pb2). */
export const MAX_SWEEP_INTERVAL_MINUTES = 2_147_483_647;

export interface DataEncryption {
  /** The AES key, by reference (LANGGRAPH_AES_KEY). @default - none: JSON keys are then refused, as the server refuses them */
  readonly key?: SecretEnvRef;
  /** Metadata/config JSON keys to encrypt (LANGGRAPH_AES_JSON_KEYS). @default [] */
  readonly jsonKeys?: readonly string[];
}

/** ThreadTTLConfig (config/schemas.py:133-145); times in minutes. */
export interface ThreadTtl {
  /** `delete`: the thread and all its data; `keep_latest`: prune old checkpoints, keep the latest state. @default DEFAULT_THREAD_TTL.strategy ('delete') */
  readonly strategy?: ThreadTtlStrategy;
  /** Threads older than this many minutes get the strategy (`default_ttl`). */
  readonly ttlMinutes: number;
  /** Minutes between sweeps (`sweep_interval_minutes`, a whole number). @default DEFAULT_THREAD_TTL.sweepIntervalMinutes (5) */
  readonly sweepIntervalMinutes?: number;
  /** Most threads handled per sweep (`sweep_limit`). @default DEFAULT_THREAD_TTL.sweepLimit (10000) */
  readonly sweepLimit?: number;
}

export interface DataProtectionProps {
  /** Encryption at rest with the server's built-in AES. @default - none */
  readonly encryption?: DataEncryption;
  /** Thread (and checkpoint) expiry. @default - none: threads are kept until deleted */
  readonly threadTtl?: ThreadTtl;
}

/** LANGGRAPH_THREAD_TTL as the server's JSON form (config/_parse.py:51-52), every field stated. */
export function threadTtlJson(t: ThreadTtl): string {
  return JSON.stringify({
    strategy: t.strategy ?? DEFAULT_THREAD_TTL.strategy,
    default_ttl: t.ttlMinutes,
    sweep_interval_minutes: t.sweepIntervalMinutes ?? DEFAULT_THREAD_TTL.sweepIntervalMinutes,
    sweep_limit: t.sweepLimit ?? DEFAULT_THREAD_TTL.sweepLimit,
  });
}

/** The server env for these settings: the key by reference, the rest as the JSON the server parses. */
export function dataProtectionEnv(props: DataProtectionProps = {}): { secretEnv: Record<string, SecretEnvRef>; env: Record<string, string> } {
  const secretEnv: Record<string, SecretEnvRef> = {};
  const env: Record<string, string> = {};
  const enc = props.encryption;
  if (enc?.key) secretEnv[AES_KEY_ENV] = { secretName: enc.key.secretName, key: enc.key.key };
  // The server splits on "," and strips (config/__init__.py:133); sorted for stable bytes.
  if (enc?.jsonKeys && enc.jsonKeys.length > 0) env[AES_JSON_KEYS_ENV] = [...new Set(enc.jsonKeys)].sort().join(',');
  if (props.threadTtl) env[THREAD_TTL_ENV] = threadTtlJson(props.threadTtl);
  return { secretEnv, env };
}

/**
 * What the server would refuse (or misread), as construct validation messages. `otherEnv`: names
 * of the container's other env vars (plain or from Secrets), which must not set these a second time.
 */
export function dataProtectionErrors(owner: string, props: DataProtectionProps = {}, otherEnv: readonly string[] = []): string[] {
  const errors: string[] = [];
  const enc = props.encryption;
  const jsonKeys = enc?.jsonKeys ?? [];
  for (const k of jsonKeys) {
    if (k.trim() === '' || k.includes(',') || k !== k.trim()) {
      errors.push(`${owner}: encryption.jsonKeys entry "${k}" cannot be passed in the comma-separated ${AES_JSON_KEYS_ENV} (config/__init__.py:133 splits on "," and strips); use a key name without commas or surrounding spaces`);
    }
  }
  const disallowed = [...new Set(jsonKeys.filter((k) => AES_JSON_DISALLOWED_KEYS.includes(k)))].sort();
  if (disallowed.length > 0) {
    errors.push(`${owner}: ${AES_JSON_KEYS_ENV} contains disallowed system keys: ${JSON.stringify(disallowed)}. These keys are used internally and cannot be encrypted. Remove them from encryption.jsonKeys`);
  }
  if (jsonKeys.length > 0 && !enc?.key) {
    errors.push(`${owner}: ${AES_JSON_KEYS_ENV} requires ${AES_KEY_ENV} to be set. Set encryption.key to the Secret reference of the AES key, or remove encryption.jsonKeys`);
  }
  const t = props.threadTtl;
  if (t) {
    if (t.strategy !== undefined && !(THREAD_TTL_STRATEGIES as readonly string[]).includes(t.strategy)) {
      errors.push(`${owner}: threadTtl.strategy "${t.strategy}" is not one the server knows (every thread creation would fail with 422); use one of ${THREAD_TTL_STRATEGIES.join(', ')}`);
    }
    errors.push(...ttlErrors(owner, 'threadTtl', t.ttlMinutes, t.sweepIntervalMinutes));
    if (t.sweepLimit !== undefined && !(Number.isInteger(t.sweepLimit) && t.sweepLimit >= 1)) {
      errors.push(`${owner}: threadTtl.sweepLimit ${t.sweepLimit} must be a whole number of threads ≥ 1 (sweep_limit is an int, config/schemas.py:144); e.g. ${DEFAULT_THREAD_TTL.sweepLimit}`);
    }
  }
  const owned = new Set<string>([
    ...(enc?.key ? [AES_KEY_ENV] : []),
    ...(jsonKeys.length > 0 ? [AES_JSON_KEYS_ENV] : []),
    ...(t ? [THREAD_TTL_ENV] : []),
  ]);
  for (const name of [...new Set(otherEnv)].sort()) {
    if (owned.has(name)) errors.push(`${owner}: env ${name} is also set by dataProtection (which one would the server read?); remove it from env`);
  }
  return errors;
}

function ttlErrors(owner: string, field: string, ttlMinutes: number, sweepIntervalMinutes: number | undefined): string[] {
  const errors: string[] = [];
  // default_ttl is a float of minutes (config/schemas.py:140-141); 0 or less would expire everything at the next sweep.
  if (!(Number.isFinite(ttlMinutes) && ttlMinutes > 0)) {
    errors.push(`${owner}: ${field}.ttlMinutes ${ttlMinutes} must be a number of minutes greater than 0; e.g. 43200 for 30 days`);
  }
  // sweep_interval_minutes is an int (config/schemas.py:142); the server truncates a fraction (int(), grpc/ops/threads.py:167-169).
  if (sweepIntervalMinutes !== undefined && !(Number.isInteger(sweepIntervalMinutes) && sweepIntervalMinutes >= 1 && sweepIntervalMinutes <= MAX_SWEEP_INTERVAL_MINUTES)) {
    errors.push(`${owner}: ${field}.sweepIntervalMinutes ${sweepIntervalMinutes} must be a whole number of minutes from 1 to ${MAX_SWEEP_INTERVAL_MINUTES}; e.g. ${DEFAULT_THREAD_TTL.sweepIntervalMinutes}`);
  }
  return errors;
}
