/**
 * Per-environment Argo CD settings, with every default applied and every derived name fixed in
 * one place. Names and paths derive from the environment's folder name alone, so an
 * ApplicationSet over the `dist/*` folders can produce exactly the same Applications later
 * (see docs/argocd.md).
 */
import { Environment } from '../config/schema';
import { GitOps, gitopsSchema } from '../config/features/gitops';

/** `dist/argocd/`: Argo CD's own objects, outside every environment's folder. */
export const ARGOCD_FOLDER = 'argocd';

/** Prefix of Application (and default AppProject) names: `langgraph-<env>`. */
export const NAME_PREFIX = 'langgraph-';

export interface GitOpsTarget {
  /** The environment, which is also its folder under dist/. */
  readonly environment: string;
  /** `langgraph-<env>`. */
  readonly applicationName: string;
  /** `langgraph-<env>` unless the config names another project. */
  readonly projectName: string;
  readonly repoUrl: string;
  readonly targetRevision: string;
  /** `<distPath>/<env>`, relative to the repository root. */
  readonly path: string;
  /** API server of the environment's cluster. */
  readonly server: string;
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

export function applicationNameOf(environment: string): string {
  return `${NAME_PREFIX}${environment}`;
}

export function gitopsTargetOf(env: Environment): GitOpsTarget {
  const g = gitopsOf(env);
  return {
    environment: env.name,
    applicationName: applicationNameOf(env.name),
    projectName: g.project ?? applicationNameOf(env.name),
    repoUrl: g.repoUrl,
    targetRevision: g.targetRevision,
    path: `${g.distPath}/${env.name}`,
    server: env.cluster.server,
    automatedSync: g.automatedSync,
    argocdNamespace: env.namespaces.argocd,
  };
}
