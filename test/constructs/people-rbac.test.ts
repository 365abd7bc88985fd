import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { PeopleAccess, rulesFromCommands } from '../../src/constructs/people-rbac';
import { FORBIDDEN_RESOURCES, RUNBOOK_COMMANDS } from '../../src/constructs/runbook-commands';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';
import { PROJECT_ROOT } from '../helpers';

const READ = ['get', 'list', 'watch'];

function render(strategy: 'canary' | 'rolling') {
  const c = new Chart(Testing.app(), 'c');
  new PeopleAccess(inWorkflow(c), 'p', { ownerGroup: 'owners', oncallGroup: 'oncall', strategy });
  const objects = Testing.synth(c);
  for (const o of objects) expect(defaultSchemaRegistry().validate(o)).toEqual([]);
  const role = (name: string) => objects.find((o) => o.kind === 'Role' && o.metadata.name === name)!.rules;
  const binding = (name: string) => objects.find((o) => o.kind === 'RoleBinding' && o.metadata.name === name)!;
  return { objects, role, binding };
}

// The derived sets, written out by hand from docs/runbooks.md: a rule added to or lost from the
// derivation fails here.
const READS = [
  { apiGroups: [''], resources: ['events', 'persistentvolumeclaims', 'pods', 'pods/log'], verbs: READ },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets'], verbs: READ },
];
const READS_TAIL = [
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['get', 'list'] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ },
];
const ROLLOUT_CONTROL = { apiGroups: ['argoproj.io'], resources: ['rollouts', 'rollouts/status'], resourceNames: ['wf-api'], verbs: ['patch'] };
const HPA_CEILING = { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], resourceNames: ['wf-api'], verbs: ['patch'] };
const DEPLOYMENT_RESTART = { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['wf-api'], verbs: ['patch'] };
const ONCALL_CORE = [
  { apiGroups: [''], resources: ['events', 'persistentvolumeclaims', 'pods/log'], verbs: READ },
  { apiGroups: [''], resources: ['pods'], verbs: [...READ, 'delete'] },
];
const ROLLING_APPS = { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: READ };

describe('PeopleAccess: Roles derived from the runbook commands', () => {
  test('canary, owner: reads + promote/abort/retry/restart of the API Rollout only', () => {
    expect(render('canary').role('wf-owner')).toEqual([
      ...READS,
      { apiGroups: ['argoproj.io'], resources: ['analysisruns', 'experiments', 'rollouts'], verbs: READ },
      ROLLOUT_CONTROL,
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
      ...READS_TAIL.slice(1),
    ]);
  });

  test('canary, on-call: the owner set plus deleting a pod and raising the HPA ceiling', () => {
    expect(render('canary').role('wf-oncall')).toEqual([
      ...ONCALL_CORE,
      READS[1],
      { apiGroups: ['argoproj.io'], resources: ['analysisruns', 'experiments', 'rollouts'], verbs: READ },
      ROLLOUT_CONTROL,
      ...READS_TAIL.slice(0, 1), HPA_CEILING, ...READS_TAIL.slice(1),
    ]);
  });

  test('rolling: no Rollout control; restart patches the API Deployment only', () => {
    const { role } = render('rolling');
    expect(role('wf-owner')).toEqual([
      READS[0], ROLLING_APPS, DEPLOYMENT_RESTART,
      { apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs: READ },
      ...READS_TAIL,
    ]);
    expect(role('wf-oncall')).toEqual([
      ...ONCALL_CORE, ROLLING_APPS, DEPLOYMENT_RESTART,
      { apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs: READ },
      READS_TAIL[0], HPA_CEILING, ...READS_TAIL.slice(1),
    ]);
  });

  test('bindings: each group to its own Role', () => {
    const { binding } = render('canary');
    expect(binding('wf-owner').roleRef.name).toBe('wf-owner');
    expect(binding('wf-owner').subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'owners' }]);
    expect(binding('wf-oncall').roleRef.name).toBe('wf-oncall');
    expect(binding('wf-oncall').subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oncall' }]);
  });

  test('never secrets, exec, attach, port-forward, debug containers, wildcards; every write but pod delete is by name', () => {
    for (const strategy of ['canary', 'rolling'] as const) {
      const { objects } = render(strategy);
      for (const role of objects.filter((o) => o.kind === 'Role')) {
        for (const rule of role.rules) {
          for (const field of ['apiGroups', 'resources', 'verbs']) expect(rule[field].join()).not.toContain('*');
          for (const r of FORBIDDEN_RESOURCES) expect(rule.resources).not.toContain(r);
          const writes = rule.verbs.filter((v: string) => !READ.includes(v));
          if (writes.length && !(rule.resources.join() === 'pods' && writes.join() === 'delete')) expect(rule.resourceNames).toEqual(['wf-api']);
        }
      }
    }
  });

  test('a command needing a forbidden resource or a wildcard is refused, naming it', () => {
    const debug = { command: 'kubectl debug <pod>', who: ['oncall'] as const, strategy: 'any' as const, requests: [{ apiGroup: '', resource: 'pods/ephemeralcontainers', verbs: ['patch'] }] };
    expect(() => rulesFromCommands([debug], 'wf-api')).toThrow(/kubectl debug <pod>.*pods\/ephemeralcontainers/);
    const star = { ...debug, command: 'kubectl get all', requests: [{ apiGroup: '', resource: '*', verbs: ['get'] }] };
    expect(() => rulesFromCommands([star], 'wf-api')).toThrow(/wildcard/);
  });
});

/** Every `kubectl …` the runbook tells someone to run, pipes and trailing comments removed. */
function runbookCommands(markdown: string): Set<string> {
  const found = new Set<string>();
  const add = (raw: string) => {
    const cmd = raw.replace(/\s+#.*$/, '').split(/\s\|\s/)[0].replace(/\s+/g, ' ').trim();
    // A command to run names its namespace; prose that only mentions one (`kubectl debug`) does not.
    if (/^kubectl \S/.test(cmd) && / -n <ns>/.test(cmd)) found.add(cmd);
  };
  let inBash = false;
  for (const line of markdown.split('\n')) {
    if (/^```bash/.test(line)) { inBash = true; continue; }
    if (/^```/.test(line)) { inBash = false; continue; }
    if (inBash) add(line);
  }
  // Inline code spans may wrap across one line break.
  for (const m of markdown.replace(/\n\s*/g, ' ').matchAll(/`(kubectl [^`]+)`/g)) add(m[1]);
  return found;
}

describe('docs/runbooks.md and RUNBOOK_COMMANDS agree', () => {
  const markdown = fs.readFileSync(path.join(PROJECT_ROOT, 'docs/runbooks.md'), 'utf8');
  const inRunbook = runbookCommands(markdown);
  const listed = new Set(RUNBOOK_COMMANDS.map((c) => c.command));

  test('every command the runbook gives is listed (with who runs it and what it requests)', () => {
    expect([...inRunbook].filter((c) => !listed.has(c))).toEqual([]);
  });

  test('every listed command is in the runbook', () => {
    expect([...listed].filter((c) => !inRunbook.has(c))).toEqual([]);
  });

  test('the runbook no longer tells anyone to attach a debug container', () => {
    expect([...inRunbook].some((c) => c.startsWith('kubectl debug'))).toBe(false);
    expect(markdown).not.toMatch(/kubectl debug [^`\n]*-n/);
  });
});
