/**
 * What a workload's pod may carry beside the server: envFrom, init containers, sidecars and extra
 * volumes. Every extra container gets the server's hardening (src/constructs/langgraph-workload.ts).
 */

export interface ExtraContainerResources {
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  readonly cpuLimit: string;
  readonly memoryLimit: string;
  readonly ephemeralStorageRequest: string;
  readonly ephemeralStorageLimit: string;
}

/** Small enough for a helper process; set `resources` for anything heavier. */
export const EXTRA_CONTAINER_RESOURCES: ExtraContainerResources = {
  cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '200m', memoryLimit: '128Mi', ephemeralStorageRequest: '1Gi', ephemeralStorageLimit: '1Gi',
};

export interface ExtraContainer {
  readonly name: string;
  /** Pinned by digest (`repository@sha256:…`). */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's arguments */
  readonly args?: readonly string[];
  /** Plain env vars. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** The port a sidecar serves; its probes use it (readiness GETs `healthPath`). @default - no port, no probes (init containers) */
  readonly port?: { readonly name: string; readonly number: number; readonly healthPath: string };
  /** @default EXTRA_CONTAINER_RESOURCES */
  readonly resources?: ExtraContainerResources;
  /** Volumes of `PodExtras.volumes` to mount, by name. @default [] */
  readonly mounts?: readonly { readonly volume: string; readonly mountPath: string; readonly readOnly?: boolean }[];
}

/** Exactly one source: `emptyDir`, `configMap` or `secret`. */
export interface ExtraVolume {
  readonly name: string;
  /** Where the server mounts it. @default - not mounted in the server */
  readonly mountPath?: string;
  /** @default true */
  readonly readOnly?: boolean;
  /** @default - not an emptyDir */
  readonly emptyDir?: { readonly sizeLimit: string };
  /** @default - not a ConfigMap */
  readonly configMap?: string;
  /** @default - not a Secret */
  readonly secret?: string;
}

export type EnvFromSource = { readonly configMap: string } | { readonly secret: string };

export interface PodExtras {
  /** ConfigMaps or Secrets whose keys all become env vars of the server. @default [] */
  readonly envFrom?: readonly EnvFromSource[];
  /** Run to completion before the server starts. @default [] */
  readonly initContainers?: readonly ExtraContainer[];
  /** Serve beside the server; each declares its port. @default [] */
  readonly sidecars?: readonly ExtraContainer[];
  /** @default [] */
  readonly volumes?: readonly ExtraVolume[];
}
