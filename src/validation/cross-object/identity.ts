/**
 * Object identity: no kind/namespace/name is rendered twice; names are valid (DNS-1123 subdomain;
 * Namespaces a DNS-1123 label; Services an RFC 1035 label, starting with a letter; RBAC objects a
 * path segment); cluster-scoped kinds carry no namespace and namespaced kinds do.
 */
import { objectId } from '../../model/object-id';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck } from './check';

/** Kinds without a namespace (Kubernetes 1.27 and the CRDs in schemas/crds). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'APIService', 'StorageClass', 'VolumeAttachment', 'CSIDriver', 'CSINode', 'PriorityClass', 'RuntimeClass', 'IngressClass',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'PodSecurityPolicy', 'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration', 'TokenReview',
  'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'ClusterCIDR',
  'ClusterAnalysisTemplate', 'ClusterSecretStore', 'ClusterExternalSecret', 'ClusterIssuer',
]);

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RFC1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** The reason a name is invalid for its kind, or undefined. */
export function nameProblem(kind: string, name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'the object has no name';
  if (RBAC_KINDS.has(kind)) {
    return name === '.' || name === '..' || /[/%]/.test(name) ? 'an RBAC name may not be "." or ".." nor contain "/" or "%"' : undefined;
  }
  if (kind === 'Service') return name.length <= 63 && RFC1035_LABEL.test(name) ? undefined : 'a Service name is an RFC 1035 label: at most 63 lower-case letters, digits and "-", starting with a letter and ending with a letter or digit';
  if (kind === 'Namespace') return name.length <= 63 && DNS1123_LABEL.test(name) ? undefined : 'a Namespace name is a DNS-1123 label: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit';
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name) ? undefined : 'a name is a DNS-1123 subdomain: at most 253 lower-case letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit';
}

export const duplicateObjects: CrossObjectCheck = {
  id: 'cross-object/duplicate-object',
  summary: 'no kind/namespace/name is rendered twice',
  check: (index) => {
    const seen = new Map<string, string>();
    const out: Finding[] = [];
    for (const r of index.objects) {
      const key = objectId(r.object);
      const first = seen.get(key);
      if (first !== undefined) {
        out.push({
          object: r, path: pointer('metadata', 'name'), value: r.object.metadata?.name,
          message: `${key} is rendered more than once (first by ${first}); the later one would silently replace the earlier in the cluster`,
          fix: 'give each object a unique name (derive it from the workflow and component, never reuse one)',
          related: first,
        });
      } else {
        seen.set(key, r.workflow ? `workflow ${r.workflow}` : 'the shared objects');
      }
    }
    return out;
  },
};

export const invalidNames: CrossObjectCheck = {
  id: 'cross-object/invalid-name',
  summary: 'names are valid for their kind (DNS-1123; Services RFC 1035 labels); namespaces are DNS-1123 labels',
  check: (index) => index.objects.flatMap((r): Finding[] => {
    const out: Finding[] = [];
    const problem = nameProblem(r.object.kind, r.object.metadata?.name);
    if (problem) out.push({ object: r, path: pointer('metadata', 'name'), value: r.object.metadata?.name, message: problem, fix: 'derive the name from the (validated) workflow name, e.g. <workflow>-api' });
    const ns = r.object.metadata?.namespace;
    if (ns !== undefined && !(typeof ns === 'string' && ns.length <= 63 && DNS1123_LABEL.test(ns))) {
      out.push({ object: r, path: pointer('metadata', 'namespace'), value: ns, message: 'a namespace is a DNS-1123 label (at most 63 lower-case letters, digits and "-")', fix: 'use the workflow\'s namespace' });
    }
    return out;
  }),
};

export const namespaceScope: CrossObjectCheck = {
  id: 'cross-object/namespace-scope',
  summary: 'cluster-scoped kinds carry no namespace; namespaced kinds do',
  check: (index) => index.objects.flatMap((r): Finding[] => {
    const ns = r.object.metadata?.namespace;
    const clusterScoped = CLUSTER_SCOPED_KINDS.has(r.object.kind);
    if (clusterScoped && ns !== undefined) {
      return [{ object: r, path: pointer('metadata', 'namespace'), value: ns, message: `${r.object.kind} is cluster-scoped; a namespace on it is ignored by the API server and confuses Argo CD's diff`, fix: 'remove metadata.namespace' }];
    }
    if (!clusterScoped && (ns === undefined || ns === '')) {
      return [{ object: r, path: pointer('metadata', 'namespace'), value: ns, message: `${r.object.kind} is namespaced but names no namespace, so it lands in whatever namespace Argo CD applies to`, fix: "set metadata.namespace to the workflow's namespace" }];
    }
    return [];
  }),
};
