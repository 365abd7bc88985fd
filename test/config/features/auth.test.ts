/**
 * `auth`: the schema's default (not configured), the config-time checks, and the gate's refusal of
 * an unauthenticated entry in a production-tier environment, with its waiver.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { authSchema, checkAuth } from '../../../src/config/features/auth';
import { workflowSettingsSchema } from '../../../src/config/schema';
import { synthesize } from '../../../src/synth/pipeline';
import { CONFIG_DIR } from '../../helpers';
import { append, issuesOf, set } from '../config-edits';

const jwt = { issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks.json', audiences: ['agents'] };
const mesh = { name: 'prod', mesh: { enabled: true }, meshSecurity: {} };

function configCopy(...edits: ((dir: string) => void)[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-cfg-'));
  fs.cpSync(CONFIG_DIR, dir, { recursive: true });
  for (const e of edits) e(dir);
  return dir;
}

test('mounted in the workflow settings; default: not configured (no mode), the secure refusal is the gate\'s', () => {
  expect(workflowSettingsSchema.shape).toHaveProperty('auth');
  expect(authSchema.parse(undefined)).toEqual({});
  expect(authSchema.parse({ mode: 'jwt', jwt }).jwt).toEqual({ ...jwt, requiredClaims: [], forwardOriginalToken: true });
});

test.each([
  [{ mode: 'jwt' }, mesh, ['auth', 'jwt'], /auth.jwt is missing/],
  [{ mode: 'external' }, mesh, ['auth', 'external'], /auth.external is missing/],
  [{ mode: 'jwt', jwt }, { ...mesh, name: 'dev', mesh: { enabled: false } }, ['auth', 'mode'], /mesh.enabled is false in "dev"/],
  [{ mode: 'external', external: { provider: 'oauth2-proxy' } }, { ...mesh, meshSecurity: { enabled: false } }, ['auth', 'mode'], /meshSecurity.enabled is false in "prod"/],
] as const)('checkAuth refuses %j in %j', (auth, env, where, message) => {
  const issues = checkAuth({ auth: authSchema.parse(auth) }, env as any);
  expect(issues.map((i) => i.path)).toEqual([where]);
  expect(issues[0].message).toMatch(message);
});

test('checkAuth accepts none anywhere and jwt/external with the mesh', () => {
  expect(checkAuth({ auth: authSchema.parse({ mode: 'none' }) }, { ...mesh, name: 'dev', mesh: { enabled: false } })).toEqual([]);
  expect(checkAuth({ auth: authSchema.parse({ mode: 'jwt', jwt }) }, mesh)).toEqual([]);
  expect(checkAuth({ auth: authSchema.parse(undefined) }, mesh)).toEqual([]);
});

test.each([
  ['a jwksUri over http', ['jwt', 'jwksUri'], 'http://login.example.com/jwks.json', 'an https URL'],
  ['no audience', ['jwt', 'audiences'], [], 'name at least one audience'],
  ['an unknown mode', ['mode'], 'oidc', 'auth.mode'],
])('the loader refuses %s, naming file and key', (_name, key, value, words) => {
  const issues = issuesOf(configCopy(set('environments/prod.yaml', ['workflowDefaults', 'auth', ...key], value)));
  const text = issues.map((i) => JSON.stringify(i)).join('\n');
  expect(text).toContain('prod.yaml');
  expect(text).toContain(`auth.${key.join('.')}`);
  expect(text).toContain(words);
});

describe('the gate in a production-tier environment', () => {
  const unauthenticated = set('environments/staging.yaml', ['workflowDefaults', 'auth', 'mode'], 'none');

  test('auth.mode none: one refusal per workflow entry, naming environment, workflow, field and fix', () => {
    const result = synthesize(configCopy(unauthenticated), { environments: ['staging'] });
    const found = result.gate.violations.filter((v) => v.rule === 'cross-object/edge-authentication');
    expect(found.map((v) => v.object).sort()).toEqual([
      'VirtualService/doc-summarizer/doc-summarizer-api',
      'VirtualService/research-assistant/research-assistant-api',
      'VirtualService/support-agent/support-agent-api',
    ]);
    const v = found.find((x) => x.object.includes('support-agent'))!;
    expect(v.environment).toBe('staging');
    expect(v.message).toContain('production-tier environment "staging", workflow "support-agent"');
    expect(v.message).toContain('auth.mode is none or unset');
    expect(v.fix).toContain('workflowDefaults.auth in environments/staging.yaml');
    expect(v.fix).toContain('waive cross-object/edge-authentication for VirtualService support-agent-api');
  });

  test('a waiver with a reason lets one workflow through, the others stay refused', () => {
    const waiver = append('waivers.yaml', [
      '  - rule: cross-object/edge-authentication',
      '    kind: VirtualService',
      '    name: support-agent-api',
      '    environments: [staging]',
      '    reason: staging support-agent is reachable only from the office VPN while the IdP is set up.',
      '',
    ].join('\n'));
    const result = synthesize(configCopy(unauthenticated, waiver), { environments: ['staging'] });
    const found = result.gate.violations.filter((v) => v.rule === 'cross-object/edge-authentication');
    expect(found.map((v) => v.object)).not.toContain('VirtualService/support-agent/support-agent-api');
    expect(found).toHaveLength(2);
    expect((result.gate.waived ?? []).map((w) => w.violation.object)).toContain('VirtualService/support-agent/support-agent-api');
  });
});
