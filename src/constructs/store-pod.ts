/**
 * Building blocks for the hardened pod templates of the in-cluster data stores, written as plain
 * Kubernetes objects (cdk8s-plus-27 cannot express volumeClaimTemplates, `drop: [ALL]` or seccomp):
 * the same rules as the API's pods — non-root UID/GID 10001, seccomp RuntimeDefault, all
 * capabilities dropped, no privilege escalation, read-only root filesystem, size-limited emptyDirs,
 * requests and limits including ephemeral-storage, distinct startup/readiness/liveness probes.
 */
import { k8s } from 'cdk8s-plus-27';
import { DROP_ALL_CAPABILITIES, RUNTIME_DEFAULT_SECCOMP } from './pod-hardening';
import { RUN_AS_GROUP, RUN_AS_USER } from './langgraph-server';
import { SecretEnvRef } from './langgraph-server';

export interface StoreResourceAmounts {
  readonly cpu: string;
  readonly memory: string;
  readonly ephemeralStorage: string;
}

export interface StoreResources {
  readonly requests: StoreResourceAmounts;
  readonly limits: StoreResourceAmounts;
}

/** Pod-level security: a fixed non-root identity that also owns the volumes (fsGroup). */
export function storePodSecurityContext(): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_GROUP,
    fsGroup: RUN_AS_GROUP,
    // Re-chown a large data volume only when its root does not already match.
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { ...RUNTIME_DEFAULT_SECCOMP },
  };
}

export function hardenedContainerSecurityContext(): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_GROUP,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: [...DROP_ALL_CAPABILITIES.drop] },
    seccompProfile: { ...RUNTIME_DEFAULT_SECCOMP },
  };
}

export function containerResources(r: StoreResources): k8s.ResourceRequirements {
  const amounts = (a: StoreResourceAmounts) => ({
    cpu: k8s.Quantity.fromString(a.cpu),
    memory: k8s.Quantity.fromString(a.memory),
    'ephemeral-storage': k8s.Quantity.fromString(a.ephemeralStorage),
  });
  return { requests: amounts(r.requests), limits: amounts(r.limits) };
}

export interface ProbeTimingSpec {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export function execProbe(command: readonly string[], t: ProbeTimingSpec): k8s.Probe {
  return { exec: { command: [...command] }, ...t, successThreshold: 1 };
}

export function tcpProbe(port: string, t: ProbeTimingSpec): k8s.Probe {
  return { tcpSocket: { port: k8s.IntOrString.fromString(port) }, ...t, successThreshold: 1 };
}

export function httpProbe(path: string, port: string, t: ProbeTimingSpec): k8s.Probe {
  return { httpGet: { path, port: k8s.IntOrString.fromString(port) }, ...t, successThreshold: 1 };
}

export function secretEnvVar(name: string, ref: SecretEnvRef): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key, optional: false } } };
}

export function emptyDir(name: string, sizeLimit: string, medium?: 'Memory'): k8s.Volume {
  return { name, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit), ...(medium ? { medium } : {}) } };
}
