/**
 * Every `kubectl` command docs/runbooks.md tells someone to run, who runs it, and the API
 * requests it makes. The people Roles (people-rbac.ts) are derived from this list and nothing
 * else, the cluster test (scripts/cluster/rbac-check.ts) runs each command as each group against
 * a real API server, and test/constructs/people-rbac.test.ts fails when the runbook and this
 * list disagree. A new runbook step therefore needs an entry here, which is the RBAC decision.
 *
 * What the requests are: read from kubectl and kubectl-argo-rollouts v1.9.1 (`promote`, `abort`,
 * `retry rollout` patch the `rollouts/status` subresource; `promote` also patches `spec.paused`;
 * `restart` patches `spec.restartAt`; `get rollout` runs informers (list + watch) on rollouts,
 * replicasets, pods, analysisruns, experiments and deployments), and confirmed by rbac-check.ts.
 */

/** The two groups with access to a workflow namespace. */
export type Responder = 'oncall' | 'owner';

/** Which delivery strategy an environment uses for the API; some commands exist for one only. */
export type StrategyScope = 'canary' | 'rolling' | 'any';

/** One kind of API request: an API group, a resource (or `resource/subresource`), verbs. */
export interface ApiRequest {
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  /** Limited to the API's own object (`<wf>-api`): rendered as `resourceNames`. @default false */
  readonly apiObjectOnly?: boolean;
}

export interface RunbookCommand {
  /** As written in docs/runbooks.md (placeholders `<wf>`, `<ns>`, `<pod>`, `<name>`, `<n>`). */
  readonly command: string;
  readonly who: readonly Responder[];
  readonly strategy: StrategyScope;
  readonly requests: readonly ApiRequest[];
}

const BOTH: readonly Responder[] = ['oncall', 'owner'];
const READ = ['get', 'list', 'watch'] as const;
const read = (apiGroup: string, ...resources: string[]): ApiRequest[] => resources.map((resource) => ({ apiGroup, resource, verbs: READ }));

/** `kubectl argo rollouts get rollout`: the plugin's informers, plus the Rollout itself. */
const ROLLOUT_VIEW: ApiRequest[] = [
  ...read('argoproj.io', 'rollouts', 'analysisruns', 'experiments'),
  ...read('apps', 'replicasets', 'deployments'),
  ...read('', 'pods'),
];
/** `kubectl describe <anything>` lists the object's events. */
const DESCRIBE_EVENTS: ApiRequest[] = read('', 'events');

export const RUNBOOK_COMMANDS: readonly RunbookCommand[] = [
  // --- canary releases (#canary-abort) ---------------------------------------------------
  { command: 'kubectl argo rollouts get rollout <wf>-api -n <ns>', who: BOTH, strategy: 'canary', requests: ROLLOUT_VIEW },
  { command: 'kubectl argo rollouts get rollout <wf>-api -n <ns> --watch', who: BOTH, strategy: 'canary', requests: ROLLOUT_VIEW },
  {
    command: 'kubectl argo rollouts abort <wf>-api -n <ns>', who: BOTH, strategy: 'canary',
    requests: [{ apiGroup: 'argoproj.io', resource: 'rollouts/status', verbs: ['patch'], apiObjectOnly: true }],
  },
  {
    command: 'kubectl argo rollouts retry rollout <wf>-api -n <ns>', who: BOTH, strategy: 'canary',
    requests: [{ apiGroup: 'argoproj.io', resource: 'rollouts/status', verbs: ['patch'], apiObjectOnly: true }],
  },
  {
    // Owners only by procedure: RBAC cannot tell it from abort/retry (all patch rollouts/status).
    command: 'kubectl argo rollouts promote <wf>-api -n <ns>', who: ['owner'], strategy: 'canary',
    requests: [
      ...read('argoproj.io', 'rollouts'),
      { apiGroup: 'argoproj.io', resource: 'rollouts/status', verbs: ['patch'], apiObjectOnly: true },
      { apiGroup: 'argoproj.io', resource: 'rollouts', verbs: ['patch'], apiObjectOnly: true },
    ],
  },
  {
    command: 'kubectl argo rollouts restart <wf>-api -n <ns>', who: BOTH, strategy: 'canary',
    requests: [{ apiGroup: 'argoproj.io', resource: 'rollouts', verbs: ['patch'], apiObjectOnly: true }],
  },
  { command: 'kubectl get analysisrun -n <ns>', who: BOTH, strategy: 'canary', requests: read('argoproj.io', 'analysisruns') },
  { command: 'kubectl describe analysisrun <name> -n <ns>', who: BOTH, strategy: 'canary', requests: [...read('argoproj.io', 'analysisruns'), ...DESCRIBE_EVENTS] },
  // --- rolling environments: the Deployment runs the pods --------------------------------
  {
    command: 'kubectl rollout restart deployment/<wf>-api -n <ns>', who: BOTH, strategy: 'rolling',
    requests: [...read('apps', 'deployments'), { apiGroup: 'apps', resource: 'deployments', verbs: ['patch'], apiObjectOnly: true }],
  },
  // --- pods, events, logs (#api-down, #high-error-rate, #high-memory, #postgres-down, …) ----
  { command: 'kubectl get pods -n <ns> -l app.kubernetes.io/instance=<wf>,app.kubernetes.io/component=api -o wide', who: BOTH, strategy: 'any', requests: read('', 'pods') },
  { command: 'kubectl get pods -n <ns> -o custom-columns=NAME:.metadata.name,RESTARTS:.status.containerStatuses[*].restartCount,LAST:.status.containerStatuses[*].lastState.terminated.reason', who: BOTH, strategy: 'any', requests: read('', 'pods') },
  { command: 'kubectl get pods -n <ns> -L app.kubernetes.io/version', who: BOTH, strategy: 'any', requests: read('', 'pods') },
  { command: 'kubectl get pods -n <ns>', who: BOTH, strategy: 'any', requests: read('', 'pods') },
  { command: 'kubectl get events -n <ns> --sort-by=.lastTimestamp', who: BOTH, strategy: 'any', requests: read('', 'events') },
  { command: 'kubectl describe pod <pod> -n <ns>', who: BOTH, strategy: 'any', requests: [...read('', 'pods'), ...DESCRIBE_EVENTS] },
  { command: 'kubectl logs <pod> -n <ns> -c api --previous --tail=200', who: BOTH, strategy: 'any', requests: [...read('', 'pods'), ...read('', 'pods/log')] },
  { command: 'kubectl logs -n <ns> -l app.kubernetes.io/instance=<wf>,app.kubernetes.io/component=api -c api --since=15m', who: BOTH, strategy: 'any', requests: [...read('', 'pods'), ...read('', 'pods/log')] },
  { command: 'kubectl logs -n <ns> <postgres-exporter-pod> --tail=50', who: BOTH, strategy: 'any', requests: [...read('', 'pods'), ...read('', 'pods/log')] },
  { command: 'kubectl top pods -n <ns> --containers', who: BOTH, strategy: 'any', requests: [{ apiGroup: 'metrics.k8s.io', resource: 'pods', verbs: ['get', 'list'] }] },
  // #high-memory: one pod stuck on a large run; its runs are retried after the grace period.
  { command: 'kubectl delete pod <pod> -n <ns>', who: ['oncall'], strategy: 'any', requests: [...read('', 'pods'), { apiGroup: '', resource: 'pods', verbs: ['delete'] }] },
  // --- workloads, scaling, network --------------------------------------------------------
  { command: 'kubectl get rollout,deploy,hpa -n <ns>', who: BOTH, strategy: 'any', requests: [...read('argoproj.io', 'rollouts'), ...read('apps', 'deployments'), ...read('autoscaling', 'horizontalpodautoscalers')] },
  { command: 'kubectl get hpa <wf>-api -n <ns>', who: BOTH, strategy: 'any', requests: read('autoscaling', 'horizontalpodautoscalers') },
  { command: 'kubectl describe hpa <wf>-api -n <ns>', who: BOTH, strategy: 'any', requests: [...read('autoscaling', 'horizontalpodautoscalers'), ...DESCRIBE_EVENTS] },
  {
    // #traffic-spike: the emergency bridge until Argo CD syncs the raised ceiling from config/.
    command: `kubectl patch hpa <wf>-api -n <ns> -p '{"spec":{"maxReplicas":<n>}}'`, who: ['oncall'], strategy: 'any',
    requests: [{ apiGroup: 'autoscaling', resource: 'horizontalpodautoscalers', verbs: ['patch'], apiObjectOnly: true }],
  },
  { command: 'kubectl get networkpolicy -n <ns>', who: BOTH, strategy: 'any', requests: read('networking.k8s.io', 'networkpolicies') },
  // #postgres-down, in-cluster dev database: its StatefulSet and volume.
  { command: 'kubectl get statefulset,pvc -n <ns>', who: BOTH, strategy: 'any', requests: [...read('apps', 'statefulsets'), ...read('', 'persistentvolumeclaims')] },
];

/** Requests no runbook command may need; people-rbac.ts refuses a rule that grants one. */
export const FORBIDDEN_RESOURCES: readonly string[] = [
  'secrets', 'pods/exec', 'pods/attach', 'pods/portforward', 'pods/ephemeralcontainers', 'pods/proxy', 'services/proxy', 'nodes/proxy', 'serviceaccounts/token',
];
export const FORBIDDEN_VERBS: readonly string[] = ['*', 'escalate', 'bind', 'impersonate', 'deletecollection'];

/** The commands one group runs in an environment with the given strategy. */
export function commandsFor(who: Responder, strategy: 'canary' | 'rolling'): RunbookCommand[] {
  return RUNBOOK_COMMANDS.filter((c) => c.who.includes(who) && (c.strategy === 'any' || c.strategy === strategy));
}
