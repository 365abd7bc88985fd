import { Construct } from 'constructs';
import { Application, ApplicationSpecIgnoreDifferences } from '../../imports/argocd-application-argoproj.io';
import { ARGOCD_RESOURCES_FINALIZER } from './argocd-project';

/**
 * Fields Argo Rollouts writes into objects we render. Without these rules every canary step is a
 * diff and self-heal fights the rollout; with `RespectIgnoreDifferences=true` a sync also keeps
 * their live values, while every other field of those objects still syncs from Git.
 *
 * - VirtualService route weights (`spec.http[].route[].weight`): how Rollouts moves traffic.
 * - The `rollouts-pod-template-hash` key Rollouts adds to the selector of the canary and stable
 *   Services. `spec.selector` is an atomic map, so a server-side apply of the committed selector
 *   would replace the whole map and drop the key: both Services would then select old and new
 *   pods alike, until Rollouts put it back, at every sync.
 *
 * Not `managedFieldsManagers: [rollouts-controller]`: the Istio CRD leaves `spec.http` an atomic
 * list, so the controller's weight update makes it the manager of the whole `spec.http` (and of the
 * whole Service selector). Trusting that manager would then hide, and with RespectIgnoreDifferences
 * never apply, any committed change to routes, timeouts, retries or selectors after the first
 * canary (argoproj/argo-rollouts#3854).
 *
 * No `/spec/replicas` rule: Deployments that a Rollout runs through `workloadRef` are rendered
 * with `replicas: 0` and `scaleDown: never`, which the Rollouts controller leaves alone, and
 * workloads an autoscaler owns are rendered without `replicas`, so a server-side apply never
 * claims the field the autoscaler writes.
 */
export const ROLLOUT_OWNED_FIELDS: readonly ApplicationSpecIgnoreDifferences[] = [
  { group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[].route[].weight'] },
  { group: '', kind: 'Service', jsonPointers: ['/spec/selector/rollouts-pod-template-hash'] },
];

/**
 * - `ServerSideApply=true`: no `last-applied-configuration` copy of each object (client-side
 *   apply's annotation caps an object at 256 KiB; rules and dashboards grow with alerts and
 *   panels), and fields other controllers own (replicas an HPA sets, annotations Rollouts adds)
 *   stay theirs. Atomic fields they write are listed in ROLLOUT_OWNED_FIELDS.
 * - `RespectIgnoreDifferences=true`: a sync keeps the fields in `ignoreDifferences`.
 * - `CreateNamespace=false`: the Namespaces are rendered (with Pod Security and mesh labels).
 * - `PruneLast=true`: objects removed from Git go only after the rest is applied and healthy,
 *   so a renamed NetworkPolicy or Service never leaves a gap.
 */
export const SYNC_OPTIONS: readonly string[] = ['ServerSideApply=true', 'RespectIgnoreDifferences=true', 'CreateNamespace=false', 'PruneLast=true'];

export interface ArgoCdApplicationProps {
  readonly name: string;
  /** Namespace of the central Argo CD. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** AppProject fencing what the Application may deploy. */
  readonly project: string;
  readonly repoUrl: string;
  readonly targetRevision: string;
  /** Folder of the repository holding the rendered manifests, read recursively. */
  readonly path: string;
  /** API server URL of the target cluster. */
  readonly server: string;
  /**
   * Sync every new commit by itself, prune what Git no longer has, and revert drift (self-heal);
   * otherwise a person syncs.
   */
  readonly automatedSync: boolean;
  /** @default ROLLOUT_OWNED_FIELDS */
  readonly ignoreDifferences?: readonly ApplicationSpecIgnoreDifferences[];
}

/**
 * An Application syncing one folder of rendered manifests to one cluster. It names no
 * destination namespace: every rendered object carries its own. Its finalizer makes deleting the
 * Application delete what it deployed (Argo CD's cascading delete).
 */
export class ArgoCdApplication extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    this.name = props.name;
    new Application(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...props.labels },
        finalizers: [ARGOCD_RESOURCES_FINALIZER],
      },
      spec: {
        project: props.project,
        source: {
          repoUrl: props.repoUrl,
          targetRevision: props.targetRevision,
          path: props.path,
          // Workflows nest one folder down (dist/<env>/<workflow>/), and may nest further.
          directory: { recurse: true },
        },
        destination: { server: props.server },
        ignoreDifferences: (props.ignoreDifferences ?? ROLLOUT_OWNED_FIELDS).map((d) => ({ ...d })),
        syncPolicy: {
          ...(props.automatedSync ? { automated: { prune: true, selfHeal: true } } : {}),
          syncOptions: [...SYNC_OPTIONS],
          // Transient failures (an admission webhook restarting, a CRD's API not yet served).
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
      },
    });
  }
}
