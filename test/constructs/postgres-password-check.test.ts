/**
 * Dev's DATABASE_URI and REDIS_URI interpolate the stores' passwords unescaped
 * (`$(POSTGRES_PASSWORD)`, `$(REDIS_PASSWORD)`), so each in-cluster store refuses to start with a
 * password that is not URL-safe. The init containers' scripts are run here with /bin/sh against
 * real passwords.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { URL_SAFE_PASSWORD_CHECK } from '../../src/constructs/postgres-store';
import { find, objectsOf } from '../helpers';
import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { RedisStore } from '../../src/constructs/redis-store';
import { REDIS_DEFAULTS } from '../../src/config/features/data-stores';
import { urlSafePasswordCheck } from '../../src/constructs/url-safe-password';

function check(password: string, script = URL_SAFE_PASSWORD_CHECK, variable = 'POSTGRES_PASSWORD'): { ok: boolean; output: string } {
  try {
    const out = execFileSync('/bin/sh', ['-c', script], { env: { [variable]: password }, timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
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
  // It reads the same mounted file Postgres reads (POSTGRES_PASSWORD_FILE), then runs the check.
  const file = sts.spec.template.spec.containers[0].env.find((e: any) => e.name === 'POSTGRES_PASSWORD_FILE').value;
  expect(init.command).toEqual(['/bin/sh', '-c', `POSTGRES_PASSWORD="$(cat ${file})"\n${URL_SAFE_PASSWORD_CHECK}`]);
  expect(init.volumeMounts).toEqual([{ name: 'password', mountPath: file.slice(0, file.lastIndexOf('/')), readOnly: true }]);
  expect(init.env).toBeUndefined();
  const api = find(objectsOf('dev', 'support-agent'), 'Deployment', 'support-agent-api').spec.template.spec.containers[0];
  expect(api.env.find((e: any) => e.name === 'DATABASE_URI').value).toContain(':$(POSTGRES_PASSWORD)@');
});

describe('Redis (REDIS_URI = redis://:$(REDIS_PASSWORD)@…)', () => {
  const render = (password?: { secretName: string; key: string }): any => {
    const chart = new Chart(Testing.app(), 'Test');
    new RedisStore(inWorkflow(chart), 'Redis', {
      name: 'wf-redis', identity: { workflow: 'wf', app: 'redis', component: 'redis' }, serviceAccountName: 'wf-redis',
      image: `docker.io/library/redis:7.2.5-alpine@sha256:${'3'.repeat(64)}`, exporterImage: `docker.io/oliver006/redis_exporter:v1.62.0@sha256:${'4'.repeat(64)}`,
      resources: REDIS_DEFAULTS.resources, exporterResources: REDIS_DEFAULTS.exporter.resources, password,
    });
    return chart.toJson().find((o: any) => o.kind === 'Deployment').spec.template.spec;
  };

  test('with a password, the store checks the password it requires before it starts, with the same script as Postgres', () => {
    const pod = render({ secretName: 'wf-secrets', key: 'redis-password' });
    const [init] = pod.initContainers ?? [];
    expect(init?.command).toEqual(['/bin/sh', '-c', urlSafePasswordCheck('REDIS_PASSWORD', 'REDIS_URI')]);
    expect(init.env).toEqual([pod.containers[0].env.find((e: any) => e.name === 'REDIS_PASSWORD')]);
    // One script, parameterised: Postgres's is the same text for its own variable.
    expect(URL_SAFE_PASSWORD_CHECK).toBe(urlSafePasswordCheck('POSTGRES_PASSWORD', 'DATABASE_URI'));
  });

  test.each(['p@ss', 'a:b', 'a/b', 'a#b', ''])('the Redis check refuses %j', (password) => {
    const script = render({ secretName: 'wf-secrets', key: 'redis-password' }).initContainers[0].command[2];
    const r = check(password, script, 'REDIS_PASSWORD');
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(password ? /REDIS_PASSWORD contains characters that are not URL-safe .* REDIS_URI unescaped/ : /REDIS_PASSWORD is empty/);
  });

  test('the Redis check accepts a hex password', () => {
    const script = render({ secretName: 'wf-secrets', key: 'redis-password' }).initContainers[0].command[2];
    expect(check('3f9a0c1d2e', script, 'REDIS_PASSWORD')).toEqual({ ok: true, output: 'REDIS_PASSWORD is URL-safe\n' });
  });

  test('without a password there is nothing to check', () => {
    expect(render().initContainers).toBeUndefined();
  });
});

test.each([['3f9a0c1d2e', true], ['p@ss', false]])('dev: the rendered init script reads the mounted file (%s → ok %s)', (password, ok) => {
  const sts = find(objectsOf('dev', 'support-agent'), 'StatefulSet', 'support-agent-postgres');
  const [init] = sts.spec.template.spec.initContainers;
  const file = sts.spec.template.spec.containers[0].env.find((e: any) => e.name === 'POSTGRES_PASSWORD_FILE').value;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpass-'));
  fs.writeFileSync(path.join(dir, 'password'), password);
  try {
    expect(check('', init.command[2].split(file).join(path.join(dir, 'password'))).ok).toBe(ok);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
