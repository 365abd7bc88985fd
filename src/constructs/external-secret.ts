import { Construct } from 'constructs';
import { objectMetadata } from './workflow-scope';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../../imports/eso-externalsecret-external-secrets.io';

export interface SecretKeySource {
  /** Data key in the Kubernetes Secret. */
  readonly secretKey: string;
  /** The provider's key/path. */
  readonly remoteKey: string;
  /** A property of the remote secret. @default - the whole value */
  readonly property?: string;
  /** @default - the latest version */
  readonly version?: string;
}

export interface WorkflowExternalSecretProps {
  readonly name: string;
  /** The Secret ESO creates and owns (the one the server's env references). */
  readonly targetSecretName: string;
  readonly store: { readonly kind: 'SecretStore' | 'ClusterSecretStore'; readonly name: string };
  /** Go duration, e.g. `1h`. */
  readonly refreshInterval: string;
  readonly data: readonly SecretKeySource[];
}

/**
 * `external-secrets.io/v1` ExternalSecret: ESO reads each key from the store and writes the Secret
 * it owns (`creationPolicy: Owner`, so deleting this object deletes the Secret too). Only remote
 * references are rendered; the values never pass through this repository.
 */
export class WorkflowExternalSecret extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: WorkflowExternalSecretProps) {
    super(scope, id);
    this.name = props.name;
    if (props.data.length === 0) throw new Error(`ExternalSecret ${props.name}: no keys to fetch; list the Secret's keys`);
    const seen = new Set<string>();
    for (const d of props.data) {
      if (seen.has(d.secretKey)) throw new Error(`ExternalSecret ${props.name}: Secret key "${d.secretKey}" is listed twice; each key needs one source`);
      seen.add(d.secretKey);
    }
    new ExternalSecret(this, 'Resource', {
      metadata: objectMetadata(this, props.name, { labels: { 'app.kubernetes.io/component': 'secrets' } }),
      spec: {
        secretStoreRef: {
          kind: props.store.kind === 'SecretStore' ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
          name: props.store.name,
        },
        refreshInterval: props.refreshInterval,
        target: { name: props.targetSecretName, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
        data: props.data.map((d) => ({
          secretKey: d.secretKey,
          remoteRef: {
            key: d.remoteKey,
            ...(d.property !== undefined ? { property: d.property } : {}),
            ...(d.version !== undefined ? { version: d.version } : {}),
          },
        })),
      },
    });
  }
}
