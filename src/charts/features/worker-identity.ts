/** The queue workers' identity (label contract), shared by the features that select their pods. */
import { WorkflowContext } from '../context';
import { ComponentIdentity, selectorLabels } from '../../constructs/labels';

export function workerIdentity(ctx: WorkflowContext): ComponentIdentity {
  return { workflow: ctx.workflow.name, app: 'langgraph-worker', component: 'worker' };
}

/** `<workflow>-worker`: the Deployment, its ServiceAccount, PDB, autoscaler and PodMonitor. */
export function workerName(ctx: WorkflowContext): string {
  return `${ctx.workflow.name}-worker`;
}

export function workerSelector(ctx: WorkflowContext): Record<string, string> {
  return selectorLabels(workerIdentity(ctx));
}
