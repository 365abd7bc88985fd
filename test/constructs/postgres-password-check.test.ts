/**
 * Dev's DATABASE_URI interpolates the Postgres password unescaped (`$(POSTGRES_PASSWORD)`), so the
 * in-cluster store refuses to start with a password that is not URL-safe. The init container's
 * script is run here with /bin/sh against real passwords.
 */
import { execFileSync } from 'child_process';
import { URL_SAFE_PASSWORD_CHECK } from '../../src/constructs/postgres-store';
import { find, objectsOf } from '../helpers';

function check(password: string): { ok: boolean; output: string } {
  try {
    const out = execFileSync('/bin/sh', ['-c', URL_SAFE_PASSWORD_CHECK], { env: { POSTGRES_PASSWORD: password }, timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, output: out.toString() };
  } catch (e) {
    return { ok: false, output: String((e as { stderr?: Buffer }).stderr ?? '') };
  }
}

test.each(['3f9a0c1d2e', 'Abc-def_ghi.jkl~mno', 'a'.repeat(48)])('accepts the URL-safe password %s', (password) => {
  expect(check(password)).toEqual({ ok: true, output: 'POSTGRES_PASSWORD is URL-safe\n' });
});

test.each(['p@ss', 'a:b', 'a/b', 'a%20b', 'a#b', 'a?b', 'a b', 'naïve', ''])('refuses %j, saying why and how to generate one', (password) => {
  const r = check(password);
  expect(r.ok).toBe(false);
  expect(r.output).toMatch(password ? /not URL-safe .* DATABASE_URI unescaped\. Generate one with: openssl rand -hex 24/ : /is empty/);
});

test('dev: every in-cluster Postgres runs the check before it starts, on the password the apps interpolate', () => {
  const sts = find(objectsOf('dev', 'support-agent'), 'StatefulSet', 'support-agent-postgres');
  const [init] = sts.spec.template.spec.initContainers;
  expect(init.command).toEqual(['/bin/sh', '-c', URL_SAFE_PASSWORD_CHECK]);
  const password = sts.spec.template.spec.containers[0].env.find((e: any) => e.name === 'POSTGRES_PASSWORD');
  expect(init.env).toEqual([password]);
  const api = find(objectsOf('dev', 'support-agent'), 'Deployment', 'support-agent-api').spec.template.spec.containers[0];
  expect(api.env.find((e: any) => e.name === 'DATABASE_URI').value).toContain(':$(POSTGRES_PASSWORD)@');
});
