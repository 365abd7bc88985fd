/**
 * How objects are named. Two forms: the string `Kind/namespace/name` (`Kind/name` when
 * cluster-scoped) that violations and waivers use, and the structured {@link ObjectId} with the
 * API group that the manifest index and diffs key objects by.
 */
import { apiGroupOf } from './api-group';
import { KubeObject } from './kube-object';

/** `Kind/namespace/name`, or `Kind/name` for an object without a namespace. */
export function objectId(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/** `Kind/namespace/name` → its parts (names never contain `/`). */
export function parseObjectId(id: string): { kind: string; namespace?: string; name: string } {
  const parts = id.split('/');
  return parts.length === 3 ? { kind: parts[0], namespace: parts[1], name: parts[2] } : { kind: parts[0], name: parts[parts.length - 1] };
}

/**
 * What identifies an object in a cluster. The API version is left out on purpose so that
 * `v1beta1 → v1` of the same object reads as a change of `apiVersion`, not as remove + add.
 */
export interface ObjectId {
  /** API group; `''` for the core group. */
  readonly group: string;
  readonly kind: string;
  /** `''` when the object carries no namespace (cluster-scoped, or left to the Argo CD destination). */
  readonly namespace: string;
  readonly name: string;
}

export function objectIdOf(body: KubeObject): ObjectId {
  return {
    group: apiGroupOf(body.apiVersion),
    kind: body.kind,
    namespace: body.metadata.namespace ?? '',
    name: body.metadata.name,
  };
}

export function objectKey(id: ObjectId): string {
  return `${id.group}/${id.kind}/${id.namespace}/${id.name}`;
}

/** `Kind namespace/name`, or `Kind name` for objects without a namespace — how reports name objects. */
export function objectLabel(id: ObjectId): string {
  return id.namespace ? `${id.kind} ${id.namespace}/${id.name}` : `${id.kind} ${id.name}`;
}

/** Stable display order: kind, then namespace, then name, then group. */
export function compareObjectIds(a: ObjectId, b: ObjectId): number {
  return (
    a.kind.localeCompare(b.kind) ||
    a.namespace.localeCompare(b.namespace) ||
    a.name.localeCompare(b.name) ||
    a.group.localeCompare(b.group)
  );
}
