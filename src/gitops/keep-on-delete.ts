/**
 * Argo CD must never delete data: not when a workflow leaves the catalog (pruning), not when
 * someone deletes the environment's Application (its resources-finalizer cascades to every
 * object it manages, Namespaces included, and a deleted Namespace takes everything in it).
 * Namespaces and the objects that hold data (PersistentVolumeClaims, StatefulSets with
 * volumeClaimTemplates) carry `argocd.argoproj.io/sync-options: Prune=false,Delete=false`:
 * "Prune=false" keeps an object Git no longer lists (the app shows OutOfSync until someone
 * removes it on purpose), "Delete=false" keeps it when the Application is deleted
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources and
 * #no-resource-deletion). The claims a StatefulSet creates are not Argo CD's to delete, and
 * survive it by the StatefulSet's retention policy (Retain by default) inside a kept Namespace.
 * A PriorityClass is kept too: running pods keep their resolved priority, but while it is gone the
 * Priority admission plugin refuses every new pod naming it (a replacement after a drain, an HPA
 * scale-up), so deleting it takes capacity from every workflow that uses it.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { KubeObject } from '../model/kube-object';
import { IAspect } from '../util/aspects';

export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
export const KEEP_SYNC_OPTIONS = 'Prune=false,Delete=false';

/** The only kinds {@link holdsData} can be true for, each with its API version. */
const KEPT_KINDS: ReadonlyMap<string, string> = new Map([
  ['Namespace', 'v1'], ['PersistentVolumeClaim', 'v1'], ['PriorityClass', 'scheduling.k8s.io/v1'], ['StatefulSet', 'apps/v1'],
]);

/** Whether Argo CD must keep the object when it leaves Git or the Application is deleted (data, or what running pods depend on). */
export function holdsData(o: KubeObject): boolean {
  if (KEPT_KINDS.get(o.kind) !== o.apiVersion) return false;
  if (o.kind !== 'StatefulSet') return true;
  const claims = (o as any).spec?.volumeClaimTemplates;
  return Array.isArray(claims) && claims.length > 0;
}

/** The sync options a data holder gets: the keep options first, then its own other options. */
export function keepSyncOptions(existing: string | undefined): string {
  const own = (existing ?? '').split(',').map((s) => s.trim()).filter((s) => s && !/^(Prune|Delete)=/.test(s));
  return [...KEEP_SYNC_OPTIONS.split(','), ...own].join(',');
}

/**
 * Aspect: adds the keep options to every data holder; other sync options it already has are kept.
 * The annotation is written last among the object's annotations (where reviewers of dist/ have
 * always found it), hence the JSON patch after cdk8s sorts the keys.
 * `Aspects.of(chart).add(new KeepOnDelete())`.
 */
export class KeepOnDelete implements IAspect {
  public visit(node: IConstruct): void {
    // Resolving metadata costs more than the rest of the visit: only for the kinds that may be kept.
    if (!ApiObject.isApiObject(node) || KEPT_KINDS.get(node.kind) !== node.apiVersion) return;
    const metadata = node.metadata.toJson();
    // Only a StatefulSet needs its spec (volumeClaimTemplates); resolve it only then.
    const object: KubeObject = node.kind === 'StatefulSet' ? node.toJson() : { apiVersion: node.apiVersion, kind: node.kind, metadata };
    if (!holdsData(object)) return;
    const value = keepSyncOptions(metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]);
    node.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, value);
    const pointer = `/metadata/annotations/${SYNC_OPTIONS_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    node.addJsonPatch(JsonPatch.remove(pointer), JsonPatch.add(pointer, value));
  }
}
