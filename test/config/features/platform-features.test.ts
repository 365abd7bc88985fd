/**
 * The feature schemas as the lead will mount them: existing configs stay valid (every key has a
 * default), the editor JSON Schema can be generated, and the config-time checks report path,
 * value and fix.
 */
import { z } from 'zod';
import { environmentSchema, workflowSettingsSchema } from '../../../src/config/schema';
import { checkMeshSecurity, meshCallerNamespaces, meshCallersSchema, meshSecurityEnabled, meshSecuritySchema } from '../../../src/config/features/mesh-security';
import { checkExternalSecret, externalSecretSchema, secretDataKeys } from '../../../src/config/features/external-secret';
import { vpaSchema } from '../../../src/config/features/vpa';
import { rateLimitSchema } from '../../../src/config/features/rate-limit';
import { meshEgressSchema } from '../../../src/config/features/mesh-egress';
import { committedConfig } from '../../charts/features/workflow-context-fixture';

const environmentLevel = { meshSecurity: meshSecuritySchema, meshEgress: meshEgressSchema };
const workflowLevel = { meshCallers: meshCallersSchema, externalSecret: externalSecretSchema, vpa: vpaSchema, rateLimit: rateLimitSchema };

describe('mounted in the config schema', () => {
  const envs = committedConfig().environments;

  test('the schemas are mounted where the loader reads them', () => {
    for (const k of Object.keys(environmentLevel)) expect(environmentSchema.shape).toHaveProperty(k);
    for (const k of Object.keys(workflowLevel)) expect(workflowSettingsSchema.shape).toHaveProperty(k);
  });

  // Committed config: ExternalSecret wherever the tier is production (staging, prod); VPA
  // (recommendation only) and the rate limit in prod.
  test.each([
    ['dev', [false, false, false]],
    ['staging', [true, false, false]],
    ['prod', [true, true, true]],
  ] as const)('%s: each switch as committed; the mesh features follow the mesh', (name, switches) => {
    const resolved = envs.find((e) => e.environment.name === name)!;
    const env = resolved.environment;
    expect(env.meshSecurity.enabled).toBeUndefined();
    expect(meshSecurityEnabled(env.mesh, env.meshSecurity)).toBe(env.mesh.enabled);
    expect(env.meshEgress.registryOnly).toBe(true); // the Sidecar is REGISTRY_ONLY wherever the mesh is
    for (const wf of resolved.workflows) {
      const s = wf.settings;
      expect([s.externalSecret.enabled, s.vpa.enabled, s.rateLimit.enabled]).toEqual(switches);
      expect(s.vpa.updateMode).toBe('Off');
      // support-agent's web app calls it inside the mesh (workflows.yaml); nobody else is named.
      expect(s.meshCallers).toEqual({ principals: wf.name === 'support-agent' ? ['cluster.local/ns/support-web/sa/web'] : [], namespaces: [] });
    }
  });

  test('the editor JSON Schema can be generated for every feature schema', () => {
    for (const schema of [...Object.values(environmentLevel), ...Object.values(workflowLevel)]) {
      expect(() => z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' })).not.toThrow();
    }
  });

  test('strict objects: a misspelt key is an error, not silently ignored', () => {
    expect(vpaSchema.safeParse({ enabeld: true }).success).toBe(false);
    expect(meshEgressSchema.safeParse({ llm: { defaults: { timeout: 5 } } }).success).toBe(false);
  });
});

describe('mesh security config', () => {
  test('principals must be SPIFFE-style identities; namespaces DNS labels', () => {
    expect(meshCallersSchema.safeParse({ principals: ['cluster.local/ns/web/sa/frontend'] }).success).toBe(true);
    expect(meshCallersSchema.safeParse({ principals: ['web/frontend'] }).success).toBe(false);
    expect(meshCallersSchema.safeParse({ namespaces: ['Web_NS'] }).success).toBe(false);
  });

  test('the callers\' namespaces: the named ones and those of the principals, once each, sorted', () => {
    const callers = meshCallersSchema.parse({ principals: ['cluster.local/ns/web/sa/a', 'corp.example/ns/web/sa/b', 'cluster.local/ns/api/sa/c'], namespaces: ['zeta', 'web'] });
    expect(meshCallerNamespaces(callers)).toEqual(['api', 'web', 'zeta']);
    expect(meshCallerNamespaces(meshCallersSchema.parse(undefined))).toEqual([]);
  });

  test('enabled: true without the mesh is refused; without the flag it simply follows the mesh', () => {
    const dev = committedConfig().environments.find((e) => e.environment.name === 'dev')!.environment;
    expect(checkMeshSecurity({ ...dev, meshSecurity: meshSecuritySchema.parse({ enabled: true }) }).map((i) => i.path)).toEqual([['meshSecurity', 'enabled']]);
    expect(checkMeshSecurity({ ...dev, meshSecurity: meshSecuritySchema.parse(undefined) })).toEqual([]);
  });
});

describe('external secret config', () => {
  const keys = { databaseUri: 'database-uri', redisUri: 'redis-uri', licenseKey: 'license', extra: { B_KEY: 'b', A_KEY: 'a', DUP: 'redis-uri' } };

  test('secretDataKeys lists each key once, in a stable order', () => {
    expect(secretDataKeys(keys)).toEqual(['database-uri', 'redis-uri', 'license', 'a', 'b']);
  });

  test('enabled needs a store; explicit keys must be keys the server reads', () => {
    const issues = checkExternalSecret({ externalSecret: externalSecretSchema.parse({ enabled: true, keys: { nope: { key: 'x' } } }), secret: { keys } });
    expect(issues.map((i) => i.path)).toEqual([['externalSecret', 'store'], ['externalSecret', 'keys', 'nope']]);
    expect(checkExternalSecret({ externalSecret: externalSecretSchema.parse({ enabled: true, store: { name: 'vault' } }), secret: { keys } })).toEqual([]);
    expect(checkExternalSecret({ externalSecret: externalSecretSchema.parse(undefined), secret: { keys } })).toEqual([]);
  });

  test('refreshInterval is a Go duration', () => {
    for (const ok of ['1h', '15m', '1h30m', '0s', '90s']) expect(externalSecretSchema.safeParse({ refreshInterval: ok }).success).toBe(true);
    for (const bad of ['1 hour', '', 'h', '1d']) expect(externalSecretSchema.safeParse({ refreshInterval: bad }).success).toBe(false);
  });
});
