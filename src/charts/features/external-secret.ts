/**
 * Secrets from a secret manager: an ExternalSecret that materializes the Secret `ctx.secretName`
 * (the one the server's env already references) from the configured store. Off by default: the
 * default stays a reference to a pre-existing Secret.
 */
import { Construct } from 'constructs';
import { WorkflowContext, featureScope } from '../context';
import { ExternalSecretConfig, secretDataKeys } from '../../config/features/external-secret';
import { SecretKeySource, WorkflowExternalSecret } from '../../constructs/external-secret';
import { aesKeyInWorkflowSecret } from './data-protection';

/** Keys of the in-cluster stores' passwords kept in the workflow's own Secret (no `name` of their own). */
function storePasswordKeys(ctx: WorkflowContext): string[] {
  const stores = ctx.env.dataStores;
  const refs = [stores.postgres.enabled ? stores.postgres.password : undefined, stores.redis.enabled ? stores.redis.password : undefined];
  return refs.filter((r): r is { key: string; name?: string } => !!r && (!r.name || r.name.replace(/<workflow>/g, ctx.workflow.name) === ctx.secretName)).map((r) => r.key);
}

export function addExternalSecret(scope: Construct, ctx: WorkflowContext, options: ExternalSecretConfig): WorkflowExternalSecret | undefined {
  scope = featureScope(scope, ctx);
  if (!options.enabled) return undefined;
  if (!options.store) {
    throw new Error(`workflow ${ctx.workflow.name}: externalSecret.enabled is true but externalSecret.store is not set; name the (Cluster)SecretStore`);
  }
  const remoteKey = options.remoteKey.replace(/<workflow>/g, ctx.workflow.name);
  // Every key the workflow's pods read from this Secret: the server's, and the in-cluster stores'
  // passwords when they live in it (the gate refuses a key the ExternalSecret does not write).
  const keys = [...new Set([...secretDataKeys(ctx.settings.secret.keys), ...storePasswordKeys(ctx), ...aesKeyInWorkflowSecret(ctx)])];
  const data: SecretKeySource[] = keys.map((secretKey) => {
    const explicit = options.keys[secretKey];
    if (explicit) return { secretKey, remoteKey: explicit.key.replace(/<workflow>/g, ctx.workflow.name), property: explicit.property, version: explicit.version };
    return options.layout === 'property'
      ? { secretKey, remoteKey, property: secretKey }
      : { secretKey, remoteKey: `${remoteKey}/${secretKey}` };
  });
  return new WorkflowExternalSecret(scope, 'ExternalSecret', {
    name: ctx.secretName,
    targetSecretName: ctx.secretName,
    store: options.store,
    refreshInterval: options.refreshInterval,
    data,
  });
}
