/**
 * The rendered Argo CD objects of one environment (dist/argocd: its ApplicationSet and AppProject),
 * pointed at a local cluster and a local git clone for scripts/behaviour/argocd.sh. The
 * transformation is documented field by field and nothing else may change:
 *
 *   ApplicationSet spec.template.spec.source.repoURL   → the local repository (file://…)
 *   ApplicationSet spec.template.spec.destination.server → Argo CD's in-cluster server
 *   AppProject     spec.sourceRepos[i]  (the rendered repository) → the local repository
 *   AppProject     spec.destinations[i].server (the rendered server) → the in-cluster server
 *
 * {@link changedPaths} compares the result with the rendered objects and {@link localObjects}
 * throws when any other field changed or a rendered repository URL or server is left anywhere.
 *
 * Usage: npx tsx scripts/behaviour/argocd-local.ts ARGOCD_DIR ENV REPO_URL OUT_FILE (`--help`).
 */
import * as fs from 'fs';
import { CommandIo, defineCommand, environmentProblem, flag, processIo, runCommandSync } from '../../src/cli/command';
import { KubernetesObject, isObject, readManifests } from '../ci/manifest-files';

/** Argo CD's name for the cluster it runs in (its own rest config). */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** The fields the transformation may change, as {@link changedPaths} spells them (`[]` = any index). */
export const ALLOWED_CHANGES: Readonly<Record<string, readonly string[]>> = {
  ApplicationSet: ['spec.template.spec.source.repoURL', 'spec.template.spec.destination.server'],
  AppProject: ['spec.sourceRepos[]', 'spec.destinations[].server'],
};

export interface Change {
  /** `Kind/name`. */
  readonly object: string;
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** Every leaf path where `a` and `b` differ (arrays by index: `x[2].y`), with both values. */
export function changedPaths(a: unknown, b: unknown, at = ''): { path: string; from: unknown; to: unknown }[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: { path: string; from: unknown; to: unknown }[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...changedPaths(a[i], b[i], `${at}[${i}]`));
    return out;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return Object.is(a, b) ? [] : [{ path: at, from: a, to: b }];
}

const withoutIndexes = (p: string) => p.replace(/\[\d+\]/g, '[]');

/** Every string anywhere in `value` containing `needle`, by path. */
function pathsContaining(value: unknown, needle: string, at = ''): string[] {
  if (typeof value === 'string') return value.includes(needle) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsContaining(v, needle, `${at}[${i}]`));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => pathsContaining(v, needle, at ? `${at}.${k}` : k));
  return [];
}

export interface LocalObjects {
  readonly objects: KubernetesObject[];
  readonly changes: Change[];
}

/**
 * The environment's ApplicationSet (`langgraph-<env>`) and AppProject, rewritten for a local run.
 * Throws naming the object and field when the rendered objects are not as this expects.
 */
export function localObjects(rendered: readonly KubernetesObject[], env: string, repoURL: string): LocalObjects {
  const name = `langgraph-${env}`;
  const pick = (kind: string) => {
    const found = rendered.filter((o) => o.kind === kind && o.metadata?.name === name);
    if (found.length !== 1) throw new Error(`${kind}/${name}: expected one in dist/argocd, found ${found.length}; render the environment ${env} (npm run synth)`);
    return found[0];
  };
  const appSet = pick('ApplicationSet');
  const project = pick('AppProject');
  const template = (appSet as any).spec?.template?.spec;
  const renderedRepo = template?.source?.repoURL;
  const renderedServer = template?.destination?.server;
  if (typeof renderedRepo !== 'string' || typeof renderedServer !== 'string') {
    throw new Error(`ApplicationSet/${name}: spec.template.spec.source.repoURL and .destination.server must be strings (one source, one destination server)`);
  }

  const out = [appSet, project].map((o) => JSON.parse(JSON.stringify(o)) as any);
  const [localSet, localProject] = out;
  localSet.spec.template.spec.source.repoURL = repoURL;
  localSet.spec.template.spec.destination.server = IN_CLUSTER_SERVER;
  localProject.spec.sourceRepos = (localProject.spec.sourceRepos ?? []).map((r: unknown) => (r === renderedRepo ? repoURL : r));
  for (const d of localProject.spec.destinations ?? []) if (d.server === renderedServer) d.server = IN_CLUSTER_SERVER;

  const changes: Change[] = [];
  const problems: string[] = [];
  [appSet, project].forEach((before, i) => {
    const object = `${before.kind}/${name}`;
    for (const c of changedPaths(before, out[i])) {
      changes.push({ object, ...c });
      if (!ALLOWED_CHANGES[String(before.kind)].includes(withoutIndexes(c.path))) problems.push(`${object}: ${c.path} changed, which the transformation does not list`);
    }
    for (const needle of [renderedRepo, renderedServer]) {
      for (const p of pathsContaining(out[i], needle)) problems.push(`${object}: ${p} still names ${needle}; add the field to the documented transformation`);
    }
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { objects: out, changes };
}

export const ARGOCD_LOCAL_COMMAND = defineCommand({
  name: 'argocd-local',
  run: 'npx tsx scripts/behaviour/argocd-local.ts',
  summary: 'Write an environment\'s rendered ApplicationSet and AppProject pointed at a local repository and Argo CD\'s in-cluster server; print every change.',
  positionals: [
    { name: 'ARGOCD_DIR', help: 'the rendered Argo CD objects (dist/argocd)', required: true },
    { name: 'ENV', help: 'the environment (its ApplicationSet is langgraph-<ENV>)', required: true },
    { name: 'REPO_URL', help: 'the local repository, e.g. file:///tmp/x/repo.git', required: true },
    { name: 'OUT_FILE', help: 'a v1 List in JSON, for kubectl apply', required: true },
  ],
  flags: { quiet: flag.boolean({ help: 'print nothing' }) },
  examples: [{ command: 'npx tsx scripts/behaviour/argocd-local.ts dist/argocd staging file:///tmp/repo.git /tmp/argocd.json', explain: 'staging\'s ApplicationSet and AppProject' }],
  exitCodes: ['0  written', '1  the rendered objects are not as expected, or a field outside the transformation changed', '2  bad arguments, or a file that cannot be read or written'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): number {
  return runCommandSync(ARGOCD_LOCAL_COMMAND, argv, ({ positionals, values: flags }) => {
    const [dir, env, repoURL, out] = positionals;
    let result: LocalObjects;
    try {
      result = localObjects(readManifests(dir).map((m) => m.object), env, repoURL);
    } catch (error) {
      if (environmentProblem(error) !== undefined) throw error;
      io.err(`argocd-local: ${(error as Error).message}\n`);
      return 1;
    }
    fs.writeFileSync(out, `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: result.objects }, null, 1)}\n`);
    if (!flags.quiet) {
      for (const c of result.changes) io.out(`  ${c.object} ${c.path}: ${String(c.from)} → ${String(c.to)}\n`);
    }
    return 0;
  }, io);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
