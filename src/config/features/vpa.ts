/**
 * Vertical Pod Autoscaler for the API workload. Workflow level (`vpa`). Recommendation-only
 * (`updateMode: Off`) by default: the recommendations show up in `kubectl describe vpa` and in
 * kube-state-metrics, and inform the resources in config without touching running pods.
 */
import { z } from 'zod';
import { bytes, cpuMillicores } from '../../model/quantity';
import type { SemanticIssue } from '../semantic-issue';

/** Modes that let the VPA change pods; `Off` only recommends. */
export const VPA_ACTIVE_MODES = ['Initial', 'Recreate', 'InPlaceOrRecreate', 'Auto'] as const;
export const VPA_UPDATE_MODES = ['Off', ...VPA_ACTIVE_MODES] as const;
export type VpaUpdateMode = (typeof VPA_UPDATE_MODES)[number];

const cpu = z.string().regex(/^(\d+m|\d+(\.\d{1,3})?)$/, 'a cpu quantity such as "250m" or "1.5"');
const memory = z.string().regex(/^[1-9]\d*(Ki|Mi|Gi|Ti)$/, 'a byte quantity in binary units such as "256Mi"');
const bounds = z.strictObject({ cpu: cpu.optional().meta({ description: 'CPU quantity.' }), memory: memory.optional().meta({ description: 'Memory quantity.' }) });

const VPA_DEFAULTS = { enabled: false, updateMode: 'Off' as const, controlledResources: ['cpu' as const, 'memory' as const] };

export const vpaSchema = z
  .strictObject({
    enabled: z.boolean().default(false).meta({ description: 'Render a VerticalPodAutoscaler for the API Deployment.' }),
    updateMode: z.enum(VPA_UPDATE_MODES).default('Off').meta({ description: '`Off` recommends only. Any other mode is refused while the HPA scales on cpu or memory.' }),
    minAllowed: bounds.optional().meta({ description: 'Floor of the recommendation for the server container. Default: none.' }),
    maxAllowed: bounds.optional().meta({ description: 'Ceiling of the recommendation for the server container. Default: none.' }),
    controlledResources: z.array(z.enum(['cpu', 'memory'])).min(1).default(VPA_DEFAULTS.controlledResources).meta({ description: 'Resources the VPA recommends.' }),
  })
  .default(VPA_DEFAULTS);
export type VpaConfig = z.infer<typeof vpaSchema>;

export function isActiveVpaMode(mode: VpaUpdateMode): boolean {
  return mode !== 'Off';
}

/**
 * Whether the HPA scales on cpu or memory utilization: it does whenever a target is set, and the
 * config always sets cpu (autoscaling.cpuUtilization has a default; memoryUtilization is opt-in).
 */
export function hpaScalesOnResources(autoscaling: { readonly cpuUtilization?: number; readonly memoryUtilization?: number }): boolean {
  return (autoscaling.cpuUtilization ?? 0) > 0 || (autoscaling.memoryUtilization ?? 0) > 0;
}

/** Workflow-level rules (call from checkWorkflowSettings once `vpa` is mounted). */
export function checkVpa(settings: {
  readonly vpa: VpaConfig;
  readonly autoscaling: { readonly cpuUtilization: number; readonly memoryUtilization?: number };
}): SemanticIssue[] {
  const v = settings.vpa;
  if (!v.enabled) return [];
  const issues: SemanticIssue[] = [];
  const a = settings.autoscaling;
  if (isActiveVpaMode(v.updateMode) && hpaScalesOnResources(a)) {
    issues.push({
      path: ['vpa', 'updateMode'],
      value: v.updateMode,
      message: `"${v.updateMode}" lets the VPA resize pods while the HPA scales them on cpu (${a.cpuUtilization}%)${a.memoryUtilization === undefined ? '' : ` and memory (${a.memoryUtilization}%)`} utilization of those same requests: every VPA change moves the HPA's utilization and the two fight; use updateMode "Off" (recommendations only) and apply them to resources.requests in config`,
    });
  }
  for (const res of ['cpu', 'memory'] as const) {
    const min = v.minAllowed?.[res];
    const max = v.maxAllowed?.[res];
    if (min === undefined || max === undefined) continue;
    const parse = res === 'cpu' ? cpuMillicores : bytes;
    if (parse(min) > parse(max)) issues.push({ path: ['vpa', 'minAllowed', res], value: min, message: `exceeds vpa.maxAllowed.${res} (${max}); lower the floor or raise the ceiling` });
  }
  return issues;
}
