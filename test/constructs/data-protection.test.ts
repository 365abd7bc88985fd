/**
 * Data protection on the LangGraphWorkflow: nothing rendered when off; the AES key by reference
 * only; the env values parse, with a parser ported from the server's own code, into exactly the
 * settings asked for; and the values the server would refuse are refused at synth.
 */
import { Chart, Testing } from 'cdk8s';
import { LangGraphWorkflow, LangGraphWorkflowProps } from '../../src/constructs/langgraph-workflow';
import { ESSENTIALS } from './workflow-essentials';
import {
  AES_JSON_DISALLOWED_KEYS, DataProtectionProps, dataProtectionEnv, dataProtectionErrors, threadTtlJson,
} from '../../src/constructs/data-protection';

const KEY = { secretName: 'support-secrets', key: 'langgraph-aes-key' };

function apiEnv(props: Partial<LangGraphWorkflowProps> = {}): any[] {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  new LangGraphWorkflow(chart, 'Workflow', { ...ESSENTIALS, ...props });
  const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment' && o.metadata.name === 'support-api');
  return deployment.spec.template.spec.containers.find((c: any) => c.name === 'api').env;
}
const named = (env: any[], name: string) => env.find((e) => e.name === name);

// ---- the server's parsing, ported line by line (langgraph-api 0.16.7, site-packages/langgraph_api/)

/** config/__init__.py:87-104 `_parse_aes_key`: the UTF-8 bytes must be 16, 24 or 32 long. */
function parseAesKey(value: string | undefined): Buffer | undefined {
  if (!value) return undefined;
  const key = Buffer.from(value, 'utf8');
  if (![16, 24, 32].includes(key.length)) throw new Error('LANGGRAPH_AES_KEY must be 16, 24, or 32 bytes long.');
  return key;
}

/** config/__init__.py:124-151 `_get_aes_json_keys`. */
function parseAesJsonKeys(value: string | undefined, aesKey: Buffer | undefined): string[] | undefined {
  if (!value) return undefined;
  const keys = [...new Set(value.split(',').map((k) => k.trim()).filter((k) => k))];
  if (keys.length === 0) return undefined;
  const disallowed = keys.filter((k) => AES_JSON_DISALLOWED_KEYS.includes(k)).sort();
  if (disallowed.length) throw new Error(`LANGGRAPH_AES_JSON_KEYS contains disallowed system keys: ${disallowed}`);
  if (aesKey === undefined) throw new Error('LANGGRAPH_AES_JSON_KEYS requires LANGGRAPH_AES_KEY to be set.');
  return keys.sort();
}

/**
 * config/_parse.py:38-59 `parse_thread_ttl` (a number: delete with the server's sweep defaults; JSON:
 * loaded as is), then grpc/ops/threads.py:148-174 `_map_thread_ttl`, where the values are used.
 */
function parseThreadTtl(value: string | undefined) {
  if (!value) return undefined;
  const raw: Record<string, unknown> = value.trim().startsWith('{')
    ? JSON.parse(value.trim())
    : { strategy: 'delete', default_ttl: Number(value), sweep_interval_minutes: 5.1, sweep_limit: 10000 };
  const strategy = raw.strategy === undefined ? undefined : String(raw.strategy).toLowerCase();
  if (strategy !== undefined && !['delete', 'keep_latest'].includes(strategy)) throw new Error(`Invalid thread TTL strategy: ${raw.strategy}`);
  const ttl = raw.ttl ?? raw.default_ttl;
  return {
    strategy,
    defaultTtl: ttl === undefined || ttl === null ? undefined : Number(ttl),
    sweepIntervalMinutes: raw.sweep_interval_minutes === undefined ? undefined : Math.trunc(Number(raw.sweep_interval_minutes)),
    sweepLimit: raw.sweep_limit,
  };
}

describe('off (the default)', () => {
  test('no data protection variable is rendered', () => {
    const names = apiEnv().map((e) => e.name);
    for (const n of ['LANGGRAPH_AES_KEY', 'LANGGRAPH_AES_JSON_KEYS', 'LANGGRAPH_THREAD_TTL']) expect(names).not.toContain(n);
    expect(dataProtectionEnv()).toEqual({ secretEnv: {}, env: {} });
  });
});

describe('on', () => {
  const dataProtection: DataProtectionProps = {
    encryption: { key: KEY, jsonKeys: ['tenant_email', 'customer_id', 'tenant_email'] },
    threadTtl: { strategy: 'keep_latest', ttlMinutes: 1440.5, sweepIntervalMinutes: 10, sweepLimit: 500 },
  };
  const env = apiEnv({ dataProtection });

  test('never LANGGRAPH_STORE: it would replace the store config langgraph build bakes into the image', () => {
    expect(env.map((e) => e.name)).not.toContain('LANGGRAPH_STORE');
  });

  test('the AES key is a secretKeyRef, never a value', () => {
    const aes = named(env, 'LANGGRAPH_AES_KEY');
    expect(aes.value).toBeUndefined();
    expect(aes.valueFrom.secretKeyRef).toMatchObject({ name: 'support-secrets', key: 'langgraph-aes-key' });
  });

  test('what the server parses from the rendered env is exactly what was asked for', () => {
    const key = parseAesKey('0123456789abcdef0123456789abcdef'); // stands in for the Secret's value
    expect(parseAesJsonKeys(named(env, 'LANGGRAPH_AES_JSON_KEYS').value, key)).toEqual(['customer_id', 'tenant_email']);
    expect(parseThreadTtl(named(env, 'LANGGRAPH_THREAD_TTL').value)).toEqual({ strategy: 'keep_latest', defaultTtl: 1440.5, sweepIntervalMinutes: 10, sweepLimit: 500 });
  });

  test('defaults fill every field the JSON form leaves to the server (it fills none, _parse.py:51-52)', () => {
    expect(parseThreadTtl(threadTtlJson({ ttlMinutes: 30 }))).toEqual({ strategy: 'delete', defaultTtl: 30, sweepIntervalMinutes: 5, sweepLimit: 10000 });
  });

  test('the ported parser is the server\'s: a plain number means delete, an unknown strategy and a short key fail', () => {
    expect(parseThreadTtl('60')).toEqual({ strategy: 'delete', defaultTtl: 60, sweepIntervalMinutes: 5, sweepLimit: 10000 });
    expect(() => parseThreadTtl('{"strategy":"archive","default_ttl":1}')).toThrow(/Invalid thread TTL strategy/);
    expect(() => parseAesKey('short')).toThrow(/16, 24, or 32 bytes/);
    expect(() => parseAesJsonKeys('a', undefined)).toThrow(/requires LANGGRAPH_AES_KEY/);
  });
});

describe('refusals at synth, one message per problem with the fix', () => {
  test.each<[string, DataProtectionProps, RegExp]>([
    ['a system key the server will not encrypt', { encryption: { key: KEY, jsonKeys: ['langgraph_host', 'x'] } },
      /LangGraphWorkflow support: LANGGRAPH_AES_JSON_KEYS contains disallowed system keys: \["langgraph_host"\]\. These keys are used internally and cannot be encrypted\. Remove them from encryption\.jsonKeys/],
    ['JSON keys without an AES key', { encryption: { jsonKeys: ['x'] } },
      /LANGGRAPH_AES_JSON_KEYS requires LANGGRAPH_AES_KEY to be set\. Set encryption\.key/],
    ['a JSON key with a comma', { encryption: { key: KEY, jsonKeys: ['a,b'] } }, /jsonKeys entry "a,b" cannot be passed/],
    ['an unknown strategy', { threadTtl: { strategy: 'archive' as any, ttlMinutes: 60 } }, /threadTtl\.strategy "archive".*use one of delete, keep_latest/],
    ['a TTL of 0', { threadTtl: { ttlMinutes: 0 } }, /threadTtl\.ttlMinutes 0 must be a number of minutes greater than 0/],
    ['a fractional sweep interval', { threadTtl: { ttlMinutes: 60, sweepIntervalMinutes: 2.5 } }, /threadTtl\.sweepIntervalMinutes 2\.5 must be a whole number/],
    ['a sweep limit of 0', { threadTtl: { ttlMinutes: 60, sweepLimit: 0 } }, /threadTtl\.sweepLimit 0 must be a whole number of threads ≥ 1/],
    ['a negative TTL', { threadTtl: { ttlMinutes: -1 } }, /threadTtl\.ttlMinutes -1 must be/],
  ])('%s', (_name, dataProtection, message) => {
    expect(() => apiEnv({ dataProtection })).toThrow(message);
  });

  test('a variable set both here and in env is refused, naming it', () => {
    expect(() => apiEnv({ dataProtection: { threadTtl: { ttlMinutes: 60 } }, env: { LANGGRAPH_THREAD_TTL: '60' } }))
      .toThrow(/env LANGGRAPH_THREAD_TTL is also set by dataProtection.*remove it from env/);
    expect(() => apiEnv({ dataProtection: { encryption: { key: KEY } }, secretEnv: { LANGGRAPH_AES_KEY: KEY } }))
      .toThrow(/env LANGGRAPH_AES_KEY is also set by dataProtection/);
  });

  test('valid settings give no error', () => {
    expect(dataProtectionErrors('x', { encryption: { key: KEY, jsonKeys: ['a'] }, threadTtl: { ttlMinutes: 0.5 } })).toEqual([]);
  });

  test('a literal AES key in env is refused as a credential', () => {
    expect(() => apiEnv({ env: { LANGGRAPH_AES_KEY: '0123456789abcdef' } })).toThrow(/env LANGGRAPH_AES_KEY has a literal value \(redacted\)/);
  });
});
