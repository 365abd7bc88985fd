import { Construct } from 'constructs';
import { WorkflowScope, objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import { POSTGRES_MAX_CONNECTIONS_ANNOTATION } from './labels';

/** Pod Security admission level, pinned to the oldest supported cluster version. */
export const POD_SECURITY_LEVEL = 'restricted';
export const POD_SECURITY_VERSION = 'v1.32';

export interface WorkflowNamespaceProps {
  /** Label the namespace for Istio sidecar injection. @default false */
  readonly meshEnabled?: boolean;
  /**
   * The workflow's share of the database's max_connections, rendered as an annotation so the gate
   * can hold the rendered replicas × pool to it. @default - none (no budget stated)
   */
  readonly postgresMaxConnections?: number;
}

/** The workflow scope's namespace, enforcing Pod Security `restricted` (cluster-scoped: no namespace). */
export class WorkflowNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: WorkflowNamespaceProps) {
    super(scope, id);
    this.name = WorkflowScope.of(this).namespace;
    const podSecurity: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      podSecurity[`pod-security.kubernetes.io/${mode}`] = POD_SECURITY_LEVEL;
      podSecurity[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
    }
    new k8s.KubeNamespace(this, 'Resource', {
      // Cluster-scoped: the namespace itself, named after the workflow scope's.
      metadata: objectMetadata(this, this.name, {
        namespace: null,
        labels: {
          'app.kubernetes.io/component': 'namespace',
          ...podSecurity,
          ...(props.meshEnabled ? { 'istio-injection': 'enabled' } : {}),
        },
        annotations: props.postgresMaxConnections !== undefined ? { [POSTGRES_MAX_CONNECTIONS_ANNOTATION]: String(props.postgresMaxConnections) } : {},
      }),
    });
  }
}
