import { Construct } from 'constructs';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { GroupKind } from '../model/api-group';

/**
 * Argo CD's cascading-delete finalizer for Applications, in its path-qualified (background
 * propagation) form: Kubernetes 1.35 warns on the bare `resources-finalizer.argocd.argoproj.io`
 * ("prefer a domain-qualified finalizer name including a path"), and our cluster check fails on
 * any warning. AppProjects carry none: they are applied and removed together with their
 * Applications from dist/argocd.
 */
export const ARGOCD_RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io/background';

export interface ProjectDestination {
  /** API server URL of the cluster. */
  readonly server: string;
  /** A namespace. */
  readonly namespace: string;
}

export interface ArgoCdProjectProps {
  readonly name: string;
  /** Namespace of the central Argo CD. */
  readonly namespace: string;
  readonly description: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Exact repository URLs (no patterns). */
  readonly sourceRepos: readonly string[];
  /**
   * Exact server/namespace pairs (no patterns). Argo CD checks each namespaced object against
   * them with the object's own namespace; cluster-scoped objects are checked against
   * {@link clusterKinds} only.
   */
  readonly destinations: readonly ProjectDestination[];
  /** Cluster-scoped kinds the project may manage; empty allows none. */
  readonly clusterKinds: readonly GroupKind[];
  /** Namespaced kinds the project may manage; must not be empty (see below). */
  readonly namespacedKinds: readonly GroupKind[];
}

/**
 * An AppProject that allows exactly the given repositories, destinations and kinds: no `*`
 * anywhere, so a commit that renders a new kind or namespace fails to sync until the project
 * (re-derived by synth and reviewed in the same pull request) allows it.
 */
export class ArgoCdProject extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id);
    this.name = props.name;
    for (const value of [...props.sourceRepos, ...props.destinations.flatMap((d) => [d.server, d.namespace])]) {
      if (/[*?[\]!]/.test(value)) {
        throw new Error(`AppProject ${props.name}: "${value}" is a pattern; list exact repository URLs, servers and namespaces`);
      }
    }
    if (props.namespacedKinds.length === 0) {
      // Argo CD reads an absent namespaceResourceWhitelist as "every namespaced kind".
      throw new Error(`AppProject ${props.name}: no namespaced kinds to allow; an empty allow-list would be dropped and then allow every kind. Render at least one workflow in its environments`);
    }
    new AppProject(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...props.labels },
      },
      spec: {
        description: props.description,
        sourceRepos: [...props.sourceRepos],
        destinations: props.destinations.map((d) => ({ server: d.server, namespace: d.namespace })),
        clusterResourceWhitelist: props.clusterKinds.map((gk) => ({ group: gk.group, kind: gk.kind })),
        namespaceResourceWhitelist: props.namespacedKinds.map((gk) => ({ group: gk.group, kind: gk.kind })),
      },
    });
  }
}
