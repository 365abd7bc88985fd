/**
 * The order Argo CD syncs a folder of rendered manifests in: by sync wave (the
 * `argocd.argoproj.io/sync-wave` annotation, 0 without one), then inside a wave by gitops-engine's
 * kind order (pkg/sync/sync_tasks.go: core kinds in a fixed order, every other kind after them),
 * then by name. Argo CD starts a wave only when the previous one is healthy, which
 * scripts/behaviour/run.sh imitates: it applies one wave, waits for its workloads, then the next.
 *
 * Usage: npx tsx scripts/behaviour/sync-order.ts MANIFEST_DIR OUT_DIR (`--help` for the details).
 * Writes OUT_DIR/<n>.json for the n-th wave (from 1, lowest wave first; a `v1` List in JSON, which
 * kubectl reads without YAML's ambiguities) and prints one line per wave:
 * `<file> <wave> <objects> <kind:count,...>`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CommandIo, defineCommand, environmentProblem, processIo, runCommandSync } from '../../src/cli/command';
import { SYNC_WAVE_ANNOTATION } from '../../src/gitops/sync-waves';
import { KubernetesObject, readManifests } from '../ci/manifest-files';

/** gitops-engine's kind order inside a wave (pkg/sync/sync_tasks.go, after Helm's kind sorter). */
export const ARGO_KIND_ORDER: readonly string[] = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList',
  'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController',
  'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress',
  'APIService',
];

export interface Wave {
  readonly wave: number;
  /** In the order Argo CD applies them. */
  readonly objects: readonly KubernetesObject[];
}

/** The object's wave as Argo CD reads it; a value that is not a whole number is refused. */
export function waveOf(o: KubernetesObject): number {
  const annotations = (o.metadata?.annotations ?? {}) as Record<string, unknown>;
  const raw = annotations[SYNC_WAVE_ANNOTATION];
  if (raw === undefined) return 0;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw.trim())) {
    throw new Error(`${o.kind}/${o.metadata?.name}: annotation ${SYNC_WAVE_ANNOTATION} is "${String(raw)}", not a whole number; fix the sync wave`);
  }
  return Number.parseInt(raw, 10);
}

/** Known kinds by their position (all negative), every other kind 0: gitops-engine's trick, so custom resources come last. */
function kindRank(kind: string | undefined): number {
  const i = ARGO_KIND_ORDER.indexOf(kind ?? '');
  return i < 0 ? 0 : i - ARGO_KIND_ORDER.length;
}

/** The objects grouped by wave, lowest first, each wave in Argo CD's order. */
export function syncOrder(objects: readonly KubernetesObject[]): Wave[] {
  const sorted = objects
    .map((object) => ({ object, wave: waveOf(object) }))
    .sort((a, b) => a.wave - b.wave
      || kindRank(a.object.kind) - kindRank(b.object.kind)
      || compare(a.object.metadata?.name ?? '', b.object.metadata?.name ?? ''));
  const waves: Wave[] = [];
  for (const { object, wave } of sorted) {
    const last = waves[waves.length - 1];
    if (last?.wave === wave) (last.objects as KubernetesObject[]).push(object);
    else waves.push({ wave, objects: [object] });
  }
  return waves;
}

// Go compares strings by bytes; so does this, unlike localeCompare.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `Kind:count` for the kinds of a wave, in first-appearance order. */
export function kindCounts(objects: readonly KubernetesObject[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(String(o.kind), (counts.get(String(o.kind)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k}:${n}`).join(',');
}

export const SYNC_ORDER_COMMAND = defineCommand({
  name: 'sync-order',
  run: 'npx tsx scripts/behaviour/sync-order.ts',
  summary: 'Split a folder of rendered manifests into one file per Argo CD sync wave, in the order Argo CD applies them.',
  positionals: [
    { name: 'MANIFEST_DIR', help: 'rendered manifests, read recursively (e.g. dist/prod)', required: true },
    { name: 'OUT_DIR', help: 'folder to write <n>.json into, one List per wave (created)', required: true },
  ],
  flags: {},
  examples: [{ command: 'npx tsx scripts/behaviour/sync-order.ts dist/prod /tmp/waves', explain: 'prod\'s waves, -2 first' }],
  exitCodes: ['0  written', '1  a manifest that cannot be parsed or a bad sync-wave annotation', '2  bad arguments, or a file that cannot be read or written'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(SYNC_ORDER_COMMAND, argv, ({ positionals }) => {
    const [dir, out] = positionals;
    let waves: Wave[];
    try {
      waves = syncOrder(readManifests(dir).map((m) => m.object));
    } catch (error) {
      if (environmentProblem(error) !== undefined) throw error;
      io.err(`sync-order: ${(error as Error).message}\n`);
      return 1;
    }
    fs.mkdirSync(out, { recursive: true });
    waves.forEach((w, i) => {
      const file = path.join(out, `${i + 1}.json`);
      fs.writeFileSync(file, `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: w.objects }, null, 1)}\n`);
      io.out(`${file} ${w.wave} ${w.objects.length} ${kindCounts(w.objects)}\n`);
    });
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
