/**
 * The bench's generated catalogs (scripts/bench/catalog.ts) stay valid configs at any size: an
 * environment whose Gateway API Gateway cannot hold one listener per workflow falls back to its
 * default entry type, and keeps `gateway-api` while the Gateway can.
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { CONFIG_DIR } from '../helpers';
import { tmp } from '../synth/cli-harness';
import { loadPlatform } from '../../src/synth/pipeline';
import { SharedChart } from '../../src/charts/shared-chart';
import { entryTypeOf } from '../../src/config/schema';
import { MAX_WORKFLOW_LISTENERS } from '../../src/constructs/entry-gateway';
import { writeGeneratedConfig } from '../../scripts/bench/catalog';

const generated = (workflows: number) =>
  loadPlatform(writeGeneratedConfig({ baseConfigDir: CONFIG_DIR, targetDir: path.join(tmp('bench-catalog-'), 'config'), workflows }));

const entryTypes = (config: ReturnType<typeof loadPlatform>) => Object.fromEntries(config.environments.map((e) => [e.environment.name, entryTypeOf(e.environment)]));

describe('writeGeneratedConfig and the Gateway API listener limit', () => {
  const committed = loadPlatform(CONFIG_DIR);

  test('the committed config has an environment with entry type gateway-api (else this test proves nothing)', () => {
    expect(Object.values(entryTypes(committed))).toContain('gateway-api');
  });

  test(`up to ${MAX_WORKFLOW_LISTENERS} workflows: every environment keeps its entry type`, () => {
    expect(entryTypes(generated(MAX_WORKFLOW_LISTENERS))).toEqual(entryTypes(committed));
  });

  test(`${MAX_WORKFLOW_LISTENERS + 1} workflows: gateway-api environments take their default entry type and every shared chart builds`, () => {
    const config = generated(MAX_WORKFLOW_LISTENERS + 1);
    const expected = Object.fromEntries(
      committed.environments.map((e) => [e.environment.name, e.environment.entry.type === 'gateway-api' ? (e.environment.mesh.enabled ? 'gateway' : 'ingress') : entryTypeOf(e.environment)]),
    );
    expect(entryTypes(config)).toEqual(expected);
    for (const resolved of config.environments) {
      expect(resolved.workflows).toHaveLength(MAX_WORKFLOW_LISTENERS + 1);
      expect(() => new SharedChart(new App({ outdir: 'unused' }), '_shared', { resolved })).not.toThrow();
    }
  });
});
