/** A rendered Kubernetes object and where it is written. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

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

/** `dist/<env>/<workflow>/<kind>-<name>.yaml`: one object per file, so a PR diff names the object. */
export function relativePath(r: RenderedObject): string {
  const folder = r.folder ?? `${r.environment}/${r.workflow ?? SHARED_FOLDER}`;
  return `${folder}/${r.object.kind.toLowerCase()}-${r.object.metadata.name}.yaml`;
}

export function objectId(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}
