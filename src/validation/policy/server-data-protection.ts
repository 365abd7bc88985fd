/**
 * The server's data protection variables as rendered, checked the way langgraph-api 0.16.7 reads
 * them (rules and line numbers in src/constructs/data-protection.ts): whatever produced the pod
 * spec (dataProtection, a hand-edited `env`, a plugin), a value the server would refuse at start, or
 * refuse on every thread creation, or silently truncate, does not reach a cluster. A literal
 * LANGGRAPH_AES_KEY is policy/secret-literal-env's (its name is a credential's).
 */
import { AES_JSON_DISALLOWED_KEYS, AES_JSON_KEYS_ENV, AES_KEY_ENV, THREAD_TTL_ENV, THREAD_TTL_STRATEGIES } from '../../constructs/data-protection';
import { containersOf } from '../pod-templates';
import { PolicyRule, describeContainer, templateFinding } from './rule';

/** What is wrong with a LANGGRAPH_THREAD_TTL value, as config/_parse.py:38-59 and grpc/ops/threads.py:148-174 read it. */
export function threadTtlProblem(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined; // unset for the server
  if (!v.startsWith('{')) {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? undefined : `"${value}" is neither JSON nor a number of minutes greater than 0`;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(v);
  } catch {
    return 'is not valid JSON: the server stops at start';
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'is not a JSON object';
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (o.strategy !== undefined && !(THREAD_TTL_STRATEGIES as readonly string[]).includes(String(o.strategy).toLowerCase())) {
    problems.push(`strategy "${String(o.strategy)}" is not one of ${THREAD_TTL_STRATEGIES.join(', ')} (every thread creation fails with 422)`);
  }
  const ttl = o.ttl ?? o.default_ttl;
  if (ttl !== undefined && ttl !== null && !(typeof ttl === 'number' && ttl > 0)) problems.push(`default_ttl ${JSON.stringify(ttl)} is not a number of minutes greater than 0`);
  for (const field of ['sweep_interval_minutes', 'sweep_limit']) {
    const x = o[field];
    if (x !== undefined && x !== null && !(typeof x === 'number' && Number.isInteger(x) && x >= 1)) problems.push(`${field} ${JSON.stringify(x)} is not a whole number ≥ 1`);
  }
  return problems.length ? problems.join('; ') : undefined;
}

/** What is wrong with a LANGGRAPH_AES_JSON_KEYS value, as config/__init__.py:124-151 reads it. */
export function aesJsonKeysProblem(value: string, hasAesKey: boolean): string | undefined {
  const keys = [...new Set(value.split(',').map((k) => k.trim()).filter((k) => k))];
  if (keys.length === 0) return undefined;
  const disallowed = keys.filter((k) => AES_JSON_DISALLOWED_KEYS.includes(k)).sort();
  if (disallowed.length) return `contains disallowed system keys: ${JSON.stringify(disallowed)}. These keys are used internally and cannot be encrypted`;
  if (!hasAesKey) return `requires ${AES_KEY_ENV} to be set`;
  return undefined;
}

export const serverDataProtection: PolicyRule = {
  id: 'policy/server-data-protection',
  summary: `${THREAD_TTL_ENV} and ${AES_JSON_KEYS_ENV} hold values the LangGraph server accepts (JSON keys only with ${AES_KEY_ENV})`,
  checkTemplate: (t) => containersOf(t.template).flatMap((c) => {
    const env: any[] = Array.isArray(c.container.env) ? c.container.env : []; // eslint-disable-line @typescript-eslint/no-explicit-any
    const hasAesKey = env.some((e) => e?.name === AES_KEY_ENV);
    return env.flatMap((e, i) => {
      if (typeof e?.value !== 'string') return [];
      const problem = e.name === THREAD_TTL_ENV ? threadTtlProblem(e.value) : e.name === AES_JSON_KEYS_ENV ? aesJsonKeysProblem(e.value, hasAesKey) : undefined;
      if (!problem) return [];
      return [templateFinding(t, `${c.pointer}/env/${i}/value`, {
        value: e.value,
        message: `${describeContainer(c)}: ${e.name} ${problem}`,
        fix: e.name === THREAD_TTL_ENV
          ? 'set the thread TTL through dataProtection.threadTtl (strategy delete or keep_latest, ttlMinutes > 0, whole-number sweep settings) instead of env'
          : `set the keys through dataProtection.encryption (enabled: true, jsonKeys without the server's system keys) instead of env`,
      })];
    });
  }),
};
