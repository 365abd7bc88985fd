/**
 * Where pod templates live in each workload kind. Policy rules run on every template found here;
 * cross-object checks match Services, policies and monitors against the templates' labels.
 */
import { apiGroupOf } from '../model/api-group';
import { RenderedObject } from '../model/rendered-object';

/** The parts of a pod template the gate reads; everything else is passed through untyped. */
export interface PodTemplate {
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: PodSpec;
}

// Rendered manifests are plain JSON; the rules read fields defensively.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type PodSpec = Record<string, any>;
export type Container = Record<string, any>;

export interface PodTemplateRef {
  /** The object holding the template. */
  readonly owner: RenderedObject;
  /** JSON pointer of the template within the owner ('' for a bare Pod, whose metadata and spec are the template). */
  readonly pointer: string;
  readonly template: PodTemplate;
}

/** kind → pointer of its pod template. A Rollout with `workloadRef` has none of its own. */
const TEMPLATE_POINTERS: Readonly<Record<string, { readonly group: string; readonly pointer: string }>> = {
  Deployment: { group: 'apps', pointer: '/spec/template' },
  StatefulSet: { group: 'apps', pointer: '/spec/template' },
  DaemonSet: { group: 'apps', pointer: '/spec/template' },
  ReplicaSet: { group: 'apps', pointer: '/spec/template' },
  ReplicationController: { group: '', pointer: '/spec/template' },
  Job: { group: 'batch', pointer: '/spec/template' },
  CronJob: { group: 'batch', pointer: '/spec/jobTemplate/spec/template' },
  Rollout: { group: 'argoproj.io', pointer: '/spec/template' },
  PodTemplate: { group: '', pointer: '/template' },
};

/** The pod templates of one object (none for kinds without one). */
export function podTemplatesOf(r: RenderedObject): PodTemplateRef[] {
  const o = r.object as Record<string, any>;
  if (o.kind === 'Pod' && apiGroupOf(o.apiVersion) === '') {
    return o.spec && typeof o.spec === 'object' ? [{ owner: r, pointer: '', template: { metadata: o.metadata, spec: o.spec } }] : [];
  }
  const where = TEMPLATE_POINTERS[o.kind];
  if (!where || apiGroupOf(o.apiVersion) !== where.group) return [];
  const template = at(o, where.pointer);
  if (!template || typeof template !== 'object' || !template.spec || typeof template.spec !== 'object') return [];
  return [{ owner: r, pointer: where.pointer, template: template as PodTemplate }];
}

/** Kinds whose replicas an HPA or a PDB can reason about (they have `spec.replicas` and a scale subresource). */
export const REPLICATED_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout']);

export interface ContainerRef {
  readonly container: Container;
  /** JSON pointer relative to the pod template, e.g. `/spec/containers/0`. */
  readonly pointer: string;
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
}

/** Every container of a template: app containers, init containers, ephemeral containers. */
export function containersOf(template: PodTemplate, lists: readonly ContainerRef['list'][] = ['containers', 'initContainers', 'ephemeralContainers']): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of lists) {
    const items = template.spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((container, i) => {
      if (container && typeof container === 'object') out.push({ container, pointer: `/spec/${list}/${i}`, list });
    });
  }
  return out;
}

export function templateLabels(t: PodTemplateRef): Record<string, string> {
  return t.template.metadata?.labels ?? {};
}

function at(o: Record<string, any>, ptr: string): any {
  let cur: any = o;
  for (const token of ptr.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[token];
  }
  return cur;
}
