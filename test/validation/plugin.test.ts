/**
 * The gate as a function and as a cdk8s validation plugin, run through cdk8s-cli's own
 * ValidationContext (the class `cdk8s synth` hands a plugin), on manifests written to disk.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { stringify } from 'yaml';
import { LangGraphGate, gateChart, gateManifests } from '../../src/validation/plugin';
import { CONFIG_DIR, PROJECT_ROOT } from '../helpers';

// cdk8s-cli's package exports hide lib/; the file is the one `cdk8s synth` loads plugins with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require(path.join(PROJECT_ROOT, 'node_modules', 'cdk8s-cli', 'lib', 'plugins', 'validation.js'));

const DIST = path.join(PROJECT_ROOT, 'dist');

function deployment(image: string) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'app', namespace: 'team' },
    spec: {
      selector: { matchLabels: { app: 'app' } },
      template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

function writeManifest(objects: unknown[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-plugin-'));
  const file = path.join(dir, 'app.k8s.yaml');
  fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  return file;
}

const dev = fs.readdirSync(path.join(DIST, 'dev'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).map((f) => path.join(DIST, 'dev', f));

describe('LangGraphGate (cdk8s validation plugin)', () => {
  test('reports a "latest" image as a failed report naming the rule, the object, the field and the manifest', async () => {
    const file = writeManifest([deployment('registry.example.com/app:latest')]);
    const context = new ValidationContext([file], 'langgraph-platform', '0.1.0', {}, false);
    await new LangGraphGate().validate(context);
    expect(context.report.success).toBe(false);
    const violations = context.report.toJson().violations;
    const pinned = violations.find((v: any) => v.ruleName === 'policy/image-pinned'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(pinned).toBeDefined();
    expect(pinned.recommendation).toContain('Deployment/team/app /spec/template/spec/containers/0/image');
    expect(pinned.recommendation).toContain('latest');
    expect(pinned.violatingConstructs).toEqual([expect.objectContaining({ resourceName: 'app', manifestPath: file })]);
  });

  test('passes the committed dev manifests with the dev environment of the config (its waivers apply)', async () => {
    const context = new ValidationContext(dev, 'langgraph-platform', '0.1.0', {}, false);
    await new LangGraphGate({ environment: 'dev', configDir: CONFIG_DIR }).validate(context);
    expect(context.report.toJson().violations).toEqual([]);
    expect(context.report.success).toBe(true);
    expect(Number(context.report.toJson().summary.metadata.objects)).toBe(dev.length);
  });

  test('without the config, the strictest settings: the dev manifests fail (tags and single replicas unwaived)', async () => {
    const context = new ValidationContext(dev, 'langgraph-platform', '0.1.0', {}, false);
    await new LangGraphGate().validate(context);
    expect(context.report.success).toBe(false);
  });

  test('refuses an environment the config does not have, naming the ones it has', () => {
    expect(() => gateManifests([], { environment: 'qa', configDir: CONFIG_DIR })).toThrow(/"qa" is not in .*found: .*dev/);
  });
});

describe('gateChart', () => {
  test('synthesizes the chart and gates its objects', () => {
    const chart = new Chart(new App({ outdir: 'unused' }), 'c');
    new ApiObject(chart, 'd', deployment('registry.example.com/app@sha256:' + 'a'.repeat(64)) as any); // eslint-disable-line @typescript-eslint/no-explicit-any
    const pinnedOk = gateChart(chart).violations.filter((v) => v.rule === 'policy/image-pinned');
    expect(pinnedOk).toEqual([]);
    const bad = new Chart(new App({ outdir: 'unused' }), 'b');
    new ApiObject(bad, 'd', deployment('registry.example.com/app') as any); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(gateChart(bad).violations.filter((v) => v.rule === 'policy/image-pinned').map((v) => v.object)).toEqual(['Deployment/team/app']);
  });
});
