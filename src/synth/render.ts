/**
 * Builds the objects of every environment. Each workflow is its own cdk8s App with one Chart, so
 * cdk8s's whole-app passes (dependency resolution, `node.validate()`) cover one workflow at a time
 * and the cost grows linearly with the catalog, instead of quadratically as with one shared App.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ResolvedEnvironment, ResolvedWorkflow } from '../config/resolved';
import { WorkflowChart } from '../charts/workflow-chart';
import { KubeObject } from '../model/kube-object';
import { RenderedObject, SHARED_FOLDER } from '../model/rendered-object';
import { SharedChart } from '../charts/shared-chart';
import { addPlatformAspects } from './platform-aspects';
import { StringPool } from './string-pool';
import { RenderCache, RenderCacheProps } from './render-cache';

/** Called after each workflow is rendered: `done` of `total` workflows. */
export type RenderProgress = (done: number, total: number) => void;

/**
 * How an environment's workflows get rendered: `take` is called once per workflow (by its index in
 * `resolved.workflows`) with its objects, in any order. The default renders each in turn in this
 * thread; the fleet's last job shares them with an idle worker (fleet/shared-renders.ts).
 */
export type WorkflowRenders = (take: (workflow: number, objects: readonly KubeObject[]) => void) => void;

/**
 * Every object of the environment, in workflow order whatever order `renders` takes them in, as
 * compact copies sharing their equal strings (see string-pool.ts): the environment is held whole
 * until its gate verdict. `cache`: the render cache of the default renders (`renders`, when given,
 * brings its own: see fleet/shared-renders.ts).
 */
export function renderEnvironment(resolved: ResolvedEnvironment, onWorkflow?: RenderProgress, renders?: WorkflowRenders, cache?: RenderCacheProps): RenderedObject[] {
  const environment = resolved.environment.name;
  const total = resolved.workflows.length;
  const pool = new StringPool();
  const byWorkflow: RenderedObject[][] = new Array(total);
  let done = 0;
  const take = (i: number, objects: readonly KubeObject[]) => {
    if (byWorkflow[i]) throw new Error(`workflow ${i} of environment "${environment}" was rendered twice`);
    byWorkflow[i] = objects.map((object) => ({ environment, workflow: resolved.workflows[i].name, object: pool.copy(object) }));
    done++;
    onWorkflow?.(done, total);
  };
  const render = renders ?? ((t: Parameters<WorkflowRenders>[0]) => {
    const renderer = workflowRenderer(resolved, cache);
    resolved.workflows.forEach((wf, i) => t(i, renderer(wf)));
  });
  render(take);
  if (done !== total) throw new Error(`${total - done} of the ${total} workflows of environment "${environment}" were not rendered`);
  const out = byWorkflow.flat();
  // Per-environment objects last (dist/<env>/_shared/, no workflow).
  for (const object of synthChart(sharedChart(new App({ outdir: 'unused' }), resolved))) {
    out.push({ environment, object: pool.copy(object) });
  }
  return out;
}

/** Chart id of the environment's shared objects (the chart holds no workflow). */
export const SHARED_CHART_ID = SHARED_FOLDER;

/** The environment's shared chart in `scope`, with the platform aspects (waivers name no workflow). */
export function sharedChart(scope: Construct, resolved: ResolvedEnvironment): SharedChart {
  const chart = new SharedChart(scope, SHARED_CHART_ID, { resolved });
  addPlatformAspects(chart, { waivers: resolved.environment.waivers });
  return chart;
}

/**
 * Renders the workflows of `resolved`, through the render cache when given one (the objects a
 * workflow rendered before for the same inputs and code, see render-cache.ts).
 */
export function workflowRenderer(resolved: ResolvedEnvironment, cache?: RenderCacheProps): (workflow: ResolvedWorkflow) => KubeObject[] {
  if (!cache) return (workflow) => renderWorkflow(resolved, workflow);
  const stored = new RenderCache(cache, resolved);
  return (workflow) => stored.objectsOf(workflow, () => renderWorkflow(resolved, workflow));
}

export function renderWorkflow(resolved: ResolvedEnvironment, workflow: ResolvedWorkflow): KubeObject[] {
  return synthChart(workflowChart(new App({ outdir: 'unused' }), resolved, workflow));
}

/** One workflow's chart in `scope` (chart id = workflow name), with the platform aspects. */
export function workflowChart(scope: Construct, resolved: ResolvedEnvironment, workflow: ResolvedWorkflow): WorkflowChart {
  const chart = new WorkflowChart(scope, workflow.name, { environment: resolved.environment, workflow });
  addPlatformAspects(chart, { waivers: resolved.environment.waivers, workflow: workflow.name });
  return chart;
}

/** `Chart.toJson()` resolves dependencies and runs every construct validation of the chart's App. */
export function synthChart(chart: Chart): KubeObject[] {
  return chart.toJson() as KubeObject[];
}
