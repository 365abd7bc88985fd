import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import { ResolvedEnvironment } from '../config/resolved';
import { ArgoCdApplicationSet } from '../constructs/argocd-application-set';
import { ArgoCdProject, ProjectDestination } from '../constructs/argocd-project';
import { MANAGED_BY } from '../constructs/labels';
import { Footprint } from './footprint';
import { GroupKind, groupKindKey } from '../model/api-group';
import { ARGOCD_FOLDER, GitOpsTarget, gitopsTargetOf, sharedAppOf, workflowAppOf } from './settings';

/** Labels of the Argo CD objects (they belong to the platform, not to a workflow). */
export const GITOPS_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/part-of': 'langgraph-platform',
  'app.kubernetes.io/component': 'gitops',
  'app.kubernetes.io/managed-by': MANAGED_BY,
};

export interface ArgoCdChartProps {
  readonly environments: readonly ResolvedEnvironment[];
  /** What each environment rendered (its `dist/<env>` content), by environment name. */
  readonly footprints: ReadonlyMap<string, Footprint>;
}

/**
 * The central Argo CD's objects: per environment an ApplicationSet generating one Application per
 * workflow (each syncing `dist/<env>/<workflow>` to that environment's cluster with the
 * workflow's own sync policy), and the AppProject(s) fencing them, derived from what was rendered.
 */
export class ArgoCdChart extends Chart {
  constructor(scope: Construct, id: string, props: ArgoCdChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const targets = props.environments.map((e) => gitopsTargetOf(e.environment));
    if (targets.length === 0) return;
    const namespace = argocdNamespaceOf(targets);
    const clash = targets.find((t) => t.environment === ARGOCD_FOLDER);
    if (clash) {
      throw new Error(`environment "${ARGOCD_FOLDER}" would share dist/${ARGOCD_FOLDER}/ with Argo CD's own objects; rename environments/${ARGOCD_FOLDER}.yaml (and its name)`);
    }

    const footprints = props.footprints;
    for (const t of targets) {
      if (!footprints.get(t.environment)?.namespacedKinds.length) {
        throw new Error(`environment "${t.environment}" rendered no objects, so its Applications would sync empty folders; render at least one workflow there`);
      }
    }

    // Read from what was rendered (dist/<env>/_shared), like every other allow-list here.
    const sharedOf = new Map(targets.map((t) => [t.environment, footprints.get(t.environment)!.sharedObjects]));

    // One AppProject per project name; environments sharing a name share the union of allow-lists.
    const byProject = new Map<string, GitOpsTarget[]>();
    for (const t of targets) byProject.set(t.projectName, [...(byProject.get(t.projectName) ?? []), t]);
    for (const [projectName, members] of [...byProject].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const fps = members.map((t) => footprints.get(t.environment)!);
      new ArgoCdProject(this, `project-${projectName}`, {
        name: projectName,
        namespace,
        labels: GITOPS_LABELS,
        description: `LangGraph platform: what Argo CD may deploy for ${members.map((t) => t.environment).join(', ')} (allow-lists derived from the rendered manifests)`,
        sourceRepos: distinct(members.map((t) => t.repoUrl)),
        destinations: distinctDestinations(members.flatMap((t) => destinationsOf(t, footprints.get(t.environment)!, sharedOf.get(t.environment)!))),
        clusterKinds: unionKinds(fps.map((f) => f.clusterKinds)),
        namespacedKinds: unionKinds(fps.map((f) => f.namespacedKinds)),
      });
    }

    // The list generator's elements come from the catalog (ResolvedEnvironment.workflows), the
    // same list synth renders the folders from; see ArgoCdApplicationSet for why not a git
    // directory generator.
    props.environments.forEach((e, i) => {
      const t = targets[i];
      const apps = [...e.workflows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((wf) => workflowAppOf(t, wf));
      const allowed = new Set(footprints.get(t.environment)!.namespaces);
      const outside = apps.filter((a) => !allowed.has(a.namespace));
      if (outside.length) {
        throw new Error(`environment "${t.environment}": workflow(s) ${outside.map((a) => `${a.workflow} (namespace ${a.namespace})`).join(', ')} rendered nothing in their namespace, so the project would refuse their Application's destination; render the workflow or drop it from the catalog`);
      }
      // The environment's shared objects (dist/<env>/_shared) get one Application of their own.
      const shared = sharedOf.get(t.environment) ? [sharedAppOf(t)] : [];
      const clash = apps.find((a) => shared.some((s) => s.applicationName === a.applicationName));
      if (clash) {
        throw new Error(`environment "${t.environment}": workflow "${clash.workflow}" would generate the Application ${clash.applicationName}, which syncs the environment's shared objects (${shared[0].path}); rename the workflow`);
      }
      new ArgoCdApplicationSet(this, `applicationset-${t.environment}`, {
        name: t.applicationSetName,
        namespace,
        labels: GITOPS_LABELS,
        environment: t.environment,
        project: t.projectName,
        repoUrl: t.repoUrl,
        targetRevision: t.targetRevision,
        server: t.server,
        elements: [...apps, ...shared].map((a) => ({ name: a.applicationName, workflow: a.workflow, namespace: a.namespace, path: a.path, automatedSync: a.automatedSync })),
      });
    });
  }
}

/**
 * Exactly the environment's namespaces on its cluster. Each Application's own destination is its
 * workflow's namespace (one of them); Argo CD checks namespaced objects with their own namespace
 * and cluster-scoped ones (Namespaces) against the cluster allow-list only. The Application of the
 * environment's shared objects names no namespace (they are cluster-scoped), so the project allows
 * `namespace: ''` on the cluster exactly when that Application exists.
 */
function destinationsOf(t: GitOpsTarget, fp: Footprint, shared: boolean): ProjectDestination[] {
  return [...(shared ? [''] : []), ...fp.namespaces].map((namespace) => ({ server: t.server, namespace }));
}

/** Argo CD refuses a project listing the same server/namespace twice (environments may share a cluster). */
function distinctDestinations(list: readonly ProjectDestination[]): ProjectDestination[] {
  const byKey = new Map(list.map((d) => [`${d.server} ${d.namespace}`, d]));
  return [...byKey.values()];
}

/** The one central Argo CD lives in one namespace; environments must agree on it. */
function argocdNamespaceOf(targets: readonly GitOpsTarget[]): string {
  const names = distinct(targets.map((t) => t.argocdNamespace));
  if (names.length !== 1) {
    const detail = targets.map((t) => `${t.environment}: ${t.argocdNamespace}`).join(', ');
    throw new Error(`namespaces.argocd differs between environments (${detail}); one central Argo CD manages them all, so set the same namespace in config/defaults.yaml and drop the per-environment overrides`);
  }
  return names[0];
}

function unionKinds(lists: readonly (readonly GroupKind[])[]): GroupKind[] {
  const byKey = new Map<string, GroupKind>();
  for (const list of lists) for (const gk of list) byKey.set(groupKindKey(gk), gk);
  return [...byKey.values()].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
