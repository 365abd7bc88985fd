/**
 * A workflow's identity, namespace and label contract, held once by the scope its constructs are
 * created in (a LangGraphWorkflow, or a WorkflowScope for constructs used on their own) and read by
 * every construct below it, so no construct takes a `metadata` or `namespace` prop.
 */
import { Construct, IConstruct } from 'constructs';
import { ComponentIdentity, WorkflowMetadata, componentLabels, workflowAnnotations, workflowLabels } from './labels';
import { assertExtraMetadata } from './extra-metadata';

const WORKFLOW_SCOPE = Symbol.for('langgraph-platform.WorkflowScope');

export interface WorkflowScopeProps extends WorkflowMetadata {
  /** Where the workflow's namespaced objects go. @default - the workflow name */
  readonly namespace?: string;
}

/** Holds a workflow's identity for the constructs created inside it. */
export class WorkflowScope extends Construct {
  /** The nearest WorkflowScope above (or at) `construct`; throws when there is none. */
  public static of(construct: IConstruct): WorkflowScope {
    for (const scope of [...construct.node.scopes].reverse()) {
      if (WorkflowScope.isWorkflowScope(scope)) return scope;
    }
    throw new Error(`${construct.node.path}: create it inside a LangGraphWorkflow or a WorkflowScope, which give it its workflow's name, namespace and labels`);
  }

  public static isWorkflowScope(x: unknown): x is WorkflowScope {
    return typeof x === 'object' && x !== null && WORKFLOW_SCOPE in x;
  }

  /** The workflow (LangGraph deployment) name. */
  public readonly workflowName: string;
  public readonly namespace: string;
  /** Labels and annotations every object of the workflow carries. */
  public readonly metadata: WorkflowMetadata;

  constructor(scope: Construct, id: string, props: WorkflowScopeProps) {
    super(scope, id);
    Object.defineProperty(this, WORKFLOW_SCOPE, { value: true });
    this.workflowName = props.workflow;
    this.namespace = props.namespace ?? props.workflow;
    assertExtraMetadata(`workflow ${props.workflow}`, { labels: props.extraLabels, annotations: props.extraAnnotations }, 'extra');
    this.metadata = {
      workflow: props.workflow, version: props.version, ownerTeam: props.ownerTeam, ownerEmail: props.ownerEmail, capacityProfile: props.capacityProfile,
      ...(props.extraLabels && Object.keys(props.extraLabels).length ? { extraLabels: props.extraLabels } : {}),
      ...(props.extraAnnotations && Object.keys(props.extraAnnotations).length ? { extraAnnotations: props.extraAnnotations } : {}),
    };
  }
}

export interface ObjectMetadataOptions {
  /** The component the object belongs to: its selector labels are added. @default - none */
  readonly identity?: ComponentIdentity;
  /** Labels on top of the workflow's (and the component's). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations on top of the workflow's. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Another namespace (e.g. the shared monitoring namespace); `null` for a cluster-scoped object. @default - the workflow's */
  readonly namespace?: string | null;
}

/** `metadata` of one object of the workflow: name, namespace, the label contract and the owner annotations. */
export function objectMetadata(scope: IConstruct, name: string, options: ObjectMetadataOptions = {}) {
  const wf = WorkflowScope.of(scope);
  const base = options.identity ? componentLabels(wf.metadata, options.identity) : workflowLabels(wf.metadata);
  const namespace = options.namespace === null ? undefined : (options.namespace ?? wf.namespace);
  // An extra (config) key that this object's own platform keys would silently replace: refuse it.
  for (const [kind, own, extra] of [['label', options.labels, wf.metadata.extraLabels], ['annotation', options.annotations, wf.metadata.extraAnnotations]] as const) {
    const clash = Object.keys(own ?? {}).find((k) => extra !== undefined && k in extra && extra[k] !== own![k]);
    if (clash) throw new Error(`workflow ${wf.workflowName}: extra ${kind} "${clash}" (${JSON.stringify(extra![clash])}) would be replaced on ${name} by the platform's (${JSON.stringify(own![clash])}); remove it from the extra ${kind}s`);
  }
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: { ...base, ...(options.labels ?? {}) },
    annotations: { ...workflowAnnotations(wf.metadata), ...(options.annotations ?? {}) },
  };
}
