import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { QueueScaledObject, QueueScaledObjectProps } from '../../src/constructs/queue-scaled-object';
import { PENDING_RUNS_QUERY } from '../../src/config/features/queue-workers';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const props: QueueScaledObjectProps = {
  name: 'wf-worker', identity: { workflow: 'wf', app: 'langgraph-worker', component: 'worker' },
  deploymentName: 'wf-worker', containerName: 'worker', minReplicas: 1, maxReplicas: 12, pendingRunsPerReplica: 7,
  query: PENDING_RUNS_QUERY, pollingIntervalSeconds: 20,
  scaleUp: { stabilizationWindowSeconds: 0, percent: 100, periodSeconds: 15 },
  scaleDown: { stabilizationWindowSeconds: 600, percent: 10, periodSeconds: 60 },
};

function render(p: QueueScaledObjectProps): any {
  const chart = new Chart(Testing.app(), 'Test');
  new QueueScaledObject(inWorkflow(chart), 'Scaler', p);
  return chart.toJson()[0];
}

describe('QueueScaledObject', () => {
  const so = render(props);

  test('is a keda.sh/v1alpha1 ScaledObject for the worker Deployment', () => {
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.kind).toBe('ScaledObject');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'wf-worker', envSourceContainerName: 'worker' });
  });

  test('one postgresql trigger: pending plus running runs, POSTGRES_URI from the container, target = jobs per worker', () => {
    // Busy workers with an empty queue are not scaled down mid-run: running runs count against capacity.
    expect(so.spec.triggers).toEqual([{
      type: 'postgresql',
      metricType: 'AverageValue',
      metadata: { connectionFromEnv: 'POSTGRES_URI', query: "SELECT COUNT(*) FROM run WHERE status IN ('pending', 'running')", targetQueryValue: '7' },
    }]);
  });

  test('scale-down removes one pod per period after a long stabilisation window', () => {
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
    });
    expect(() => render({ ...props, scaleDown: { ...props.scaleDown, stabilizationWindowSeconds: 60 } })).toThrow(/stabilizationWindowSeconds 60 is too short; use at least 300/);
  });

  test('never zero: minReplicaCount is set (KEDA defaults to 0) and no idleReplicaCount', () => {
    expect(so.spec.minReplicaCount).toBe(1);
    expect(so.spec.maxReplicaCount).toBe(12);
    expect(so.spec.idleReplicaCount).toBeUndefined();
    expect(() => render({ ...props, minReplicas: 0 })).toThrow(/minReplicaCount 0 would scale to zero/);
  });

  test('scale behaviour and polling come from the props', () => {
    expect(so.spec.pollingInterval).toBe(20);
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
  });

  test('refuses a non-positive target and a minimum above the maximum', () => {
    expect(() => render({ ...props, pendingRunsPerReplica: 0 })).toThrow(/pendingRunsPerReplica 0/);
    expect(() => render({ ...props, minReplicas: 13 })).toThrow(/exceeds maxReplicaCount 12/);
  });

  test('validates strictly against the KEDA CRD', () => {
    expect(defaultSchemaRegistry().validate(so)).toEqual([]);
  });
});

test('snapshot: the ScaledObject for the minimal props', () => {
  expect(render(props)).toMatchSnapshot('QueueScaledObject: ScaledObject on pending runs');
});
