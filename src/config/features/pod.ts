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
  key: z.string().min(1).meta({ description: 'Taint key tolerated.' }),
  operator: z.enum(['Equal', 'Exists']).default('Exists').meta({ description: '`Exists` tolerates any value; `Equal` only `value`.' }),
  value: z.string().optional().meta({ description: 'Taint value (operator `Equal`).' }),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).meta({ description: 'Taint effect tolerated.' }),
});

const SPOT_DEFAULTS = {
  enabled: false, capacityTypeLabel: 'karpenter.sh/capacity-type', spotValue: 'spot', onDemandValue: 'on-demand',
  tolerations: [], preferSpotWeight: 50, maxSkew: 1,
};

export const schedulingSchema = z
  .strictObject({
    priorityClassName: name.optional().meta({ description: 'The PriorityClass of the API and worker pods. Synth renders it once per environment (`dist/<env>/_shared/`, value 100000, `PreemptLowerPriority`, never the global default), except Kubernetes\' own `system-…` classes. Default: the cluster default.' }),
    spot: z
      .strictObject({
        enabled: z.boolean().default(false).meta({ description: 'Prefer spot nodes for the API pods.' }),
        capacityTypeLabel: z.string().default(SPOT_DEFAULTS.capacityTypeLabel).meta({ description: 'Node label telling spot from on-demand nodes (Karpenter\'s by default).' }),
        spotValue: z.string().default(SPOT_DEFAULTS.spotValue).meta({ description: 'Value of `capacityTypeLabel` on spot nodes.' }),
        onDemandValue: z.string().default(SPOT_DEFAULTS.onDemandValue).meta({ description: 'Value of `capacityTypeLabel` on on-demand nodes.' }),
        tolerations: z.array(toleration).default([]).meta({ description: 'Taints of spot node pools that the pods tolerate.' }),
        preferSpotWeight: z.number().int().min(1).max(100).default(50).meta({ description: 'Weight (1–100) of the preference for spot nodes.' }),
        maxSkew: z.number().int().min(1).default(1).meta({ description: 'Spot and on-demand replica counts differ by at most this many (a hard topology spread over the capacity-type label), so about half of the replicas, less this skew, always run on on-demand nodes and survive a spot reclaim.' }),
      })
      .default(SPOT_DEFAULTS).meta({ description: 'Run part of the replicas on spot (preemptible) nodes, spread so the on-demand half survives a reclaim.' }),
  })
  .default({ spot: SPOT_DEFAULTS });
export type Scheduling = z.infer<typeof schedulingSchema>;

const extraContainer = z.strictObject({
  name: name.meta({ description: 'Container name.' }),
  image: pinnedImage.meta({ description: 'Image pinned by digest (`repository@sha256:…`).' }),
  command: z.array(z.string()).optional().meta({ description: 'Entrypoint override. Default: the image\'s.' }),
  args: z.array(z.string()).optional().meta({ description: 'Arguments. Default: the image\'s.' }),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits and "_", not starting with a digit)'), z.string()).default({}).meta({ description: 'Plain environment variables.' }),
  port: z.strictObject({ name: name.meta({ description: 'Port name.' }), number: z.number().int().min(1).max(65535).meta({ description: 'Container port.' }), healthPath: z.string().regex(/^\//, 'an HTTP path').meta({ description: 'HTTP path the readiness probe GETs.' }) }).optional().meta({ description: 'The port a sidecar serves (required for sidecars: every serving container has probes). Readiness GETs `healthPath` on it; startup and liveness only check that it accepts connections.' }),
  resources: z
    .strictObject({ cpuRequest: cpu.meta({ description: 'CPU reserved.' }), memoryRequest: mem.meta({ description: 'Memory reserved.' }), cpuLimit: cpu.meta({ description: 'CPU ceiling.' }), memoryLimit: mem.meta({ description: 'Memory ceiling (OOM-killed above).' }), ephemeralStorageRequest: gib.meta({ description: 'Scratch disk reserved.' }), ephemeralStorageLimit: gib.meta({ description: 'Scratch disk ceiling (evicted above).' }) })
    .default({ cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '200m', memoryLimit: '128Mi', ephemeralStorageRequest: '1Gi', ephemeralStorageLimit: '1Gi' }).meta({ description: 'Requests and limits of the container.' }),
  mounts: z.array(z.strictObject({ volume: name.meta({ description: 'Name of a volume in `pod.volumes`.' }), mountPath: z.string().regex(/^\//, 'an absolute path').meta({ description: 'Where to mount it.' }), readOnly: z.boolean().default(true).meta({ description: 'Mount read-only.' }) })).default([]).meta({ description: 'Extra volumes (by name) to mount.' }),
});
export type ExtraContainer = z.infer<typeof extraContainer>;

const extraVolume = z
  .strictObject({
    name: name.meta({ description: 'Volume name.' }),
    mountPath: z.string().regex(/^\//, 'an absolute path').optional().meta({ description: 'Where the server mounts it. Default: not mounted in the server.' }),
    readOnly: z.boolean().default(true).meta({ description: 'Mount read-only in the server.' }),
    emptyDir: z.strictObject({ sizeLimit: mem.meta({ description: 'Most it may hold.' }) }).optional().meta({ description: 'A scratch volume that lives as long as the pod.' }),
    configMap: name.optional().meta({ description: 'Mount this ConfigMap.' }),
    secret: name.optional().meta({ description: 'Mount this Secret.' }),
  })
  .refine((v) => [v.emptyDir, v.configMap, v.secret].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one source: emptyDir (with sizeLimit), configMap or secret',
  });
export type ExtraVolume = z.infer<typeof extraVolume>;

export const podExtrasSchema = z
  .strictObject({
    // Init containers run to completion before the server starts: they take no port or probes.
    envFrom: z.array(z.union([z.strictObject({ configMap: name.meta({ description: 'A ConfigMap in the workflow\'s namespace.' }) }), z.strictObject({ secret: name.meta({ description: 'A Secret in the workflow\'s namespace.' }) })])).default([]).meta({ description: 'ConfigMaps or Secrets whose keys all become env vars of the server.' }),
    initContainers: z.array(extraContainer.omit({ port: true })).default([]).meta({ description: 'Run to completion before the server starts: no port, no probes.' }),
    sidecars: z.array(extraContainer.required({ port: true })).default([]).meta({ description: 'Serve beside the server for its whole life, so each declares the port its probes use.' }),
    volumes: z.array(extraVolume).default([]).meta({ description: 'Extra volumes of the pod (exactly one source each), mounted in the server at `mountPath` and in extra containers by `mounts`.' }),
  })
  .default({ envFrom: [], initContainers: [], sidecars: [], volumes: [] });
export type PodExtras = z.infer<typeof podExtrasSchema>;
