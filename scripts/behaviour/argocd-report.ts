/**
 * Judges what Argo CD made of an environment (scripts/behaviour/argocd.sh): per Application its
 * sync status, health and last sync operation, and the order the operation applied the resources
 * in (status.operationState.syncResult.resources, which gitops-engine keeps in the order it
 * applied them), mapped to each rendered object's `argocd.argoproj.io/sync-wave`. It fails when:
 *   - an Application is not Synced, or not Healthy (with --healthy), or its last operation did not
 *     succeed;
 *   - the resources were not applied in ascending waves;
 *   - a rendered object of the Application's path is missing from the sync result.
 * The sync judged is the first one: with automated sync, Argo CD may sync again a moment later,
 * only what it then saw out of sync (seen in dev: self-heal re-applies the last wave's
 * HorizontalPodAutoscaler at the same revision as the first sync ends, its sync status still
 * OutOfSync then), and that operation replaces the first in the Application's status. So
 * argocd.sh records every finished operation from a watch (record-operations.js; a poll every 2 s
 * missed the first twice in CI) and passes them (--operations); the first is judged and the later
 * ones are listed with how and at which revision they ran, so a reader can tell them from a new
 * commit or a person syncing. argocd.sh's no-drift check then proves none keeps happening.
 *
 * Usage: npx tsx scripts/behaviour/argocd-report.ts APPLICATIONS_JSON REPO_DIR [--healthy] [--operations FILE] (`--help`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CommandIo, defineCommand, environmentProblem, flag, processIo, runCommandSync } from '../../src/cli/command';
import { KubernetesObject, readManifests } from '../ci/manifest-files';
import { waveOf } from './sync-order';

/** A resource of Argo CD's `syncResult.resources` (the fields read here). */
export interface SyncedResource {
  readonly group?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly status?: string;
}

const keyOf = (group: string | undefined, kind: string | undefined, namespace: string | undefined, name: string | undefined) =>
  `${group ?? ''}/${kind ?? ''}/${namespace ?? ''}/${name ?? ''}`;

function renderedKey(o: KubernetesObject, defaultNamespace: string, clusterScoped: ReadonlySet<string>): string {
  const group = String(o.apiVersion ?? '').includes('/') ? String(o.apiVersion).split('/')[0] : '';
  const ns = clusterScoped.has(String(o.kind)) ? '' : (o.metadata?.namespace ?? defaultNamespace);
  return keyOf(group, String(o.kind), ns, o.metadata?.name);
}

/** The kinds rendered here that have no namespace. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['Namespace', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding']);

export interface WaveOrder {
  /** Each run of one wave in the applied order: `{ wave, count }`. */
  readonly runs: { readonly wave: number; readonly count: number }[];
  /** True when the waves never go down. */
  readonly ascending: boolean;
  /** Rendered objects (`group/kind/namespace/name`) the sync result does not list. */
  readonly missing: string[];
  /** Synced resources that are not rendered there. */
  readonly unknown: string[];
}

/** The waves of the resources in the order Argo CD applied them, against the rendered objects. */
export function waveOrder(synced: readonly SyncedResource[], rendered: readonly KubernetesObject[], defaultNamespace: string): WaveOrder {
  const waves = new Map(rendered.map((o) => [renderedKey(o, defaultNamespace, CLUSTER_SCOPED_KINDS), waveOf(o)]));
  const runs: { wave: number; count: number }[] = [];
  const seen = new Set<string>();
  const unknown: string[] = [];
  for (const r of synced) {
    // Argo CD records a cluster-scoped object with the Application's destination namespace.
    const key = keyOf(r.group, r.kind, CLUSTER_SCOPED_KINDS.has(r.kind) ? '' : r.namespace, r.name);
    seen.add(key);
    const wave = waves.get(key);
    if (wave === undefined) { unknown.push(key); continue; }
    const last = runs[runs.length - 1];
    if (last?.wave === wave) last.count++;
    else runs.push({ wave, count: 1 });
  }
  const ascending = runs.every((r, i) => i === 0 || runs[i - 1].wave < r.wave);
  return { runs, ascending, missing: [...waves.keys()].filter((k) => !seen.has(k)), unknown };
}

export interface AppVerdict {
  readonly name: string;
  readonly ok: boolean;
  readonly line: string;
  readonly problems: string[];
}

/** A sync operation argocd.sh saw on an Application (recorded by `startedAt`). */
export interface RecordedOperation {
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly phase?: string;
  readonly message?: string;
  readonly syncResult?: { readonly revision?: string; readonly resources?: readonly SyncedResource[] };
  readonly operation?: { readonly initiatedBy?: { readonly automated?: boolean; readonly username?: string } };
}

/**
 * One Application judged against the rendered objects of its path under `repoDir`: its first
 * recorded sync operation when there are `recorded` ones, else the last one in its status.
 */
export function judgeApplication(app: any, repoDir: string, requireHealthy: boolean, recorded: readonly RecordedOperation[] = []): AppVerdict {
  const name = String(app.metadata?.name);
  const problems: string[] = [];
  const sync = app.status?.sync?.status ?? 'Unknown';
  const health = app.status?.health?.status ?? 'Unknown';
  const operations = [...recorded].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const op = operations[0] ?? app.status?.operationState ?? {};
  const later = operations.slice(1);
  if (sync !== 'Synced') problems.push(`sync status is ${sync}, not Synced`);
  if (requireHealthy && health !== 'Healthy') problems.push(`health is ${health}, not Healthy`);
  if (op.phase !== 'Succeeded') problems.push(`last sync operation is ${op.phase ?? 'absent'}: ${op.message ?? ''}`);

  const rendered = readManifests(path.join(repoDir, app.spec.source.path)).map((m) => m.object);
  const order = waveOrder(op.syncResult?.resources ?? [], rendered, app.spec.destination?.namespace ?? '');
  if (!order.ascending) problems.push(`resources were not applied in ascending waves: ${order.runs.map((r) => r.wave).join(' → ')}`);
  if (order.missing.length > 0) problems.push(`the sync result lacks ${order.missing.length} rendered object(s): ${order.missing.slice(0, 5).join(', ')}`);
  if (order.unknown.length > 0) problems.push(`the sync result has ${order.unknown.length} object(s) not rendered there: ${order.unknown.slice(0, 5).join(', ')}`);

  const seconds = op.startedAt && op.finishedAt ? `${(Date.parse(op.finishedAt) - Date.parse(op.startedAt)) / 1000}s` : '?';
  const rollouts = (app.status?.resources ?? []).filter((r: any) => r.kind === 'Rollout').map((r: any) => `Rollout/${r.name} ${r.health?.status ?? '?'}`);
  for (const o of later) if (o.phase !== 'Succeeded') problems.push(`a later sync operation is ${o.phase ?? 'absent'}: ${o.message ?? ''}`);
  const resynced = later.map((o) => {
    const how = o.operation?.initiatedBy?.automated ? 'automated' : `by ${o.operation?.initiatedBy?.username ?? 'hand'}`;
    const revision = o.syncResult?.revision;
    const at = revision === undefined ? 'revision ?' : revision === op.syncResult?.revision ? 'the same revision' : `revision ${revision.slice(0, 7)}`;
    return `${how} at ${at}, of ${(o.syncResult?.resources ?? []).map((r) => `${r.kind}/${r.name}`).join(', ') || 'nothing'}`;
  }).join('; ');
  const line = `${name}: ${sync}, ${health}, sync ${op.phase ?? '-'} in ${seconds}, ${rendered.length} objects in waves `
    + `${order.runs.map((r) => `${r.wave}(${r.count})`).join(' → ')}${rollouts.length ? `; ${rollouts.join(', ')}` : ''}`
    + `${later.length ? `; then ${later.length} more sync(s): ${resynced}` : ''}`;
  return { name, ok: problems.length === 0, line, problems };
}

export const ARGOCD_REPORT_COMMAND = defineCommand({
  name: 'argocd-report',
  run: 'npx tsx scripts/behaviour/argocd-report.ts',
  summary: 'Judge Argo CD Applications: Synced (and Healthy), the last sync succeeded, every rendered object applied, in ascending sync waves.',
  positionals: [
    { name: 'APPLICATIONS_JSON', help: 'kubectl get applications -o json', required: true },
    { name: 'REPO_DIR', help: 'the checkout the Applications\' source paths are relative to', required: true },
  ],
  flags: {
    healthy: flag.boolean({ help: 'require every Application Healthy too' }),
    operations: flag.value({ value: 'FILE', help: 'the sync operations seen on each Application (JSON: name → operations); the first is judged' }),
  },
  examples: [{ command: 'npx tsx scripts/behaviour/argocd-report.ts /tmp/apps.json /tmp/repo --healthy', explain: 'judge them' }],
  exitCodes: ['0  every Application passes', '1  one does not (each problem printed)', '2  bad arguments, or a file that cannot be read'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(ARGOCD_REPORT_COMMAND, argv, ({ positionals, values: flags }) => {
    const [file, repoDir] = positionals;
    const apps: any[] = JSON.parse(fs.readFileSync(file, 'utf8')).items ?? [];
    const recorded: Record<string, RecordedOperation[]> = flags.operations ? JSON.parse(fs.readFileSync(flags.operations, 'utf8')) : {};
    if (apps.length === 0) { io.err('argocd-report: no Applications\n'); return 1; }
    let failed = 0;
    for (const app of apps.sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))) {
      let v: AppVerdict;
      try {
        v = judgeApplication(app, repoDir, flags.healthy, recorded[app.metadata?.name] ?? []);
      } catch (error) {
        if (environmentProblem(error) !== undefined) throw error;
        v = { name: app.metadata?.name, ok: false, line: String(app.metadata?.name), problems: [(error as Error).message] };
      }
      io.out(`  ${v.ok ? '✓' : '✗'} ${v.line}\n`);
      for (const p of v.problems) io.out(`      ${p}\n`);
      if (!v.ok) failed++;
    }
    return failed === 0 ? 0 : 1;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
