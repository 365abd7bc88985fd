/**
 * The label contract. Selectors use only name + instance + component, which never change once
 * shipped (they are immutable on Deployments); everything else is informational.
 */
export const MANAGED_BY = 'cdk8s';

/** The label that names an object's workflow (the label contract waivers and tools read). */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

export interface ComponentIdentity {
  /** The workflow (LangGraph deployment) this object belongs to. */
  readonly workflow: string;
  /** The application, e.g. `langgraph-api`. */
  readonly app: string;
  /** The role within the workflow, e.g. `api`. */
  readonly component: string;
}

export interface WorkflowMetadata {
  readonly workflow: string;
  readonly version: string;
  readonly ownerTeam: string;
  readonly ownerEmail: string;
  /** The capacity profile that sized the workflow, where an environment opts in. @default - none */
  readonly capacityProfile?: string;
  /** Labels every object of the workflow carries besides the contract's (checked by ./extra-metadata.ts). @default {} */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Annotations every object of the workflow carries besides the platform's. @default {} */
  readonly extraAnnotations?: Readonly<Record<string, string>>;
}

/** Names the capacity profile that produced a workflow's HPA bounds. */
export const CAPACITY_PROFILE_ANNOTATION = 'langgraph.platform/capacity-profile';
/**
 * On a workflow's Namespace: its share of the database's max_connections (database.maxConnections),
 * which the gate's connection-budget rule holds the rendered replicas × pool to.
 */
export const POSTGRES_MAX_CONNECTIONS_ANNOTATION = 'langgraph.platform/postgres-max-connections';

/** The immutable pod selector of a component. */
export function selectorLabels(id: ComponentIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.app,
    'app.kubernetes.io/instance': id.workflow,
    'app.kubernetes.io/component': id.component,
  };
}

/** Labels every object of a workflow carries (selector labels are added per component). */
export function workflowLabels(meta: WorkflowMetadata): Record<string, string> {
  return {
    // Extras first: the contract's keys always win (extras naming them are refused before this).
    ...meta.extraLabels,
    'app.kubernetes.io/instance': meta.workflow,
    [PART_OF_LABEL]: meta.workflow,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/version': meta.version,
    owner: meta.ownerTeam,
  };
}

export function workflowAnnotations(meta: WorkflowMetadata): Record<string, string> {
  return { ...meta.extraAnnotations, email: meta.ownerEmail, ...(meta.capacityProfile ? { [CAPACITY_PROFILE_ANNOTATION]: meta.capacityProfile } : {}) };
}

/** Full labels of a component's objects and pods. */
export function componentLabels(meta: WorkflowMetadata, id: ComponentIdentity): Record<string, string> {
  return { ...workflowLabels(meta), ...selectorLabels(id) };
}
