/**
 * Secrets from a secret manager: an ExternalSecret that materializes the Secret `ctx.secretName`
 * (the one the server's env already references) from the configured store. Off by default: the
 * default stays a reference to a pre-existing Secret.
 */
import { Construct } from 'constructs';
import { WorkflowContext } from '../context';
import { ExternalSecretConfig, secretDataKeys } from '../../config/features/external-secret';
import { SecretKeySource, WorkflowExternalSecret } from '../../constructs/external-secret';

export function addExternalSecret(scope: Construct, ctx: WorkflowContext, options: ExternalSecretConfig): WorkflowExternalSecret | undefined {
  if (!options.enabled) return undefined;
  if (!options.store) {
    throw new Error(`workflow ${ctx.workflow.name}: externalSecret.enabled is true but externalSecret.store is not set; name the (Cluster)SecretStore`);
  }
  const remoteKey = options.remoteKey.replace(/<workflow>/g, ctx.workflow.name);
  const data: SecretKeySource[] = secretDataKeys(ctx.settings.secret.keys).map((secretKey) => {
    const explicit = options.keys[secretKey];
    if (explicit) return { secretKey, remoteKey: explicit.key.replace(/<workflow>/g, ctx.workflow.name), property: explicit.property, version: explicit.version };
    return options.layout === 'property'
      ? { secretKey, remoteKey, property: secretKey }
      : { secretKey, remoteKey: `${remoteKey}/${secretKey}` };
  });
  return new WorkflowExternalSecret(scope, 'ExternalSecret', {
    name: ctx.secretName,
    namespace: ctx.namespace,
    metadata: ctx.metadata,
    targetSecretName: ctx.secretName,
    store: options.store,
    refreshInterval: options.refreshInterval,
    data,
  });
}
