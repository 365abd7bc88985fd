/**
 * Autoscalers point at something real and do not fight: every HPA's scaleTargetRef resolves to a
 * scalable workload; no HPA scales a Deployment that a Rollout runs (the Rollout owns the
 * replicas); no VPA in an active mode resizes pods whose HPA scales on cpu or memory (each would
 * react to the other's changes).
 */
import { objectId } from '../../model/object-id';
import { EnvironmentIndex, NamespaceIndex } from '../object-index';
import { REPLICATED_KINDS } from '../pod-templates';
import { apiGroupOf } from '../../model/api-group';
import { RenderedObject } from '../../model/rendered-object';
import { Finding, pointer } from '../violation';
import { CrossObjectCheck, Json, specOf } from './check';

const isHpa = (r: RenderedObject) => r.object.kind === 'HorizontalPodAutoscaler' && apiGroupOf(r.object.apiVersion) === 'autoscaling';
const isVpa = (r: RenderedObject) => r.object.kind === 'VerticalPodAutoscaler' && apiGroupOf(r.object.apiVersion) === 'autoscaling.k8s.io';

const describeRef = (ref: Json | undefined) => (ref ? `${ref.apiVersion ?? '?'} ${ref.kind ?? '?'} ${ref.name ?? '?'}` : 'nothing');

export const hpaTarget: CrossObjectCheck = {
  id: 'cross-object/hpa-target',
  summary: "every HPA's scaleTargetRef resolves to a rendered, scalable workload",
  check: (index) => index.allNamespaces().flatMap((ns) => ns.ofKind('HorizontalPodAutoscaler').filter(isHpa).flatMap((hpa): Finding[] => {
    const ref: Json | undefined = specOf(hpa.object).scaleTargetRef;
    const target = index.resolve(ns, ref);
    if (!target) {
      return [{
        object: hpa, path: pointer('spec', 'scaleTargetRef'), value: ref,
        message: `scaleTargetRef (${describeRef(ref)}) matches no object rendered in namespace ${ns.namespace}`,
        fix: 'point scaleTargetRef at the workload that runs the pods (apiVersion, kind and name exactly as rendered)',
      }];
    }
    if (!REPLICATED_KINDS.has(target.object.kind)) {
      return [{
        object: hpa, path: pointer('spec', 'scaleTargetRef', 'kind'), value: ref?.kind,
        message: `scaleTargetRef points at a ${target.object.kind}, which has no replicas to scale`,
        fix: `scale a ${[...REPLICATED_KINDS].join(', ')} instead`,
      }];
    }
    return [];
  })),
};

export const hpaOnManagedDeployment: CrossObjectCheck = {
  id: 'cross-object/hpa-managed-deployment',
  summary: 'no HPA targets a Deployment that a Rollout runs through workloadRef',
  check: (index) => index.allNamespaces().flatMap((ns) => ns.ofKind('HorizontalPodAutoscaler').filter(isHpa).flatMap((hpa): Finding[] => {
    const target = index.resolve(ns, specOf(hpa.object).scaleTargetRef);
    const set = target && index.podSetOf(target);
    if (!target || !set || set.runner === target) return [];
    return [{
      object: hpa, path: pointer('spec', 'scaleTargetRef'), value: specOf(hpa.object).scaleTargetRef,
      message: `scales ${objectId(target.object)}, whose pods ${objectId(set.runner.object)} runs through workloadRef; the HPA would fight Argo Rollouts over the replica count`,
      fix: `target the Rollout: scaleTargetRef { apiVersion: ${set.runner.object.apiVersion}, kind: ${set.runner.object.kind}, name: ${set.runner.object.metadata.name} }`,
      related: objectId(set.runner.object),
    }];
  })),
};

export const vpaTarget: CrossObjectCheck = {
  id: 'cross-object/vpa-target',
  summary: "every VPA's targetRef resolves to a rendered workload",
  check: (index) => index.allNamespaces().flatMap((ns) => ns.ofKind('VerticalPodAutoscaler').filter(isVpa).flatMap((vpa): Finding[] => {
    const ref: Json | undefined = specOf(vpa.object).targetRef;
    return index.resolve(ns, ref) ? [] : [{
      object: vpa, path: pointer('spec', 'targetRef'), value: ref,
      message: `targetRef (${describeRef(ref)}) matches no object rendered in namespace ${ns.namespace}`,
      fix: 'point targetRef at the workload that runs the pods',
    }];
  })),
};

/** Resources an HPA scales on through Resource/ContainerResource metrics (no metrics = cpu, the API default). */
function hpaResourceMetrics(hpa: RenderedObject): string[] {
  const metrics: Json[] | undefined = specOf(hpa.object).metrics;
  if (!Array.isArray(metrics) || !metrics.length) return ['cpu'];
  return metrics.flatMap((m) => (m?.type === 'Resource' ? [m.resource?.name] : m?.type === 'ContainerResource' ? [m.containerResource?.name] : []))
    .filter((n): n is string => typeof n === 'string');
}

/** Resources a VPA changes (containerPolicies with mode Off change nothing). */
function vpaControlledResources(vpa: RenderedObject): string[] {
  const policies: Json[] | undefined = specOf(vpa.object).resourcePolicy?.containerPolicies;
  if (!Array.isArray(policies) || !policies.length) return ['cpu', 'memory'];
  const out = new Set<string>();
  for (const p of policies) if (p?.mode !== 'Off') for (const r of p?.controlledResources ?? ['cpu', 'memory']) out.add(r);
  return [...out];
}

function runnerOf(index: EnvironmentIndex, ns: NamespaceIndex, ref: Json | undefined): RenderedObject | undefined {
  const target = index.resolve(ns, ref);
  return target && (index.podSetOf(target)?.runner ?? target);
}

export const vpaWithHpa: CrossObjectCheck = {
  id: 'cross-object/vpa-hpa-conflict',
  summary: 'no VPA in an active mode on a workload whose HPA scales on cpu or memory',
  check: (index) => index.allNamespaces().flatMap((ns) => {
    const vpas = ns.ofKind('VerticalPodAutoscaler').filter(isVpa);
    if (!vpas.length) return [];
    const hpas = ns.ofKind('HorizontalPodAutoscaler').filter(isHpa);
    return vpas.flatMap((vpa): Finding[] => {
      const mode = specOf(vpa.object).updatePolicy?.updateMode ?? 'Auto';
      if (mode === 'Off') return [];
      const runner = runnerOf(index, ns, specOf(vpa.object).targetRef);
      if (!runner) return [];
      const controlled = vpaControlledResources(vpa);
      return hpas.flatMap((hpa): Finding[] => {
        if (runnerOf(index, ns, specOf(hpa.object).scaleTargetRef) !== runner) return [];
        const shared = hpaResourceMetrics(hpa).filter((r) => controlled.includes(r));
        return shared.length ? [{
          object: vpa, path: pointer('spec', 'updatePolicy', 'updateMode'), value: mode,
          message: `updateMode ${mode} resizes ${objectId(runner.object)}'s pods while ${objectId(hpa.object)} scales them on ${shared.join(' and ')} utilisation; the two controllers would chase each other`,
          fix: 'set updatePolicy.updateMode to "Off" (recommendations only), or scale the HPA on a custom or external metric instead',
          related: objectId(hpa.object),
        }] : [];
      });
    });
  }),
};
