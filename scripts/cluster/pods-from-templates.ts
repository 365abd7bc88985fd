/**
 * Builds a Pod from every pod template in a folder of rendered manifests, so that Pod
 * Security admission can judge it: its warn and audit modes look at the templates of
 * built-in workloads only, never at a custom resource's (a Rollout's, an AnalysisTemplate's
 * job), and enforce mode judges Pods alone.
 *
 * Usage: npx tsx scripts/cluster/pods-from-templates.ts MANIFEST_DIR > pods.yaml (`--help` for the details).
 * Writes the Pods as a stream of JSON documents separated by `---` on stdout; on stderr, one line per template that has no
 * pod of its own (a Rollout with `workloadRef` reuses its Deployment's, which is checked).
 */
import { CommandIo, defineCommand, environmentProblem, processIo, runCommandSync } from '../../src/cli/command';
import { describeObject, isObject, KubernetesObject, readManifests } from '../ci/manifest-files';

/** A pod template found in an object, with where it came from. */
export interface FoundPodTemplate {
  readonly owner: KubernetesObject;
  /** Path of the template inside the owner, e.g. `spec.jobTemplate.spec.template`. */
  readonly path: string;
  readonly template: Record<string, unknown>;
  /** Volumes the owner's controller adds to each Pod (a StatefulSet's claim volumes). */
  readonly addedVolumes?: Record<string, unknown>[];
}

/** A template-bearing object that yields no Pod, and why. */
export interface SkippedOwner {
  readonly owner: KubernetesObject;
  readonly reason: string;
}

/** Built-in kinds whose `spec.template` is a pod template, by the apiVersion that serves them. */
const BUILT_IN_WORKLOADS = new Set([
  'apps/v1 Deployment',
  'apps/v1 StatefulSet',
  'apps/v1 DaemonSet',
  'apps/v1 ReplicaSet',
  'v1 ReplicationController',
  'batch/v1 Job',
]);
const ARGO_API_GROUP = 'argoproj.io/';

/** Where a kind keeps its pod templates; an empty list for kinds without one. */
export function findPodTemplates(owner: KubernetesObject): { found: FoundPodTemplate[]; skipped?: SkippedOwner } {
  const spec = isObject(owner.spec) ? owner.spec : {};
  const at = (path: string, value: unknown): FoundPodTemplate[] =>
    isObject(value) ? [{ owner, path, template: value }] : [];
  const argo = owner.apiVersion?.startsWith(ARGO_API_GROUP) ?? false;

  if (owner.apiVersion === 'v1' && owner.kind === 'PodTemplate') return { found: at('template', owner.template) };
  if (owner.apiVersion === 'apps/v1' && owner.kind === 'StatefulSet') {
    return { found: at('spec.template', spec.template).map((f) => ({ ...f, addedVolumes: claimVolumes(owner) })) };
  }
  if (BUILT_IN_WORKLOADS.has(`${owner.apiVersion} ${owner.kind}`)) return { found: at('spec.template', spec.template) };
  if (owner.apiVersion === 'batch/v1' && owner.kind === 'CronJob') {
    const jobSpec = isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {};
    return { found: at('spec.jobTemplate.spec.template', jobSpec.template) };
  }
  if (!argo) return { found: [] };
  if (owner.kind === 'Rollout') {
    if (isObject(spec.template)) return { found: at('spec.template', spec.template) };
    const ref = isObject(spec.workloadRef) ? spec.workloadRef : undefined;
    return {
      found: [],
      skipped: {
        owner,
        reason: ref
          ? `workloadRef ${String(ref.kind)} ${String(ref.name)}: that workload's template is checked instead`
          : 'no spec.template and no spec.workloadRef',
      },
    };
  }
  if (owner.kind === 'AnalysisTemplate' || owner.kind === 'ClusterAnalysisTemplate') {
    const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
    return {
      found: metrics.flatMap((metric: unknown, i: number) => {
        const job = isObject(metric) && isObject(metric.provider) && isObject(metric.provider.job) ? metric.provider.job : {};
        return at(`spec.metrics[${i}].provider.job.spec.template`, isObject(job.spec) ? job.spec.template : undefined);
      }),
    };
  }
  if (owner.kind === 'Experiment') {
    const templates = Array.isArray(spec.templates) ? spec.templates : [];
    return {
      found: templates.flatMap((t: unknown, i: number) => at(`spec.templates[${i}].template`, isObject(t) ? t.template : undefined)),
    };
  }
  return { found: [] };
}

/**
 * The volumes a StatefulSet's controller gives its first Pod: one per volumeClaimTemplate,
 * bound to the claim `<template>-<statefulset>-0`.
 */
function claimVolumes(owner: KubernetesObject): Record<string, unknown>[] {
  const spec = isObject(owner.spec) ? owner.spec : {};
  const claims = Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
  return claims.flatMap((claim: unknown) => {
    const name = isObject(claim) && isObject(claim.metadata) ? claim.metadata.name : undefined;
    if (typeof name !== 'string') return [];
    return [{ name, persistentVolumeClaim: { claimName: `${name}-${owner.metadata?.name ?? 'unnamed'}-0` } }];
  });
}

/** The Pod a template would create: its metadata's labels and annotations, its spec, a traceable name. */
export function podFromTemplate(found: FoundPodTemplate, ordinal: number): Record<string, unknown> {
  const meta = isObject(found.template.metadata) ? found.template.metadata : {};
  const ownerName = found.owner.metadata?.name ?? 'unnamed';
  const base = `${(found.owner.kind ?? 'object').toLowerCase()}-${ownerName}${ordinal > 0 ? `-${ordinal}` : ''}`;
  const name = base.toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 253).replace(/[^a-z0-9]+$/, '');
  if (!isObject(found.template.spec)) {
    throw new Error(`${describeObject(found.owner)}: ${found.path} has no spec`);
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      // A cluster-scoped owner (ClusterAnalysisTemplate) runs its pods where it is used; check them in `default`.
      namespace: found.owner.metadata?.namespace ?? 'default',
      ...(isObject(meta.labels) ? { labels: meta.labels } : {}),
      annotations: {
        ...(isObject(meta.annotations) ? meta.annotations : {}),
        'langgraph-platform.dev/pod-template-of': `${describeObject(found.owner)} ${found.path}`,
      },
    },
    spec: withVolumes(found.template.spec, found.addedVolumes ?? []),
  };
}

/** The pod spec with the controller's volumes, which replace template volumes of the same name. */
function withVolumes(spec: Record<string, unknown>, added: Record<string, unknown>[]): Record<string, unknown> {
  if (added.length === 0) return spec;
  const names = new Set(added.map((v) => v.name));
  const own = Array.isArray(spec.volumes) ? spec.volumes.filter((v: unknown) => !(isObject(v) && names.has(v.name))) : [];
  return { ...spec, volumes: [...own, ...added] };
}

export const PODS_FROM_TEMPLATES_COMMAND = defineCommand({
  name: 'pods-from-templates',
  run: 'npx tsx scripts/cluster/pods-from-templates.ts',
  summary: 'Write a Pod for every pod template in a folder of rendered manifests to stdout (JSON documents separated by `---`), so Pod Security admission judges it; on stderr, one line per template that has no pod of its own.',
  positionals: [{ name: 'MANIFEST_DIR', help: 'rendered manifests, read recursively (e.g. dist/prod)', required: true }],
  flags: {},
  examples: [{ command: 'npx tsx scripts/cluster/pods-from-templates.ts dist/prod > pods.yaml', explain: 'then: kubectl apply --dry-run=server -f pods.yaml' }],
  exitCodes: ['0  written', '1  a template that cannot be made a Pod, or an internal error', '2  bad arguments, or a folder that cannot be read'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(PODS_FROM_TEMPLATES_COMMAND, argv, ({ positionals }) => {
    const pods: string[] = [];
    try {
      for (const { object } of readManifests(positionals[0])) {
        const { found, skipped } = findPodTemplates(object);
        if (skipped) io.err(`skipped ${describeObject(object)}: ${skipped.reason}\n`);
        found.forEach((template, i) => pods.push(JSON.stringify(podFromTemplate(template, found.length > 1 ? i + 1 : 0))));
      }
    } catch (error) {
      if (environmentProblem(error) !== undefined) throw error;
      io.err(`pods-from-templates: ${(error as Error).message}\n`);
      return 1;
    }
    // One JSON document per Pod: JSON leaves kubectl's YAML 1.1 reader no scalar to reinterpret.
    io.out(pods.map((doc) => `---\n${doc}\n`).join(''));
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
