import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import {
  Rollout,
  RolloutSpecStrategyCanaryMaxSurge,
  RolloutSpecStrategyCanaryMaxUnavailable,
  RolloutSpecStrategyCanarySteps,
  RolloutSpecStrategyCanaryStepsPauseDuration,
} from '../../imports/rollouts-rollout-argoproj.io';
import type { IScalable, ScaleTarget } from './autoscaler';
import type { LangGraphWorkload } from './langgraph-workload';
import type { ApiService } from './api-service';
import type { ApiVirtualService } from './api-virtual-service';
import type { CanaryAnalysisTemplate } from './analysis-template';
import { ComponentIdentity } from './labels';

export interface CanaryStep {
  /** Share of traffic (1–100) sent to the canary at this step. */
  readonly setWeight: number;
  /** Pause after the step, in seconds. @default - no pause */
  readonly pauseSeconds?: number;
}

export interface CanaryRolloutProps {
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** The Deployment whose pod template (and selector) the Rollout runs; rendered with `replicas: 0`. */
  readonly workload: LangGraphWorkload;
  /**
   * How the controller scales the Deployment down: `never` (it is rendered with `replicas: 0`) or
   * `progressively` (a hand-over from a serving Deployment: scaled down as the Rollout's pods
   * become ready, back up if the Rollout fails; Argo Rollouts acts on revision 1 only).
   * @default 'never'
   */
  readonly scaleDown?: 'never' | 'progressively';
  readonly stableService: ApiService;
  readonly canaryService: ApiService;
  /** The VirtualService whose route (its `routeName`) Argo Rollouts rewrites. */
  readonly virtualService: ApiVirtualService;
  readonly steps: readonly CanaryStep[];
  /** AnalysisTemplates run in the background from the first step; a failure aborts, an inconclusive run pauses. */
  readonly analysisTemplates: readonly CanaryAnalysisTemplate[];
  /**
   * Analysis arguments filled with a pod-template hash: `Latest` is the canary's, `Stable` the
   * stable pods'. E.g. `{ 'canary-hash': 'Latest' }`. @default none
   */
  readonly podTemplateHashArgs?: Readonly<Record<string, 'Latest' | 'Stable'>>;
  /** Extra pods during an update; with traffic routing no stable pod is taken down early. @default 1 */
  readonly maxSurge?: number;
}

/**
 * Argo Rollouts canary over the workload's Deployment (`workloadRef`), with Istio host-level
 * traffic splitting and background analysis. The pod template stays in the Deployment, where
 * static checkers (kube-linter, kube-score, Checkov, Polaris) and Pod Security admission's
 * warn/audit modes can see it; the Deployment itself runs no pods.
 */
export class CanaryRollout extends Construct implements IScalable {
  public readonly name: string;
  public readonly scaleTargetRef: ScaleTarget;
  public static readonly API_VERSION = 'argoproj.io/v1alpha1';
  public static readonly KIND = 'Rollout';

  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    this.name = props.name;
    this.scaleTargetRef = { apiVersion: CanaryRollout.API_VERSION, kind: CanaryRollout.KIND, name: props.name };
    if (props.stableService.name === props.canaryService.name) {
      throw new Error(`Rollout ${props.name}: stableService and canaryService must differ (both are "${props.stableService.name}")`);
    }
    const steps: RolloutSpecStrategyCanarySteps[] = [];
    for (const s of props.steps) {
      steps.push({ setWeight: s.setWeight });
      if (s.pauseSeconds !== undefined) steps.push({ pause: { duration: RolloutSpecStrategyCanaryStepsPauseDuration.fromString(`${s.pauseSeconds}s`) } });
    }
    new Rollout(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { identity: props.identity }),
      spec: {
        // No `replicas`: the HPA scales the Rollout through its scale subresource.
        selector: { matchLabels: { ...props.workload.selector } },
        // `never`: dist/ renders the Deployment with replicas 0 and Git owns that field; `progressively`
        // only for a hand-over from rolling (the Deployment then has no replicas in Git).
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.workload.name, scaleDown: props.scaleDown ?? 'never' },
        revisionHistoryLimit: 5,
        strategy: {
          canary: {
            stableService: props.stableService.name,
            canaryService: props.canaryService.name,
            maxSurge: RolloutSpecStrategyCanaryMaxSurge.fromNumber(props.maxSurge ?? 1),
            maxUnavailable: RolloutSpecStrategyCanaryMaxUnavailable.fromNumber(0),
            trafficRouting: {
              istio: { virtualService: { name: props.virtualService.name, routes: [props.virtualService.routeName] } },
            },
            analysis: {
              templates: props.analysisTemplates.map((t) => ({ templateName: t.name })),
              ...(props.podTemplateHashArgs && Object.keys(props.podTemplateHashArgs).length
                ? { args: Object.entries(props.podTemplateHashArgs).map(([name, which]) => ({ name, valueFrom: { podTemplateHashValue: which } })) }
                : {}),
            },
            steps,
          },
        },
      },
    });
  }
}
