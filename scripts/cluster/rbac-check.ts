/**
 * Proves the people RBAC against a real API server (called by scripts/cluster/run.sh after it
 * has applied an environment): for every workflow namespace with the `<wf>-owner` and
 * `<wf>-oncall` Roles, it impersonates a member of each bound group (the groups come from the
 * rendered RoleBindings) and runs the runbook's real commands (src/constructs/runbook-commands.ts,
 * which a test keeps equal to docs/runbooks.md): `kubectl argo rollouts promote|abort|retry|
 * restart|get rollout` through the real plugin, `kubectl logs|describe|top|patch hpa|delete pod …`.
 * No controller runs, so a command only has to be *allowed*: the API server accepting the PATCH
 * (or answering after authorization, e.g. "not found" for an AnalysisRun no controller created)
 * is the proof; each command's API requests are also checked with `kubectl auth can-i`
 * (a SubjectAccessReview). Then it proves what both groups must never do (Secrets, exec, attach,
 * port-forward, debug containers, anything cluster-wide) with the real command where one
 * exists and with `kubectl auth can-i`.
 *
 * A command is expected allowed exactly when the group's derived Role covers its requests (so
 * on-call may `promote`: RBAC cannot tell it from abort; the runbook keeps it for owners).
 *
 * Usage: npx tsx scripts/cluster/rbac-check.ts ENV DIST_ENV_DIR KUBECONFIG PODS (`--help` for the details).
 * Exit 1 on any mismatch; prints a table per environment.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readManifests, KubernetesObject } from '../ci/manifest-files';
import { ApiRequest, Responder, RUNBOOK_COMMANDS, RunbookCommand } from '../../src/constructs/runbook-commands';
import { derivedRules } from '../../src/constructs/people-rbac';
import { commandLineOrExit, defineCommand } from '../../src/cli/command';

export const RBAC_CHECK_COMMAND = defineCommand({
  name: 'rbac-check',
  run: 'npx tsx scripts/cluster/rbac-check.ts',
  summary: 'Prove the people RBAC of one environment in a cluster: impersonating the owner and on-call groups, every runbook command is allowed exactly when their derived Role covers it; print a table.',
  positionals: [
    { name: 'ENV', help: 'the environment (named in the table)', required: true },
    { name: 'DIST_ENV_DIR', help: 'its rendered folder (dist/<env>)', required: true },
    { name: 'KUBECONFIG', help: 'kubeconfig of the test cluster', required: true },
    { name: 'PODS', help: 'the Pods made from the templates (pods-from-templates.ts output)', required: true },
  ],
  flags: {},
  examples: [{ command: 'npx tsx scripts/cluster/rbac-check.ts prod dist/prod /tmp/kubeconfig /tmp/pods.yaml', explain: 'what scripts/cluster/run.sh runs' }],
  exitCodes: ['0  every check as expected', '1  a mismatch, or an error', '2  bad arguments'],
});

const [envName, distDir, kubeconfig, podsFile] = commandLineOrExit(RBAC_CHECK_COMMAND, process.argv.slice(2)).positionals;
const CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lgp-rbac-kubectl-'));
const COMMAND_TIMEOUT_MS = 30_000;
const WATCH_MS = 8_000;
const RESPONDERS: Responder[] = ['owner', 'oncall'];

interface Run { readonly status: number | null; readonly stdout: string; readonly stderr: string; readonly timedOut: boolean }

function kubectl(args: string[], as?: { user: string; group: string }, timeoutMs = COMMAND_TIMEOUT_MS, input?: string): Run {
  const flags = ['--kubeconfig', kubeconfig, '--cache-dir', CACHE_DIR, ...(as ? ['--as', as.user, '--as-group', as.group] : [])];
  // Flags go before a `--` (what follows it is the container's command).
  const dash = args.indexOf('--');
  const argv = dash < 0 ? [...args, ...flags] : [...args.slice(0, dash), ...flags, ...args.slice(dash)];
  const r = spawnSync('kubectl', argv, { encoding: 'utf8', input, timeout: timeoutMs, killSignal: 'SIGTERM', maxBuffer: 16 * 1024 * 1024 });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut };
}

function admin(args: string[], input?: string): Run {
  const r = spawnSync('kubectl', [...args, '--kubeconfig', kubeconfig, '--cache-dir', CACHE_DIR], { encoding: 'utf8', input, timeout: COMMAND_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`admin: kubectl ${args.join(' ')}: ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: false };
}

/** Splits a runbook command line like a shell would (single and double quotes). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '', quote = '', inWord = false;
  for (const ch of line) {
    if (quote) { if (ch === quote) quote = ''; else cur += ch; continue; }
    if (ch === "'" || ch === '"') { quote = ch; inWord = true; continue; }
    if (/\s/.test(ch)) { if (inWord) words.push(cur); cur = ''; inWord = false; continue; }
    cur += ch; inWord = true;
  }
  if (inWord) words.push(cur);
  return words;
}

/** The group's derived rules cover every request the command makes. */
function covered(requests: readonly ApiRequest[], rules: ReturnType<typeof derivedRules>, apiName: string): boolean {
  return requests.every((req) => req.verbs.every((verb) => rules.some((rule) =>
    rule.apiGroups?.includes(req.apiGroup) && rule.resources?.includes(req.resource) && rule.verbs.includes(verb)
    && (!rule.resourceNames || (req.apiObjectOnly && rule.resourceNames.includes(apiName))))));
}

/**
 * Whether the group may make one request: a SelfSubjectAccessReview sent as the impersonated
 * user (what `kubectl auth can-i` sends, without its discovery step, which cannot resolve
 * resources no server here serves, such as metrics.k8s.io's pods).
 */
function accessReview(verb: string, req: { apiGroup: string; resource: string }, name: string | undefined, ns: string, as: { user: string; group: string }): boolean {
  const [resource, subresource] = req.resource.split('/');
  const review = {
    apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { namespace: ns, verb, group: req.apiGroup, resource, ...(subresource ? { subresource } : {}), ...(name ? { name } : {}) } },
  };
  const r = kubectl(['create', '--validate=false', '-f', '-', '-o', 'jsonpath={.status.allowed}'], as, COMMAND_TIMEOUT_MS, JSON.stringify(review));
  if (r.status !== 0) throw new Error(`SelfSubjectAccessReview as ${as.group}: ${r.stderr}`);
  return r.stdout.trim() === 'true';
}

/** `kubectl auth can-i <verb> <resource> [-n ns | --all-namespaces]` as the group. */
function canI(verb: string, req: { apiGroup: string; resource: string }, name: string | undefined, ns: string | undefined, as: { user: string; group: string }): boolean {
  const [resource, sub] = req.resource.split('/');
  const target = `${resource}${req.apiGroup ? `.${req.apiGroup}` : ''}${name ? `/${name}` : ''}`;
  const args = ['auth', 'can-i', verb, target, ...(sub ? ['--subresource', sub] : [])];
  if (ns) args.push('-n', ns); else args.push('--all-namespaces');
  const r = kubectl(args, as);
  return r.stdout.trim() === 'yes';
}

/** Answers the API server gives only after authorization passed (no controller or node here). */
const ANSWERED_AFTER_AUTHZ = [
  /NotFound|not found/,
  /does not have a host assigned/,
  /is waiting to start/,
  /Metrics API not available/,
  /the server could not find the requested resource/,
];

interface Row { env: string; namespace: string; responder: Responder; command: string; expected: 'allowed' | 'denied'; result: string; ok: boolean }
const rows: Row[] = [];

interface Target { namespace: string; workflow: string; apiName: string; canary: boolean; groups: Record<Responder, string> }

function targets(objects: KubernetesObject[]): Target[] {
  const found: Target[] = [];
  for (const ownerRole of objects.filter((o) => o.kind === 'Role' && /-owner$/.test(o.metadata?.name ?? ''))) {
    const ns = ownerRole.metadata!.namespace!;
    const workflow = ownerRole.metadata!.name!.replace(/-owner$/, '');
    const groupOf = (role: string): string => {
      const binding = objects.find((o) => o.kind === 'RoleBinding' && o.metadata?.namespace === ns && (o as any).roleRef?.name === role);
      const group = (binding as any)?.subjects?.find((s: any) => s.kind === 'Group')?.name;
      if (!group) throw new Error(`${envName}: no RoleBinding of a Group to Role ${ns}/${role}`);
      return group;
    };
    const apiName = `${workflow}-api`;
    const canary = objects.some((o) => o.kind === 'Rollout' && o.metadata?.namespace === ns && o.metadata?.name === apiName);
    found.push({ namespace: ns, workflow, apiName, canary, groups: { owner: groupOf(`${workflow}-owner`), oncall: groupOf(`${workflow}-oncall`) } });
  }
  return found;
}

/** A real Pod of the API (from its rendered template) for the commands that name a pod. */
function createApiPod(t: Target, pods: any[]): string {
  const template = pods.find((p) => p.metadata?.namespace === t.namespace && p.metadata?.labels?.['app.kubernetes.io/component'] === 'api'
    && p.metadata?.labels?.['app.kubernetes.io/instance'] === t.workflow);
  if (!template) throw new Error(`${envName}: no API pod template for ${t.namespace} in ${podsFile}`);
  const name = `${t.apiName}-rbac-check`;
  const pod = { ...template, metadata: { ...template.metadata, name, generateName: undefined } };
  admin(['create', '-f', '-', '-o', 'name'], JSON.stringify(pod));
  return name;
}

function runCommand(cmd: RunbookCommand, t: Target, pod: string, who: Responder, expectAllowed: boolean) {
  const as = { user: `rbac-check-${who}`, group: t.groups[who] };
  const maxReplicas = admin(['get', 'hpa', t.apiName, '-n', t.namespace, '-o', 'jsonpath={.spec.maxReplicas}']).stdout.trim();
  const line = cmd.command
    .replace(/<wf>/g, t.workflow).replace(/<ns>/g, t.namespace).replace(/<postgres-exporter-pod>|<pod>/g, pod)
    .replace(/<name>/g, `${t.workflow}-rbac-check`).replace(/<n>/g, maxReplicas);
  const words = shellWords(line);
  if (words[0] !== 'kubectl') throw new Error(`not a kubectl command: ${line}`);
  const watch = words.includes('--watch');
  // `kubectl rollout restart` refuses a second restart within the same second.
  if (cmd.command.includes('rollout restart')) spawnSync('sleep', ['1.1']);
  if (cmd.command.includes('promote')) admin(['patch', 'rollout', t.apiName, '-n', t.namespace, '--type', 'merge', '-p', '{"spec":{"paused":true}}']);
  const run = kubectl(words.slice(1), as, watch ? WATCH_MS : COMMAND_TIMEOUT_MS);
  const err = `${run.stderr}`.trim();
  let outcome: 'allowed' | 'denied' | 'error';
  let detail: string;
  if (/forbidden/i.test(err)) { outcome = 'denied'; detail = 'Forbidden'; }
  else if (watch && run.timedOut && run.stdout.includes(t.apiName)) { outcome = 'allowed'; detail = `watching (stopped after ${WATCH_MS / 1000}s)`; }
  else if (run.timedOut) { outcome = 'error'; detail = 'timed out (an informer waiting on a forbidden list?)'; }
  else if (run.status === 0) { outcome = 'allowed'; detail = 'exit 0'; }
  else {
    const after = ANSWERED_AFTER_AUTHZ.find((re) => re.test(err));
    outcome = after ? 'allowed' : 'error';
    detail = after ? `answered after authorization: ${err.split('\n').pop()!.slice(0, 80)}` : `exit ${run.status}: ${err.split('\n').pop()!.slice(0, 120)}`;
  }
  // Each request the command makes, as a SubjectAccessReview.
  const sar = cmd.requests.flatMap((req) => req.verbs.map((verb) => ({ req, verb, yes: accessReview(verb, req, req.apiObjectOnly ? t.apiName : undefined, t.namespace, as) })));
  const sarAll = sar.every((s) => s.yes);
  const sarNote = sarAll ? '' : `; can-i no: ${sar.filter((s) => !s.yes).map((s) => `${s.verb} ${s.req.resource}`).join(', ')}`;
  const ok = expectAllowed ? outcome === 'allowed' && sarAll : outcome === 'denied' && !sarAll;
  rows.push({ env: envName, namespace: t.namespace, responder: who, command: cmd.command, expected: expectAllowed ? 'allowed' : 'denied', result: `${outcome} (${detail}${sarNote})`, ok });
}

/** What neither group may ever do: real commands where they exist, and SubjectAccessReviews. */
function proveDenials(t: Target, pod: string, who: Responder) {
  const as = { user: `rbac-check-${who}`, group: t.groups[who] };
  const real: [string, string[]][] = [
    ['kubectl get secrets -n <ns>', ['get', 'secrets', '-n', t.namespace]],
    ['kubectl exec <pod> -n <ns> -c api -- true', ['exec', pod, '-n', t.namespace, '-c', 'api', '--', 'true']],
    ['kubectl debug <pod> -n <ns> --image=busybox --target=api -- true', ['debug', pod, '-n', t.namespace, '--image=busybox', '--target=api', '--', 'true']],
    ['kubectl get nodes', ['get', 'nodes']],
    ['kubectl get namespaces', ['get', 'namespaces']],
    ['kubectl get pods --all-namespaces', ['get', 'pods', '--all-namespaces']],
  ];
  for (const [label, args] of real) {
    const run = kubectl(args, as);
    const denied = /forbidden/i.test(run.stderr);
    rows.push({ env: envName, namespace: t.namespace, responder: who, command: label, expected: 'denied', result: denied ? 'denied (Forbidden)' : `NOT denied: exit ${run.status}: ${run.stderr.trim().split('\n').pop()}`, ok: denied });
  }
  const sars: [string, { apiGroup: string; resource: string }, boolean][] = [
    ['get', { apiGroup: '', resource: 'secrets' }, true],
    ['list', { apiGroup: '', resource: 'secrets' }, true],
    ['watch', { apiGroup: '', resource: 'secrets' }, true],
    ['create', { apiGroup: '', resource: 'pods/exec' }, true],
    ['get', { apiGroup: '', resource: 'pods/exec' }, true],
    ['create', { apiGroup: '', resource: 'pods/attach' }, true],
    ['create', { apiGroup: '', resource: 'pods/portforward' }, true],
    ['get', { apiGroup: '', resource: 'pods/portforward' }, true],
    ['patch', { apiGroup: '', resource: 'pods/ephemeralcontainers' }, true],
    ['create', { apiGroup: '', resource: 'pods' }, true],
    ['create', { apiGroup: '', resource: 'serviceaccounts/token' }, true],
    ['update', { apiGroup: 'apps', resource: 'deployments' }, true],
    ['create', { apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings' }, true],
    ['list', { apiGroup: '', resource: 'nodes' }, false],
    ['list', { apiGroup: '', resource: 'namespaces' }, false],
    ['get', { apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' }, false],
    ['create', { apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' }, false],
    ['list', { apiGroup: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' }, false],
    ['list', { apiGroup: '', resource: 'pods' }, false],
  ];
  for (const [verb, req, namespaced] of sars) {
    const yes = canI(verb, req, undefined, namespaced ? t.namespace : undefined, as);
    const label = `kubectl auth can-i ${verb} ${req.resource}${req.apiGroup ? `.${req.apiGroup}` : ''} ${namespaced ? '-n <ns>' : '--all-namespaces'}`;
    rows.push({ env: envName, namespace: t.namespace, responder: who, command: label, expected: 'denied', result: yes ? 'NOT denied: yes' : 'denied (no)', ok: !yes });
  }
}

function main() {
  const objects = readManifests(distDir).map((m) => m.object);
  const pods = fs.readFileSync(podsFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const all = targets(objects);
  if (all.length === 0) {
    // dist/argocd holds the Applications, not a workflow environment.
    process.stdout.write(`[rbac] [${envName}] no <wf>-owner Roles: no workflow namespaces to check\n`);
    fs.rmSync(CACHE_DIR, { recursive: true, force: true });
    return;
  }
  for (const t of all) {
    const pod = createApiPod(t, pods);
    const strategy = t.canary ? 'canary' : 'rolling';
    const rules = { owner: derivedRules('owner', strategy, t.apiName), oncall: derivedRules('oncall', strategy, t.apiName) };
    // Commands of this strategy, the pod deletion last (the other commands need the pod).
    const commands = RUNBOOK_COMMANDS.filter((c) => c.strategy === 'any' || c.strategy === strategy)
      .sort((a, b) => Number(a.command.includes(' delete ')) - Number(b.command.includes(' delete ')));
    for (const cmd of commands) {
      for (const who of RESPONDERS) runCommand(cmd, t, pod, who, covered(cmd.requests, rules[who], t.apiName));
    }
    // The pod may be gone (on-call deleted it); recreate it for the denial commands.
    if (admin(['get', 'pods', '-n', t.namespace, '-o', 'name']).stdout.includes(`pod/${pod}`) === false) createApiPod(t, pods);
    for (const who of RESPONDERS) proveDenials(t, pod, who);
    admin(['delete', 'pod', pod, '-n', t.namespace, '--ignore-not-found', '--wait=false']);
  }
  report(all);
}

function report(all: Target[]) {
  // One line per command and group: how many namespaces gave the expected answer.
  const key = (r: Row) => `${r.responder}\u0000${r.command}`;
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  const say = (s: string) => process.stdout.write(`[rbac] [${envName}] ${s}\n`);
  say(`${all.length} workflow namespace(s): ${all.map((t) => `${t.namespace} (${t.canary ? 'canary' : 'rolling'}; owner=${t.groups.owner}, oncall=${t.groups.oncall})`).join(', ')}`);
  const width = Math.min(100, Math.max(...rows.map((r) => r.command.length)));
  say(`${'GROUP'.padEnd(7)} ${'COMMAND'.padEnd(width)} EXPECTED  RESULT`);
  for (const [, rs] of groups) {
    const bad = rs.filter((r) => !r.ok);
    const status = bad.length ? '✗' : '✓';
    const cmd = rs[0].command.length > width ? `${rs[0].command.slice(0, width - 1)}…` : rs[0].command;
    say(`${status} ${rs[0].responder.padEnd(6)} ${cmd.padEnd(width)} ${rs[0].expected.padEnd(9)} ${bad.length ? bad.map((r) => `${r.namespace}: ${r.result}`).join('; ') : `${rs[0].result.replace(/ \(.*/, '')} in ${rs.length}/${rs.length}${/answered after/.test(rs[0].result) ? ` (${rs[0].result.replace(/^allowed \(answered after authorization: /, 'after authz: ').replace(/\)$/, '')})` : ''}`}`);
  }
  const failed = rows.filter((r) => !r.ok);
  say(`${rows.length - failed.length}/${rows.length} checks as expected`);
  fs.rmSync(CACHE_DIR, { recursive: true, force: true });
  if (failed.length) process.exit(1);
}

try {
  main();
} catch (e) {
  fs.rmSync(CACHE_DIR, { recursive: true, force: true });
  console.error(`[rbac] [${envName}] ERROR: ${(e as Error).message}`);
  process.exit(1);
}
