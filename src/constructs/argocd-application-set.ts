import { Construct } from 'constructs';
import { ApplicationSet, ApplicationSetSpecTemplateSpecIgnoreDifferences } from '../../imports/argocd-applicationset-argoproj.io';

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
export const ROLLOUT_OWNED_FIELDS: readonly ApplicationSetSpecTemplateSpecIgnoreDifferences[] = [
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

/** Automated sync as the workflows that opt in get it: prune what Git dropped, revert drift. */
export const AUTOMATED_SYNC = { prune: true, selfHeal: true } as const;

/**
 * Adds `automated` only to the elements whose `automatedSync` is true. A Go-template condition
 * cannot sit in `spec.template` (the CRD types it, so `'{{…}}'` is never a boolean or an
 * omitted block); `templatePatch` is a string rendered per element and then merged into the
 * Application (strategic merge: `syncOptions` and `retry` from the template stay).
 */
export const AUTOMATED_SYNC_PATCH = [
  '{{- if .automatedSync }}',
  'spec:',
  '  syncPolicy:',
  '    automated:',
  `      prune: ${AUTOMATED_SYNC.prune}`,
  `      selfHeal: ${AUTOMATED_SYNC.selfHeal}`,
  '{{- end }}',
  '',
].join('\n');

/** One Application to generate: one element of the list generator. */
export interface ApplicationSetElement {
  /** Application name. */
  readonly name: string;
  /** Workflow (for the Application's label). */
  readonly workflow: string;
  /** Destination namespace (objects carrying their own namespace keep it). */
  readonly namespace: string;
  /** Folder of the repository holding this Application's manifests. */
  readonly path: string;
  /** Automated sync with prune and self-heal; otherwise a person presses Sync. */
  readonly automatedSync: boolean;
}

export interface ArgoCdApplicationSetProps {
  readonly name: string;
  /** Namespace of the central Argo CD (where the Applications are generated too). */
  readonly namespace: string;
  /** Labels of the ApplicationSet and of every Application it generates. */
  readonly labels: Readonly<Record<string, string>>;
  /** The environment, as the `langgraph.platform/environment` label of each Application. */
  readonly environment: string;
  /** AppProject fencing every generated Application. */
  readonly project: string;
  readonly repoUrl: string;
  readonly targetRevision: string;
  /** API server URL of the target cluster. */
  readonly server: string;
  /** One per Application; at least one, names unique. */
  readonly elements: readonly ApplicationSetElement[];
  /** @default ROLLOUT_OWNED_FIELDS */
  readonly ignoreDifferences?: readonly ApplicationSetSpecTemplateSpecIgnoreDifferences[];
}

export const ENVIRONMENT_LABEL = 'langgraph.platform/environment';
export const WORKFLOW_LABEL = 'langgraph.platform/workflow';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * An ApplicationSet whose list generator holds exactly the given elements: one Application per
 * element, each syncing its own folder with its own sync policy.
 *
 * Why a list written at synth time and not a git directory generator over `dist/<env>/*`: the
 * list is in the pull request, so a reviewer sees each Application and its sync policy; an
 * Application disappears only when the catalog drops its workflow (a folder deleted by a broken
 * render or a bad merge never takes one down); and per-workflow settings (the sync policy) need
 * no extra file in each folder.
 *
 * Deletion never cascades to the workloads: `preserveResourcesOnDeletion: true` keeps the
 * controller from putting Argo CD's resources finalizer on the Applications it generates, so
 * deleting the ApplicationSet, or dropping an element, deletes Applications only (their objects
 * keep running, untracked). The template therefore carries no finalizer either: one there would
 * bring the cascade back.
 */
export class ArgoCdApplicationSet extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, id);
    this.name = props.name;
    if (props.elements.length === 0) {
      throw new Error(`ApplicationSet ${props.name}: no elements, so it would generate no Application; render at least one workflow in environment ${props.environment}`);
    }
    const seen = new Set<string>();
    for (const e of props.elements) {
      if (seen.has(e.name)) throw new Error(`ApplicationSet ${props.name}: two elements generate the Application "${e.name}"; give each workflow its own name`);
      seen.add(e.name);
      if (e.name.length > 253 || !DNS_SUBDOMAIN.test(e.name)) {
        throw new Error(`ApplicationSet ${props.name}: "${e.name}" is not a valid Application name (a DNS-1123 subdomain of at most 253 characters); shorten the environment or workflow name`);
      }
      // Values are substituted into a Go template: braces would be template code, not data.
      for (const value of [e.name, e.workflow, e.namespace, e.path]) {
        if (/[{}]/.test(value)) throw new Error(`ApplicationSet ${props.name}: "${value}" contains "{" or "}", which the Go template would evaluate; use plain names`);
      }
    }

    new ApplicationSet(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...props.labels },
      },
      spec: {
        // Go templates with missingkey=error: a field missing from an element fails the
        // generation instead of rendering an empty path or namespace.
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ list: { elements: props.elements.map((e) => ({ name: e.name, workflow: e.workflow, namespace: e.namespace, path: e.path, automatedSync: e.automatedSync })) } }],
        template: {
          metadata: {
            name: '{{.name}}',
            labels: { ...props.labels, [ENVIRONMENT_LABEL]: props.environment, [WORKFLOW_LABEL]: '{{.workflow}}' },
          },
          spec: {
            project: props.project,
            source: {
              repoUrl: props.repoUrl,
              targetRevision: props.targetRevision,
              path: '{{.path}}',
              // A workflow's folder is flat today; recursing keeps a nested layout working.
              directory: { recurse: true },
            },
            destination: { server: props.server, namespace: '{{.namespace}}' },
            ignoreDifferences: (props.ignoreDifferences ?? ROLLOUT_OWNED_FIELDS).map((d) => ({ ...d })),
            syncPolicy: {
              syncOptions: [...SYNC_OPTIONS],
              // Transient failures (an admission webhook restarting, a CRD's API not yet served).
              retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
            },
          },
        },
        templatePatch: AUTOMATED_SYNC_PATCH,
        syncPolicy: { preserveResourcesOnDeletion: true },
      },
    });
  }
}
