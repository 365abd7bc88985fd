/**
 * A library user who builds a workflow's chart in their own App and adds the platform aspects gets
 * the committed dist/ bytes: sync waves, waiver annotations and keep-on-delete come from the
 * construct tree, not from a pass over the synthesized JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { loadConfig } from '../../src/config/load';
import { WorkflowChart } from '../../src/charts/workflow-chart';
import { KubeObject } from '../../src/model/kube-object';
import { relativePath } from '../../src/model/rendered-object';
import { addPlatformAspects } from '../../src/synth/platform-aspects';
import { toYaml } from '../../src/synth/serialize';
import { Aspects } from '../../src/util/aspects';
import { CONFIG_DIR, PROJECT_ROOT } from '../helpers';

const config = loadConfig(CONFIG_DIR);
const dev = config.environments.find((e) => e.environment.name === 'dev')!;
const DIST = path.join(PROJECT_ROOT, 'dist');

/** One workflow, the way a library user would synthesize it: a stock App, Testing.synth. */
function libraryRender(workflowName: string, withAspects: boolean): KubeObject[] {
  const workflow = dev.workflows.find((w) => w.name === workflowName)!;
  const chart = new WorkflowChart(new App({ outdir: 'unused' }), workflow.name, { environment: dev.environment, workflow });
  if (withAspects) addPlatformAspects(chart, { waivers: dev.environment.waivers, workflow: workflow.name });
  return Testing.synth(chart) as KubeObject[];
}

describe.each(dev.workflows.map((w) => w.name))('dev/%s through the construct API', (workflow) => {
  test('with the platform aspects: every object is byte-identical to its committed file', () => {
    const objects = libraryRender(workflow, true);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      const file = path.join(DIST, relativePath({ environment: 'dev', workflow, object }));
      expect([file, toYaml(object)]).toEqual([file, fs.readFileSync(file, 'utf8')]);
    }
  });

  test('without them, the waves, waivers and keep options are missing (so the aspects are what adds them)', () => {
    const bare = libraryRender(workflow, false).map((o) => toYaml(o)).join('\n');
    expect(bare).not.toContain('argocd.argoproj.io/sync-wave');
    expect(bare).not.toContain('argocd.argoproj.io/sync-options');
    expect(bare).not.toContain('waiver.langgraph.platform/');
  });
});

test('addPlatformAspects adds Waivers only when there are waivers, then SyncWaves and KeepOnDelete', () => {
  const scope = new App({ outdir: 'unused' });
  addPlatformAspects(scope);
  expect(Aspects.of(scope).all.map((a) => a.constructor.name)).toEqual(['SyncWaves', 'KeepOnDelete']);
  const other = new App({ outdir: 'unused' });
  addPlatformAspects(other, { waivers: dev.environment.waivers });
  expect(Aspects.of(other).all.map((a) => a.constructor.name)).toEqual(['Waivers', 'SyncWaves', 'KeepOnDelete']);
});
