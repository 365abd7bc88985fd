/**
 * Semantic comparison of two rendered manifest sets: per environment, which objects were added,
 * removed or changed, and for a changed object which field paths changed, old → new.
 *
 * What counts as a change (the rules reviewers can rely on):
 * - Values are compared after YAML parsing, so key order, indentation, quoting and block/flow style
 *   never count. Types do: `"1"` (string) and `1` (number) differ, as they do for the API server.
 *   Quantities are compared as written (`1000m` vs `1` is reported).
 * - Lists are lined up by identity, not position (see list-identity.ts): items with a key (containers,
 *   env, ports, volumes, HTTP routes by `name`; volume mounts by `mountPath`; PrometheusRule rules by
 *   `alert`/`record`; RBAC rules by what they grant on; AppProject kinds by `group` + `kind`) are
 *   matched by key — `containers[name=api].image`, `namespaceResourceWhitelist[group=apps,kind=Job]` —
 *   and a reordering is one `reordered` line only where order is read (env, init containers, routes,
 *   alert rules). Lists whose order means nothing (verbs, resources, hosts, NetworkPolicy rules and
 *   peers, tolerations) are sets: `verbs[=delete]` added. Order-significant lists without a key
 *   (container args and command, canary steps, relabelings) stay positional; scalar ones are shown
 *   whole, old → new.
 * - An object moved to another folder (another Argo CD Application) is reported as a `(folder)` change;
 *   a move between files in one folder is no change.
 * - Identity is API group + kind + namespace + name; an `apiVersion` bump is a field change.
 *
 * - A workflow folder present on one side only is a {@link WorkflowChange}: reports show it as one
 *   line with its object count, and its objects are not risky one by one (only a data holder that
 *   Argo CD would prune is). Its ApplicationSet element and AppProject destination, added or
 *   removed with it, are folded into that line (see attributeArgoCd).
 *
 * Risky changes (listed apart, each with why, so the one line that matters is not lost) are the
 * ones that can hurt once synced: see diff-risks.ts, and {@link strategySwitches} for a workload
 * switching between rolling (a Deployment) and canary (a Rollout over it).
 */
import { fieldRisks, objectRisks, Risk, RiskContext, selectorLabelKeys } from './diff-risks';
import { canonicalJson, isNameKey, listMode, ListMode } from './list-identity';
import { IndexedObject, ManifestIndex } from './manifest-index';
import { compareObjectIds, ObjectId, objectLabel } from '../model/object-id';

/** One step of a field path. */
export type PathSegment =
  | { readonly key: string }
  | { readonly index: number }
  /** An item of a list keyed by `name`: `[name=api]`. */
  | { readonly name: string }
  /** An item of a list keyed by other fields: `[alert=HighErrorRate]`, `[group=apps,kind=Deployment]`. */
  | { readonly match: string }
  /** A member of a list compared as a set of scalars: `verbs[=delete]`. */
  | { readonly value: string | number | boolean | null };

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
  /** A data holder deleted (or losing its keep-on-delete protection). */
  | 'deleted'
  | 'image'
  | 'replicas'
  | 'autoscaling bounds'
  /** A selector, or a label some selector uses. */
  | 'selector'
  | 'resources cut'
  | 'probe'
  | 'RBAC widening'
  | 'NetworkPolicy opening'
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

/**
 * An Argo CD field change that exists only because a workflow was added or removed whole: its
 * Application (the ApplicationSet list-generator element for its folder) or its AppProject
 * destination (its namespace). Reports fold these into the workflow's line.
 */
export interface WorkflowArgoCdPart {
  /** `application`: the generator element; `destination`: the AppProject destination. */
  readonly part: 'application' | 'destination';
  /** The ApplicationSet or AppProject; it stays in its environment's `changed`. */
  readonly object: ObjectChange;
  /** The whole element or destination added or removed; one of `object.fields`. */
  readonly field: FieldChange;
}

/** A workflow folder that appears or disappears whole in one environment. */
export interface WorkflowChange {
  readonly kind: 'added' | 'removed';
  /** The folder under the environment (the workflow name). */
  readonly folder: string;
  /** Its objects; also listed in the environment's `added`/`removed`. */
  readonly objects: readonly ObjectChange[];
  /** Argo CD changes that are exactly this workflow's (see {@link WorkflowArgoCdPart}). */
  readonly argocd: readonly WorkflowArgoCdPart[];
}

export interface EnvironmentDiff {
  readonly env: string;
  /** Every added object, those of {@link workflows} included. */
  readonly added: readonly ObjectChange[];
  /** Every removed object, those of {@link workflows} included. */
  readonly removed: readonly ObjectChange[];
  readonly changed: readonly ObjectChange[];
  /** Workflows added or removed whole, by folder name. */
  readonly workflows: readonly WorkflowChange[];
}

/** A change that deserves a reviewer's second look. */
export interface RiskFlag {
  readonly env: string;
  readonly object: ObjectChange;
  readonly reasons: readonly RiskReason[];
  /** The field that triggered the flag; absent for whole-object flags (added/removed). */
  readonly field?: FieldChange;
  /** Why the change is risky and what to do; set on every flag {@link diffManifests} makes. */
  readonly note?: string;
}

export interface ManifestDiff {
  readonly base: string;
  readonly head: string;
  /** Only environments with at least one change, sorted by name. */
  readonly environments: readonly EnvironmentDiff[];
  readonly risks: readonly RiskFlag[];
}


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

function isScalar(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function lastKey(path: readonly PathSegment[]): string | undefined {
  const last = path[path.length - 1];
  return last !== undefined && 'key' in last ? last.key : undefined;
}

function itemSegment(mode: ListMode, id: string): PathSegment {
  return isNameKey(mode) ? { name: id } : { match: id };
}

function diffLists(before: unknown[], after: unknown[], path: PathSegment[], out: FieldChange[]): void {
  const field = lastKey(path);
  const mode = listMode(field, before, after);
  if (mode.type === 'keyed') {
    const byIdBefore = new Map(mode.ids.before.map((id, i) => [id, before[i]]));
    const byIdAfter = new Map(mode.ids.after.map((id, i) => [id, after[i]]));
    for (const id of mode.ids.before) {
      const itemPath = [...path, itemSegment(mode, id)];
      if (!byIdAfter.has(id)) out.push({ kind: 'removed', path: itemPath, before: byIdBefore.get(id) });
      else diffValues(byIdBefore.get(id), byIdAfter.get(id), itemPath, out);
    }
    for (const id of mode.ids.after) {
      if (!byIdBefore.has(id)) out.push({ kind: 'added', path: [...path, itemSegment(mode, id)], after: byIdAfter.get(id) });
    }
    if (mode.orderMatters) {
      const keptBefore = mode.ids.before.filter((id) => byIdAfter.has(id));
      const keptAfter = mode.ids.after.filter((id) => byIdBefore.has(id));
      if (!deepEqual(keptBefore, keptAfter)) out.push({ kind: 'reordered', path, before: keptBefore, after: keptAfter });
    }
    return;
  }
  if (mode.type === 'set') {
    diffSets(before, after, path, out);
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

/**
 * A list whose order means nothing: equal items (by canonical JSON) match wherever they are.
 * Scalars left over are added or removed members (`verbs[=delete]`); mappings left over are paired
 * in order and diffed field by field (a NetworkPolicy peer whose selector changed), the rest
 * added or removed at their index on their side.
 */
function diffSets(before: unknown[], after: unknown[], path: PathSegment[], out: FieldChange[]): void {
  const unmatchedAfter = new Map<string, number[]>();
  after.forEach((item, i) => {
    const key = canonicalJson(item);
    unmatchedAfter.set(key, [...(unmatchedAfter.get(key) ?? []), i]);
  });
  const leftBefore: number[] = [];
  before.forEach((item, i) => {
    const slots = unmatchedAfter.get(canonicalJson(item));
    if (slots && slots.length > 0) slots.shift();
    else leftBefore.push(i);
  });
  const leftAfter = [...unmatchedAfter.values()].flat().sort((a, b) => a - b);
  const memberPath = (value: unknown, i: number): PathSegment[] =>
    [...path, isScalar(value) ? { value: value as string | number | boolean | null } : { index: i }];
  const pairableBefore = leftBefore.filter((i) => !isScalar(before[i]));
  const pairableAfter = leftAfter.filter((i) => !isScalar(after[i]));
  const pairs = Math.min(pairableBefore.length, pairableAfter.length);
  const paired = new Set([...pairableBefore.slice(0, pairs).map((i) => `b${i}`), ...pairableAfter.slice(0, pairs).map((i) => `a${i}`)]);
  for (let k = 0; k < pairs; k++) diffValues(before[pairableBefore[k]], after[pairableAfter[k]], [...path, { index: pairableAfter[k] }], out);
  for (const i of leftBefore) if (!paired.has(`b${i}`)) out.push({ kind: 'removed', path: memberPath(before[i], i), before: before[i] });
  for (const i of leftAfter) if (!paired.has(`a${i}`)) out.push({ kind: 'added', path: memberPath(after[i], i), after: after[i] });
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

/** Why a field change is risky; empty when it is not (see diff-risks.ts for the rules). */
export function fieldRiskReasons(objectKind: string, field: FieldChange, context: RiskContext = {}): RiskReason[] {
  return [...new Set(fieldRisks(objectKind, field, context).map((r) => r.reason))];
}

/** One flag per change, with all its reasons and their whys. */
function flag(env: string, object: ObjectChange, risks: readonly Risk[], field?: FieldChange): RiskFlag | undefined {
  if (risks.length === 0) return undefined;
  const reasons = [...new Set(risks.map((r) => r.reason))];
  const note = [...new Set(risks.map((r) => r.why))].join('; ');
  return field ? { env, object, reasons, field, note } : { env, object, reasons, note };
}

/** A folder that holds a workflow's objects (not `_shared`, not files directly in the environment folder). */
function isWorkflowFolder(folder: string): boolean {
  return folder !== '' && !folder.startsWith('_') && !folder.startsWith('.');
}

/** Folders present on one side only: workflows added or removed whole. */
function wholeWorkflows(kind: 'added' | 'removed', changes: readonly ObjectChange[], otherSide: ReadonlyMap<string, IndexedObject>): WorkflowChange[] {
  const otherFolders = new Set([...otherSide.values()].map((o) => o.folder));
  const byFolder = new Map<string, ObjectChange[]>();
  for (const change of changes) {
    const folder = (change.after ?? change.before)!.folder;
    if (!isWorkflowFolder(folder) || otherFolders.has(folder)) continue;
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), change]);
  }
  return [...byFolder].sort(([a], [b]) => a.localeCompare(b)).map(([folder, objects]) => ({ kind, folder, objects, argocd: [] }));
}

const isArgo = (id: ObjectId, kind: string) => id.group === 'argoproj.io' && id.kind === kind;

/** `dist/prod/support-agent` → `['prod', 'support-agent']`: the environment and folder an Application syncs. */
function envAndFolderOf(sourcePath: unknown): [string, string] | undefined {
  if (typeof sourcePath !== 'string') return undefined;
  const parts = sourcePath.split('/').filter((p) => p !== '' && p !== '.');
  return parts.length >= 2 ? [parts[parts.length - 2], parts[parts.length - 1]] : undefined;
}

/** The environment an ApplicationSet generates for: its template's environment label, else its elements' paths. */
function applicationSetEnv(body: any): string | undefined {
  const label = body?.spec?.template?.metadata?.labels?.['langgraph.platform/environment'];
  if (typeof label === 'string' && !label.includes('{{')) return label;
  const envs = new Set((body?.spec?.generators ?? []).flatMap((g: any) => g?.list?.elements ?? []).map((e: any) => envAndFolderOf(e?.path)?.[0]));
  return envs.size === 1 ? ([...envs][0] as string | undefined) : undefined;
}

/** `spec.generators[…]…elements[…]`: one element of a (possibly nested) list generator. */
function isGeneratorElement(path: readonly PathSegment[]): boolean {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  return last !== undefined && !('key' in last) && parent !== undefined && 'key' in parent && parent.key === 'elements'
    && path.some((seg) => 'key' in seg && seg.key === 'generators');
}

/** `spec.destinations[…]`: one whole AppProject destination. */
function isDestination(path: readonly PathSegment[]): boolean {
  return path.length === 3 && 'key' in path[0] && path[0].key === 'spec' && 'key' in path[1] && path[1].key === 'destinations' && !('key' in path[2]);
}

/** The namespaces a workflow owns: its Namespace objects, else the one namespace all its objects are in. */
function workflowNamespaces(workflow: WorkflowChange): Set<string> {
  const declared = workflow.objects.filter((c) => c.id.kind === 'Namespace' && c.id.group === '').map((c) => c.id.name);
  if (declared.length > 0) return new Set(declared);
  const used = new Set(workflow.objects.map((c) => c.id.namespace).filter((ns) => ns !== ''));
  return used.size === 1 ? used : new Set();
}

/**
 * Finds, for each workflow added or removed whole, the Argo CD changes that are exactly its own:
 * the ApplicationSet element added/removed with it (its `workflow` is the folder and its `path` the
 * folder in that environment) and the AppProject destination added/removed with it (the project and
 * cluster of that environment's ApplicationSet, the workflow's namespace). Anything else in Argo CD
 * — a changed sync option, an element edited in place, a destination for another namespace — is
 * not attributed and is reported as usual.
 */
function attributeArgoCd(environments: readonly EnvironmentDiff[], base: ManifestIndex, head: ManifestIndex): void {
  const argoChanges = environments.flatMap((e) => e.changed).filter((c) => isArgo(c.id, 'ApplicationSet') || isArgo(c.id, 'AppProject'));
  if (argoChanges.length === 0) return;
  const applicationSets = [base, head]
    .flatMap((side) => [...side.environments.values()].flatMap((objects) => [...objects.values()]))
    .filter((o) => isArgo(o.id, 'ApplicationSet'))
    .map((o) => o.body as any);
  const claimed = new Set<FieldChange>();
  for (const env of environments) {
    const ownSets = applicationSets.filter((body) => applicationSetEnv(body) === env.env);
    const projects = new Set(ownSets.map((b) => b?.spec?.template?.spec?.project).filter((p) => typeof p === 'string' && !p.includes('{{')));
    const servers = new Set(ownSets.map((b) => b?.spec?.template?.spec?.destination?.server).filter((s) => typeof s === 'string' && !s.includes('{{')));
    for (const workflow of env.workflows) {
      const namespaces = workflowNamespaces(workflow);
      const parts = workflow.argocd as WorkflowArgoCdPart[];
      for (const object of argoChanges) {
        const setEnv = isArgo(object.id, 'ApplicationSet') ? applicationSetEnv((object.after ?? object.before)!.body) : undefined;
        for (const field of object.fields) {
          if (claimed.has(field) || field.kind !== workflow.kind) continue;
          const value: any = workflow.kind === 'added' ? field.after : field.before;
          if (isArgo(object.id, 'ApplicationSet') && isGeneratorElement(field.path)) {
            const target = envAndFolderOf(value?.path);
            const envMatches = target ? target[0] === env.env && target[1] === workflow.folder : setEnv === env.env;
            if (value?.workflow !== workflow.folder || !envMatches) continue;
            parts.push({ part: 'application', object, field });
          } else if (isArgo(object.id, 'AppProject') && isDestination(field.path)) {
            if (!projects.has(object.id.name) || !namespaces.has(value?.namespace)) continue;
            if (servers.size > 0 && !servers.has(value?.server)) continue;
            parts.push({ part: 'destination', object, field });
          } else {
            continue;
          }
          claimed.add(field);
        }
      }
    }
  }
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
    const workflows = [...wholeWorkflows('added', sortChanges(added), before), ...wholeWorkflows('removed', sortChanges(removed), after)];
    const envDiff: EnvironmentDiff = { env, added: sortChanges(added), removed: sortChanges(removed), changed: sortChanges(changed), workflows };
    environments.push(envDiff);
    risks.push(...strategySwitches(env, before, after, envDiff.added, envDiff.removed));
    const wholeWorkflowObjects = new Set(workflows.flatMap((w) => w.objects));
    for (const change of [...envDiff.removed, ...envDiff.added]) {
      const o = (change.after ?? change.before)!.body;
      const f = flag(env, change, objectRisks(change.kind as 'added' | 'removed', o, wholeWorkflowObjects.has(change)));
      if (f) risks.push(f);
    }
    const selectorKeys = selectorLabelKeys([...[...before.values()].map((o) => o.body), ...[...after.values()].map((o) => o.body)]);
    for (const change of envDiff.changed) {
      const context: RiskContext = { before: change.before?.body, after: change.after?.body, selectorLabelKeys: selectorKeys };
      for (const field of change.fields) {
        const f = flag(env, change, fieldRisks(change.id.kind, field, context), field);
        if (f) risks.push(f);
      }
    }
  }
  attributeArgoCd(environments, base, head);
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
    } else if ('name' in seg) {
      text += `[name=${seg.name}]`;
    } else if ('match' in seg) {
      text += `[${seg.match}]`;
    } else {
      // kustomize's notation for a list member by value
      text += `[=${typeof seg.value === 'string' ? seg.value : JSON.stringify(seg.value)}]`;
    }
  }
  return text === '' ? '(object)' : text;
}
