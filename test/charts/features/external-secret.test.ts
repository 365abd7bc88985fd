import { addExternalSecret } from '../../../src/charts/features/external-secret';
import { aesKeyInWorkflowSecret } from '../../../src/charts/features/data-protection';
import { externalSecretSchema } from '../../../src/config/features/external-secret';
import { toYaml } from '../../../src/synth/serialize';
import { contextFor, newChart, synthValid } from './workflow-context-fixture';

const WF = 'support-agent';
const on = (extra: object = {}) => externalSecretSchema.parse({ enabled: true, store: { name: 'vault' }, ...extra });

describe('addExternalSecret', () => {
  test('off by default: nothing rendered (the pre-existing Secret is referenced)', () => {
    const chart = newChart();
    expect(addExternalSecret(chart, contextFor('prod'), externalSecretSchema.parse(undefined))).toBeUndefined();
    expect(synthValid(chart)).toEqual([]);
  });

  test.each(['dev', 'staging', 'prod'])('%s: materializes exactly the Secret the server references, owned by ESO', (envName) => {
    const ctx = contextFor(envName);
    const chart = newChart();
    addExternalSecret(chart, ctx, on({ refreshInterval: '15m' }));
    const [es, ...rest] = synthValid(chart);
    expect(rest).toEqual([]);
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata).toMatchObject({ name: ctx.secretName, namespace: ctx.namespace });
    expect(es.spec.target).toEqual({ name: ctx.secretName, creationPolicy: 'Owner' });
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    expect(es.spec.refreshInterval).toBe('15m');
  });

  test('one data entry per key the server reads (POSTGRES_URI and DATABASE_URI share one)', () => {
    const ctx = contextFor('prod');
    const k = ctx.settings.secret.keys;
    const chart = newChart();
    addExternalSecret(chart, ctx, on());
    const [es] = synthValid(chart);
    // The server's keys, and the AES key of `dataProtection` where it lives in this Secret.
    const expected = [k.databaseUri, k.redisUri, k.langsmithApiKey, k.licenseKey, ...Object.values(k.extra), ...aesKeyInWorkflowSecret(ctx)].filter((x): x is string => !!x);
    expect(aesKeyInWorkflowSecret(ctx)).toEqual(['langgraph-aes-key']);
    expect(expected).toContain('langgraph-license-key'); // the licence reaches the server through the same Secret
    expect(es.spec.data.map((d: any) => d.secretKey).sort()).toEqual([...new Set(expected)].sort());
  });

  test('property layout: one remote secret per workflow, a property per key', () => {
    const chart = newChart();
    addExternalSecret(chart, contextFor('prod'), on());
    const [es] = synthValid(chart);
    for (const d of es.spec.data) expect(d.remoteRef).toEqual({ key: `langgraph/${WF}`, property: d.secretKey });
  });

  test('path layout and explicit keys: <remoteKey>/<key>, and an explicit reference wins', () => {
    const chart = newChart();
    addExternalSecret(chart, contextFor('prod'), on({
      layout: 'path', remoteKey: 'prod/<workflow>', keys: { 'database-uri': { key: 'shared/postgres/<workflow>', property: 'uri', version: '3' } },
    }));
    const [es] = synthValid(chart);
    const byKey = Object.fromEntries(es.spec.data.map((d: any) => [d.secretKey, d.remoteRef]));
    expect(byKey['database-uri']).toEqual({ key: `shared/postgres/${WF}`, property: 'uri', version: '3' });
    expect(byKey['redis-uri']).toEqual({ key: `prod/${WF}/redis-uri` });
  });

  test('a namespaced SecretStore is referenced by kind', () => {
    const chart = newChart();
    addExternalSecret(chart, contextFor('staging'), on({ store: { kind: 'SecretStore', name: 'team-store' } }));
    expect(synthValid(chart)[0].spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'team-store' });
  });

  test('enabled without a store is refused with the fix', () => {
    expect(() => addExternalSecret(newChart(), contextFor('prod'), externalSecretSchema.parse({ enabled: true }))).toThrow(/externalSecret.store is not set/);
  });

  test('no Secret object and no secret value is rendered', () => {
    const chart = newChart();
    addExternalSecret(chart, contextFor('prod'), on());
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const yaml = objects.map((o) => toYaml(o)).join('\n');
    expect(yaml).not.toMatch(/stringData|\btemplate:|\bvalue:/);
  });
});

test('snapshot: what externalSecret adds to support-agent in prod', () => {
  const chart = newChart();
  addExternalSecret(chart, contextFor('prod'), on());
  const objects = synthValid(chart);
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`ExternalSecret/${WF}-secrets`]);
  expect(objects).toMatchSnapshot('externalSecret: objects added to support-agent in prod');
});
