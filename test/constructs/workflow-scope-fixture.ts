/** The workflow scope the construct tests build in: workflow `wf`, namespace `wf`, owner `team`. */
import { Chart } from 'cdk8s';
import { WorkflowScope } from '../../src/constructs/workflow-scope';

export const TEST_WORKFLOW = { workflow: 'wf', version: '1.0.0', ownerTeam: 'team', ownerEmail: 'team@example.com' };

/** The chart's one WorkflowScope (made on first use), the scope every workflow construct needs. */
export function inWorkflow(chart: Chart): WorkflowScope {
  const existing = chart.node.tryFindChild('Workflow');
  if (existing && WorkflowScope.isWorkflowScope(existing)) return existing;
  return new WorkflowScope(chart, 'Workflow', { ...TEST_WORKFLOW, namespace: 'wf' });
}
