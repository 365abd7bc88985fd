import { Chart, Testing } from 'cdk8s';
import { inWorkflow } from './workflow-scope-fixture';
import { WorkloadPodMonitor, WorkloadPodMonitorProps } from '../../src/constructs/pod-monitor';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const props: WorkloadPodMonitorProps = {
  name: 'wf-postgres', selector: { 'app.kubernetes.io/name': 'postgres' },
  discoveryLabels: { release: 'prometheus' }, interval: '30s', port: 'metrics', path: '/metrics', meshMetricsMerging: false, relabelPodLabels: false,
};

function render(p: WorkloadPodMonitorProps): { monitor: WorkloadPodMonitor; object: any } {
  const chart = new Chart(Testing.app(), 'Test');
  const monitor = new WorkloadPodMonitor(inWorkflow(chart), 'Monitor', p);
  return { monitor, object: chart.toJson()[0] };
}

describe('WorkloadPodMonitor', () => {
  test('scrapes the exporter port by name without the mesh', () => {
    const { object } = render(props);
    expect(object.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    expect(object.metadata.labels.release).toBe('prometheus');
    expect(defaultSchemaRegistry().validate(object)).toEqual([]);
  });

  test("with the mesh, scrapes the sidecar's merged :15020 once per pod", () => {
    const { object } = render({ ...props, meshMetricsMerging: true });
    const [endpoint] = object.spec.podMetricsEndpoints;
    expect(endpoint.port).toBeUndefined();
    expect(endpoint.path).toBe('/stats/prometheus');
    expect(endpoint.relabelings.some((r: any) => r.targetLabel === '__address__' && r.replacement === '$1:15020')).toBe(true);
    expect(defaultSchemaRegistry().validate(object)).toEqual([]);
  });

  test('job is <namespace>/<name>, the label the database alerts select', () => {
    expect(render(props).monitor.job).toBe('wf/wf-postgres');
  });

  test("by default scrapes the server's http port at /metrics and copies the version and rollout-hash pod labels", () => {
    const { object, monitor } = render({ ...props, port: undefined, path: undefined, relabelPodLabels: undefined });
    const [endpoint] = object.spec.podMetricsEndpoints;
    expect([endpoint.port, endpoint.path, monitor.scrapePort]).toEqual(['http', '/metrics', 'http']);
    expect(endpoint.relabelings.map((r: any) => r.sourceLabels[0])).toEqual([
      '__meta_kubernetes_pod_label_rollouts_pod_template_hash', '__meta_kubernetes_pod_label_app_kubernetes_io_version',
    ]);
    expect(defaultSchemaRegistry().validate(object)).toEqual([]);
  });
});

test('snapshot: the PodMonitor without the mesh', () => {
  expect(render(props).object).toMatchSnapshot('WorkloadPodMonitor: exporter PodMonitor wf/wf-postgres, port metrics');
});
