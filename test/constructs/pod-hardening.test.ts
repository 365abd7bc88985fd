import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { CDK8S_PLUS_ADDRESS_LABEL, escapePointer, hardenPodTemplate } from '../../src/constructs/pod-hardening';
import { ApiObject } from 'cdk8s';

function plainDeployment(harden: boolean, containers = 1, initContainers = 0) {
  const chart = new Chart(Testing.app(), 'c');
  const d = new kplus.Deployment(chart, 'd', { select: false });
  for (let i = 0; i < containers; i++) d.addContainer({ name: `c${i}`, image: 'x@sha256:' + 'a'.repeat(64), securityContext: { capabilities: { drop: [kplus.Capability.NET_RAW] } } });
  for (let i = 0; i < initContainers; i++) d.addInitContainer({ name: `i${i}`, image: 'x@sha256:' + 'a'.repeat(64) });
  if (harden) hardenPodTemplate(ApiObject.of(d), { containerCount: containers, initContainerCount: initContainers });
  return Testing.synth(chart)[0];
}

describe('cdk8s-plus-27 output, unpatched (why the patch exists)', () => {
  test('adds a path-hashed pod label and cannot express drop ALL or seccomp', () => {
    const d = plainDeployment(false);
    const c = d.spec.template.spec.containers[0];
    expect(d.spec.template.metadata.labels[CDK8S_PLUS_ADDRESS_LABEL]).toBeDefined();
    expect(c.securityContext.capabilities.drop).toEqual(['CAP_NET_RAW']); // the kernel-style name Kubernetes rejects
    expect(c.securityContext.seccompProfile).toBeUndefined();
    expect(d.spec.template.spec.securityContext?.seccompProfile).toBeUndefined();
  });
});

describe('hardenPodTemplate', () => {
  test('drops ALL capabilities and sets RuntimeDefault seccomp on every container and init container', () => {
    const d = plainDeployment(true, 2, 1);
    const spec = d.spec.template.spec;
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'] });
      expect(c.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    }
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('removes the construct-path label from the pod template', () => {
    const d = plainDeployment(true);
    expect(Object.keys(d.spec.template.metadata.labels ?? {})).not.toContain(CDK8S_PLUS_ADDRESS_LABEL);
  });

  test('escapes JSON pointer segments', () => {
    expect(escapePointer('cdk8s.io/metadata.addr')).toBe('cdk8s.io~1metadata.addr');
    expect(escapePointer('a~b')).toBe('a~0b');
  });
});

test('snapshot: a cdk8s-plus Deployment after hardenPodTemplate (one container)', () => {
  const d = plainDeployment(true);
  expect(d.spec.template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
  expect(d).toMatchSnapshot('hardenPodTemplate: Deployment with one container');
});
