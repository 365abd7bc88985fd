/**
 * Typed pod knobs that users of the LangGraph server ask for most (priority, spot placement,
 * envFrom, init containers, sidecars, extra volumes). Workflow-level: overridable per workflow
 * and environment. Everything still passes the validation gate (hardening, pinned images).
 */
import { z } from 'zod';

const name = z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label');
const pinnedImage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/:-]*@sha256:[a-f0-9]{64}$/, 'an image pinned by digest: repository@sha256:<64 lowercase hex digits>');
const cpu = z.string().regex(/^(\d+m|\d+(\.\d{1,3})?)$/, 'a cpu quantity such as "50m"');
const mem = z.string().regex(/^[1-9]\d*(Ki|Mi|Gi)$/, 'a byte quantity in binary units such as "64Mi"');
const gib = z.string().regex(/^[1-9]\d*Gi$/, 'whole gibibytes such as "1Gi"');

const toleration = z.strictObject({
  key: z.string().min(1).meta({ description: 'Taint key tolerated.' }),
  operator: z.enum(['Equal', 'Exists']).default('Exists').meta({ description: '`Exists` tolerates any value; `Equal` only `value`.' }),
  value: z.string().optional().meta({ description: 'Taint value (operator `Equal`).' }),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).meta({ description: 'Taint effect tolerated.' }),
});

// Kubernetes' own field names, so a snippet from the Kubernetes docs or another chart fits as is.
const labelKey = z.string().min(1).max(317).regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'a label key such as "node.kubernetes.io/instance-type"');
const nodeRequirement = z.strictObject({
  key: labelKey.meta({ description: 'Node label key.' }),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']).meta({ description: 'How the label is matched.' }),
  values: z.array(z.string()).optional().meta({ description: 'Values (In/NotIn: at least one; Gt/Lt: one integer; Exists/DoesNotExist: none).' }),
});
const nodeTerm = z.strictObject({ matchExpressions: z.array(nodeRequirement).min(1).meta({ description: 'Requirements that must all hold.' }) });
const labelSelector = z.strictObject({
  matchLabels: z.record(labelKey, z.string()).optional().meta({ description: 'Labels the pods carry.' }),
  matchExpressions: z.array(z.strictObject({
    key: labelKey.meta({ description: 'Pod label key.' }),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).meta({ description: 'How the label is matched.' }),
    values: z.array(z.string()).optional().meta({ description: 'Values (In/NotIn: at least one; Exists/DoesNotExist: none).' }),
  })).optional().meta({ description: 'Label requirements of the pods.' }),
});
const podAffinityTerm = z.strictObject({
  topologyKey: labelKey.meta({ description: 'Node label whose value defines "the same place" (e.g. kubernetes.io/hostname).' }),
  labelSelector: labelSelector.optional().meta({ description: 'The pods this term is about.' }),
  namespaces: z.array(name).optional().meta({ description: 'Their namespaces. Default: the pod\'s own.' }),
  namespaceSelector: labelSelector.optional().meta({ description: 'Their namespaces, by label. Default: the pod\'s own.' }),
});
const podAffinityRules = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional().meta({ description: 'Hard terms.' }),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight: z.number().int().min(1).max(100).meta({ description: 'Weight (1–100).' }), podAffinityTerm: podAffinityTerm.meta({ description: 'The term.' }) })).optional().meta({ description: 'Soft terms, weighted 1–100.' }),
});
const affinity = z.strictObject({
  nodeAffinity: z.strictObject({
    requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({ nodeSelectorTerms: z.array(nodeTerm).min(1).meta({ description: 'Any one term must hold.' }) }).optional().meta({ description: 'Hard node requirements; each term is combined (AND) with the spot placement\'s.' }),
    preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight: z.number().int().min(1).max(100).meta({ description: 'Weight (1–100).' }), preference: nodeTerm.meta({ description: 'The preferred nodes.' }) })).optional().meta({ description: 'Soft node preferences, after the spot preference.' }),
  }).optional().meta({ description: 'Node affinity.' }),
  podAffinity: podAffinityRules.optional().meta({ description: 'Pod affinity.' }),
  podAntiAffinity: podAffinityRules.optional().meta({ description: 'Pod anti-affinity, after the platform\'s preferred one-replica-per-node term.' }),
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
    nodeSelector: z.record(labelKey, z.string().max(63)).default({}).meta({ description: 'Node labels the API and worker pods require. With spot on, the capacity-type label is refused here (it would defeat the spread). Default: none.', examples: [{ 'node.kubernetes.io/instance-type': 'm7i.2xlarge' }] }),
    tolerations: z.array(toleration).default([]).meta({ description: 'Taints the API and worker pods tolerate besides the spot pools\' (`spot.tolerations`); one entry per taint, and a spot taint is refused here. Default: none.' }),
    affinity: affinity.optional().meta({ description: 'Kubernetes affinity for the API and worker pods, merged with the platform\'s: required node terms are each ANDed with the spot placement\'s, preferences and pod (anti-)affinity terms come after the platform\'s, and the topology spread and hostname anti-affinity always stay. With spot on, terms on the capacity-type label are refused. Default: the platform\'s only.' }),
  })
  .default({ spot: SPOT_DEFAULTS, nodeSelector: {}, tolerations: [] });
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
