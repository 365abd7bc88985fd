import { Construct } from 'constructs';
import { WorkflowScope, objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';
import * as kplus from 'cdk8s-plus-27';

export interface ApiAccessRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

export interface AppServiceAccountProps {
  readonly name: string;
  /**
   * Kubernetes API access for apps that need it. The LangGraph server needs none.
   * @default - no Role, no RoleBinding
   */
  readonly apiAccess?: readonly ApiAccessRule[];
}

/** The app's identity: no API token mounted, and no permissions unless explicitly granted. */
export class AppServiceAccount extends Construct {
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly name: string;

  constructor(scope: Construct, id: string, props: AppServiceAccountProps) {
    super(scope, id);
    this.name = props.name;
    const metadata = objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'identity' } });
    this.serviceAccount = new kplus.ServiceAccount(this, 'Resource', { metadata, automountToken: false });
    if (props.apiAccess && props.apiAccess.length > 0) {
      for (const rule of props.apiAccess) {
        if ([...rule.verbs, ...rule.resources, ...rule.apiGroups].includes('*')) {
          throw new Error(`ServiceAccount ${props.name}: apiAccess rules must not use "*"; name the verbs, resources and API groups`);
        }
        if (rule.resources.includes('secrets')) {
          throw new Error(`ServiceAccount ${props.name}: apiAccess must not grant access to secrets; mount the Secret's keys by reference instead`);
        }
      }
      new k8s.KubeRole(this, 'Role', {
        metadata,
        rules: props.apiAccess.map((r) => ({
          apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs],
          ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
        })),
      });
      new k8s.KubeRoleBinding(this, 'RoleBinding', {
        metadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
        subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: WorkflowScope.of(this).namespace }],
      });
    }
  }
}
