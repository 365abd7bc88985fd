/** A rendered object and where it is written under dist/. */
import { KubeObject } from './kube-object';

export interface RenderedObject {
  readonly environment: string;
  /** Workflow the object belongs to, or undefined for per-environment shared objects. */
  readonly workflow?: string;
  /** Folder under dist/ replacing `<environment>/<workflow>` (objects of no environment: `argocd`). */
  readonly folder?: string;
  readonly object: KubeObject;
}

/** Folder (under dist/<env>/) for per-environment objects that belong to no single workflow. */
export const SHARED_FOLDER = '_shared';

/** Whether the object is one of its environment's shared objects (`dist/<env>/_shared`). */
export function isSharedObject(r: RenderedObject): boolean {
  return r.folder === undefined && r.workflow === undefined;
}

/** `dist/<env>/<workflow>/<kind>-<name>.yaml`: one object per file, so a PR diff names the object. */
export function relativePath(r: RenderedObject): string {
  const folder = r.folder ?? `${r.environment}/${r.workflow ?? SHARED_FOLDER}`;
  return `${folder}/${r.object.kind.toLowerCase()}-${r.object.metadata.name}.yaml`;
}
