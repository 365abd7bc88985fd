/**
 * Proves `npm run diff -- --live` against the real API server of scripts/cluster/run.sh, after
 * run.sh has applied the environment's rendered folder (server-side, as FIELD_MANAGER):
 *
 *   1. no noise: the live diff of that same folder is empty (server defaults, managedFields,
 *      resourceVersion and the like cancel out on all objects);
 *   2. an older render is applied over it — the committed config with one deliberate change:
 *      every workflow's default maxReplicas lowered (environments/<env>.yaml) and the LOG_LEVEL env
 *      var removed (defaults.yaml) — plus one labelled ConfigMap no render has;
 *   3. the live diff of a fresh synth (the CLI, exactly as a person runs it) names exactly what
 *      the folder diff of the two renders names — maxReplicas under risky, LOG_LEVEL added — plus
 *      the ConfigMap as removed (pruned), and nothing else.
 *
 * With LGP_LIVE_DIFF_CAPTURE=<dir> it also writes the raw live and dry-run JSON of one
 * HorizontalPodAutoscaler (test/fixtures/live-diff/ holds a capture; see its README.md).
 *
 * Usage: npx tsx scripts/cluster/live-diff-check.ts <env> <rendered-env-dir> <kubeconfig> <context> <field-manager> <work-dir>
 * Exit 0 when every assertion holds; 1 otherwise (each failure printed).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { IndexedObject, loadDistDirectory, ManifestIndex, objectsOfEnvironment } from '../../src/tools/manifest-index';
import { kubectlRunner, liveDiff, LiveDiffResult } from '../../src/tools/live-diff';
import { diffManifests, formatPath, ManifestDiff } from '../../src/tools/semantic-diff';
import { CommandIo, defineCommand, processIo, runCommand } from '../../src/cli/command';

const REPO = path.resolve(__dirname, '..', '..');
const ORPHAN = 'live-diff-orphan';

const say = (env: string, text: string) => console.log(`[cluster] [${env}] live diff: ${text}`);

/** One line per object change and per changed field: what "names exactly those changes" compares. */
export function changeLines(diff: ManifestDiff): string[] {
  const lines: string[] = [];
  for (const env of diff.environments) {
    for (const c of env.added) lines.push(`added ${c.label}`);
    for (const c of env.removed) lines.push(`removed ${c.label}`);
    for (const c of env.changed) for (const f of c.fields) lines.push(`${f.kind} ${c.label} ${formatPath(f.path)}`);
  }
  return lines.sort();
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd: REPO, encoding: 'utf8', env: options.env ?? process.env, input: options.input, maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error?.message ?? '') };
}

/** The committed config with the deliberate change, rendered for `env` into `outdir`. */
function renderOlder(env: string, work: string, outdir: string): void {
  const config = path.join(work, 'config-older');
  fs.rmSync(config, { recursive: true, force: true });
  fs.cpSync(path.join(REPO, 'config'), config, { recursive: true });
  const envFile = path.join(config, 'environments', `${env}.yaml`);
  const envDoc = parseDocument(fs.readFileSync(envFile, 'utf8'));
  const max = envDoc.getIn(['workflowDefaults', 'autoscaling', 'maxReplicas']);
  if (typeof max !== 'number' || max < 4) throw new Error(`${envFile}: workflowDefaults.autoscaling.maxReplicas is ${String(max)}; the check lowers a number ≥ 4`);
  envDoc.setIn(['workflowDefaults', 'autoscaling', 'maxReplicas'], max - 2);
  fs.writeFileSync(envFile, envDoc.toString());
  const defaultsFile = path.join(config, 'defaults.yaml');
  const defaults = parseDocument(fs.readFileSync(defaultsFile, 'utf8'));
  if (!defaults.hasIn(['workflowDefaults', 'env', 'LOG_LEVEL'])) throw new Error(`${defaultsFile}: workflowDefaults.env.LOG_LEVEL is gone; the check removes it from the older render`);
  defaults.deleteIn(['workflowDefaults', 'env', 'LOG_LEVEL']);
  fs.writeFileSync(defaultsFile, defaults.toString());
  synth(config, outdir, env);
}

function synth(config: string, outdir: string, env: string): void {
  const r = run('npx', ['tsx', 'src/main.ts', '--config', config, '--outdir', outdir, '--env', env, '--quiet']);
  if (r.status !== 0) throw new Error(`synth of ${config} failed (exit ${r.status}): ${r.stderr.trim()}`);
}

async function diffLive(env: string, head: ManifestIndex, context: string, fieldManager: string): Promise<LiveDiffResult> {
  return liveDiff({ env, rendered: objectsOfEnvironment(head, env), context, fieldManager, kubectl: kubectlRunner(context), renderedSource: head.source });
}

/** Raw JSON (managedFields shown) of each object as rendered, live and after a server dry-run: the unit test's fixtures. */
function capture(env: string, dir: string, objects: readonly IndexedObject[], context: string, fieldManager: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const o of objects) {
    const base = `${o.id.kind.toLowerCase()}-${o.id.name}`;
    const get = run('kubectl', ['--context', context, 'get', '--show-managed-fields', '-o', 'json', '-f', '-'], { input: JSON.stringify(o.body) });
    const dry = run('kubectl', ['--context', context, 'apply', '--server-side', '--dry-run=server', '--force-conflicts', `--field-manager=${fieldManager}`, '--show-managed-fields', '-o', 'json', '-f', '-'], { input: JSON.stringify(o.body) });
    if (get.status !== 0 || dry.status !== 0) throw new Error(`capture of ${base} failed: ${get.stderr}${dry.stderr}`);
    fs.writeFileSync(path.join(dir, `${base}.rendered.json`), `${JSON.stringify(o.body, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, `${base}.live.json`), get.stdout);
    fs.writeFileSync(path.join(dir, `${base}.dry-run.json`), dry.stdout);
    say(env, `captured ${o.id.kind} ${o.id.namespace}/${o.id.name} (rendered, live, dry-run) into ${dir}`);
  }
}

export const LIVE_DIFF_CHECK_COMMAND = defineCommand({
  name: 'live-diff-check',
  run: 'npx tsx scripts/cluster/live-diff-check.ts',
  summary: 'Prove `npm run diff -- --live` against the test cluster of scripts/cluster/run.sh: no noise on the applied render, then exactly an older render\'s changes plus a pruned ConfigMap.',
  positionals: [
    { name: 'ENV', help: 'the environment', required: true },
    { name: 'RENDERED_ENV_DIR', help: 'its rendered folder, as applied (dist/<env>)', required: true },
    { name: 'KUBECONFIG', help: 'kubeconfig of the test cluster', required: true },
    { name: 'CONTEXT', help: 'its context', required: true },
    { name: 'FIELD_MANAGER', help: 'the field manager the render was applied as', required: true },
    { name: 'WORK_DIR', help: 'folder for the older render and the reports (created if needed)', required: true },
  ],
  flags: {},
  examples: [{ command: 'npx tsx scripts/cluster/live-diff-check.ts dev dist/dev /tmp/kubeconfig ci langgraph-platform-ci /tmp/live-diff', explain: 'what scripts/cluster/run.sh runs' }],
  exitCodes: ['0  no noise, and exactly the expected changes', '1  a problem (each printed), or an error', '2  bad arguments'],
});

export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  return runCommand(LIVE_DIFF_CHECK_COMMAND, argv, async ({ positionals }) => {
    try {
      return await check(positionals);
    } catch (e) {
      io.err(`[cluster] live diff: ${(e as Error).message}\n`);
      return 1;
    }
  }, io);
}

async function check([env, renderedDir, kubeconfig, context, fieldManager, work]: readonly string[]): Promise<number> {
  process.env.KUBECONFIG = kubeconfig;
  fs.mkdirSync(work, { recursive: true });
  const failures: string[] = [];

  // 1. The folder run.sh applied, against itself: nothing may show.
  const applied = loadDistDirectory(path.dirname(path.resolve(renderedDir)));
  const same = await diffLive(env, applied, context, fieldManager);
  const noise = changeLines(diffManifests(same.before, same.after));
  if (noise.length > 0 || same.rejected.length > 0) failures.push(`the live diff of the folder just applied is not empty (noise):\n    ${[...noise, ...same.rejected].join('\n    ')}`);
  say(env, `${objectsOfEnvironment(applied, env).length} objects applied, live diff of the same render: ${noise.length} change(s)`);

  // 2. An older render, applied as the same manager (a sync), and an object no render has.
  const older = path.join(work, 'older');
  const current = path.join(work, 'current');
  renderOlder(env, work, older);
  synth(path.join(REPO, 'config'), current, env);
  const expected = changeLines(diffManifests(loadDistDirectory(older), loadDistDirectory(current)));
  const apply = run('kubectl', ['--context', context, 'apply', '--server-side', `--field-manager=${fieldManager}`, '-o', 'name', '-R', '-f', path.join(older, env)]);
  if (apply.status !== 0) throw new Error(`applying the older render failed: ${apply.stderr.trim()}`);
  const namespace = objectsOfEnvironment(loadDistDirectory(current), env).find((o) => o.id.kind === 'Namespace')?.id.name;
  if (!namespace) throw new Error(`${env} renders no Namespace to put the orphan ConfigMap in`);
  const orphan = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ORPHAN, namespace, labels: { 'app.kubernetes.io/managed-by': 'cdk8s', 'app.kubernetes.io/part-of': namespace } }, data: { note: 'rendered once, no longer' } };
  const orphanApply = run('kubectl', ['--context', context, 'apply', '--server-side', `--field-manager=${fieldManager}`, '-f', '-'], { input: JSON.stringify(orphan) });
  if (orphanApply.status !== 0) throw new Error(`applying the orphan ConfigMap failed: ${orphanApply.stderr.trim()}`);
  say(env, `applied the older render (${apply.stdout.trim().split('\n').length} objects; folder diff to the current render: ${expected.length} change line(s)) and ConfigMap ${namespace}/${ORPHAN}`);

  if (process.env.LGP_LIVE_DIFF_CAPTURE) {
    // One object per kind that the older render changed (the HPA: maxReplicas; a Deployment: LOG_LEVEL).
    const changed = objectsOfEnvironment(loadDistDirectory(current), env).filter((o) => expected.some((l) => l.split(' ')[2] === `${o.id.namespace}/${o.id.name}` && l.split(' ')[1] === o.id.kind));
    const onePerKind = [...new Map(changed.map((o) => [o.id.kind, o])).values()];
    capture(env, process.env.LGP_LIVE_DIFF_CAPTURE, onePerKind, context, fieldManager);
  }

  // 3. The CLI as a person runs it (fresh synth), and the same comparison structurally.
  const cli = run('npx', ['tsx', 'src/cli/diff.ts', '--live', '--context', context, '--env', env, '--field-manager', fieldManager]);
  fs.writeFileSync(path.join(work, 'live-diff.txt'), cli.stdout);
  if (cli.status !== 0) failures.push(`npm run diff -- --live exited ${cli.status}: ${cli.stderr.trim()}`);
  for (const needle of ['maxReplicas', 'LOG_LEVEL', ORPHAN, 'RISKY']) {
    if (!cli.stdout.includes(needle)) failures.push(`the --live report does not mention ${needle}`);
  }
  const live = await diffLive(env, loadDistDirectory(current), context, fieldManager);
  const got = changeLines(diffManifests(live.before, live.after));
  const want = [...expected, `removed ConfigMap ${namespace}/${ORPHAN}`].sort();
  const missing = want.filter((l) => !got.includes(l));
  const extra = got.filter((l) => !want.includes(l));
  if (missing.length) failures.push(`the live diff misses:\n    ${missing.join('\n    ')}`);
  if (extra.length) failures.push(`the live diff shows what the renders do not change (noise):\n    ${extra.join('\n    ')}`);
  if (!expected.some((l) => /^changed HorizontalPodAutoscaler .* spec\.maxReplicas$/.test(l))) failures.push('the folder diff has no maxReplicas change: the deliberate change did not render');
  if (!expected.some((l) => l.includes('env[name=LOG_LEVEL]'))) failures.push('the folder diff has no LOG_LEVEL change: the deliberate change did not render');
  say(env, `--live names ${got.length} change line(s), expected ${want.length}:`);
  for (const line of got) console.log(`    ${line}`);
  const summary = cli.stdout.split('\n').filter((l) => /maxReplicas|LOG_LEVEL|RISKY|removed|added|changed/i.test(l)).slice(0, 12);
  say(env, `report excerpt (${path.join(work, 'live-diff.txt')}):`);
  for (const line of summary) console.log(`    ${line}`);

  // Leave the cluster as run.sh applied it.
  run('kubectl', ['--context', context, 'delete', 'configmap', '-n', namespace, ORPHAN, '--ignore-not-found']);
  run('kubectl', ['--context', context, 'apply', '--server-side', `--field-manager=${fieldManager}`, '-o', 'name', '-R', '-f', path.resolve(renderedDir)]);

  for (const f of failures) say(env, `✗ ${f}`);
  say(env, failures.length ? `FAIL (${failures.length} problem(s))` : 'pass: no noise, and exactly the older render\'s changes plus the pruned ConfigMap');
  return failures.length ? 1 : 0;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
