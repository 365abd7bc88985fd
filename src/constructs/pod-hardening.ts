/**
 * The one place where cdk8s-plus-27's pod output is corrected. cdk8s-plus-27 (unmaintained since
 * 2024) writes capabilities as `CAP_*`, cannot express `drop: [ALL]`, has no seccompProfile, and
 * always adds a `cdk8s.io/metadata.addr` pod label whose value hashes the construct path (so a
 * refactor would change pods' identity). Every workload built with cdk8s-plus passes through here.
 */
import { ApiObject, JsonPatch } from 'cdk8s';

/** The label cdk8s-plus adds to every pod template; never part of our contract. */
export const CDK8S_PLUS_ADDRESS_LABEL = 'cdk8s.io/metadata.addr';

export interface PodTemplateLayout {
  /** JSON pointer of the pod template within the object. @default '/spec/template' */
  readonly templatePointer?: string;
  readonly containerCount: number;
  /** @default 0 */
  readonly initContainerCount?: number;
}

export const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' } as const;
export const DROP_ALL_CAPABILITIES = { drop: ['ALL'] } as const;

export function hardenPodTemplate(workload: ApiObject, layout: PodTemplateLayout): void {
  const template = layout.templatePointer ?? '/spec/template';
  const spec = `${template}/spec`;
  workload.addJsonPatch(
    JsonPatch.remove(`${template}/metadata/labels/${escapePointer(CDK8S_PLUS_ADDRESS_LABEL)}`),
    JsonPatch.add(`${spec}/securityContext/seccompProfile`, RUNTIME_DEFAULT_SECCOMP),
  );
  const containers: string[] = [];
  for (let i = 0; i < layout.containerCount; i++) containers.push(`${spec}/containers/${i}`);
  for (let i = 0; i < (layout.initContainerCount ?? 0); i++) containers.push(`${spec}/initContainers/${i}`);
  for (const c of containers) {
    workload.addJsonPatch(
      JsonPatch.add(`${c}/securityContext/capabilities`, DROP_ALL_CAPABILITIES),
      JsonPatch.add(`${c}/securityContext/seccompProfile`, RUNTIME_DEFAULT_SECCOMP),
    );
  }
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
