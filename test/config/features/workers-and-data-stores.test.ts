/**
 * The queue-worker, KEDA and data-store schemas as the lead will mount them: every existing config
 * stays valid with the features off, each can be turned on, and the editor JSON Schema can be
 * generated.
 */
import { z } from 'zod';
import { environmentSchema, workflowSettingsSchema } from '../../../src/config/schema';
import { queueWorkersSchema } from '../../../src/config/features/queue-workers';
import { kedaSchema } from '../../../src/config/features/keda';
import { PLACEHOLDER_DIGEST, checkDataStores, dataStoresSchema } from '../../../src/config/features/data-stores';
import { committedConfig } from '../../charts/features/feature-fixture';

const environmentLevel = { keda: kedaSchema, dataStores: dataStoresSchema };
const workflowLevel = { workers: queueWorkersSchema };

describe('mounted in the config schema', () => {
  const envs = committedConfig().environments;

  test('the schemas are mounted where the loader reads them', () => {
    for (const k of Object.keys(environmentLevel)) expect(environmentSchema.shape).toHaveProperty(k);
    for (const k of Object.keys(workflowLevel)) expect(workflowSettingsSchema.shape).toHaveProperty(k);
  });

  // Committed config: dev runs the in-cluster stores; prod has KEDA; research-assistant has workers outside dev.
  test.each([
    ['dev', false, true, []],
    ['staging', false, false, ['research-assistant']],
    ['prod', true, false, ['research-assistant']],
  ] as const)('%s: keda %s, data stores %s, workers for %j', (name, keda, stores, workers) => {
    const resolved = envs.find((e) => e.environment.name === name)!;
    const env = resolved.environment;
    expect(env.keda.enabled).toBe(keda);
    expect([env.dataStores.postgres.enabled, env.dataStores.redis.enabled]).toEqual([stores, stores]);
    expect(resolved.workflows.filter((wf) => wf.settings.workers.enabled).map((wf) => wf.name)).toEqual(name === 'dev' ? ['research-assistant'] : workers);
  });

  test('a dev-style override turns each on', () => {
    const env = z.object(environmentLevel).parse({ keda: { enabled: true }, dataStores: { postgres: { enabled: true, storage: { size: '2Gi', storageClassName: 'standard' } } } });
    expect(env.keda).toMatchObject({ enabled: true, namespace: 'keda' });
    expect(env.dataStores.postgres).toMatchObject({ enabled: true, storage: { size: '2Gi', storageClassName: 'standard' } });
    expect(env.dataStores.redis.enabled).toBe(false);
    expect(z.object(workflowLevel).parse({ workers: { enabled: true, jobsPerWorker: 3 } }).workers).toMatchObject({ enabled: true, jobsPerWorker: 3 });
  });

  test('unknown keys are refused, naming them', () => {
    const bad = dataStoresSchema.safeParse({ postgres: { enabled: true, pasword: { key: 'x' } } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('pasword');
    expect(queueWorkersSchema.safeParse({ enabled: true, replica: 3 }).success).toBe(false); // `replicas` is the fixed count without KEDA
  });

  test('the editor JSON Schema can be generated for every schema', () => {
    for (const schema of [...Object.values(environmentLevel), ...Object.values(workflowLevel)]) {
      expect(() => z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' })).not.toThrow();
    }
  });
});

describe('checkDataStores', () => {
  const base = { name: 'dev', images: { allowTags: true } };

  test('stores that are off are not checked', () => {
    expect(checkDataStores({ ...base, dataStores: dataStoresSchema.parse(undefined) })).toEqual([]);
  });

  test('an enabled store running a placeholder digest is reported with the path and both fixes (tags allowed)', () => {
    const issues = checkDataStores({ ...base, dataStores: dataStoresSchema.parse({ postgres: { enabled: true } }) });
    expect(issues.map((i) => i.path.join('.'))).toEqual(['dataStores.postgres.image.digest', 'dataStores.postgres.exporter.image.digest']);
    expect(issues[0].value).toBe(PLACEHOLDER_DIGEST);
    expect(issues[0].message).toMatch(/crane digest docker.io\/pgvector\/pgvector:0.8.0-pg16.*run the tag in "dev".*without a digest: \{ repository: docker.io\/pgvector\/pgvector, tag: 0.8.0-pg16 \}/);
  });

  test('where tags are not allowed only the real digest is offered', () => {
    const [issue] = checkDataStores({ name: 'prod', images: { allowTags: false }, dataStores: dataStoresSchema.parse({ redis: { enabled: true } }) });
    expect(issue.message).toContain('crane digest docker.io/library/redis:7.2.5-alpine');
    expect(issue.message).not.toContain('without a digest');
  });

  test('real digests or tag-only images pass', () => {
    const real = `sha256:${'c'.repeat(64)}`;
    const dataStores = dataStoresSchema.parse({
      postgres: { enabled: true, image: { repository: 'docker.io/pgvector/pgvector', tag: '0.8.0-pg16', digest: real }, exporter: { image: { repository: 'quay.io/prometheuscommunity/postgres-exporter', tag: 'v0.15.0' } } },
    });
    expect(checkDataStores({ ...base, dataStores })).toEqual([]);
  });
});
