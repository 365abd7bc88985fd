/**
 * What an environment's rendered objects need from Argo CD: the namespaces they live in and the
 * kinds they are, split into cluster-scoped and namespaced. The AppProject allow-lists are derived
 * from this, never written by hand, so they cannot drift from what `dist/<env>` holds.
 */
import { KubeObject } from '../model/kube-object';
import { objectId } from '../model/object-id';
import { GroupKind, apiGroupOf, groupKindKey } from '../model/api-group';

export interface Footprint {
  /** Namespaces holding at least one namespaced object, sorted. */
  readonly namespaces: readonly string[];
  /** Kinds of objects rendered without `metadata.namespace` (cluster-scoped), sorted. */
  readonly clusterKinds: readonly GroupKind[];
  /** Kinds of objects rendered with `metadata.namespace`, sorted. */
  readonly namespacedKinds: readonly GroupKind[];
  /** Whether objects were rendered into the environment's shared folder (`dist/<env>/_shared`), which gets its own Application. */
  readonly sharedObjects: boolean;
}

/**
 * Relies on the render contract that a cluster-scoped object never carries `metadata.namespace`
 * and a namespaced one always does. A kind seen both ways breaks it and is refused: allowing it
 * in both lists would widen the project for an object Argo CD would put in an arbitrary namespace.
 */
export function footprintOf(objects: readonly KubeObject[], sharedObjects = false): Footprint {
  const namespaces = new Set<string>();
  /** groupKindKey → the group/kind and the first object of it seen, per scope. */
  const cluster = new Map<string, { readonly gk: GroupKind; readonly first: string }>();
  const namespaced = new Map<string, { readonly gk: GroupKind; readonly first: string }>();
  for (const o of objects) {
    const gk: GroupKind = { group: apiGroupOf(o.apiVersion), kind: o.kind };
    const key = groupKindKey(gk);
    const ns = o.metadata.namespace;
    if (ns) namespaces.add(ns);
    const scope = ns ? namespaced : cluster;
    if (!scope.has(key)) scope.set(key, { gk, first: objectId(o) });
  }
  const both = [...namespaced.keys()].filter((key) => cluster.has(key));
  if (both.length) {
    const lines = both.map((key) => `${key}: ${namespaced.get(key)!.first} has a namespace, ${cluster.get(key)!.first} has none`);
    throw new Error(
      `cannot derive the Argo CD project's allow-lists: a kind is rendered both with and without metadata.namespace (${lines.join('; ')}). ` +
        'Give every namespaced object its namespace, and none to cluster-scoped objects.',
    );
  }
  return {
    namespaces: [...namespaces].sort(),
    clusterKinds: sortGroupKinds([...cluster.values()].map((e) => e.gk)),
    namespacedKinds: sortGroupKinds([...namespaced.values()].map((e) => e.gk)),
    sharedObjects,
  };
}

function sortGroupKinds(list: GroupKind[]): GroupKind[] {
  return list.sort((a, b) => compare(a.group, b.group) || compare(a.kind, b.kind));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
