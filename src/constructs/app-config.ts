import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { WorkflowMetadata, workflowAnnotations, workflowLabels } from './labels';

/** Where the application config is mounted, read-only. */
export const APP_CONFIG_MOUNT_PATH = '/etc/langgraph';

export interface AppConfigProps {
  readonly name: string;
  readonly namespace: string;
  readonly metadata: WorkflowMetadata;
  /** Non-secret configuration files; keys become file names. */
  readonly data: Readonly<Record<string, string>>;
}

/** Non-secret application configuration, mounted read-only into the server. */
export class AppConfig extends Construct {
  public readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: AppConfigProps) {
    super(scope, id);
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...workflowLabels(props.metadata), 'app.kubernetes.io/component': 'config' },
        annotations: workflowAnnotations(props.metadata),
      },
      data: sortedRecord(props.data),
    });
  }
}

function sortedRecord(data: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(data).sort().map((k) => [k, data[k]]));
}
