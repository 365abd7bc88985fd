import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { WorkflowScope, objectMetadata } from '../../src/constructs/workflow-scope';
import { ApiService } from '../../src/constructs/api-service';

const identity = { workflow: 'wf', app: 'langgraph-api', component: 'api' };
const scopeIn = (chart: Chart, namespace?: string) =>
  new WorkflowScope(chart, 'Workflow', { workflow: 'wf', version: '2.1.0', ownerTeam: 'team', ownerEmail: 'team@example.com', capacityProfile: 'small', namespace });

test('a construct outside any workflow scope is refused, naming where to create it', () => {
  const chart = new Chart(Testing.app(), 'c');
  expect(() => new ApiService(chart, 'Svc', { name: 'wf-api', identity, selector: {} })).toThrow(/c\/Svc.*inside a LangGraphWorkflow or a WorkflowScope/);
});

test('the nearest scope wins, however deep the construct sits', () => {
  const chart = new Chart(Testing.app(), 'c');
  const outer = scopeIn(chart, 'outer');
  const inner = new WorkflowScope(new Construct(outer, 'Group'), 'Inner', { workflow: 'other', version: '1', ownerTeam: 't', ownerEmail: 't@example.com' });
  const leaf = new Construct(new Construct(inner, 'A'), 'B');
  expect(WorkflowScope.of(leaf)).toBe(inner);
  expect(WorkflowScope.of(leaf).namespace).toBe('other'); // the namespace defaults to the workflow name
  expect(WorkflowScope.of(new Construct(outer, 'C')).namespace).toBe('outer');
});

test('objectMetadata: the label contract, component selector labels, owner annotations; cluster-scoped objects get no namespace', () => {
  const chart = new Chart(Testing.app(), 'c');
  const scope = scopeIn(chart);
  expect(objectMetadata(scope, 'wf-api', { identity, labels: { extra: 'x' } })).toEqual({
    name: 'wf-api',
    namespace: 'wf',
    labels: {
      'app.kubernetes.io/instance': 'wf', 'app.kubernetes.io/part-of': 'wf', 'app.kubernetes.io/managed-by': 'cdk8s',
      'app.kubernetes.io/version': '2.1.0', owner: 'team', 'app.kubernetes.io/name': 'langgraph-api', 'app.kubernetes.io/component': 'api', extra: 'x',
    },
    annotations: { email: 'team@example.com', 'langgraph.platform/capacity-profile': 'small' },
  });
  expect(objectMetadata(scope, 'wf', { namespace: null }).namespace).toBeUndefined();
  expect(objectMetadata(scope, 'wf-dashboard', { namespace: 'monitoring' }).namespace).toBe('monitoring');
});
