import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import * as kplus from 'cdk8s-plus-27';

/** Where the application config is mounted, read-only. */
export const APP_CONFIG_MOUNT_PATH = '/etc/langgraph';

export interface AppConfigProps {
  readonly name: string;
  /** Non-secret configuration files; keys become file names. */
  readonly data: Readonly<Record<string, string>>;
}

/** Non-secret application configuration, mounted read-only into the server. */
export class AppConfig extends Construct {
  public readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: AppConfigProps) {
    super(scope, id);
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'config' } }),
      data: sortedRecord(props.data),
    });
  }
}

function sortedRecord(data: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(data).sort().map((k) => [k, data[k]]));
}
