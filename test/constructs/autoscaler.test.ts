import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { Autoscaler, AutoscalerProps } from '../../src/constructs/autoscaler';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const props: AutoscalerProps = {
  name: 'wf-worker', identity: { workflow: 'wf', app: 'langgraph-worker', component: 'worker' },
  target: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'wf-worker' } },
  minReplicas: 2, maxReplicas: 7, cpuUtilization: 65,
  scaleUp: { stabilizationWindowSeconds: 30, percent: 100, periodSeconds: 15 },
  scaleDown: { stabilizationWindowSeconds: 600, percent: 10, periodSeconds: 60 },
};

function render(p: AutoscalerProps): any {
  const chart = new Chart(Testing.app(), 'Test');
  new Autoscaler(inWorkflow(chart), 'Hpa', p);
  return chart.toJson()[0];
}

describe('Autoscaler', () => {
  const hpa = render(props);

  test('scales the target on cpu utilisation only (no memory metric)', () => {
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } } }]);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'wf-worker' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 7]);
  });

  test('scale-up and scale-down behaviour come from the props', () => {
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
    expect(hpa.spec.behavior.scaleDown.policies).toEqual([{ type: 'Percent', value: 10, periodSeconds: 60 }]);
    expect(hpa.spec.behavior.scaleUp.policies).toEqual([{ type: 'Percent', value: 100, periodSeconds: 15 }]);
  });

  test('validates strictly', () => {
    expect(defaultSchemaRegistry().validate(hpa)).toEqual([]);
  });

  test('never scales to zero', () => {
    expect(() => render({ ...props, minReplicas: 0 })).toThrow(/minReplicas 0 would scale to zero/);
  });

  test('refuses a minimum above the maximum', () => {
    expect(() => render({ ...props, minReplicas: 8 })).toThrow(/minReplicas 8 exceeds maxReplicas 7/);
  });

  test('refuses a fractional replica bound', () => {
    expect(() => render({ ...props, minReplicas: 1.5 })).toThrow(/minReplicas 1.5 is not a whole number/);
    expect(() => render({ ...props, maxReplicas: 7.5 })).toThrow(/maxReplicas 7.5 is not a whole number/);
  });

  test('memory and queue-depth metrics only when given, after cpu', () => {
    const both = render({ ...props, memoryUtilization: 80, queueDepth: { metric: 'lg_api_num_pending_runs', selector: { namespace: 'wf' }, averageValue: 5 } });
    expect(both.spec.metrics.map((m: any) => m.resource?.name ?? m.external.metric.name)).toEqual(['cpu', 'memory', 'lg_api_num_pending_runs']);
    expect(both.spec.metrics[2].external.target).toEqual({ type: 'AverageValue', averageValue: 5 });
    expect(defaultSchemaRegistry().validate(both)).toEqual([]);
  });

  test('defaults: 70 % cpu, fast up and slow down', () => {
    const hpa = render({ ...props, cpuUtilization: undefined, scaleUp: undefined, scaleDown: undefined });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(70);
    expect(hpa.spec.behavior.scaleUp.policies).toEqual([{ type: 'Percent', value: 100, periodSeconds: 15 }]);
    expect(hpa.spec.behavior.scaleDown).toMatchObject({ stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] });
  });
});

test('snapshot: the HorizontalPodAutoscaler for the minimal props', () => {
  expect(render(props)).toMatchSnapshot('Autoscaler: HorizontalPodAutoscaler wf/wf-worker, cpu only');
});
