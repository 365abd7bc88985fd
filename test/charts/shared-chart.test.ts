import { App } from 'cdk8s';
import { ResolvedEnvironment, ResolvedWorkflow } from '../../src/config/resolved';
import { SharedChart, priorityClassNamesOf } from '../../src/charts/shared-chart';
import { renderArgoCd } from '../../src/gitops/argocd-objects';
import { renderEnvironment } from '../../src/synth/render';
import { relativePath } from '../../src/model/rendered-object';
import { committed } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */
const environments = committed().config.environments;
const prod = environments.find((e) => e.environment.name === 'prod')!;
const dev = environments.find((e) => e.environment.name === 'dev')!;

/** The environment with each workflow's priority class set by `name(workflow, index)`. */
function withClasses(env: ResolvedEnvironment, name: (wf: ResolvedWorkflow, i: number) => string | undefined): ResolvedEnvironment {
  return {
    ...env,
    workflows: env.workflows.map((wf, i) => ({ ...wf, settings: { ...wf.settings, scheduling: { ...wf.settings.scheduling, priorityClassName: name(wf, i) } } })),
  };
}

describe('the PriorityClasses an environment renders', () => {
  test('committed config: prod names langgraph-production on every workflow; dev and staging name none', () => {
    expect(prod.workflows.every((wf) => wf.settings.scheduling?.priorityClassName === 'langgraph-production')).toBe(true);
    expect(priorityClassNamesOf(prod)).toEqual(['langgraph-production']);
    expect(environments.filter((e) => e !== prod).map(priorityClassNamesOf)).toEqual([[], []]);
  });

  test('once per environment, however many workflows name it; sorted; Kubernetes\' system- classes never', () => {
    const names = ['b-class', 'a-class', 'system-node-critical'];
    const env = withClasses(prod, (_wf, i) => names[i % names.length]);
    expect(env.workflows.length).toBeGreaterThanOrEqual(3);
    expect(priorityClassNamesOf(env)).toEqual(['a-class', 'b-class']);
    expect(priorityClassNamesOf(withClasses(prod, () => 'system-cluster-critical'))).toEqual([]);
    expect(priorityClassNamesOf(withClasses(prod, () => undefined))).toEqual([]);
  });

  test('rendered into dist/<env>/_shared with no workflow, one object per class', () => {
    const env = withClasses(dev, (_wf, i) => (i === 0 ? undefined : 'dev-priority'));
    const shared = renderEnvironment(env).filter((r) => r.workflow === undefined);
    expect(shared.map((r) => relativePath(r))).toEqual(['dev/_shared/priorityclass-dev-priority.yaml']);
    const chart = new SharedChart(new App({ outdir: 'unused' }), 'shared', { resolved: withClasses(dev, () => undefined) });
    expect(chart.toJson()).toEqual([]);
  });

  test('a workflow named "shared" would take the Application of the shared objects: refused with the fix', () => {
    const env = { ...prod, workflows: prod.workflows.map((wf, i) => (i === 0 ? { ...wf, name: 'shared' } : wf)) };
    const objects = committed().objects.filter((r) => r.environment === 'prod');
    expect(() => renderArgoCd([env], objects)).toThrow(/workflow "shared" would generate the Application langgraph-prod-shared, which syncs the environment's shared objects \(dist\/prod\/_shared\); rename the workflow/);
  });
});
