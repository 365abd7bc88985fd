/**
 * Semantic comparison of two rendered manifest sets: per environment, which objects were added,
 * removed or changed, and for a changed object which field paths changed, old → new.
 *
 * What counts as a change (the rules reviewers can rely on):
 * - Values are compared after YAML parsing, so key order, indentation, quoting and block/flow style
 *   never count. Types do: `"1"` (string) and `1` (number) differ, as they do for the API server.
 *   Quantities are compared as written (`1000m` vs `1` is reported).
 * - A list whose items are all mappings with a unique string `name` (containers, env, ports, volumes,
 *   VirtualService HTTP routes) is compared item by item by `name`: the path reads
 *   `containers[name=api].image`, and an inserted item shows as one added item rather than every
 *   later index changing. A pure reordering is reported as one `reordered` line with the old and new
 *   name order — except in `containers`, `ports` and `volumes`, whose order Kubernetes ignores, so
 *   reordering them is no change at all. (`env` order can matter for `$(VAR)` expansion and the
 *   order of VirtualService `http` routes decides matching, so those reorderings are shown.)
 * - Other lists of scalars (args, hosts, gateways) are shown whole, old → new; other lists of
 *   mappings are compared index by index.
 * - An object moved to another folder (another Argo CD Application) is reported as a `(folder)` change;
 *   a move between files in one folder is no change.
 * - Identity is API group + kind + namespace + name; an `apiVersion` bump is a field change.
 *
 * Risky (listed apart so one line that matters is not lost): deleted objects; image changes
 * (including a container added or removed); `replicas`; HPA/ScaledObject min/max bounds; any
 * `securityContext` field; any change to a Role, RoleBinding, ClusterRole, ClusterRoleBinding,
 * ServiceAccount, NetworkPolicy, PeerAuthentication or AuthorizationPolicy — added, removed or
 * changed — except in its labels and annotations (see {@link isInertMetadata}); a switch of a
 * workload between rolling (a Deployment) and canary (a Rollout over it), with why it can cut
 * capacity (see {@link strategySwitches}).
 */
import { compareObjectIds, IndexedObject, ManifestIndex, ObjectId, objectLabel } from './manifest-index';

/** One step of a field path. */
export type PathSegment =
  | { readonly key: string }
  | { readonly index: number }
  /** An item of a list keyed by `name`. */
  | { readonly name: string };

export type FieldChangeKind = 'added' | 'removed' | 'changed' | 'reordered' | 'moved';

export interface FieldChange {
  readonly kind: FieldChangeKind;
  readonly path: readonly PathSegment[];
  /** Absent (`undefined`) when the field was added. For `reordered`, the old name order. */
  readonly before?: unknown;
  /** Absent (`undefined`) when the field was removed. For `reordered`, the new name order. */
  readonly after?: unknown;
}

export type RiskReason =
  | 'deleted'
  | 'image'
  | 'replicas'
  | 'autoscaling bounds'
  | 'RBAC'
  | 'NetworkPolicy'
  | 'mesh policy'
  | 'securityContext'
  | 'delivery strategy switch';

export interface ObjectChange {
  readonly kind: 'added' | 'removed' | 'changed';
  readonly id: ObjectId;
  readonly label: string;
  readonly before?: IndexedObject;
  readonly after?: IndexedObject;
  /** Empty for added and removed objects. */
  readonly fields: readonly FieldChange[];
}

export interface EnvironmentDiff {
  readonly env: string;
  readonly added: readonly ObjectChange[];
  readonly removed: readonly ObjectChange[];
  readonly changed: readonly ObjectChange[];
}

/** A change that deserves a reviewer's second look. */
export interface RiskFlag {
  readonly env: string;
  readonly object: ObjectChange;
  readonly reasons: readonly RiskReason[];
  /** The field that triggered the flag; absent for whole-object flags (added/removed). */
  readonly field?: FieldChange;
  /** Why the change is risky and what to do, when the reason alone does not say it. */
  readonly note?: string;
}

export interface ManifestDiff {
  readonly base: string;
  readonly head: string;
  /** Only environments with at least one change, sorted by name. */
  readonly environments: readonly EnvironmentDiff[];
  readonly risks: readonly RiskFlag[];
}

/** Named lists whose item order Kubernetes ignores: reordering them is not reported. */
const ORDER_INSENSITIVE_LISTS: ReadonlySet<string> = new Set(['containers', 'ports', 'volumes']);

const RBAC_KINDS: ReadonlySet<string> = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ServiceAccount']);
const MESH_POLICY_KINDS: ReadonlySet<string> = new Set(['PeerAuthentication', 'AuthorizationPolicy']);
const AUTOSCALER_KINDS: ReadonlySet<string> = new Set(['HorizontalPodAutoscaler', 'ScaledObject']);
const AUTOSCALER_BOUND_FIELDS: ReadonlySet<string> = new Set(['minReplicas', 'maxReplicas', 'minReplicaCount', 'maxReplicaCount']);
const CONTAINER_LISTS: ReadonlySet<string> = new Set(['containers', 'initContainers', 'ephemeralContainers']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keysA = Object.keys(a);
    if (keysA.length !== Object.keys(b).length) return false;
    return keysA.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  // NaN is not produced by YAML for plain manifests, but keep `.nan` equal to itself.
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

/** Item names when every item is a mapping with a unique non-empty string `name`; otherwise undefined. */
function namesOf(list: readonly unknown[]): string[] | undefined {
  const names: string[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string' || item.name === '') return undefined;
    names.push(item.name);
  }
  return new Set(names).size === names.length ? names : undefined;
}

function isScalar(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function lastKey(path: readonly PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if ('key' in seg) return seg.key;
  }
  return undefined;
}

function diffLists(before: unknown[], after: unknown[], path: PathSegment[], out: FieldChange[]): void {
  const namesBefore = namesOf(before);
  const namesAfter = namesOf(after);
  if (namesBefore && namesAfter && (namesBefore.length > 0 || namesAfter.length > 0)) {
    const byNameAfter = new Map(after.map((item) => [(item as Record<string, unknown>).name as string, item]));
    const byNameBefore = new Map(before.map((item) => [(item as Record<string, unknown>).name as string, item]));
    for (const name of namesBefore) {
      const itemPath = [...path, { name }];
      if (!byNameAfter.has(name)) out.push({ kind: 'removed', path: itemPath, before: byNameBefore.get(name) });
      else diffValues(byNameBefore.get(name), byNameAfter.get(name), itemPath, out);
    }
    for (const name of namesAfter) {
      if (!byNameBefore.has(name)) out.push({ kind: 'added', path: [...path, { name }], after: byNameAfter.get(name) });
    }
    const field = lastKey(path);
    if (field === undefined || !ORDER_INSENSITIVE_LISTS.has(field)) {
      const keptBefore = namesBefore.filter((n) => byNameAfter.has(n));
      const keptAfter = namesAfter.filter((n) => byNameBefore.has(n));
      if (!deepEqual(keptBefore, keptAfter)) {
        out.push({ kind: 'reordered', path, before: keptBefore, after: keptAfter });
      }
    }
    return;
  }
  if (before.every(isScalar) && after.every(isScalar)) {
    out.push({ kind: 'changed', path, before, after });
    return;
  }
  const common = Math.min(before.length, after.length);
  for (let i = 0; i < common; i++) diffValues(before[i], after[i], [...path, { index: i }], out);
  for (let i = common; i < before.length; i++) out.push({ kind: 'removed', path: [...path, { index: i }], before: before[i] });
  for (let i = common; i < after.length; i++) out.push({ kind: 'added', path: [...path, { index: i }], after: after[i] });
}

/** Appends the field-level changes between two parsed values to `out`. */
export function diffValues(before: unknown, after: unknown, path: PathSegment[], out: FieldChange[]): void {
  if (deepEqual(before, after)) return;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const inBefore = Object.prototype.hasOwnProperty.call(before, key);
      const inAfter = Object.prototype.hasOwnProperty.call(after, key);
      const keyPath = [...path, { key }];
      if (inBefore && !inAfter) out.push({ kind: 'removed', path: keyPath, before: before[key] });
      else if (!inBefore && inAfter) out.push({ kind: 'added', path: keyPath, after: after[key] });
      else diffValues(before[key], after[key], keyPath, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    diffLists(before, after, path, out);
    return;
  }
  out.push({ kind: 'changed', path, before, after });
}

/** The field-level changes between two versions of one object (plus a folder move, if any). */
export function diffObject(before: IndexedObject, after: IndexedObject): FieldChange[] {
  const fields: FieldChange[] = [];
  if (before.folder !== after.folder) {
    fields.push({ kind: 'moved', path: [], before: before.file, after: after.file });
  }
  diffValues(before.body, after.body, [], fields);
  return fields;
}

function containsKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((item) => containsKey(item, key));
  if (!isRecord(value)) return false;
  return Object.keys(value).some((k) => k === key || containsKey(value[k], key));
}

function kindReasons(kind: string): RiskReason[] {
  if (RBAC_KINDS.has(kind)) return ['RBAC'];
  if (kind === 'NetworkPolicy') return ['NetworkPolicy'];
  if (MESH_POLICY_KINDS.has(kind)) return ['mesh policy'];
  return [];
}

/**
 * Labels and annotations of RBAC, NetworkPolicy and mesh-policy objects grant or open nothing, and a
 * release bumps `app.kubernetes.io/version` on every object: flagging those would bury the real
 * risks. ClusterRole aggregation labels do grant permissions, so they stay risky.
 */
function isInertMetadata(path: readonly PathSegment[]): boolean {
  const [first, second, third] = path;
  if (!first || !('key' in first) || first.key !== 'metadata' || !second || !('key' in second)) return false;
  if (second.key === 'annotations') return true;
  if (second.key !== 'labels') return false;
  const labelKey = third && 'key' in third ? third.key : undefined;
  return labelKey !== undefined && !labelKey.startsWith('rbac.authorization.k8s.io/aggregate-to-');
}

/** Why a field change is risky; empty when it is not. */
export function fieldRiskReasons(objectKind: string, field: FieldChange): RiskReason[] {
  const reasons = isInertMetadata(field.path) ? [] : kindReasons(objectKind);
  const keys = field.path.flatMap((seg) => ('key' in seg ? [seg.key] : []));
  const last = field.path[field.path.length - 1];
  const lastIsKey = (name: string): boolean => last !== undefined && 'key' in last && last.key === name;
  if (field.kind === 'moved' || field.kind === 'reordered') return reasons;
  if (touchesImage(field, keys, lastIsKey('image'))) reasons.push('image');
  if (lastIsKey('replicas')) reasons.push('replicas');
  if (AUTOSCALER_KINDS.has(objectKind) && keys.some((k) => AUTOSCALER_BOUND_FIELDS.has(k))) reasons.push('autoscaling bounds');
  if (keys.includes('securityContext') || containsKey(field.before, 'securityContext') || containsKey(field.after, 'securityContext')) {
    reasons.push('securityContext');
  }
  return reasons;
}

/**
 * An image changed, or a container (or a whole pod template) carrying an image was added or removed.
 * `keys` are the mapping keys along the field's path. Reorderings and folder moves are handled by the caller.
 */
function touchesImage(field: FieldChange, keys: readonly string[], pathEndsInImage: boolean): boolean {
  const underContainers = keys.some((k) => CONTAINER_LISTS.has(k));
  const holdsContainers = [...CONTAINER_LISTS].some((k) => containsKey(field.before, k) || containsKey(field.after, k));
  if (!underContainers && !holdsContainers) return false;
  return pathEndsInImage || containsKey(field.before, 'image') || containsKey(field.after, 'image');
}

function objectRiskReasons(change: ObjectChange): RiskReason[] {
  const reasons: RiskReason[] = change.kind === 'removed' ? ['deleted'] : [];
  return [...reasons, ...kindReasons(change.id.kind)];
}

const TRANSITION_DOC = 'docs/delivery.md "Switching strategy"';

/**
 * A Rollout added over a Deployment that already served (rolling → canary), or removed while its
 * Deployment stays (canary → rolling). Both move the pods from one controller to the other; done
 * in one sync without a hand-over, the serving pods go before the new ones are ready.
 */
function strategySwitches(env: string, before: ReadonlyMap<string, IndexedObject>, after: ReadonlyMap<string, IndexedObject>, added: readonly ObjectChange[], removed: readonly ObjectChange[]): RiskFlag[] {
  const deploymentIn = (objects: ReadonlyMap<string, IndexedObject>, namespace: string, name: string) =>
    [...objects.values()].find((o) => o.id.kind === 'Deployment' && o.id.group === 'apps' && o.id.namespace === namespace && o.id.name === name);
  const flags: RiskFlag[] = [];
  for (const change of [...added, ...removed]) {
    if (change.id.kind !== 'Rollout' || change.id.group !== 'argoproj.io') continue;
    const rollout = (change.after ?? change.before)!.body as any;
    const ref = rollout.spec?.workloadRef;
    if (ref?.kind !== 'Deployment' || typeof ref.name !== 'string') continue;
    const ns = change.id.namespace;
    const wasServing = deploymentIn(before, ns, ref.name);
    const stays = deploymentIn(after, ns, ref.name);
    if (change.kind === 'added' && wasServing && stays) {
      const replicasBefore = (wasServing.body as any).spec?.replicas;
      if (replicasBefore === 0) continue; // already a template of an earlier Rollout
      const replicas = (stays.body as any).spec?.replicas;
      const safe = ref.scaleDown === 'progressively' && replicas === undefined;
      const note = safe
        ? `rolling → canary with a hand-over: Deployment ${ref.name} keeps its pods (no replicas in Git) and the Rollout scales it down as its own pods become ready (workloadRef.scaleDown: progressively); set delivery.canary.handOver back to false once the Rollout is Healthy (${TRANSITION_DOC})`
        : `rolling → canary WITHOUT a hand-over: Deployment ${ref.name} is set to replicas ${replicas ?? '(unset)'} with workloadRef.scaleDown ${ref.scaleDown ?? 'never'}, so its serving pods stop before the Rollout has ready ones (an outage); set delivery.canary.handOver: true for this release (${TRANSITION_DOC})`;
      flags.push({ env, object: change, reasons: ['delivery strategy switch'], note });
    } else if (change.kind === 'removed' && stays) {
      const note = `canary → rolling: the Rollout's pods are deleted with it while Deployment ${ref.name} holds ${(stays.body as any).spec?.replicas === undefined ? 'only what it had (0 after a canary period: the HPA does not scale from 0)' : `replicas ${(stays.body as any).spec.replicas}`}; follow the two-step hand-back (${TRANSITION_DOC})`;
      flags.push({ env, object: change, reasons: ['delivery strategy switch'], note });
    }
  }
  return flags;
}

function sortChanges(changes: ObjectChange[]): ObjectChange[] {
  return changes.sort((a, b) => compareObjectIds(a.id, b.id));
}

/** Compares two indexes environment by environment. */
export function diffManifests(base: ManifestIndex, head: ManifestIndex): ManifestDiff {
  const envNames = [...new Set([...base.environments.keys(), ...head.environments.keys()])].sort();
  const environments: EnvironmentDiff[] = [];
  const risks: RiskFlag[] = [];
  for (const env of envNames) {
    const before = base.environments.get(env) ?? new Map<string, IndexedObject>();
    const after = head.environments.get(env) ?? new Map<string, IndexedObject>();
    const added: ObjectChange[] = [];
    const removed: ObjectChange[] = [];
    const changed: ObjectChange[] = [];
    for (const [key, old] of before) {
      const current = after.get(key);
      if (!current) {
        removed.push({ kind: 'removed', id: old.id, label: objectLabel(old.id), before: old, fields: [] });
        continue;
      }
      const fields = diffObject(old, current);
      if (fields.length > 0) changed.push({ kind: 'changed', id: current.id, label: objectLabel(current.id), before: old, after: current, fields });
    }
    for (const [key, current] of after) {
      if (!before.has(key)) added.push({ kind: 'added', id: current.id, label: objectLabel(current.id), after: current, fields: [] });
    }
    if (added.length + removed.length + changed.length === 0) continue;
    const envDiff: EnvironmentDiff = { env, added: sortChanges(added), removed: sortChanges(removed), changed: sortChanges(changed) };
    environments.push(envDiff);
    risks.push(...strategySwitches(env, before, after, envDiff.added, envDiff.removed));
    for (const change of [...envDiff.removed, ...envDiff.added]) {
      const reasons = objectRiskReasons(change);
      if (reasons.length > 0) risks.push({ env, object: change, reasons });
    }
    for (const change of envDiff.changed) {
      for (const field of change.fields) {
        const reasons = fieldRiskReasons(change.id.kind, field);
        if (reasons.length > 0) risks.push({ env, object: change, reasons, field });
      }
    }
  }
  return { base: base.source, head: head.source, environments, risks };
}

export function hasChanges(diff: ManifestDiff): boolean {
  return diff.environments.length > 0;
}

/** `spec.template.spec.containers[name=api].image`; keys that are not identifiers are quoted: `labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const seg of path) {
    if ('key' in seg) {
      if (/^[A-Za-z_$][\w$-]*$/.test(seg.key)) text += text === '' ? seg.key : `.${seg.key}`;
      else text += `[${JSON.stringify(seg.key)}]`;
    } else if ('index' in seg) {
      text += `[${seg.index}]`;
    } else {
      text += `[name=${seg.name}]`;
    }
  }
  return text === '' ? '(object)' : text;
}
