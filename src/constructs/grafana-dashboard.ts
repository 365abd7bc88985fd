import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { WorkflowMetadata, workflowAnnotations, workflowLabels } from './labels';

/** The label Grafana's dashboard sidecar watches for. */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

export interface GrafanaDashboardProps {
  /** `<workflow>-dashboard`: the monitoring namespace is shared, so the name carries the workflow. */
  readonly name: string;
  /** The monitoring namespace where Grafana's sidecar looks. */
  readonly namespace: string;
  readonly metadata: WorkflowMetadata;
  readonly workflow: string;
  /** The dashboard model (generated). */
  readonly dashboard: Record<string, unknown>;
}

/** A Grafana dashboard delivered as a ConfigMap for the Grafana sidecar. */
export class GrafanaDashboard extends Construct {
  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...workflowLabels(props.metadata), 'app.kubernetes.io/component': 'dashboard', [GRAFANA_DASHBOARD_LABEL]: '1' },
        annotations: workflowAnnotations(props.metadata),
      },
      data: { [`${props.workflow}.json`]: JSON.stringify(props.dashboard, null, 2) + '\n' },
    });
  }
}
