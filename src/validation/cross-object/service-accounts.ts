/** A pod's ServiceAccount is rendered next to it (the policy rule already refuses "default"). */
import { Finding } from '../violation';
import { CrossObjectCheck } from './check';

export const serviceAccountExists: CrossObjectCheck = {
  id: 'cross-object/service-account',
  summary: "every pod template's serviceAccountName is a rendered ServiceAccount",
  check: (index) => index.allNamespaces().flatMap((ns) => ns.templates.flatMap((t): Finding[] => {
    const name = t.template.spec.serviceAccountName ?? t.template.spec.serviceAccount;
    if (typeof name !== 'string' || name === '' || name === 'default' || ns.get('ServiceAccount', name)) return [];
    return [{
      object: t.owner, path: `${t.pointer}/spec/serviceAccountName`, value: name,
      message: `ServiceAccount "${name}" is not rendered in namespace ${ns.namespace}, so the pods cannot be created`,
      fix: 'render the ServiceAccount with the workload, or correct serviceAccountName',
    }];
  })),
};
