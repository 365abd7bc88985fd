import { Construct } from 'constructs';
import { WorkflowScope, objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { FORBIDDEN_RESOURCES, FORBIDDEN_VERBS, Responder, RunbookCommand, commandsFor } from './runbook-commands';

export interface PeopleAccessProps {
  /** Identity-provider group of the owning team: read, promote/abort/retry/restart releases. */
  readonly ownerGroup: string;
  /** Identity-provider group of on-call engineers: read plus the runbooks' incident steps. */
  readonly oncallGroup: string;
  /** The API's delivery strategy in this environment: which runbook commands apply. */
  readonly strategy: 'canary' | 'rolling';
  /** Name of the API's Deployment/Rollout/HPA, the only objects people may change. @default `<workflow>-api` */
  readonly apiName?: string;
}

/**
 * The Role rules one group needs to run its runbook commands (src/constructs/runbook-commands.ts,
 * where each command is listed with the requests it makes): nothing more, merged into as few
 * rules as possible, writes limited to the API's own objects where the command names them.
 * Refuses anything on FORBIDDEN_RESOURCES/VERBS, a wildcard or an empty name, so a command added
 * to the list can never grant secrets, exec or port-forward by accident.
 */
export function derivedRules(who: Responder, strategy: 'canary' | 'rolling', apiName: string): k8s.PolicyRule[] {
  return rulesFromCommands(commandsFor(who, strategy), apiName);
}

export function rulesFromCommands(commands: readonly RunbookCommand[], apiName: string): k8s.PolicyRule[] {
  // (apiGroup, resource, resourceNames) → verbs
  const grants = new Map<string, { apiGroup: string; resource: string; names: string[]; verbs: Set<string> }>();
  for (const command of commands) {
    for (const r of command.requests) {
      for (const field of [r.apiGroup, r.resource, ...r.verbs]) {
        if (field.includes('*')) throw new Error(`runbook command "${command.command}": "${field}" is a wildcard; name the resource and verbs it needs`);
      }
      if (FORBIDDEN_RESOURCES.includes(r.resource)) {
        throw new Error(`runbook command "${command.command}" needs ${r.resource}, which people never get (it reads Secrets or runs code in a pod); change the runbook step instead`);
      }
      const bad = r.verbs.find((v) => FORBIDDEN_VERBS.includes(v));
      if (bad) throw new Error(`runbook command "${command.command}" needs the verb "${bad}" on ${r.resource}, which people never get; change the runbook step instead`);
      const names = r.apiObjectOnly ? [apiName] : [];
      const key = `${r.apiGroup}|${r.resource}|${names.join(',')}`;
      const grant = grants.get(key) ?? { apiGroup: r.apiGroup, resource: r.resource, names, verbs: new Set<string>() };
      r.verbs.forEach((v) => grant.verbs.add(v));
      grants.set(key, grant);
    }
  }
  // A named write is redundant where the same verb is granted on the whole resource.
  for (const g of grants.values()) {
    if (g.names.length === 0) continue;
    const unnamed = grants.get(`${g.apiGroup}|${g.resource}|`);
    if (unnamed) for (const v of [...g.verbs]) if (unnamed.verbs.has(v)) g.verbs.delete(v);
  }
  // One rule per (apiGroup, verbs, resourceNames), resources merged.
  const rules = new Map<string, { apiGroup: string; names: string[]; verbs: string[]; resources: string[] }>();
  for (const g of grants.values()) {
    if (g.verbs.size === 0) continue;
    const verbs = sortVerbs([...g.verbs]);
    const key = `${g.apiGroup}|${verbs.join(',')}|${g.names.join(',')}`;
    const rule = rules.get(key) ?? { apiGroup: g.apiGroup, names: g.names, verbs, resources: [] };
    rule.resources.push(g.resource);
    rules.set(key, rule);
  }
  return [...rules.values()]
    .map((r) => ({ ...r, resources: [...r.resources].sort() }))
    .sort((a, b) => a.apiGroup.localeCompare(b.apiGroup) || a.names.length - b.names.length || a.resources[0].localeCompare(b.resources[0]) || a.verbs.join().localeCompare(b.verbs.join()))
    .map((r) => ({ apiGroups: [r.apiGroup], resources: r.resources, ...(r.names.length ? { resourceNames: r.names } : {}), verbs: r.verbs }));
}

const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
function sortVerbs(verbs: string[]): string[] {
  return verbs.sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b) || a.localeCompare(b));
}

/**
 * RBAC for people, derived from the runbooks: `<wf>-owner` (the owning team steers releases) and
 * `<wf>-oncall` (on-call runs the incident steps: abort, retry, restart, delete a stuck pod, raise
 * the HPA ceiling). Both read what the runbook's commands read. Neither gets Secrets, exec,
 * attach, port-forward, ephemeral (debug) containers, wildcards or anything cluster-wide.
 */
export class PeopleAccess extends Construct {
  public readonly ownerRoleName: string;
  public readonly oncallRoleName: string;

  constructor(scope: Construct, id: string, props: PeopleAccessProps) {
    super(scope, id);
    const workflow = WorkflowScope.of(this).workflowName;
    const apiName = props.apiName ?? `${workflow}-api`;
    const meta = (name: string) => objectMetadata(this, name, { labels: { 'app.kubernetes.io/component': 'access' } });
    this.ownerRoleName = `${workflow}-owner`;
    this.oncallRoleName = `${workflow}-oncall`;
    const roles: { id: string; name: string; who: Responder; group: string }[] = [
      { id: 'Owner', name: this.ownerRoleName, who: 'owner', group: props.ownerGroup },
      { id: 'Oncall', name: this.oncallRoleName, who: 'oncall', group: props.oncallGroup },
    ];
    for (const r of roles) {
      new k8s.KubeRole(this, `${r.id}Role`, { metadata: meta(r.name), rules: derivedRules(r.who, props.strategy, apiName) });
      new k8s.KubeRoleBinding(this, `${r.id}Binding`, {
        metadata: meta(r.name),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: r.name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: r.group }],
      });
    }
  }
}
