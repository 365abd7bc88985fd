import { Construct } from 'constructs';
import { WorkflowScope, objectMetadata } from './workflow-scope';
import { k8s } from 'cdk8s-plus-27';

/** The label Grafana's dashboard sidecar watches for. */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

export interface GrafanaDashboardProps {
  /** The monitoring namespace where Grafana's sidecar looks (shared, so the name carries the workflow). @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** The dashboard model (generated). */
  readonly dashboard: Record<string, unknown>;
}

/** A Grafana dashboard delivered as a ConfigMap for the Grafana sidecar. */
export class GrafanaDashboard extends Construct {
  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const workflow = WorkflowScope.of(this).workflowName;
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: objectMetadata(this, `${workflow}-dashboard`, {
        namespace: props.monitoringNamespace ?? 'monitoring',
        labels: { 'app.kubernetes.io/component': 'dashboard', [GRAFANA_DASHBOARD_LABEL]: '1' },
      }),
      data: { [`${workflow}.json`]: JSON.stringify(props.dashboard, null, 2) + '\n' },
    });
  }
}
