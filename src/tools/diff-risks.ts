/**
 * Which changes of a manifest diff can hurt, and why — the rules behind the report's risky section.
 * A change is risky when, synced, it can cause an outage, lose data or open access:
 *
 * - image changes (new code runs), a container added or removed;
 * - replica bounds: `replicas`, HPA/ScaledObject min/max (with the direction and what it means);
 * - selector and label-contract changes: a workload's `spec.selector` (immutable: the sync fails),
 *   a Service's selector (traffic goes elsewhere), a pod-template or Namespace label that some
 *   selector in the environment uses;
 * - resource cuts: a CPU or memory request or limit lowered;
 * - probe changes (a wrong probe restarts healthy pods or routes to unready ones);
 * - RBAC widening: rules, verbs, resources or subjects added, a roleRef changed, a new Role or
 *   binding in an existing workflow (narrowing is not flagged);
 * - NetworkPolicy opening: rules, peers or ports added, a selector, `except` or `ports` restriction
 *   removed, an ipBlock widened, a policy type no longer isolated, a new allow policy or a removed
 *   deny in an existing workflow;
 * - mesh policy (PeerAuthentication, AuthorizationPolicy, RequestAuthentication) changes, a new ALLOW or a removed DENY;
 * - securityContext changes (privileges);
 * - deletion of a data holder (Namespace, PVC, StatefulSet with volumeClaimTemplates) that Argo CD
 *   would prune, or the removal of its keep-on-delete annotation;
 * - delivery strategy switches (see semantic-diff.ts).
 *
 * Labels and annotations of RBAC and policy objects are inert ({@link isInertMetadata}). Objects of
 * a workflow added or removed whole are summarized by the caller; only data deletion is checked there.
 */
import { holdsData, SYNC_OPTIONS_ANNOTATION } from '../gitops/keep-on-delete';
import type { KubeObject } from '../model/kube-object';
import { parseQuantity } from '../model/quantity';
import type { FieldChange, PathSegment, RiskReason } from './semantic-diff';

/** One reason a change is risky, with why in words a reviewer can act on. */
export interface Risk {
  readonly reason: RiskReason;
  readonly why: string;
}

/** What the field rules may look at beyond the field itself. */
export interface RiskContext {
  /** The object before and after the change. */
  readonly before?: KubeObject;
  readonly after?: KubeObject;
  /**
   * Label keys some selector of the environment uses (Service selectors, label selectors of
   * workloads, PodDisruptionBudgets, NetworkPolicies, PodMonitors), before or after.
   * @default - none: only the object's own selector counts
   */
  readonly selectorLabelKeys?: ReadonlySet<string>;
}

const RBAC_KINDS: ReadonlySet<string> = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ServiceAccount']);
const MESH_POLICY_KINDS: ReadonlySet<string> = new Set(['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication']);
const AUTOSCALER_KINDS: ReadonlySet<string> = new Set(['HorizontalPodAutoscaler', 'ScaledObject']);
const CONTAINER_LISTS: ReadonlySet<string> = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Rollout']);
const PROBES: Readonly<Record<string, string>> = {
  livenessProbe: 'a wrong liveness probe restarts healthy pods (or never restarts hung ones)',
  readinessProbe: 'a wrong readiness probe routes traffic to pods that are not ready, or takes ready ones out of service',
  startupProbe: 'a startup probe that gives up too early kills slow-starting pods before they serve',
};
/** Labels that change with every release and that no selector should use. */
const RELEASE_LABELS: ReadonlySet<string> = new Set(['app.kubernetes.io/version', 'helm.sh/chart', 'pod-template-hash', 'rollouts-pod-template-hash']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function containsKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((item) => containsKey(item, key));
  if (!isRecord(value)) return false;
  return Object.keys(value).some((k) => k === key || containsKey(value[k], key));
}

function keysOf(path: readonly PathSegment[]): string[] {
  return path.flatMap((seg) => ('key' in seg ? [seg.key] : []));
}

/** Mapping keys from the start of the path up to the first list item. */
function leadingKeys(path: readonly PathSegment[]): string[] {
  const keys: string[] = [];
  for (const seg of path) {
    if (!('key' in seg)) break;
    keys.push(seg.key);
  }
  return keys;
}

function startsWith(keys: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((k, i) => keys[i] === k);
}

/**
 * Labels and annotations of RBAC, NetworkPolicy and mesh-policy objects grant or open nothing, and a
 * release bumps `app.kubernetes.io/version` on every object: flagging those would bury the real
 * risks. ClusterRole aggregation labels do grant permissions, so they stay risky.
 */
export function isInertMetadata(path: readonly PathSegment[]): boolean {
  const [first, second, third] = path;
  if (!first || !('key' in first) || first.key !== 'metadata' || !second || !('key' in second)) return false;
  if (second.key === 'annotations') return true;
  if (second.key !== 'labels') return false;
  const labelKey = third && 'key' in third ? third.key : undefined;
  return labelKey !== undefined && !labelKey.startsWith('rbac.authorization.k8s.io/aggregate-to-');
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : typeof value === 'string' ? value : JSON.stringify(value);
}

function imageRisk(field: FieldChange, keys: readonly string[]): Risk[] {
  const underContainers = keys.some((k) => CONTAINER_LISTS.has(k));
  const holdsContainers = [...CONTAINER_LISTS].some((k) => containsKey(field.before, k) || containsKey(field.after, k));
  if (!underContainers && !holdsContainers) return [];
  const lastSeg = field.path[field.path.length - 1];
  const endsInImage = lastSeg !== undefined && 'key' in lastSeg && lastSeg.key === 'image';
  if (endsInImage) return [{ reason: 'image', why: 'new code runs: check it is the image that was built and tested for this release' }];
  if (containsKey(field.before, 'image') || containsKey(field.after, 'image')) {
    return [{ reason: 'image', why: `a container is ${field.kind === 'removed' ? 'removed' : field.kind === 'added' ? 'added' : 'replaced'}: different code runs in every pod` }];
  }
  return [];
}

function replicaRisks(objectKind: string, field: FieldChange, keys: readonly string[]): Risk[] {
  const last = keys[keys.length - 1];
  const [b, a] = [field.before, field.after];
  const direction = typeof b === 'number' && typeof a === 'number' ? (a > b ? 'up' : 'down') : undefined;
  if (last === 'replicas' && field.path.length === keys.length) {
    if (a === undefined) return [{ reason: 'replicas', why: 'replicas no longer set in Git: the autoscaler (or the live value) decides from now on' }];
    if (direction === 'down') return [{ reason: 'replicas', why: `fewer pods (${b} → ${a}): less capacity, and less headroom to lose a node or zone` }];
    return [{ reason: 'replicas', why: `${show(b)} → ${show(a)} pods: check the namespace quota, node capacity and connection budgets` }];
  }
  if (!AUTOSCALER_KINDS.has(objectKind)) return [];
  if (last === 'maxReplicas' || last === 'maxReplicaCount') {
    if (direction === 'down') return [{ reason: 'autoscaling bounds', why: `caps scale-out at ${a} pods (was ${b}): a peak above what ${a} pods serve queues or fails` }];
    return [{ reason: 'autoscaling bounds', why: `the autoscaler may run up to ${show(a)} pods (was ${show(b)}): check the namespace quota, node capacity and the database connection budget (pods × pool size)` }];
  }
  if (last === 'minReplicas' || last === 'minReplicaCount') {
    if (direction === 'down') return [{ reason: 'autoscaling bounds', why: `fewer pods kept warm (${b} → ${a}): a traffic spike waits for new pods to start` }];
    return [{ reason: 'autoscaling bounds', why: `at least ${show(a)} pods at all times (was ${show(b)}): cost, quota and connection budget` }];
  }
  return [];
}

function selectorLabels(o: KubeObject | undefined): Set<string> {
  const selector = (o as any)?.spec?.selector;
  const labels = isRecord(selector?.matchLabels) ? selector.matchLabels : isRecord(selector) && !('matchExpressions' in selector) ? selector : {};
  return new Set(Object.keys(labels));
}

function selectorRisks(objectKind: string, field: FieldChange, context: RiskContext): Risk[] {
  const lead = leadingKeys(field.path);
  if (startsWith(lead, ['spec', 'selector'])) {
    if (WORKLOAD_KINDS.has(objectKind)) {
      return [{ reason: 'selector', why: `a ${objectKind}'s spec.selector is immutable: the sync fails until the object is replaced, and pods with the old labels are orphaned` }];
    }
    if (objectKind === 'Service') return [{ reason: 'selector', why: 'the Service sends traffic to the pods the new selector matches — none, if no pod carries these labels yet' }];
    return [{ reason: 'selector', why: `the ${objectKind} now selects different pods` }];
  }
  const templateLabels = startsWith(lead, ['spec', 'template', 'metadata', 'labels']) && lead.length >= 5 ? lead[4] : undefined;
  const namespaceLabel = objectKind === 'Namespace' && startsWith(lead, ['metadata', 'labels']) && lead.length >= 3 ? lead[2] : undefined;
  const label = templateLabels ?? namespaceLabel;
  if (label === undefined || RELEASE_LABELS.has(label)) return [];
  const own = new Set([...selectorLabels(context.before), ...selectorLabels(context.after)]);
  if (own.has(label) || context.selectorLabelKeys?.has(label)) {
    return [{ reason: 'selector', why: `label ${label} is part of a label contract (a selector uses it): pods${namespaceLabel ? ' in this namespace' : ''} with the new value fall out of the Services, NetworkPolicies or PodDisruptionBudgets that select the old one` }];
  }
  return [];
}

function resourceCut(field: FieldChange, keys: readonly string[]): Risk[] {
  const i = keys.lastIndexOf('resources');
  if (i < 0 || field.kind !== 'changed' || keys.length !== i + 3) return [];
  const [bound, resource] = [keys[i + 1], keys[i + 2]];
  if (bound !== 'requests' && bound !== 'limits') return [];
  const [b, a] = [parseQuantity(field.before), parseQuantity(field.after)];
  if (b === undefined || a === undefined || a >= b) return [];
  const what = `${resource} ${bound === 'requests' ? 'request' : 'limit'} cut ${show(field.before)} → ${show(field.after)}`;
  if (bound === 'requests') return [{ reason: 'resources cut', why: `${what}: pods are scheduled with less guaranteed ${resource} and are evicted first under node pressure` }];
  if (resource === 'memory') return [{ reason: 'resources cut', why: `${what}: a pod that uses more is OOM-killed` }];
  return [{ reason: 'resources cut', why: `${what}: pods are throttled above it (slower responses at peak)` }];
}

function probeRisk(keys: readonly string[]): Risk[] {
  const probe = keys.find((k) => k in PROBES);
  return probe ? [{ reason: 'probe', why: PROBES[probe] }] : [];
}

function rbacRisk(objectKind: string, field: FieldChange, keys: readonly string[]): Risk[] {
  const last = keys[keys.length - 1];
  const lastSeg = field.path[field.path.length - 1];
  if (objectKind === 'Role' || objectKind === 'ClusterRole') {
    if (keys[0] === 'metadata') return field.kind === 'removed' ? [] : [{ reason: 'RBAC widening', why: 'an aggregation label adds these rules to a broader role' }];
    if (keys[0] === 'aggregationRule') return [{ reason: 'RBAC widening', why: 'the aggregated rules change: review what the role now grants' }];
    if (keys[0] !== 'rules') return [];
    if (field.kind === 'added') return [{ reason: 'RBAC widening', why: `grants more: ${'value' in lastSeg ? `${last} ${JSON.stringify(lastSeg.value)}` : 'a new rule or rule field'}` }];
    if (field.kind === 'removed' && last === 'resourceNames' && 'key' in lastSeg) return [{ reason: 'RBAC widening', why: 'the rule no longer limits itself to named objects: it applies to all of them' }];
    if (field.kind === 'changed') return [{ reason: 'RBAC widening', why: 'a rule changes what it grants: review it' }];
    return [];
  }
  if (objectKind === 'RoleBinding' || objectKind === 'ClusterRoleBinding') {
    if (keys[0] === 'roleRef') return [{ reason: 'RBAC widening', why: 'binds a different role (roleRef is immutable: the sync fails until the binding is replaced)' }];
    if (keys[0] === 'subjects' && field.kind !== 'removed') return [{ reason: 'RBAC widening', why: 'the role is bound to more or other subjects' }];
    return [];
  }
  if (objectKind === 'ServiceAccount' && keys[0] === 'automountServiceAccountToken' && field.after !== false) {
    return [{ reason: 'RBAC widening', why: 'pods of this service account get an API token mounted' }];
  }
  return [];
}

function prefixLength(cidr: unknown): number | undefined {
  const m = typeof cidr === 'string' ? /\/(\d+)$/.exec(cidr) : null;
  return m ? Number(m[1]) : undefined;
}

const NP_OPEN = 'NetworkPolicy opening' as const;

function networkPolicyRisk(field: FieldChange, keys: readonly string[]): Risk[] {
  const last = keys[keys.length - 1];
  const lastSeg = field.path[field.path.length - 1];
  if (keys[0] !== 'spec') return [];
  if (keys[1] === 'podSelector') return [{ reason: NP_OPEN, why: 'the policy applies to other pods: pods it no longer selects lose its isolation' }];
  if (keys[1] === 'policyTypes') {
    return field.kind === 'added' ? [] : [{ reason: NP_OPEN, why: `no longer isolates ${'value' in lastSeg ? show(lastSeg.value) : 'some'} traffic` }];
  }
  if (keys[1] !== 'ingress' && keys[1] !== 'egress') return [];
  const direction = keys[1];
  const inSelector = keys.includes('matchLabels') || keys.includes('matchExpressions');
  if (field.kind === 'added') {
    // More selector terms, an `except` or a `ports` restriction narrow a rule.
    if (inSelector || keys.includes('except') || (last === 'ports' && 'key' in lastSeg)) return [];
    if (keys.length === 1) return [{ reason: NP_OPEN, why: `new ${direction} rules` }];
    return [{ reason: NP_OPEN, why: `allows more ${direction}: a rule, peer or port added` }];
  }
  if (field.kind === 'removed') {
    if (inSelector) return [{ reason: NP_OPEN, why: `a peer selector of an ${direction} rule is looser: it matches more pods or namespaces` }];
    if (keys.includes('except')) return [{ reason: NP_OPEN, why: `an ipBlock exception removed: more addresses allowed (${direction})` }];
    if ('key' in lastSeg && (last === 'ports' || last === 'from' || last === 'to')) {
      return [{ reason: NP_OPEN, why: `an ${direction} rule lost its ${last} restriction: it now allows all ${last === 'ports' ? 'ports' : 'peers'}` }];
    }
    if ('key' in lastSeg && (last === 'podSelector' || last === 'namespaceSelector')) {
      return [{ reason: NP_OPEN, why: `a peer lost its ${last}: it matches more ${last === 'podSelector' ? 'pods' : 'namespaces'}` }];
    }
    return [];
  }
  if (last === 'cidr') {
    const [b, a] = [prefixLength(field.before), prefixLength(field.after)];
    if (b !== undefined && a !== undefined && a >= b) return a === b ? [{ reason: NP_OPEN, why: `ipBlock moved to ${show(field.after)}: other addresses allowed` }] : [];
    return [{ reason: NP_OPEN, why: `ipBlock widened ${show(field.before)} → ${show(field.after)}` }];
  }
  return [{ reason: NP_OPEN, why: `an ${direction} rule allows other peers or ports` }];
}

/** Why a field change of an object of `objectKind` is risky; empty when it is not. */
export function fieldRisks(objectKind: string, field: FieldChange, context: RiskContext = {}): Risk[] {
  if (field.kind === 'moved' || field.kind === 'reordered') return [];
  const keys = keysOf(field.path);
  const risks: Risk[] = [];
  const inert = isInertMetadata(field.path);
  if (!inert) {
    if (RBAC_KINDS.has(objectKind)) risks.push(...rbacRisk(objectKind, field, keys));
    if (objectKind === 'NetworkPolicy') risks.push(...networkPolicyRisk(field, keys));
    if (MESH_POLICY_KINDS.has(objectKind)) risks.push({ reason: 'mesh policy', why: 'who may call these pods, or whether mTLS is required, changes' });
  }
  risks.push(...imageRisk(field, keys));
  risks.push(...replicaRisks(objectKind, field, keys));
  if (objectKind !== 'NetworkPolicy') risks.push(...selectorRisks(objectKind, field, context));
  risks.push(...resourceCut(field, keys));
  risks.push(...probeRisk(keys));
  if (keys.includes('securityContext') || containsKey(field.before, 'securityContext') || containsKey(field.after, 'securityContext')) {
    risks.push({ reason: 'securityContext', why: 'the privileges pods run with change' });
  }
  if (keys[0] === 'metadata' && keys[1] === 'annotations' && keys[2] === SYNC_OPTIONS_ANNOTATION && context.before && holdsData(context.before)) {
    if (keptOnDelete(context.before) && !(context.after && keptOnDelete(context.after))) {
      risks.push({ reason: 'deleted', why: 'this data holder loses Prune=false/Delete=false: Argo CD may delete it (and its data) later' });
    }
  }
  return risks;
}

/** Whether Argo CD keeps the object when it leaves Git (sync option Prune=false). */
export function keptOnDelete(o: KubeObject): boolean {
  const options = o.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION] ?? '';
  return options.split(',').map((s) => s.trim()).includes('Prune=false');
}

function dataDeletionWhy(o: KubeObject): string {
  if (o.kind === 'Namespace') return 'deleting a Namespace deletes every object in it, volumes included';
  if (o.kind === 'PersistentVolumeClaim') return 'the claim and, with the usual Delete reclaim policy, its volume and data are deleted';
  if (o.kind === 'PriorityClass') return 'admission refuses every new pod naming it, so no replacement or scale-up starts';
  return 'the database pods stop; their claims survive only if the retention policy keeps them';
}

/**
 * Why adding or removing a whole object is risky; empty when it is not. `partOfWorkflowChange`:
 * the object comes or goes with its whole workflow (then only data deletion counts).
 */
export function objectRisks(kind: 'added' | 'removed', o: KubeObject, partOfWorkflowChange: boolean): Risk[] {
  if (kind === 'removed' && holdsData(o) && !keptOnDelete(o)) return [{ reason: 'deleted', why: `${dataDeletionWhy(o)} (no Prune=false: Argo CD prunes it)` }];
  if (partOfWorkflowChange) return [];
  const spec = (o as any).spec ?? {};
  if (kind === 'added') {
    if (o.kind === 'Role' || o.kind === 'ClusterRole') return [{ reason: 'RBAC widening', why: `a new ${o.kind} grants ${Array.isArray((o as any).rules) ? (o as any).rules.length : 0} rules` }];
    if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') return [{ reason: 'RBAC widening', why: `binds ${spec.roleRef?.name ?? (o as any).roleRef?.name ?? 'a role'} to new subjects` }];
    if (o.kind === 'NetworkPolicy') {
      const rules = ['ingress', 'egress'].filter((d) => Array.isArray(spec[d]) && spec[d].length > 0);
      return rules.length > 0 ? [{ reason: NP_OPEN, why: `a new policy allows ${rules.join(' and ')} traffic` }] : [];
    }
    if (o.kind === 'AuthorizationPolicy' && (spec.action ?? 'ALLOW') === 'ALLOW' && Array.isArray(spec.rules) && spec.rules.length > 0) {
      return [{ reason: 'mesh policy', why: 'a new ALLOW policy lets more callers in' }];
    }
    return [];
  }
  if (o.kind === 'NetworkPolicy') {
    const types: unknown[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : ['Ingress'];
    const denies = types.filter((t) => typeof t === 'string' && !(Array.isArray(spec[t.toLowerCase()]) && spec[t.toLowerCase()].length > 0));
    return denies.length > 0 ? [{ reason: NP_OPEN, why: `removes a deny (${denies.join(', ')}): pods no other policy isolates become reachable` }] : [];
  }
  if (o.kind === 'AuthorizationPolicy' && (spec.action === 'DENY' || ((spec.action ?? 'ALLOW') === 'ALLOW' && !(Array.isArray(spec.rules) && spec.rules.length > 0)))) {
    return [{ reason: 'mesh policy', why: 'removes a deny: callers it blocked may get in' }];
  }
  if (o.kind === 'PeerAuthentication') return [{ reason: 'mesh policy', why: 'mTLS falls back to the mesh-wide mode' }];
  if (o.kind === 'RequestAuthentication') return [{ reason: 'mesh policy', why: 'tokens are no longer validated: every rule requiring a request principal stops matching' }];
  return [];
}

/** Label keys that selectors in these objects use (see {@link RiskContext.selectorLabelKeys}). */
export function selectorLabelKeys(objects: Iterable<KubeObject>): Set<string> {
  const keys = new Set<string>();
  const addSelector = (selector: unknown) => {
    if (!isRecord(selector)) return;
    if (isRecord(selector.matchLabels)) Object.keys(selector.matchLabels).forEach((k) => keys.add(k));
    if (Array.isArray(selector.matchExpressions)) selector.matchExpressions.forEach((e: any) => typeof e?.key === 'string' && keys.add(e.key));
  };
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!isRecord(value)) return;
    for (const [k, v] of Object.entries(value)) {
      if (k === 'podSelector' || k === 'namespaceSelector' || k === 'labelSelector') addSelector(v);
      walk(v);
    }
  };
  for (const o of objects) {
    const spec = (o as any).spec;
    if (!isRecord(spec)) continue;
    if (o.kind === 'Service' && isRecord(spec.selector)) Object.keys(spec.selector).forEach((k) => keys.add(k));
    else addSelector(spec.selector);
    walk(spec);
  }
  for (const k of RELEASE_LABELS) keys.delete(k);
  return keys;
}
