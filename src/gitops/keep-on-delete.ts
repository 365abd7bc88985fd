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
 */
import { KubeObject } from '../model/kube-object';
import { RenderedObject } from '../model/rendered-object';

export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
export const KEEP_SYNC_OPTIONS = 'Prune=false,Delete=false';

/** Whether Argo CD must keep the object when it leaves Git or the Application is deleted. */
export function holdsData(o: KubeObject): boolean {
  if (o.kind === 'Namespace' && o.apiVersion === 'v1') return true;
  if (o.kind === 'PersistentVolumeClaim' && o.apiVersion === 'v1') return true;
  const claims = (o as any).spec?.volumeClaimTemplates;
  return o.kind === 'StatefulSet' && o.apiVersion === 'apps/v1' && Array.isArray(claims) && claims.length > 0;
}

/** Adds the keep options to every data holder; other sync options it already has are kept. */
export function applyKeepOnDelete(objects: readonly RenderedObject[]): RenderedObject[] {
  return objects.map((r) => {
    if (!holdsData(r.object)) return r;
    const annotations = r.object.metadata.annotations ?? {};
    const existing = (annotations[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').map((s) => s.trim()).filter((s) => s && !/^(Prune|Delete)=/.test(s));
    const value = [...KEEP_SYNC_OPTIONS.split(','), ...existing].join(',');
    return { ...r, object: { ...r.object, metadata: { ...r.object.metadata, annotations: { ...annotations, [SYNC_OPTIONS_ANNOTATION]: value } } } };
  });
}
