/**
 * Workflow-level rules on how the server processes are sized, scaled and stopped (called from
 * checkWorkflowSettings): an opted-in memory target says why, the shutdown numbers agree for the
 * API and the workers, and the connections they may open fit the workflow's database share.
 */
import type { Environment, WorkflowSettings } from '../schema';
import type { SemanticIssue } from '../semantic-issue';
import { shutdownTiming } from '../../constructs/shutdown';
import { checkConnectionBudget } from './database';
import { workerScaling } from './queue-workers';
import { workflowCapacity } from './capacity';

export function checkServerSizing(s: WorkflowSettings, env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const a = s.autoscaling;
  if (a.memoryUtilization !== undefined && !a.memoryUtilizationReason) {
    issues.push({
      path: ['autoscaling', 'memoryUtilization'], value: a.memoryUtilization,
      message: 'a memory target pins a Python server at maxReplicas (its memory does not fall when load does); remove autoscaling.memoryUtilization, or keep it on purpose with autoscaling.memoryUtilizationReason',
    });
  }

  const pods: [string, (string | number)[], number][] = [['API', ['terminationGracePeriodSeconds'], s.terminationGracePeriodSeconds]];
  if (s.workers.enabled) pods.push(['workers', ['workers', 'terminationGracePeriodSeconds'], s.workers.terminationGracePeriodSeconds ?? s.terminationGracePeriodSeconds]);
  for (const [who, path, grace] of pods) {
    try {
      shutdownTiming(grace, s.shutdownMarginSeconds, env.mesh.enabled ? env.mesh.terminationDrainSeconds : undefined);
    } catch (e) {
      issues.push({ path, value: grace, message: `(${who}) ${(e as Error).message}` });
    }
  }

  if (s.capacity) {
    const merged = workflowCapacity(env.capacity, s.capacity);
    if (!merged.success) {
      for (const zi of merged.error.issues) {
        issues.push({ path: ['capacity', ...zi.path.filter((k): k is string | number => typeof k !== 'symbol')], value: undefined, message: `${zi.message} (merged over the environment's capacity block)` });
      }
    }
  }

  const workerMax = s.workers.enabled ? workerScaling(s.workers, env.keda.enabled).maxReplicas : 0;
  // KEDA's postgresql scaler opens one connection per poll of the workers' ScaledObject.
  const kedaConnections = s.workers.enabled && env.keda.enabled ? 1 : 0;
  issues.push(...checkConnectionBudget(s, env, workerMax, kedaConnections));
  return issues;
}
