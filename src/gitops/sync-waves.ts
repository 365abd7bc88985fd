/**
 * Argo CD sync waves, an aspect of the construct tree. Argo CD applies wave by wave, lowest first, and
 * starts a wave only when the previous one is healthy; inside a wave it orders by kind (core kinds
 * first, custom resources last). The waves make the order that matters explicit:
 *
 *   -2  Namespace: everything else lives in one. PriorityClass: cluster-scoped, needs nothing, and
 *       the Priority admission plugin refuses every pod naming a class that does not exist yet.
 *   -1  What a pod or a controller reads the moment it starts, and the policies that must guard a
 *       pod from its first second: ServiceAccount, ConfigMap, ExternalSecret (the Secret it
 *       materializes), Role, RoleBinding, NetworkPolicy, PeerAuthentication, AuthorizationPolicy,
 *       RequestAuthentication (the JWT check the ALLOW policy relies on), AnalysisTemplate.
 *    0  Everything else (default, not annotated): Services, Deployments, routing, monitors, ….
 *    1  What acts on wave-0 objects: the Rollout (it needs its Services, VirtualService, analysis
 *       templates and its `workloadRef` Deployment) and the autoscalers (HPA, KEDA ScaledObject,
 *       VPA), whose scale targets must exist or they report failures.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { KubeObject } from '../model/kube-object';
import { IAspect } from '../util/aspects';
import { apiGroupOf, groupKindKey } from '../model/api-group';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Wave by `Kind.group` (kubectl's notation; core kinds have no group). Unlisted kinds: wave 0. */
export const SYNC_WAVES: Readonly<Record<string, number>> = {
  Namespace: -2,
  'PriorityClass.scheduling.k8s.io': -2,

  ServiceAccount: -1,
  ConfigMap: -1,
  'ExternalSecret.external-secrets.io': -1,
  'Role.rbac.authorization.k8s.io': -1,
  'RoleBinding.rbac.authorization.k8s.io': -1,
  'NetworkPolicy.networking.k8s.io': -1,
  'PeerAuthentication.security.istio.io': -1,
  'AuthorizationPolicy.security.istio.io': -1,
  'RequestAuthentication.security.istio.io': -1,
  'AnalysisTemplate.argoproj.io': -1,

  'Rollout.argoproj.io': 1,
  'HorizontalPodAutoscaler.autoscaling': 1,
  'ScaledObject.keda.sh': 1,
  'VerticalPodAutoscaler.autoscaling.k8s.io': 1,
};

/** The wave Argo CD will use for the object: its annotation if it has one, else 0. */
export function syncWaveOf(o: KubeObject): number {
  const annotated = o.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
  return annotated === undefined ? 0 : Number.parseInt(annotated, 10);
}

/** The wave the table gives the object's kind (0 when unlisted). */
export function plannedSyncWave(o: Pick<KubeObject, 'apiVersion' | 'kind'>, waves: Readonly<Record<string, number>> = SYNC_WAVES): number {
  return waves[groupKindKey({ group: apiGroupOf(o.apiVersion), kind: o.kind })] ?? 0;
}

export interface SyncWavesProps {
  /** Wave by `Kind.group`; unlisted kinds get wave 0 (no annotation). @default SYNC_WAVES */
  readonly waves?: Readonly<Record<string, number>>;
}

/**
 * Aspect: annotates every object whose kind has a non-zero wave. An object that already carries a
 * wave keeps it (a construct may know better); wave-0 objects stay unannotated, so diffs stay small.
 * `Aspects.of(chart).add(new SyncWaves())`.
 */
export class SyncWaves implements IAspect {
  private readonly waves: Readonly<Record<string, number>>;

  constructor(props: SyncWavesProps = {}) {
    this.waves = props.waves ?? SYNC_WAVES;
  }

  public visit(node: IConstruct): void {
    if (!ApiObject.isApiObject(node)) return;
    const wave = plannedSyncWave(node, this.waves);
    if (wave === 0 || node.metadata.toJson().annotations?.[SYNC_WAVE_ANNOTATION] !== undefined) return;
    node.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
  }
}
