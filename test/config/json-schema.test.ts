import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { SCHEMA_FILES, catalogJsonSchema, environmentJsonSchema } from '../../src/config/json-schema';
import { CONFIG_DIR, PROJECT_ROOT } from '../helpers';

describe('editor JSON Schemas of the config', () => {
  test.each(Object.entries(SCHEMA_FILES))('%s is committed and current (npm run config-schema)', (file, build) => {
    const committed = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    expect(committed).toBe(JSON.stringify(build(), null, 2) + '\n');
  });

  // The schemas say `format: email` for editors; ajv checks formats only when told how (no ajv-formats here).
  const ajv = new Ajv2020({ strict: false, allErrors: true, formats: { email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ } });
  const env = ajv.compile(environmentJsonSchema());
  const catalog = ajv.compile(catalogJsonSchema());

  test('every committed config file validates against its editor schema', () => {
    for (const f of ['defaults.yaml', ...fs.readdirSync(path.join(CONFIG_DIR, 'environments')).map((f) => `environments/${f}`)]) {
      expect({ file: f, ok: env(parse(fs.readFileSync(path.join(CONFIG_DIR, f), 'utf8'))), errors: env.errors }).toMatchObject({ ok: true });
    }
    expect(catalog(parse(fs.readFileSync(path.join(CONFIG_DIR, 'workflows.yaml'), 'utf8')))).toBe(true);
  });

  test('flags unknown keys and wrong types, including inside workflow overrides', () => {
    expect(env({ mesh: { enabled: 'yes' } })).toBe(false);
    expect(env({ workflowDefaults: { autoscaling: { minReplica: 2 } } })).toBe(false);
    expect(catalog({ workflows: [{ name: 'a', overrides: { resources: { requests: { cpu: 'lots' } } } }] })).toBe(false);
    expect(env({ apiVersion: 'langgraph.platform/v1', workflowDefaults: { autoscaling: { minReplicas: 2 } } })).toBe(true);
  });

  test('every file names the supported config format', () => {
    expect(env({ name: 'qa' })).toBe(false);
    expect(env({ apiVersion: 'langgraph.platform/v2', name: 'qa' })).toBe(false);
    expect(env({ apiVersion: 'langgraph.platform/v1', name: 'qa' })).toBe(true);
    expect(catalog({ workflows: [{ name: 'a' }] })).toBe(false);
    expect(catalog({ apiVersion: 'langgraph.platform/v1', workflows: [{ name: 'a' }] })).toBe(true);
  });
});
