/**
 * Config-time rules on sizing, scaling, shutdown and credentials of the server processes: each
 * refusal names the numbers and the fix; the committed config passes them.
 */
import { checkWorkflowSettings } from '../../../src/config/semantic-checks';
import { Environment, WorkflowSettings, workflowSettingsSchema } from '../../../src/config/schema';
import { workerScaling } from '../../../src/config/features/queue-workers';
import { checkExternalSecret } from '../../../src/config/features/external-secret';
import { committedConfig } from '../../charts/features/workflow-context-fixture';

function resolved(envName: string, workflow: string): { env: Environment; s: WorkflowSettings } {
  const r = committedConfig().environments.find((e) => e.environment.name === envName)!;
  return { env: r.environment, s: r.workflows.find((w) => w.name === workflow)!.settings };
}
const messages = (s: WorkflowSettings, env: Environment) => checkWorkflowSettings(s, env).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('connection budget', () => {
  test("prod research-assistant: (40 API + 10 workers) × pool 10 + 1 (KEDA's poll) = 501 fits its share of 510", () => {
    const { env, s } = resolved('prod', 'research-assistant');
    expect(s.database).toEqual({ poolMaxSize: 10, maxConnections: 510 });
    expect(messages(s, env)).toEqual([]);
  });

  test("KEDA's postgresql scaler counts: a share of exactly (API + workers) × pool is one short", () => {
    const { env, s } = resolved('prod', 'research-assistant');
    expect(env.keda.enabled && s.workers.enabled).toBe(true);
    expect(messages({ ...s, database: { ...s.database, maxConnections: 500 } }, env)).toEqual([
      'database.maxConnections: the workflow may open 501 Postgres connections (maxReplicas(API) 40 × pool 10 + maxReplicas(workers) 10 × pool 10 + 1 for KEDA\'s postgresql scaler\'s poll), ' +
        'more than its share of max_connections (500); lower database.poolMaxSize to 9 or less, lower the maximum replicas, or raise database.maxConnections (and the database\'s max_connections)',
    ]);
  });

  test("the server's default pool (150) at prod's maximum replicas is refused, naming the numbers and the fix", () => {
    const { env, s } = resolved('prod', 'research-assistant');
    const [m, ...rest] = messages({ ...s, database: { ...s.database, poolMaxSize: 150 } }, env);
    expect(rest).toEqual([]);
    expect(m).toBe('database.maxConnections: the workflow may open 7501 Postgres connections (maxReplicas(API) 40 × pool 150 + maxReplicas(workers) 10 × pool 150 + 1 for KEDA\'s postgresql scaler\'s poll), ' +
      'more than its share of max_connections (510); lower database.poolMaxSize to 10 or less, lower the maximum replicas, or raise database.maxConnections (and the database\'s max_connections)');
  });

  test('a production-tier environment must state the share; dev falls back to the in-cluster store (97)', () => {
    const prod = resolved('prod', 'support-agent');
    expect(messages({ ...prod.s, database: { poolMaxSize: 10 } }, prod.env)).toEqual([
      'database.maxConnections: is required in "prod" (a production-tier environment): state this workflow\'s share of the database\'s max_connections, e.g. database: { maxConnections: 200 }',
    ]);
    const dev = resolved('dev', 'support-agent');
    expect(dev.s.database.maxConnections).toBeUndefined();
    expect(messages({ ...dev.s, autoscaling: { ...dev.s.autoscaling, maxReplicas: 10 } }, dev.env)[0]).toMatch(/100 Postgres connections .* share of max_connections \(97\)/);
  });
});

describe('memory target', () => {
  test('not rendered unless configured; configured without a reason it is refused', () => {
    const { env, s } = resolved('prod', 'support-agent');
    expect(s.autoscaling.memoryUtilization).toBeUndefined();
    expect(messages({ ...s, autoscaling: { ...s.autoscaling, memoryUtilization: 80 } }, env)).toEqual([
      'autoscaling.memoryUtilization: a memory target pins a Python server at maxReplicas (its memory does not fall when load does); remove autoscaling.memoryUtilization, or keep it on purpose with autoscaling.memoryUtilizationReason',
    ]);
    expect(messages({ ...s, autoscaling: { ...s.autoscaling, memoryUtilization: 80, memoryUtilizationReason: 'embeddings cache is evicted when idle' } }, env)).toEqual([]);
  });
});

describe('shutdown', () => {
  test('an environment-wide sidecar drain shorter than the workers\' run drain is refused (the defect: 170 s vs 570 s)', () => {
    const { env, s } = resolved('prod', 'research-assistant');
    const issues = messages(s, { ...env, mesh: { ...env.mesh, terminationDrainSeconds: 170 } });
    expect(issues).toContain('terminationGracePeriodSeconds: (API) sidecar drain 170s must cover the server\'s run drain (570s = grace 600s − margin 30s) and end by the grace period (600s); set mesh.terminationDrainSeconds between 570 and 600, or leave it unset to derive it');
    expect(issues.some((m) => m.startsWith('workers.terminationGracePeriodSeconds: (workers)'))).toBe(true);
  });

  test('the margin has a floor of 15 s', () => {
    expect(workflowSettingsSchema.shape.shutdownMarginSeconds.safeParse(10).success).toBe(false);
  });
});

describe('worker scaling', () => {
  test('KEDA where it runs; otherwise a fixed count unless a cpu HPA is opted into with a reason', () => {
    const { s } = resolved('staging', 'research-assistant');
    expect(workerScaling(s.workers, true)).toEqual({ kind: 'keda', maxReplicas: 10 });
    expect(workerScaling(s.workers, false)).toEqual({ kind: 'fixed', replicas: 3, maxReplicas: 3 });
    expect(workerScaling({ ...s.workers, replicas: 4 }, false)).toEqual({ kind: 'fixed', replicas: 4, maxReplicas: 4 });
    const optIn = { ...s.workers, autoscaling: { ...s.workers.autoscaling, cpuScalingReason: 'runs embed documents locally on cpu' } };
    expect(workerScaling(optIn, false)).toEqual({ kind: 'cpu', maxReplicas: 10 });
  });
});

describe('credentials', () => {
  test('production tier needs the licence key; development accepts LangSmith alone', () => {
    const prod = resolved('prod', 'support-agent');
    const noLicence = { ...prod.s, secret: { ...prod.s.secret, keys: { ...prod.s.secret.keys, licenseKey: undefined } } };
    expect(messages(noLicence, prod.env)).toEqual(['secret.keys.licenseKey: is required in "prod" (a production-tier environment): set secret.keys.licenseKey to the Secret key holding the LangGraph licence, e.g. secret.keys.licenseKey: langgraph-license-key']);
    const dev = resolved('dev', 'support-agent');
    expect(messages({ ...dev.s, secret: { ...dev.s.secret, keys: { ...dev.s.secret.keys, licenseKey: undefined } } }, dev.env)).toEqual([]);
  });

  test('production tier: the Secret comes from an ExternalSecret or is declared in existingSecrets', () => {
    const { env, s } = resolved('prod', 'support-agent');
    expect(s.externalSecret.enabled).toBe(true);
    const off = { ...s, externalSecret: { ...s.externalSecret, enabled: false } };
    expect(checkExternalSecret(off, env)).toEqual([expect.objectContaining({ path: ['externalSecret', 'enabled'], message: expect.stringMatching(/production-tier .* Secret <workflow>-secrets must come from the secret manager/) })]);
    expect(checkExternalSecret(off, { ...env, existingSecrets: [{ name: '<workflow>-secrets', managedBy: 'terraform platform/secrets' }] })).toEqual([]);
    const dev = resolved('dev', 'support-agent');
    expect(checkExternalSecret(dev.s, dev.env)).toEqual([]);
  });
});
