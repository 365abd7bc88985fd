import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { WorkflowMetadata, workflowAnnotations, workflowLabels } from './labels';

export interface PeopleAccessProps {
  readonly workflow: string;
  readonly namespace: string;
  readonly metadata: WorkflowMetadata;
  /** Identity-provider group of the owning team: read access plus canary promote/abort. */
  readonly ownerGroup: string;
  /** Identity-provider group of on-call engineers: read-only. */
  readonly oncallGroup: string;
}

/** What people may read in a workflow namespace. Never secrets; no wildcards. */
export const READ_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'pods/log', 'events', 'services', 'endpoints', 'configmaps', 'serviceaccounts'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['argoproj.io'], resources: ['rollouts', 'analysisruns', 'analysistemplates'], verbs: ['get', 'list', 'watch'] },
];

/** Promote or abort a canary (`kubectl argo rollouts promote|abort` patch the Rollout). */
export const CANARY_CONTROL_RULES: k8s.PolicyRule[] = [
  { apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs: ['get', 'patch'] },
];

/** RBAC for people: the owning team reads and steers releases; on-call reads. */
export class PeopleAccess extends Construct {
  constructor(scope: Construct, id: string, props: PeopleAccessProps) {
    super(scope, id);
    const meta = (name: string) => ({
      name,
      namespace: props.namespace,
      labels: { ...workflowLabels(props.metadata), 'app.kubernetes.io/component': 'access' },
      annotations: workflowAnnotations(props.metadata),
    });
    const readerName = `${props.workflow}-reader`;
    const ownerName = `${props.workflow}-owner`;
    new k8s.KubeRole(this, 'ReaderRole', { metadata: meta(readerName), rules: READ_RULES });
    new k8s.KubeRole(this, 'OwnerRole', { metadata: meta(ownerName), rules: [...READ_RULES, ...CANARY_CONTROL_RULES] });
    new k8s.KubeRoleBinding(this, 'OwnerBinding', {
      metadata: meta(ownerName),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ownerName },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: props.ownerGroup }],
    });
    new k8s.KubeRoleBinding(this, 'OncallBinding', {
      metadata: meta(`${props.workflow}-oncall`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: readerName },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: props.oncallGroup }],
    });
  }
}
