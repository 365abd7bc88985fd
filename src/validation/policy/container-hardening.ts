/**
 * Container rules beyond Pod Security: a read-only root filesystem and the resource requests and
 * limits the scheduler and the kubelet need (cpu and memory requests; a memory limit, so one pod
 * cannot take a node's memory — a cpu limit is deliberately not required: it only throttles).
 */
import { containersOf } from '../pod-templates';
import { PolicyRule, describeContainer, templateFinding } from './rule';

export const readOnlyRootFilesystem: PolicyRule = {
  id: 'policy/read-only-root-filesystem',
  summary: 'every container has readOnlyRootFilesystem: true',
  checkTemplate: (t) => containersOf(t.template, ['containers', 'initContainers'])
    .filter((c) => c.container.securityContext?.readOnlyRootFilesystem !== true)
    .map((c) => templateFinding(t, `${c.pointer}/securityContext/readOnlyRootFilesystem`, {
      value: c.container.securityContext?.readOnlyRootFilesystem,
      message: `${describeContainer(c)} can write to its root filesystem`,
      fix: 'set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where the process must write (e.g. /tmp)',
    })),
};

const REQUIRED_RESOURCES: readonly { readonly field: 'requests' | 'limits'; readonly resource: 'cpu' | 'memory' }[] = [
  { field: 'requests', resource: 'cpu' },
  { field: 'requests', resource: 'memory' },
  { field: 'limits', resource: 'memory' },
];

export const resources: PolicyRule = {
  id: 'policy/resources',
  summary: 'every container requests cpu and memory and limits memory',
  checkTemplate: (t) => containersOf(t.template, ['containers', 'initContainers']).flatMap((c) => REQUIRED_RESOURCES
    .filter(({ field, resource }) => {
      const v = c.container.resources?.[field]?.[resource];
      return v === undefined || v === null || v === '' || v === 0 || v === '0';
    })
    .map(({ field, resource }) => templateFinding(t, `${c.pointer}/resources/${field}/${resource}`, {
      value: c.container.resources?.[field]?.[resource],
      message: `${describeContainer(c)} has no ${resource} ${field === 'requests' ? 'request' : 'limit'}`,
      fix: `set resources.${field}.${resource} (workflowDefaults.resources.${field}.${resource} in the config)`,
    }))),
};
