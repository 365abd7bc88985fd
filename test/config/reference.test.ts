import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { REFERENCE_FILE, SECTIONS, configurationReference, fieldDocs, visibleFields } from '../../src/config/reference';
import { environmentJsonSchema } from '../../src/config/json-schema';
import { PROJECT_ROOT } from '../helpers';

describe('configuration reference (docs/configuration.md)', () => {
  test('is committed and current (npm run config-reference)', () => {
    const committed = fs.readFileSync(path.join(PROJECT_ROOT, REFERENCE_FILE), 'utf8');
    expect(committed).toBe(configurationReference());
  });

  test('every config field carries a description in the schema', () => {
    const missing = SECTIONS.flatMap((s) => visibleFields(s).filter((f) => !f.description?.trim()).map((f) => `${s.anchor}: ${f.path}`));
    expect(missing).toEqual([]);
  });

  test('the walk reaches nested, list, map and union fields', () => {
    const paths = SECTIONS.flatMap((s) => visibleFields(s).map((f) => `${s.anchor}:${f.path}`));
    expect(paths).toEqual(expect.arrayContaining([
      'workflow-settings:autoscaling.maxReplicas',
      'workflow-settings:apiAccess[].verbs',
      'environment:meshEgress.llm.hosts.<key>.retries.attempts',
      'environment:egress.postgres.to[].cidr',
      'environment:egress.postgres.to[].podSelector',
      'workflow-catalog:workflows[].owner.email',
      'waivers:waivers[].environments',
    ]));
    // Blocks documented in their own section are not repeated under the environment.
    expect(paths.some((p) => p.startsWith('environment:workflowDefaults.'))).toBe(false);
  });

  test('a field without a description is caught (planted)', () => {
    const planted = z.strictObject({ described: z.number().meta({ description: 'has one' }), bare: z.strictObject({ inner: z.string() }) });
    expect(fieldDocs(planted).filter((f) => !f.description).map((f) => f.path)).toEqual(['bare', 'bare.inner']);
  });

  test('rows state type, range, default and enum from the schema', () => {
    const doc = configurationReference();
    const row = (p: string) => doc.split('\n').find((l) => l.startsWith(`| \`${p}\` |`));
    expect(row('cpuUtilization')).toBeUndefined(); // paths are full, never a bare leaf
    expect(row('autoscaling.cpuUtilization')).toMatch(/integer; 1 ≤ value ≤ 100 \| `70` \| Target average CPU utilization/);
    expect(row('autoscaling.maxReplicas')).toMatch(/\| \*\*required\*\* \|/);
    expect(row('delivery.strategy')).toMatch(/one of rolling, canary/);
    // An object's default is shown where it differs from its fields' own defaults.
    expect(row('probes.startup')).toMatch(/failureThreshold: 60/);
  });

  test('the editor JSON Schemas carry the descriptions', () => {
    const json = environmentJsonSchema() as { properties: Record<string, { anyOf: { description?: string }[] }> };
    expect(json.properties.tier.anyOf[0].description).toMatch(/production/);
  });
});
