import { Chart, Testing } from 'cdk8s';
import { ExporterPodMonitor, ExporterPodMonitorProps } from '../../src/constructs/exporter-pod-monitor';
import { defaultSchemaRegistry } from '../../src/validation/schema-registry';

const metadata = { workflow: 'wf', version: '1.0.0', ownerTeam: 'team', ownerEmail: 'team@example.com' };
const props: ExporterPodMonitorProps = {
  name: 'wf-postgres', namespace: 'wf', metadata, selector: { 'app.kubernetes.io/name': 'postgres' },
  discoveryLabels: { release: 'prometheus' }, interval: '30s', port: 'metrics', path: '/metrics', meshMetricsMerging: false,
};

function render(p: ExporterPodMonitorProps): { monitor: ExporterPodMonitor; object: any } {
  const chart = new Chart(Testing.app(), 'Test');
  const monitor = new ExporterPodMonitor(chart, 'Monitor', p);
  return { monitor, object: chart.toJson()[0] };
}

describe('ExporterPodMonitor', () => {
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
});

test('snapshot: the PodMonitor without the mesh', () => {
  expect(render(props).object).toMatchSnapshot('ExporterPodMonitor: PodMonitor wf/wf-postgres, port metrics');
});
