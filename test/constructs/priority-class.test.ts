import { App, Chart } from 'cdk8s';
import { DEFAULT_PRIORITY_VALUE, WorkloadPriorityClass } from '../../src/constructs/priority-class';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

/* eslint-disable @typescript-eslint/no-explicit-any */
const render = (props: ConstructorParameters<typeof WorkloadPriorityClass>[2]): any[] => {
  const chart = new Chart(new App({ outdir: 'unused' }), 'c');
  new WorkloadPriorityClass(chart, 'pc', props);
  return chart.toJson();
};

describe('WorkloadPriorityClass', () => {
  test('a cluster-scoped class of the given name, never the global default, below the system classes', () => {
    const [pc] = render({ name: 'langgraph-production' });
    expect(pc.apiVersion).toBe('scheduling.k8s.io/v1');
    expect(pc.kind).toBe('PriorityClass');
    expect(pc.metadata.name).toBe('langgraph-production');
    expect(pc.metadata.namespace).toBeUndefined();
    expect(pc.globalDefault).toBe(false);
    expect(pc.value).toBe(DEFAULT_PRIORITY_VALUE);
    expect(pc.value).toBeGreaterThan(0);
    expect(pc.value).toBeLessThan(2_000_000_000); // system-cluster-critical
    expect(pc.preemptionPolicy).toBe('PreemptLowerPriority');
    expect(pc.description).toMatch(/\S/);
    expect(defaultSchemaRegistry().validate(pc)).toEqual([]);
  });

  test('value, preemption policy and description from props', () => {
    const [pc] = render({ name: 'batch', value: 10, preemptionPolicy: 'Never', description: 'batch work' });
    expect([pc.value, pc.preemptionPolicy, pc.description]).toEqual([10, 'Never', 'batch work']);
  });

  test('refuses a name in the system- prefix Kubernetes reserves, and a value outside user range', () => {
    expect(() => render({ name: 'system-cluster-critical' })).toThrow(/"system-cluster-critical".*reserved by Kubernetes.*name one without it/);
    expect(() => render({ name: 'x', value: 2_000_000_000 })).toThrow(/value 2000000000 is outside 0–1000000000.*use an integer/);
    expect(() => render({ name: 'x', value: 1.5 })).toThrow(/value 1.5/);
  });
});
