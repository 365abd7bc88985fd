/**
 * One home for each default (issue #13): the constructs own the defaults, the config schema takes
 * them from there, and config/defaults.yaml only overrides (it never repeats a default).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { parseDocument } from 'yaml';
import { CONFIG_DIR } from '../helpers';
import { loadConfig } from '../../src/config/load';
import { ConfigError } from '../../src/config/errors';
import { isPlainObject } from '../../src/config/merge';
import { environmentSchema, workflowSettingsSchema } from '../../src/config/schema';
import {
  DEFAULT_CANARY_ANALYSIS, DEFAULT_CANARY_STEPS, DEFAULT_ENTRY, DEFAULT_MONITORING, DEFAULT_PLATFORM_NAMESPACES, DEFAULT_POOL_MAX_SIZE,
  DEFAULT_PROBES, DEFAULT_ROLLING_UPDATE, DEFAULT_SECRET_KEYS,
} from '../../src/constructs/langgraph-workflow';
import { DEFAULT_SHUTDOWN_MARGIN_SECONDS, DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../../src/constructs/shutdown';

/** Paths of the values a YAML mapping sets (lists and empty maps count as one value). */
function leafPaths(data: unknown, prefix: string[] = []): string[][] {
  if (!isPlainObject(data) || Object.keys(data).length === 0) return [prefix];
  return Object.entries(data).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/**
 * What the loaded environments render from, or undefined when the folder does not load. The raw
 * `workflowDefaults` layer is left out: the workflows' resolved settings carry its effect.
 */
function loaded(dir: string): unknown {
  try {
    return loadConfig(dir).environments.map(({ environment: { workflowDefaults: _, ...environment }, workflows }) => ({ environment, workflows }));
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}

describe('config/defaults.yaml', () => {
  // Example placeholders kept on purpose: the reader must put their own repository there.
  const PLACEHOLDERS = [['gitops', 'repoUrl'], ['gitops', 'targetRevision']];

  test('every value it sets changes the loaded config (none repeats a default)', () => {
    const file = path.join(CONFIG_DIR, 'defaults.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const leaves = leafPaths(parseDocument(text).toJS()).filter((p) => p[0] !== 'apiVersion');
    expect(leaves.length).toBeGreaterThan(10);
    const base = loaded(CONFIG_DIR);
    expect(base).toBeDefined();
    const repeated = leaves.filter((leaf) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'defaults-yaml-'));
      fs.cpSync(CONFIG_DIR, dir, { recursive: true });
      const doc = parseDocument(text);
      doc.deleteIn(leaf);
      fs.writeFileSync(path.join(dir, 'defaults.yaml'), doc.toString());
      const without = loaded(dir);
      fs.rmSync(dir, { recursive: true, force: true });
      return without !== undefined && isDeepStrictEqual(without, base);
    });
    expect(repeated).toEqual(PLACEHOLDERS);
  });

  test('a canary environment gets the constructs\' steps and analysis without any YAML', () => {
    const prod = loadConfig(CONFIG_DIR).environments.find((e) => e.environment.name === 'prod')!;
    const canaries = prod.workflows.filter((w) => w.settings.delivery.strategy === 'canary');
    expect(canaries.length).toBeGreaterThan(0);
    for (const wf of canaries) {
      expect(wf.settings.delivery.canary.steps).toEqual(DEFAULT_CANARY_STEPS);
      expect(wf.settings.delivery.canary.analysis).toEqual(DEFAULT_CANARY_ANALYSIS);
    }
  });
});

describe('the config schema\'s defaults are the constructs\'', () => {
  test('workflow settings', () => {
    const s = workflowSettingsSchema.parse({
      image: { repository: 'registry.example.com/a', digest: `sha256:${'0'.repeat(64)}` },
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      delivery: { strategy: 'rolling' },
    });
    expect(s.terminationGracePeriodSeconds).toBe(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    expect(s.shutdownMarginSeconds).toBe(DEFAULT_SHUTDOWN_MARGIN_SECONDS);
    expect(s.database.poolMaxSize).toBe(DEFAULT_POOL_MAX_SIZE);
    expect(s.rollingUpdate).toEqual(DEFAULT_ROLLING_UPDATE);
    expect(s.probes).toEqual(DEFAULT_PROBES);
    expect(s.secret.keys).toMatchObject({ databaseUri: DEFAULT_SECRET_KEYS.databaseUri, redisUri: DEFAULT_SECRET_KEYS.redisUri });
    expect(s.delivery.canary).toMatchObject({ steps: DEFAULT_CANARY_STEPS, analysis: DEFAULT_CANARY_ANALYSIS });
  });

  test('environment', () => {
    const base = {
      name: 'dev', cluster: { server: 'https://dev.k8s.example.com' }, mesh: { enabled: false },
      egress: { postgres: { port: 5432, to: [{ cidr: '10.0.0.0/24' }] }, redis: { port: 6379, to: [{ cidr: '10.0.1.0/24' }] } },
      entry: { domain: 'example.com' }, rbac: { oncallGroup: 'sre' },
      monitoring: { runbookBaseUrl: 'https://git.example.com/docs/runbooks.md' },
    };
    const env = environmentSchema.parse(base);
    expect(env.namespaces).toMatchObject(DEFAULT_PLATFORM_NAMESPACES);
    expect(env.entry.tlsSecretName).toBe(DEFAULT_ENTRY.tlsSecretName);
    // Fields one entry type reads stay unset, so the config check can refuse one set for another
    // type; the constructs' defaults apply (workflowProps passes undefined through).
    expect(env.entry).not.toHaveProperty('ingressClassName');
    expect(env.entry).not.toHaveProperty('gatewaySelector');
    const gatewayApi = environmentSchema.parse({ ...base, entry: { domain: 'example.com', type: 'gateway-api', gatewayApi: {} } });
    expect(gatewayApi.entry.gatewayApi).toEqual({ gatewayName: DEFAULT_ENTRY.gatewayApiName, gatewayClassName: DEFAULT_ENTRY.gatewayClassName });
    expect(env.monitoring).toMatchObject({
      selectorLabels: DEFAULT_MONITORING.discoveryLabels, scrapeInterval: DEFAULT_MONITORING.scrapeInterval, prometheusAddress: DEFAULT_MONITORING.prometheusAddress,
    });
  });
});
