/**
 * `dataProtection` in the config: off by default; the loader refuses what the server would
 * (naming file, key, environment and value, with the fix); the committed staging and prod render
 * the key by reference on API and worker pods, and the ExternalSecret writes it; a key in a Secret
 * with no source is refused by the gate's production-tier rule.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkDataProtection, dataProtectionSchema } from '../../../src/config/features/data-protection';
import { workflowSettingsSchema } from '../../../src/config/schema';
import { synthesize } from '../../../src/synth/pipeline';
import { CONFIG_DIR, find, objectsOf } from '../../helpers';
import { Edit, issuesOf, set } from '../config-edits';

function configCopy(...edits: Edit[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-protection-cfg-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  for (const e of edits) e(dir);
  return dir;
}
const settings = (dataProtection: unknown, extra: Record<string, unknown> = {}) => ({
  dataProtection: dataProtectionSchema.parse(dataProtection), env: {}, secret: { keys: { extra: {} } }, ...extra,
});
const envOf = (objects: any[], kind: string, name: string, container: string) =>
  find(objects, kind, name).spec.template.spec.containers.find((c: any) => c.name === container).env as any[];

test('mounted in the workflow settings; default: no encryption, no TTL', () => {
  expect(workflowSettingsSchema.shape).toHaveProperty('dataProtection');
  expect(dataProtectionSchema.parse(undefined)).toEqual({ encryption: { enabled: false, key: 'langgraph-aes-key', jsonKeys: [] } });
  expect(dataProtectionSchema.parse({ threadTtl: { ttlMinutes: 60 } }).threadTtl).toEqual({ strategy: 'delete', ttlMinutes: 60, sweepIntervalMinutes: 5, sweepLimit: 10000 });
});

describe('checkDataProtection', () => {
  test('a system key in jsonKeys: the server\'s wording, pointing at the entry', () => {
    const issues = checkDataProtection(settings({ encryption: { enabled: true, jsonKeys: ['ok', 'langgraph_auth_user_id'] } }));
    expect(issues.map((i) => i.path)).toEqual([['dataProtection', 'encryption', 'jsonKeys', 1]]);
    expect(issues[0].message).toBe('LANGGRAPH_AES_JSON_KEYS contains disallowed system keys: ["langgraph_auth_user_id"]. These keys are used internally and cannot be encrypted. Remove them from dataProtection.encryption.jsonKeys');
  });

  test('jsonKeys with encryption off: refused as the server refuses it', () => {
    const issues = checkDataProtection(settings({ encryption: { jsonKeys: ['tenant'] } }));
    expect(issues).toHaveLength(1);
    expect(issues[0].message).toMatch(/^LANGGRAPH_AES_JSON_KEYS requires LANGGRAPH_AES_KEY to be set: set dataProtection.encryption.enabled: true/);
  });

  test('the variables come from dataProtection only', () => {
    const issues = checkDataProtection(settings({}, { env: { LANGGRAPH_THREAD_TTL: '60' }, secret: { keys: { extra: { LANGGRAPH_AES_KEY: 'aes' } } } }));
    expect(issues.map((i) => i.path)).toEqual([['env', 'LANGGRAPH_THREAD_TTL'], ['secret', 'keys', 'extra', 'LANGGRAPH_AES_KEY']]);
    expect(issues[1].message).toContain('dataProtection.encryption: { enabled: true, key: aes }');
  });

  test('valid settings give no issue', () => {
    expect(checkDataProtection(settings({ encryption: { enabled: true, jsonKeys: ['tenant'] }, threadTtl: { ttlMinutes: 1 } }))).toEqual([]);
  });
});

test.each([
  ['an unknown strategy', ['threadTtl', 'strategy'], 'archive', 'one of delete, keep_latest'],
  ['a TTL of 0 minutes', ['threadTtl', 'ttlMinutes'], 0, 'greater than 0'],
  ['a fractional sweep interval', ['threadTtl', 'sweepIntervalMinutes'], 2.5, 'whole number of minutes'],
  ['a sweep limit of 0', ['threadTtl', 'sweepLimit'], 0, 'at least 1'],
  ['a system key to encrypt', ['encryption', 'jsonKeys'], ['langgraph_plan'], 'disallowed system keys: ["langgraph_plan"]'],
])('the loader refuses %s, naming file, key, environment and the fix', (_name, key, value, words) => {
  const issues = issuesOf(configCopy(set('environments/prod.yaml', ['workflowDefaults', 'dataProtection', ...key], value)));
  expect(issues).toHaveLength(1);
  expect(issues[0].file).toContain('prod.yaml');
  expect(issues[0].key).toContain(`dataProtection.${key.join('.')}`);
  expect(issues[0].environments).toEqual(['prod']);
  expect(issues[0].message).toContain(words);
});

describe('the committed config', () => {
  test.each(['staging', 'prod'])('%s: API and worker read the AES key by reference, with the thread TTL; the ExternalSecret writes the key', (env) => {
    const objects = objectsOf(env, 'research-assistant');
    for (const [name, container] of [['research-assistant-api', 'api'], ['research-assistant-worker', 'worker']]) {
      const vars = envOf(objects, 'Deployment', name, container);
      const aes = vars.find((e) => e.name === 'LANGGRAPH_AES_KEY');
      expect(aes).toEqual({ name: 'LANGGRAPH_AES_KEY', valueFrom: { secretKeyRef: { name: 'research-assistant-secrets', key: 'langgraph-aes-key', optional: false } } });
      expect(JSON.parse(vars.find((e) => e.name === 'LANGGRAPH_THREAD_TTL').value)).toEqual({ strategy: 'delete', default_ttl: 43200, sweep_interval_minutes: 5, sweep_limit: 10000 });
    }
    const es = find(objects, 'ExternalSecret', 'research-assistant-secrets');
    expect(es.spec.data.map((d: any) => d.secretKey)).toContain('langgraph-aes-key');
  });

  test('dev renders none of it', () => {
    const names = objectsOf('dev').filter((o) => o.kind === 'Deployment').flatMap((d: any) => d.spec.template.spec.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.name)));
    expect(names).not.toContain('LANGGRAPH_AES_KEY');
    expect(names).not.toContain('LANGGRAPH_THREAD_TTL');
  });
});

test('production tier: a key in a Secret with no source is refused by the gate\'s secret-source rule', () => {
  const dir = configCopy(set('environments/staging.yaml', ['workflowDefaults', 'dataProtection', 'encryption', 'secretName'], 'hand-made-aes'));
  const result = synthesize(dir, { environments: ['staging'] });
  const found = result.gate.violations.filter((v) => v.rule === 'cross-object/secret-source' && v.value === 'hand-made-aes');
  expect(found.length).toBeGreaterThan(0);
  expect(found[0].message).toContain('Secret hand-made-aes has no source in "staging"');
});
