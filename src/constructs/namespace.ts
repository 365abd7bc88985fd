import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { POSTGRES_MAX_CONNECTIONS_ANNOTATION, WorkflowMetadata, workflowAnnotations, workflowLabels } from './labels';

/** Pod Security admission level, pinned to the oldest supported cluster version. */
export const POD_SECURITY_LEVEL = 'restricted';
export const POD_SECURITY_VERSION = 'v1.32';

export interface WorkflowNamespaceProps {
  readonly name: string;
  readonly metadata: WorkflowMetadata;
  /** Label the namespace for Istio sidecar injection. */
  readonly meshEnabled: boolean;
  /**
   * The workflow's share of the database's max_connections, rendered as an annotation so the gate
   * can hold the rendered replicas × pool to it. @default - none (no budget stated)
   */
  readonly postgresMaxConnections?: number;
}

/** The workflow's namespace, enforcing Pod Security `restricted` (cluster-scoped: no namespace). */
export class WorkflowNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: WorkflowNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    const podSecurity: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      podSecurity[`pod-security.kubernetes.io/${mode}`] = POD_SECURITY_LEVEL;
      podSecurity[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
    }
    new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          ...workflowLabels(props.metadata),
          'app.kubernetes.io/component': 'namespace',
          ...podSecurity,
          ...(props.meshEnabled ? { 'istio-injection': 'enabled' } : {}),
        },
        annotations: {
          ...workflowAnnotations(props.metadata),
          ...(props.postgresMaxConnections !== undefined ? { [POSTGRES_MAX_CONNECTIONS_ANNOTATION]: String(props.postgresMaxConnections) } : {}),
        },
      },
    });
  }
}
