/**
 * What a workflow's feature composers need to know, resolved once per workflow and environment.
 * Each optional platform feature lives in src/charts/features/<feature>.ts as
 * `addFeature(scope, ctx)` and renders nothing when the config leaves it off.
 */
import { Environment, WorkflowSettings } from '../config/schema';
import { ResolvedWorkflow } from '../config/resolved';
import { ComponentIdentity, WorkflowMetadata, selectorLabels } from '../constructs/labels';
import { apiIdentity } from '../constructs/langgraph-workflow';
import { Construct } from 'constructs';
import { WorkflowScope } from '../constructs/workflow-scope';

export interface WorkflowContext {
  readonly env: Environment;
  readonly workflow: ResolvedWorkflow;
  readonly settings: WorkflowSettings;
  readonly namespace: string;
  readonly metadata: WorkflowMetadata;
  /** The API server component and its resource name (`<workflow>-api`). */
  readonly api: ComponentIdentity;
  readonly apiName: string;
  /** Selector of the API pods (name + instance + component). */
  readonly apiSelector: Readonly<Record<string, string>>;
  /** The Secret holding the server's credentials (pre-existing, or materialized by an ExternalSecret). */
  readonly secretName: string;
  /** True when the workflow ships with a canary Rollout. */
  readonly canary: boolean;
}

export function workflowContext(env: Environment, wf: ResolvedWorkflow): WorkflowContext {
  const api = apiIdentity(wf.name);
  return {
    env,
    workflow: wf,
    settings: wf.settings,
    namespace: wf.namespace,
    metadata: {
      workflow: wf.name, version: wf.version, ownerTeam: wf.owner.team, ownerEmail: wf.owner.email, capacityProfile: wf.capacityProfile,
      extraLabels: wf.settings.metadata.labels, extraAnnotations: wf.settings.metadata.annotations,
    },
    api,
    apiName: `${wf.name}-api`,
    apiSelector: selectorLabels(api),
    secretName: wf.settings.secret.name ?? `${wf.name}-secrets`,
    canary: wf.settings.delivery.strategy === 'canary',
  };
}

/**
 * The scope a feature composes into: the workflow's own (a LangGraphWorkflow, where the chart puts
 * every feature), or, under a bare chart (a feature on its own), one WorkflowScope made from `ctx`.
 */
export function featureScope(scope: Construct, ctx: WorkflowContext): Construct {
  if (scope.node.scopes.some((s) => WorkflowScope.isWorkflowScope(s))) return scope;
  const existing = scope.node.tryFindChild('Workflow');
  if (existing && WorkflowScope.isWorkflowScope(existing)) return existing;
  return new WorkflowScope(scope, 'Workflow', { ...ctx.metadata, namespace: ctx.namespace });
}
