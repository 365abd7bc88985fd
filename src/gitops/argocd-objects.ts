/**
 * Argo CD's objects for the environments being rendered, as plain objects for the pipeline.
 * They are written to `dist/argocd/` (outside every `dist/<env>/`, so no generated Application
 * ever syncs them) and applied by hand or by the merge pipeline: `kubectl apply -f dist/argocd/`.
 */
import { App } from 'cdk8s';
import { ResolvedEnvironment } from '../config/resolved';
import { ArgoCdChart } from './argocd-chart';
import { KubeObject } from '../model/kube-object';
import { RenderedObject, isSharedObject } from '../model/rendered-object';
import { Footprint, footprintOf } from './footprint';
import { ARGOCD_FOLDER, gitopsTargetOf } from './settings';

export { ARGOCD_FOLDER } from './settings';

/** One cdk8s App with one chart: the AppProject(s) and one ApplicationSet per environment. */
export function renderArgoCd(environments: readonly ResolvedEnvironment[], objects: readonly RenderedObject[]): KubeObject[] {
  return renderArgoCdFromFootprints(environments, footprintsByEnvironment(environments, objects));
}

/**
 * The same from each environment's footprint (plain data, a few hundred bytes): what a synth
 * worker hands back instead of its objects, so Argo CD's objects are rendered once, in the main
 * thread, after every environment.
 */
export function renderArgoCdFromFootprints(environments: readonly ResolvedEnvironment[], footprints: ReadonlyMap<string, Footprint>): KubeObject[] {
  const app = new App({ outdir: 'unused' });
  const chart = new ArgoCdChart(app, ARGOCD_FOLDER, { environments, footprints });
  // toJson() resolves dependencies and runs every construct validation of the chart's App.
  return chart.toJson() as KubeObject[];
}

/** Objects placed in `dist/argocd/<kind>-<name>.yaml` (environment and folder `argocd`). */
export function placeInArgoCdFolder(objects: readonly KubeObject[]): RenderedObject[] {
  return objects.map((object) => ({ environment: ARGOCD_FOLDER, folder: ARGOCD_FOLDER, object }));
}

/** {@link renderArgoCd}, placed in `dist/argocd/`. */
export function argoCdRenderedObjects(environments: readonly ResolvedEnvironment[], objects: readonly RenderedObject[]): RenderedObject[] {
  return placeInArgoCdFolder(renderArgoCd(environments, objects));
}

/** Each environment's footprint; an environment without objects gets none (the chart refuses it). */
export function footprintsByEnvironment(environments: readonly ResolvedEnvironment[], objects: readonly RenderedObject[]): Map<string, Footprint> {
  const byEnvironment = new Map<string, KubeObject[]>();
  const withShared = new Set<string>();
  for (const r of objects) {
    let list = byEnvironment.get(r.environment);
    if (!list) byEnvironment.set(r.environment, (list = []));
    list.push(r.object);
    if (isSharedObject(r)) withShared.add(r.environment);
  }
  const footprints = new Map<string, Footprint>();
  for (const e of environments) {
    const envObjects = byEnvironment.get(e.environment.name);
    if (envObjects?.length) footprints.set(e.environment.name, footprintOf(envObjects, withShared.has(e.environment.name)));
  }
  return footprints;
}

/**
 * The environments an Argo CD object belongs to, among `environments`: an ApplicationSet to its
 * environment; an AppProject to every environment whose Applications it fences (several when
 * environments share a project name). Empty for an object of no environment there.
 * `npm run synth -- --env NAME` rewrites exactly the objects that belong to a named environment.
 */
export function environmentsOfArgoCdObject(object: KubeObject, environments: readonly ResolvedEnvironment[]): string[] {
  const targets = environments.map((e) => gitopsTargetOf(e.environment));
  switch (object.kind) {
    case 'ApplicationSet':
      return targets.filter((t) => t.applicationSetName === object.metadata.name).map((t) => t.environment);
    case 'AppProject':
      return targets.filter((t) => t.projectName === object.metadata.name).map((t) => t.environment);
    default:
      return [];
  }
}

/**
 * Environments outside `selected` that share an AppProject with one inside it: rendering only
 * `selected` still rewrites that project, whose allow-lists are the union of every member's
 * footprint, so the footprints of these environments are needed too.
 */
export function environmentsSharingAProjectWith(selected: ReadonlySet<string>, environments: readonly ResolvedEnvironment[]): Map<string, string> {
  const targets = environments.map((e) => gitopsTargetOf(e.environment));
  const projects = new Set(targets.filter((t) => selected.has(t.environment)).map((t) => t.projectName));
  return new Map(targets.filter((t) => !selected.has(t.environment) && projects.has(t.projectName)).map((t) => [t.environment, t.projectName]));
}
