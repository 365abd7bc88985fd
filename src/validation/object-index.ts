/**
 * One environment's rendered objects, indexed once so that every check is a lookup rather than a
 * scan: by namespace, by kind and by name. Pod templates and the pod sets that run them are
 * derived here too. Building the index is linear in the number of objects; each check then costs
 * O(objects of its namespace), which stays small because every workflow has its own namespace.
 */
import { Environment } from '../config/schema';
import { RenderedObject } from '../model/rendered-object';
import { PodTemplateRef, REPLICATED_KINDS, podTemplatesOf, templateLabels } from './pod-templates';
import { apiGroupOf } from '../model/api-group';
import { pointer } from './violation';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyObject = Record<string, any>;

/** How many pods a pod set keeps at least, and which field says so. */
export interface MinReplicas {
  readonly count: number;
  /** The object whose field sets the count: an HPA, or the workload itself. */
  readonly source: RenderedObject;
  /** JSON pointer of that field (it may be absent: the default then applies). */
  readonly path: string;
}

/**
 * Pods of one template, as they run: a Deployment rendered with `replicas: 0` whose template a
 * Rollout runs through `workloadRef` is one pod set with the Rollout as its runner.
 */
export interface PodSet {
  readonly template: PodTemplateRef;
  /** The object whose replicas run the pods (the Rollout for a workloadRef'd Deployment). */
  readonly runner: RenderedObject;
  /** Undefined for kinds without replicas (DaemonSet, Job, CronJob, Pod). */
  readonly minReplicas?: MinReplicas;
  /** False for a workload rendered with `replicas: 0` that no Rollout runs. */
  readonly runsPods: boolean;
}

export class NamespaceIndex {
  readonly objects: RenderedObject[] = [];
  readonly templates: PodTemplateRef[] = [];
  readonly podSets: PodSet[] = [];
  private readonly byKind = new Map<string, RenderedObject[]>();
  private readonly byKindName = new Map<string, RenderedObject>();

  constructor(readonly namespace: string) {}

  add(r: RenderedObject): void {
    this.objects.push(r);
    const kind = r.object.kind;
    let list = this.byKind.get(kind);
    if (!list) this.byKind.set(kind, (list = []));
    list.push(r);
    const key = `${kind}/${r.object.metadata?.name}`;
    if (!this.byKindName.has(key)) this.byKindName.set(key, r); // duplicates are reported by their own check
    this.templates.push(...podTemplatesOf(r));
  }

  ofKind(kind: string): readonly RenderedObject[] {
    return this.byKind.get(kind) ?? [];
  }

  get(kind: string, name: string | undefined): RenderedObject | undefined {
    return name === undefined ? undefined : this.byKindName.get(`${kind}/${name}`);
  }
}

export class EnvironmentIndex {
  readonly namespaces = new Map<string, NamespaceIndex>();
  /** Cluster-scoped objects (and objects without a namespace). */
  readonly clusterScoped: NamespaceIndex = new NamespaceIndex('');
  private readonly podSetByOwner = new Map<RenderedObject, PodSet>();

  constructor(
    readonly name: string,
    readonly objects: readonly RenderedObject[],
    /** The environment's config, when the gate was given it. */
    readonly environment: Environment | undefined,
  ) {
    for (const r of objects) this.namespace(r.object.metadata?.namespace).add(r);
    for (const ns of this.allNamespaces()) this.derivePodSets(ns);
  }

  namespace(name: string | undefined): NamespaceIndex {
    if (!name) return this.clusterScoped;
    let ns = this.namespaces.get(name);
    if (!ns) this.namespaces.set(name, (ns = new NamespaceIndex(name)));
    return ns;
  }

  /** An existing namespace's index, without creating one. */
  lookupNamespace(name: string): NamespaceIndex | undefined {
    return this.namespaces.get(name);
  }

  allNamespaces(): NamespaceIndex[] {
    return [this.clusterScoped, ...this.namespaces.values()];
  }

  get templates(): PodTemplateRef[] {
    return this.allNamespaces().flatMap((ns) => ns.templates);
  }

  /** The pod set of a template's owner (the Deployment or the Rollout it is run by). */
  podSetOf(owner: RenderedObject): PodSet | undefined {
    return this.podSetByOwner.get(owner);
  }

  /**
   * The object a reference (HPA scaleTargetRef, VPA targetRef, workloadRef) resolves to, in a
   * namespace, or undefined. The API group must match when the reference names one.
   */
  resolve(ns: NamespaceIndex, ref: AnyObject | undefined): RenderedObject | undefined {
    if (!ref || typeof ref !== 'object') return undefined;
    const found = ns.get(ref.kind, ref.name);
    if (!found) return undefined;
    if (ref.apiVersion !== undefined && apiGroupOf(ref.apiVersion) !== apiGroupOf(found.object.apiVersion)) return undefined;
    return found;
  }

  private derivePodSets(ns: NamespaceIndex): void {
    // Deployments a Rollout runs through workloadRef: the Rollout is their runner.
    const rolloutOf = new Map<RenderedObject, RenderedObject>();
    for (const rollout of ns.ofKind('Rollout')) {
      if (apiGroupOf(rollout.object.apiVersion) !== 'argoproj.io') continue;
      const ref = (rollout.object as AnyObject).spec?.workloadRef;
      const target = this.resolve(ns, ref);
      if (target) rolloutOf.set(target, rollout);
    }
    // HPAs by the object they scale.
    const hpaOf = new Map<RenderedObject, RenderedObject>();
    for (const hpa of ns.ofKind('HorizontalPodAutoscaler')) {
      const target = this.resolve(ns, (hpa.object as AnyObject).spec?.scaleTargetRef);
      if (target && !hpaOf.has(target)) hpaOf.set(target, hpa);
    }
    for (const template of ns.templates) {
      const owner = template.owner;
      const runner = rolloutOf.get(owner) ?? owner;
      const runnerSpec = (runner.object as AnyObject).spec ?? {};
      let minReplicas: MinReplicas | undefined;
      if (REPLICATED_KINDS.has(runner.object.kind)) {
        const hpa = hpaOf.get(runner) ?? hpaOf.get(owner);
        if (hpa) {
          const min = (hpa.object as AnyObject).spec?.minReplicas;
          minReplicas = { count: typeof min === 'number' ? min : 1, source: hpa, path: pointer('spec', 'minReplicas') };
        } else {
          const replicas = runnerSpec.replicas;
          minReplicas = { count: typeof replicas === 'number' ? replicas : 1, source: runner, path: pointer('spec', 'replicas') };
        }
      }
      const ownReplicas = (owner.object as AnyObject).spec?.replicas;
      const runsPods = runner !== owner || ownReplicas !== 0;
      const set: PodSet = { template, runner, minReplicas, runsPods };
      ns.podSets.push(set);
      this.podSetByOwner.set(owner, set);
      if (runner !== owner) this.podSetByOwner.set(runner, set);
    }
  }
}

/** Pod sets of a namespace that run pods and whose labels a selector predicate accepts. */
export function selectedPodSets(ns: NamespaceIndex, accepts: (labels: Record<string, string>) => boolean): PodSet[] {
  return ns.podSets.filter((s) => s.runsPods && accepts(templateLabels(s.template)));
}
