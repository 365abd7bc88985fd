/**
 * The linear synth (one small App per workflow, `Chart.toJson()`) against the straightforward
 * cdk8s structure (one stock App per environment, one Chart per workflow, `App.synth()`), and
 * proof that the fast path still runs every construct validation.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CONFIG_DIR } from '../helpers';
import { loadConfig } from '../../src/config/load';
import { WorkflowChart } from '../../src/charts/workflow-chart';
import * as render from '../../src/synth/render';
import { synthesize, toFiles } from '../../src/synth/pipeline';
import { synthesizeStraightforward } from '../../src/synth/straightforward';
import { listFiles } from '../../src/synth/compare-trees';
import { runFleet } from '../../src/synth/fleet/run-fleet';
import { beginStaging, discardStaging } from '../../src/synth/fleet/staged-output';
import { main } from '../../src/cli/synth';
import { CliRun, capture, tmp } from './cli-harness';

const FAILURE = 'deliberately failing construct validation';

const config = loadConfig(CONFIG_DIR);

describe('linear synth == straightforward cdk8s structure (committed config)', () => {
  test('the committed catalog has N ≥ 3 workflows in every environment', () => {
    for (const e of config.environments) expect(e.workflows.length).toBeGreaterThanOrEqual(3);
  });

  test('the same objects, in the same order, and byte-identical files after our serialization', () => {
    const linear = config.environments.flatMap((e) => render.renderEnvironment(e));
    const straightforward = synthesizeStraightforward(config.environments);
    expect(straightforward.length).toBe(linear.length);
    expect(straightforward).toEqual(linear);
    const linearFiles = toFiles(linear);
    const straightforwardFiles = toFiles(straightforward);
    expect(straightforwardFiles.map((f) => f.path)).toEqual(linearFiles.map((f) => f.path));
    straightforwardFiles.forEach((f, i) => expect(f.content).toBe(linearFiles[i].content));
  });

  test('the whole pipeline (waivers, gate, files) gives the same bytes when rendering the straightforward way', () => {
    const linear = synthesize(CONFIG_DIR);
    const spy = jest.spyOn(render, 'renderEnvironment').mockImplementation((resolved) => synthesizeStraightforward([resolved]));
    try {
      const straightforward = synthesize(CONFIG_DIR);
      expect(spy).toHaveBeenCalledTimes(config.environments.length);
      expect(straightforward.gate.violations).toEqual(linear.gate.violations);
      expect(straightforward.files.map((f) => f.path)).toEqual(linear.files.map((f) => f.path));
      expect(Object.fromEntries(straightforward.files.map((f) => [f.path, f.content]))).toEqual(Object.fromEntries(linear.files.map((f) => [f.path, f.content])));
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the fast path runs every construct validation (node.addValidation)', () => {
  const env = config.environments[0];
  const workflow = env.workflows[0];

  test('a chart synthesized alone fails on a construct validation anywhere inside it', () => {
    const chart = new WorkflowChart(new App({ outdir: 'unused' }), workflow.name, { environment: env.environment, workflow });
    const nested = chart.node.children.find((c) => c.node.children.length > 0)!;
    new Construct(nested, 'FailingCheck').node.addValidation({ validate: () => [FAILURE] });
    expect(() => render.synthChart(chart)).toThrow(FAILURE);
  });

  test('renderWorkflow and synthesize fail when a WorkflowChart holds a failing construct validation', () => {
    jest.isolateModules(() => {
      jest.doMock('../../src/charts/workflow-chart', () => {
        const actual = jest.requireActual('../../src/charts/workflow-chart');
        const { Construct: IsolatedConstruct } = jest.requireActual('constructs');
        class WorkflowChartWithFailingCheck extends actual.WorkflowChart {
          constructor(scope: Construct, id: string, props: ConstructorParameters<typeof WorkflowChart>[2]) {
            super(scope, id, props);
            if (id === workflow.name) new IsolatedConstruct(this, 'FailingCheck').node.addValidation({ validate: () => [FAILURE] });
          }
        }
        return { ...actual, WorkflowChart: WorkflowChartWithFailingCheck };
      });
      const isolatedRender: typeof render = require('../../src/synth/render');
      const isolatedPipeline: { synthesize: typeof synthesize } = require('../../src/synth/pipeline');
      const other = env.workflows[1];
      expect(() => isolatedRender.renderWorkflow(env, other)).not.toThrow();
      expect(() => isolatedRender.renderWorkflow(env, workflow)).toThrow(FAILURE);
      expect(() => isolatedPipeline.synthesize(CONFIG_DIR)).toThrow(new RegExp(`FailingCheck\\] ${FAILURE}`));
    });
  });

  // The CLI in this thread: exit 1, the error, the output folder untouched, no staging folder left.
  test('npm run synth fails and leaves the output folder untouched (in this process, --jobs 1)', async () => {
    const work = tmp('construct-validation-');
    const out = path.join(work, 'dist');
    fs.mkdirSync(out);
    fs.mkdirSync(path.join(out, 'dev'));
    fs.writeFileSync(path.join(out, 'dev', 'keep.yaml'), 'untouched: true\n');
    const toJson = Chart.prototype.toJson;
    // Adds the failing validation through the construct API to one WorkflowChart, just before it is synthesized.
    const spy = jest.spyOn(Chart.prototype, 'toJson').mockImplementation(function (this: Chart) {
      if (this.node.id === workflow.name && !this.node.tryFindChild('FailingCheck')) {
        new Construct(this, 'FailingCheck').node.addValidation({ validate: () => [FAILURE] });
      }
      return toJson.call(this);
    });
    let r: CliRun;
    try {
      r = await capture(() => main(['--outdir', out, '--jobs', '1', '--quiet']));
    } finally {
      spy.mockRestore();
    }
    expect(r!.code).toBe(1);
    expect(r!.stderr).toContain('synth failed');
    expect(r!.stderr).toContain(`FailingCheck] ${FAILURE}`);
    expect(r!.stderr).toContain(`${out} was left untouched.`);
    expect(listFiles(out)).toEqual([path.join('dev', 'keep.yaml')]);
    expect(fs.readdirSync(work)).toEqual(['dist']); // no staging folder left behind
  });

  // The same validation in worker threads: their error reaches the caller with its message.
  test('the fleet fails the same way in worker threads', async () => {
    const work = tmp('construct-validation-workers-');
    const preload = path.join(work, 'failing-validation.js');
    fs.writeFileSync(preload, `
      const { Chart } = require(${JSON.stringify(require.resolve('cdk8s'))});
      const { Construct } = require(${JSON.stringify(require.resolve('constructs'))});
      const toJson = Chart.prototype.toJson;
      Chart.prototype.toJson = function () {
        if (this.node.id === ${JSON.stringify(workflow.name)} && !this.node.tryFindChild('FailingCheck')) {
          new Construct(this, 'FailingCheck').node.addValidation({ validate: () => [${JSON.stringify(FAILURE)}] });
        }
        return toJson.call(this);
      };
    `);
    const staging = beginStaging(path.join(work, 'dist'));
    try {
      await expect(runFleet(config.environments, { stagingDir: staging, jobs: 2, workerExecArgv: ['--require', preload] })).rejects.toThrow(`FailingCheck] ${FAILURE}`);
    } finally {
      discardStaging(staging);
    }
  });
});
