/**
 * Typed pod knobs that users of the LangGraph server ask for most (priority, spot placement,
 * envFrom, init containers, sidecars, extra volumes). Workflow-level: overridable per workflow
 * and environment. Everything still passes the validation gate (hardening, pinned images).
 */
import { z } from 'zod';

const name = z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label');
const pinnedImage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/:-]*@sha256:[a-f0-9]{64}$/, 'an image pinned by digest: repository@sha256:<64 hex digits>');
const cpu = z.string().regex(/^(\d+m|\d+(\.\d{1,3})?)$/, 'a cpu quantity such as "50m"');
const mem = z.string().regex(/^[1-9]\d*(Ki|Mi|Gi)$/, 'a byte quantity in binary units such as "64Mi"');
const gib = z.string().regex(/^[1-9]\d*Gi$/, 'whole gibibytes such as "1Gi"');

const toleration = z.strictObject({
  key: z.string().min(1),
  operator: z.enum(['Equal', 'Exists']).default('Exists'),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

const SPOT_DEFAULTS = {
  enabled: false, capacityTypeLabel: 'karpenter.sh/capacity-type', spotValue: 'spot', onDemandValue: 'on-demand',
  tolerations: [], preferSpotWeight: 50, maxSkew: 1,
};

export const schedulingSchema = z
  .strictObject({
    /** A PriorityClass that must exist in the cluster. @default - the cluster default */
    priorityClassName: name.optional(),
    spot: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Node label telling spot from on-demand nodes (Karpenter's by default). */
        capacityTypeLabel: z.string().default(SPOT_DEFAULTS.capacityTypeLabel),
        spotValue: z.string().default(SPOT_DEFAULTS.spotValue),
        onDemandValue: z.string().default(SPOT_DEFAULTS.onDemandValue),
        /** Taints of spot node pools that the pods tolerate. */
        tolerations: z.array(toleration).default([]),
        /** Weight (1–100) of the preference for spot nodes. */
        preferSpotWeight: z.number().int().min(1).max(100).default(50),
        /**
         * Spot and on-demand replica counts differ by at most this many (a hard topology spread
         * over the capacity-type label), so about half of the replicas, less this skew, always
         * run on on-demand nodes and survive a spot reclaim.
         */
        maxSkew: z.number().int().min(1).default(1),
      })
      .default(SPOT_DEFAULTS),
  })
  .default({ spot: SPOT_DEFAULTS });
export type Scheduling = z.infer<typeof schedulingSchema>;

const extraContainer = z.strictObject({
  name,
  image: pinnedImage,
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits and "_", not starting with a digit)'), z.string()).default({}),
  /**
   * The port a sidecar serves (required for sidecars: every serving container has probes).
   * Readiness GETs `healthPath` on it; startup and liveness only check that it accepts connections.
   */
  port: z.strictObject({ name, number: z.number().int().min(1).max(65535), healthPath: z.string().regex(/^\//, 'an HTTP path') }).optional(),
  resources: z
    .strictObject({ cpuRequest: cpu, memoryRequest: mem, cpuLimit: cpu, memoryLimit: mem, ephemeralStorageRequest: gib, ephemeralStorageLimit: gib })
    .default({ cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '200m', memoryLimit: '128Mi', ephemeralStorageRequest: '1Gi', ephemeralStorageLimit: '1Gi' }),
  /** Extra volumes (by name) to mount. */
  mounts: z.array(z.strictObject({ volume: name, mountPath: z.string().regex(/^\//, 'an absolute path'), readOnly: z.boolean().default(true) })).default([]),
});
export type ExtraContainer = z.infer<typeof extraContainer>;

const extraVolume = z
  .strictObject({
    name,
    /** Where the server mounts it. @default - not mounted in the server */
    mountPath: z.string().regex(/^\//, 'an absolute path').optional(),
    readOnly: z.boolean().default(true),
    emptyDir: z.strictObject({ sizeLimit: mem }).optional(),
    configMap: name.optional(),
    secret: name.optional(),
  })
  .refine((v) => [v.emptyDir, v.configMap, v.secret].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one source: emptyDir (with sizeLimit), configMap or secret',
  });
export type ExtraVolume = z.infer<typeof extraVolume>;

export const podExtrasSchema = z
  .strictObject({
    // Init containers run to completion before the server starts: they take no port or probes.
    /** ConfigMaps or Secrets whose keys all become env vars of the server. */
    envFrom: z.array(z.union([z.strictObject({ configMap: name }), z.strictObject({ secret: name })])).default([]),
    /** Run to completion before the server starts: no port, no probes. */
    initContainers: z.array(extraContainer.omit({ port: true })).default([]),
    /** Serve beside the server for its whole life, so each declares the port its probes use. */
    sidecars: z.array(extraContainer.required({ port: true })).default([]),
    volumes: z.array(extraVolume).default([]),
  })
  .default({ envFrom: [], initContainers: [], sidecars: [], volumes: [] });
export type PodExtras = z.infer<typeof podExtrasSchema>;
