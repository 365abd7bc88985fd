/**
 * What the controllers made of one environment's applied objects: pure functions over the cluster's
 * state (`kubectl get … -o json`) and the rendered objects, so the unit tests run them on real
 * rendered objects from dist/ without a cluster.
 *
 * Judged: every Deployment and StatefulSet has its live replica count ready (the HPA may have raised
 * a Deployment to its minimum), its pods meet the rendered topologySpreadConstraints (DoNotSchedule
 * ones must hold; ScheduleAnyway ones are reported, the scheduler may break them); every PDB is
 * observed by the disruption controller and expects exactly the pods its selector matches; every
 * HPA is observed by its controller, which read its target's scale (AbleToScale), and an HPA over a
 * Deployment holds at least its minimum. An HPA over a Rollout and the Rollouts themselves are
 * judged only when the Rollouts controller runs (`rolloutsController`); otherwise their state is
 * reported as it is.
 */
import { LabelSelector, Labels, selectorMatches } from '../../src/model/label-selector';
import { KubernetesObject } from '../ci/manifest-files';
import { NodeInfo, PlacementSpec, PodInfo, SpreadResult, describeCounts, judgeSpread } from './zone-spread';

/* eslint-disable @typescript-eslint/no-explicit-any -- live objects are read loosely, field by field */
type Obj = Record<string, any>;

/** Kinds applied here whose controller does not run in the behaviour cluster, and which controller that is. */
export const NOT_EXERCISED: Readonly<Record<string, string>> = {
  ScaledObject: 'KEDA',
  ExternalSecret: 'External Secrets',
  VirtualService: 'Istio', Gateway: 'Istio', DestinationRule: 'Istio', ServiceEntry: 'Istio', Sidecar: 'Istio',
  EnvoyFilter: 'Istio', PeerAuthentication: 'Istio', AuthorizationPolicy: 'Istio', RequestAuthentication: 'Istio',
  PodMonitor: 'Prometheus operator', PrometheusRule: 'Prometheus operator',
  VerticalPodAutoscaler: 'VPA recommender',
  HTTPRoute: 'Istio', Ingress: 'ingress-nginx',
  NetworkPolicy: 'a CNI that enforces it',
  Rollout: 'Argo Rollouts', AnalysisTemplate: 'Argo Rollouts',
};
const ROLLOUT_KINDS = new Set(['Rollout', 'AnalysisTemplate']);

export interface JudgeOptions {
  /** The Argo Rollouts controller runs: Rollouts must be ready and their HPAs hold their minimum. @default false */
  readonly rolloutsController?: boolean;
}

export interface WorkloadRow {
  readonly kind: string; readonly namespace: string; readonly name: string;
  /** spec.replicas as rendered (undefined: not rendered, the API default 1 applies). */
  readonly rendered?: number;
  readonly want: number; readonly ready: number;
  readonly note?: string;
  readonly ok: boolean;
}
export interface SpreadRow { readonly workload: string; readonly result: SpreadResult; readonly ok: boolean }
export interface PdbRow { readonly namespace: string; readonly name: string; readonly expectedPods?: number; readonly matching: number; readonly currentHealthy?: number; readonly disruptionsAllowed?: number; readonly ok: boolean; readonly note?: string }
export interface HpaRow { readonly namespace: string; readonly name: string; readonly target: string; readonly min: number; readonly max: number; readonly current?: number; readonly desired?: number; readonly targetReplicas?: number; readonly conditions: string; readonly ok: boolean; readonly note?: string }

export interface EnvJudgement {
  readonly applied: number;
  readonly workloads: readonly WorkloadRow[];
  readonly spread: readonly SpreadRow[];
  /** Running pods per zone (every namespace). */
  readonly podsPerZone: Readonly<Record<string, number>>;
  readonly pdbs: readonly PdbRow[];
  readonly hpas: readonly HpaRow[];
  /** Kind → (count, controller) of the applied kinds nothing reconciles here. */
  readonly notExercised: Readonly<Record<string, { count: number; controller: string }>>;
  readonly failures: readonly string[];
}

const key = (o: Obj) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const ofKind = (items: readonly Obj[], kind: string) => items.filter((o) => o.kind === kind);

export function nodeInfos(items: readonly Obj[]): NodeInfo[] {
  return ofKind(items, 'Node').map((n) => ({ name: n.metadata.name, labels: n.metadata.labels ?? {}, taints: n.spec?.taints ?? [] }));
}

export function podInfos(items: readonly Obj[]): PodInfo[] {
  return ofKind(items, 'Pod').map((p) => ({
    namespace: p.metadata.namespace, name: p.metadata.name, labels: p.metadata.labels ?? {},
    nodeName: p.spec?.nodeName, terminating: p.metadata.deletionTimestamp !== undefined,
  }));
}

function podReady(p: Obj): boolean {
  return p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

/** The pods a workload owns: directly (StatefulSet) or through its ReplicaSets (Deployment, Rollout). */
export function ownedPods(workload: Obj, items: readonly Obj[]): Obj[] {
  const uid = workload.metadata?.uid;
  const owners = new Set([uid, ...ofKind(items, 'ReplicaSet')
    .filter((rs) => (rs.metadata?.ownerReferences ?? []).some((r: Obj) => r.uid === uid)).map((rs) => rs.metadata.uid)]);
  return ofKind(items, 'Pod').filter((p) => (p.metadata?.ownerReferences ?? []).some((r: Obj) => owners.has(r.uid)));
}

/** What is not yet settled: workloads short of ready, PDBs and HPAs their controllers have not observed. Empty when done. */
export function pending(items: readonly Obj[], options: JudgeOptions = {}): string[] {
  const out: string[] = [];
  for (const w of [...ofKind(items, 'Deployment'), ...ofKind(items, 'StatefulSet'), ...(options.rolloutsController ? ofKind(items, 'Rollout') : [])]) {
    const want = w.spec?.replicas ?? 1;
    if ((w.status?.observedGeneration ?? 0) < (w.metadata?.generation ?? 1)) out.push(`${w.kind} ${key(w)}: generation not observed`);
    else if ((w.status?.readyReplicas ?? 0) !== want || (w.status?.replicas ?? 0) !== want) out.push(`${w.kind} ${key(w)}: ${w.status?.readyReplicas ?? 0}/${want} ready`);
  }
  for (const p of ofKind(items, 'PodDisruptionBudget')) {
    if ((p.status?.observedGeneration ?? 0) < (p.metadata?.generation ?? 1)) out.push(`PodDisruptionBudget ${key(p)}: not observed`);
  }
  for (const h of ofKind(items, 'HorizontalPodAutoscaler')) {
    // Reconciled: it read its target's scale (AbleToScale) and then tried its metrics (ScalingActive),
    // or could not read the scale, after which the controller sets nothing more. "no matches for kind"
    // is not a verdict: the controller-manager's discovery cache predates a CRD and is refreshed every
    // 30 s, so the HPA is read again then.
    const cond = (t: string) => (h.status?.conditions ?? []).find((c: Obj) => c.type === t);
    const able = cond('AbleToScale');
    if (!able) out.push(`HorizontalPodAutoscaler ${key(h)}: no conditions yet`);
    else if (able.status === 'True' && !cond('ScalingActive')) out.push(`HorizontalPodAutoscaler ${key(h)}: metrics not tried yet`);
    else if (able.status === 'False' && /no matches for kind/.test(able.message ?? '')) out.push(`HorizontalPodAutoscaler ${key(h)}: its target's kind not yet discovered`);
  }
  return out;
}

/** `Type=Status/Reason …`; an HPA that cannot read its target's scale says why (the message names the missing field). */
function conditionsOf(o: Obj): string {
  return (o.status?.conditions ?? []).map((c: Obj) => `${c.type}=${c.status}/${c.reason}${c.type === 'AbleToScale' && c.status === 'False' && c.message ? ` ("${c.message}")` : ''}`).join(' ');
}

/** Judges one environment: `items` from the cluster, `applied` the rendered objects that were applied. */
export function judge(items: readonly Obj[], applied: readonly KubernetesObject[], options: JudgeOptions = {}): EnvJudgement {
  const failures: string[] = [];
  const nodes = nodeInfos(items);
  const pods = podInfos(items);
  const renderedBy = new Map(applied.map((o) => [`${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o as Obj]));
  const hpas = ofKind(items, 'HorizontalPodAutoscaler');
  const hpaFor = (kind: string, o: Obj) => hpas.find((h) => h.metadata.namespace === o.metadata.namespace
    && h.spec?.scaleTargetRef?.kind === kind && h.spec?.scaleTargetRef?.name === o.metadata.name);
  const scaledObjects = applied.filter((o) => o.kind === 'ScaledObject') as Obj[];

  const workloads: WorkloadRow[] = [];
  const spread: SpreadRow[] = [];
  const kinds = ['Deployment', 'StatefulSet', ...(options.rolloutsController ? ['Rollout'] : [])];
  for (const kind of kinds) {
    for (const w of ofKind(items, kind)) {
      const rendered: number | undefined = renderedBy.get(`${kind}/${key(w).replace('/', '/')}`)?.spec?.replicas;
      const want: number = w.spec?.replicas ?? 1;
      const ready: number = w.status?.readyReplicas ?? 0;
      const notes: string[] = [];
      let ok = ready === want && (w.status?.replicas ?? 0) === want;
      if (!ok) failures.push(`${kind} ${key(w)}: ${ready}/${want} replicas ready`);
      const hpa = hpaFor(kind, w);
      if (hpa) {
        const min = hpa.spec?.minReplicas ?? 1;
        notes.push(`HPA ${hpa.metadata.name} min ${min}`);
        if (want < min) { ok = false; failures.push(`${kind} ${key(w)}: ${want} replicas, below its HPA's minimum ${min}`); }
      }
      if (rendered === undefined) notes.push('replicas not rendered');
      const so = scaledObjects.find((s) => s.metadata?.namespace === w.metadata.namespace && s.spec?.scaleTargetRef?.name === w.metadata.name);
      if (so) notes.push(`KEDA ScaledObject ${so.metadata.name} owns the count (not exercised)`);
      const rollout = ofKind(items, 'Rollout').find((r) => r.metadata.namespace === w.metadata.namespace && r.spec?.workloadRef?.name === w.metadata.name && kind === 'Deployment');
      if (rollout) notes.push(`Rollout ${rollout.metadata.name} runs these pods (workloadRef)`);
      workloads.push({ kind, namespace: w.metadata.namespace, name: w.metadata.name, rendered, want, ready, note: notes.join('; ') || undefined, ok });

      // The spread of the pods this workload owns, by its template's constraints.
      const template: PlacementSpec | undefined = (kind === 'Rollout' && w.spec?.workloadRef)
        ? ofKind(items, 'Deployment').find((d) => d.metadata.namespace === w.metadata.namespace && d.metadata.name === w.spec.workloadRef.name)?.spec?.template?.spec
        : w.spec?.template?.spec;
      if (!template || ownedPods(w, items).length === 0) continue;
      for (const result of judgeSpread(template, w.metadata.namespace, pods, nodes)) {
        const hard = result.constraint.whenUnsatisfiable === 'DoNotSchedule';
        const rowOk = result.holds || !hard;
        if (!rowOk) failures.push(`${kind} ${key(w)}: skew ${result.skew} over ${result.constraint.topologyKey} (${describeCounts(result.counts)}) exceeds maxSkew ${result.constraint.maxSkew} (DoNotSchedule)`);
        spread.push({ workload: `${kind} ${key(w)}`, result, ok: rowOk });
      }
    }
  }

  const zoneOf = new Map(nodes.map((n) => [n.name, n.labels['topology.kubernetes.io/zone'] ?? '(no zone)']));
  const podsPerZone: Record<string, number> = {};
  for (const z of [...new Set(zoneOf.values())].sort()) podsPerZone[z] = 0;
  for (const p of ofKind(items, 'Pod')) if (podReady(p) && p.spec?.nodeName) podsPerZone[zoneOf.get(p.spec.nodeName) ?? '(unknown node)'] = (podsPerZone[zoneOf.get(p.spec.nodeName) ?? '(unknown node)'] ?? 0) + 1;

  const pdbs: PdbRow[] = ofKind(items, 'PodDisruptionBudget').map((p) => {
    const matching = pods.filter((x) => x.namespace === p.metadata.namespace && !x.terminating && selectorMatches(p.spec?.selector as LabelSelector, x.labels as Labels)).length;
    const observed = (p.status?.observedGeneration ?? 0) >= (p.metadata?.generation ?? 1);
    const ok = observed && p.status?.expectedPods === matching;
    if (!observed) failures.push(`PodDisruptionBudget ${key(p)}: status.observedGeneration ${p.status?.observedGeneration} < generation ${p.metadata?.generation}`);
    else if (!ok) failures.push(`PodDisruptionBudget ${key(p)}: expects ${p.status?.expectedPods} pods, its selector matches ${matching}`);
    return { namespace: p.metadata.namespace, name: p.metadata.name, expectedPods: p.status?.expectedPods, matching, currentHealthy: p.status?.currentHealthy, disruptionsAllowed: p.status?.disruptionsAllowed, ok, note: conditionsOf(p) || undefined };
  });

  const hpaRows: HpaRow[] = hpas.map((h) => {
    const ref = h.spec?.scaleTargetRef ?? {};
    const target = ofKind(items, ref.kind).find((o) => o.metadata.namespace === h.metadata.namespace && o.metadata.name === ref.name);
    const min = h.spec?.minReplicas ?? 1;
    const cond = (t: string) => (h.status?.conditions ?? []).find((c: Obj) => c.type === t);
    const observed = cond('AbleToScale') !== undefined;
    const ableToScale = cond('AbleToScale')?.status === 'True';
    let ok = observed;
    let note: string | undefined;
    if (!observed) failures.push(`HorizontalPodAutoscaler ${key(h)}: no AbleToScale condition (not reconciled)`);
    const judged = ref.kind !== 'Rollout' || options.rolloutsController;
    if (!target) {
      ok = false; failures.push(`HorizontalPodAutoscaler ${key(h)}: its target ${ref.kind} ${ref.name} does not exist`);
    } else if (judged) {
      if (!ableToScale) { ok = false; failures.push(`HorizontalPodAutoscaler ${key(h)}: AbleToScale is not True (${conditionsOf(h)})`); }
      if ((target.spec?.replicas ?? 0) < min) { ok = false; failures.push(`HorizontalPodAutoscaler ${key(h)}: ${ref.kind} ${ref.name} has ${target.spec?.replicas ?? 0} replicas, below minReplicas ${min}`); }
    } else {
      note = 'Rollout target: the Rollouts controller does not run here, so its scale is reported, not judged';
    }
    return { namespace: h.metadata.namespace, name: h.metadata.name, target: `${ref.kind}/${ref.name}`, min, max: h.spec?.maxReplicas, current: h.status?.currentReplicas, desired: h.status?.desiredReplicas, targetReplicas: target?.spec?.replicas, conditions: conditionsOf(h), ok, note };
  });

  const notExercised: Record<string, { count: number; controller: string }> = {};
  for (const o of applied) {
    const kind = String(o.kind);
    const controller = NOT_EXERCISED[kind];
    if (!controller || (options.rolloutsController && ROLLOUT_KINDS.has(kind))) continue;
    notExercised[kind] = { count: (notExercised[kind]?.count ?? 0) + 1, controller };
  }
  return { applied: applied.length, workloads, spread, podsPerZone, pdbs, hpas: hpaRows, notExercised, failures };
}

/** Short names of the usual topology keys in the report. */
const SHORT_KEYS: Readonly<Record<string, string>> = {
  'topology.kubernetes.io/zone': 'zone', 'kubernetes.io/hostname': 'node', 'karpenter.sh/capacity-type': 'capacity',
};

/** The report's lines for one environment: one per workload (with its spread), PDB and HPA. */
export function formatJudgement(env: string, j: EnvJudgement): string[] {
  const out: string[] = [];
  const ready = j.workloads.filter((w) => w.ok).length;
  out.push(`${env}: ${j.applied} objects applied; workloads ready ${ready}/${j.workloads.length}; ready pods per zone: ${describeCounts(j.podsPerZone)}`);
  for (const w of j.workloads) {
    const spread = j.spread.filter((s) => s.workload === `${w.kind} ${w.namespace}/${w.name}`).map((s) => {
      const c = s.result.constraint;
      const verdict = s.result.notJudged ? `not judged: ${s.result.notJudged}` : `skew ${s.result.skew} ${s.result.holds ? '≤' : '>'} ${c.maxSkew} ${c.whenUnsatisfiable}${s.result.holds ? '' : s.ok ? ', allowed' : ''}`;
      return `${SHORT_KEYS[c.topologyKey] ?? c.topologyKey} ${Object.values(s.result.counts).join('/')} (${verdict})`;
    });
    const ok = w.ok && j.spread.filter((s) => s.workload === `${w.kind} ${w.namespace}/${w.name}`).every((s) => s.ok);
    out.push(`  ${ok ? 'ok ' : 'BAD'} ${w.kind} ${w.namespace}/${w.name}: ${w.ready}/${w.want} ready (rendered ${w.rendered ?? 'unset'}${w.note ? `; ${w.note}` : ''})${spread.length ? `; ${spread.join(', ')}` : ''}`);
  }
  for (const p of j.pdbs) {
    out.push(`  ${p.ok ? 'ok ' : 'BAD'} PDB ${p.namespace}/${p.name}: expectedPods ${p.expectedPods} (selector matches ${p.matching}), healthy ${p.currentHealthy}, disruptionsAllowed ${p.disruptionsAllowed}`);
  }
  for (const h of j.hpas) {
    out.push(`  ${h.ok ? 'ok ' : 'BAD'} HPA ${h.namespace}/${h.name} → ${h.target} (min ${h.min}, max ${h.max}; target replicas ${h.targetReplicas ?? 'unset'}): ${h.conditions || 'no conditions'}${h.note ? `; ${h.note}` : ''}`);
  }
  const ne = Object.entries(j.notExercised).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ×${v.count} (${v.controller})`);
  if (ne.length) out.push(`  not exercised (accepted by the API server, no controller here): ${ne.join(', ')}`);
  for (const f of j.failures) out.push(`  FAIL ${f}`);
  return out;
}
