/**
 * Argo CD settings per environment and per workflow, with every default applied and every
 * derived name fixed in one place. Names and paths derive from the environment and workflow
 * names alone: stable, hash-free, and the same in every render (docs/argocd.md).
 */
import { ResolvedWorkflow } from '../config/resolved';
import { Environment } from '../config/schema';
import { SHARED_FOLDER } from '../model/rendered-object';
import { GitOps, WorkflowGitOps, gitopsSchema, workflowGitopsSchema } from '../config/features/gitops';

/** `dist/argocd/`: Argo CD's own objects, outside every environment's folder. */
export const ARGOCD_FOLDER = 'argocd';

/** Prefix of ApplicationSet, Application and default AppProject names: `langgraph-<env>…`. */
export const NAME_PREFIX = 'langgraph-';

export interface GitOpsTarget {
  /** The environment, which is also its folder under dist/. */
  readonly environment: string;
  /** `langgraph-<env>`: the environment's ApplicationSet. */
  readonly applicationSetName: string;
  /** `langgraph-<env>` unless the config names another project. */
  readonly projectName: string;
  readonly repoUrl: string;
  readonly targetRevision: string;
  /** `<distPath>/<env>`, relative to the repository root; each workflow syncs `<path>/<workflow>`. */
  readonly path: string;
  /** API server of the environment's cluster. */
  readonly server: string;
  /** The environment's default sync policy; each workflow may override it ({@link workflowAppOf}). */
  readonly automatedSync: boolean;
  /** Namespace of the central Argo CD. */
  readonly argocdNamespace: string;
}

/**
 * The environment's `gitops` block. Read through this function so that environments parsed
 * before the block was mounted in the schema still get the defaults.
 */
export function gitopsOf(env: Environment): GitOps {
  const mounted = (env as Environment & { readonly gitops?: GitOps }).gitops;
  return mounted ?? gitopsSchema.parse(undefined);
}

/** `langgraph-<env>`: the environment's ApplicationSet (and default AppProject). */
export function applicationSetNameOf(environment: string): string {
  return `${NAME_PREFIX}${environment}`;
}

/**
 * `langgraph-<env>-<workflow>`: one workflow's Application. Application names share one
 * namespace (the central Argo CD's) across environments, hence the environment in the name.
 */
export function workflowApplicationNameOf(environment: string, workflow: string): string {
  return `${NAME_PREFIX}${environment}-${workflow}`;
}

export function gitopsTargetOf(env: Environment): GitOpsTarget {
  const g = gitopsOf(env);
  return {
    environment: env.name,
    applicationSetName: applicationSetNameOf(env.name),
    projectName: g.project ?? applicationSetNameOf(env.name),
    repoUrl: g.repoUrl,
    targetRevision: g.targetRevision,
    path: `${g.distPath}/${env.name}`,
    server: env.cluster.server,
    automatedSync: g.automatedSync,
    argocdNamespace: env.namespaces.argocd,
  };
}

/** One workflow's Application in its environment: what one element of the list generator carries. */
export interface WorkflowApp {
  readonly workflow: string;
  /** `langgraph-<env>-<workflow>`. */
  readonly applicationName: string;
  /** The workflow's namespace: the Application's destination namespace. */
  readonly namespace: string;
  /** `<distPath>/<env>/<workflow>`: where synth writes the workflow's objects. */
  readonly path: string;
  /** The workflow's `gitops.automatedSync`, else the environment's. */
  readonly automatedSync: boolean;
}

/** The workflow's `gitops` block (defaults when parsed before the block was mounted). */
export function workflowGitopsOf(wf: ResolvedWorkflow): WorkflowGitOps {
  const mounted = (wf.settings as typeof wf.settings & { readonly gitops?: WorkflowGitOps }).gitops;
  return mounted ?? workflowGitopsSchema.parse(undefined);
}

export function workflowAppOf(target: GitOpsTarget, wf: ResolvedWorkflow): WorkflowApp {
  return {
    workflow: wf.name,
    applicationName: workflowApplicationNameOf(target.environment, wf.name),
    namespace: wf.namespace,
    path: `${target.path}/${wf.name}`,
    automatedSync: workflowGitopsOf(wf).automatedSync ?? target.automatedSync,
  };
}

/**
 * `langgraph-<env>-shared`: the Application syncing `<distPath>/<env>/_shared`, the environment's
 * objects of no single workflow (cluster-scoped, so no destination namespace). One owner, so no
 * two workflows' Applications fight over a cluster object or prune it when one leaves the catalog.
 */
export function sharedAppOf(target: GitOpsTarget): WorkflowApp {
  return {
    workflow: '',
    applicationName: `${NAME_PREFIX}${target.environment}-shared`,
    namespace: '',
    path: `${target.path}/${SHARED_FOLDER}`,
    automatedSync: target.automatedSync,
  };
}
