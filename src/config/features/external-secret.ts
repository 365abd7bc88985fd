/**
 * Optional External Secrets Operator `ExternalSecret` that materializes the workflow's Secret from a
 * secret manager. Workflow level (`externalSecret`), so an environment's workflowDefaults can name
 * its store and each workflow may override paths. Only references are rendered, never values.
 */
import { z } from 'zod';
import type { SemanticIssue } from '../semantic-issue';

const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, 'a Secret data key (letters, digits, "-", "_", ".")');
/** Go duration as ESO parses it: "1h", "15m", "1h30m", "0s" (fetch once). */
const goDuration = z.string().regex(/^(0|(\d+h)?(\d+m)?(\d+s)?)$/, 'a duration such as "1h", "15m" or "1h30m" ("0s" fetches once)').refine((s) => s !== '', 'a duration such as "1h"');
const resourceName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'a Kubernetes object name (lower-case letters, digits, "-" and ".")');

const remoteRef = z.strictObject({
  key: z.string().min(1).meta({ description: 'The remote secret\'s key/path in the provider. `<workflow>` is replaced.' }),
  property: z.string().min(1).optional().meta({ description: 'A property (JSON field) of that remote secret. Default: the whole value.' }),
  version: z.string().min(1).optional().meta({ description: 'Provider version of the remote secret. Default: the latest.' }),
});
export type RemoteRef = z.infer<typeof remoteRef>;

const EXTERNAL_SECRET_DEFAULTS = {
  enabled: false, refreshInterval: '1h', remoteKey: 'langgraph/<workflow>', layout: 'property' as const, keys: {},
};

export const externalSecretSchema = z
  .strictObject({
    enabled: z.boolean().default(false).meta({ description: 'Render an ExternalSecret that creates the workflow\'s Secret (`secret.name`) from the store.' }),
    store: z
      .strictObject({
        kind: z.enum(['SecretStore', 'ClusterSecretStore']).default('ClusterSecretStore').meta({ description: 'Namespaced SecretStore or cluster-wide ClusterSecretStore.' }),
        name: resourceName.meta({ description: 'Name of the store.' }),
      })
      .optional().meta({ description: 'The (Cluster)SecretStore to read from; required when enabled.' }),
    refreshInterval: goDuration.default('1h').meta({ description: 'How often ESO re-reads the provider (rotation delay).' }),
    remoteKey: z.string().min(1).default(EXTERNAL_SECRET_DEFAULTS.remoteKey).meta({ description: 'Remote secret (or path prefix) per workflow; `<workflow>` is replaced by the workflow name.' }),
    layout: z.enum(['property', 'path']).default('property').meta({ description: '`property`: one remote secret at remoteKey whose properties are named like the Secret\'s keys. `path`: one remote secret per key, at `<remoteKey>/<key>`.' }),
    keys: z.record(secretKey, remoteRef).default({}).meta({ description: 'Explicit remote reference per Secret data key; overrides the layout for that key.' }),
  })
  .default(EXTERNAL_SECRET_DEFAULTS);
export type ExternalSecretConfig = z.infer<typeof externalSecretSchema>;

/** The Secret's data keys as the server reads them (`secret.keys`), each once, in a stable order. */
export function secretDataKeys(keys: {
  readonly databaseUri: string;
  readonly redisUri: string;
  readonly langsmithApiKey?: string;
  readonly licenseKey?: string;
  readonly extra: Readonly<Record<string, string>>;
}): string[] {
  const all = [keys.databaseUri, keys.redisUri, keys.langsmithApiKey, keys.licenseKey, ...Object.keys(keys.extra).sort().map((k) => keys.extra[k])];
  return [...new Set(all.filter((k): k is string => !!k))];
}

/** Does `existingSecrets` declare the Secret? `secretName` may be the template `<workflow>-secrets`. */
export function declaredExistingSecret(env: EnvironmentSecretSources, secretName: string, workflow?: string): boolean {
  return env.existingSecrets.some((d) => d.name === secretName || (workflow !== undefined && d.name.replace(/<workflow>/g, workflow) === secretName));
}

export interface EnvironmentSecretSources {
  readonly name: string;
  readonly tier: 'development' | 'production';
  readonly existingSecrets: readonly { readonly name: string; readonly managedBy: string }[];
}

/**
 * Workflow-level rules (call from checkWorkflowSettings once `externalSecret` is mounted). With
 * `env`: in a production-tier environment the Secret must come from the secret manager or be
 * declared in `existingSecrets` (the gate checks the rendered pods the same way:
 * src/validation/cross-object/secret-sources.ts).
 */
export function checkExternalSecret(settings: {
  readonly externalSecret: ExternalSecretConfig;
  readonly secret: { readonly name?: string; readonly keys: Parameters<typeof secretDataKeys>[0] };
}, env?: EnvironmentSecretSources, workflow?: string): SemanticIssue[] {
  const es = settings.externalSecret;
  if (!es.enabled) {
    if (env?.tier !== 'production') return [];
    const secretName = settings.secret.name ?? '<workflow>-secrets';
    if (declaredExistingSecret(env, secretName, workflow)) return [];
    return [{
      path: ['externalSecret', 'enabled'], value: false,
      message: `"${env.name}" is a production-tier environment: the Secret ${secretName} must come from the secret manager (externalSecret: { enabled: true, store: … }) or be declared in the environment's existingSecrets with who manages it; otherwise the first sync waits for a hand-made Secret`,
    }];
  }
  const issues: SemanticIssue[] = [];
  if (!es.store) {
    issues.push({ path: ['externalSecret', 'store'], value: undefined, message: 'is required when externalSecret.enabled is true: set the store, e.g. { kind: ClusterSecretStore, name: vault }' });
  }
  const known = secretDataKeys(settings.secret.keys);
  for (const key of Object.keys(es.keys)) {
    if (!known.includes(key)) {
      issues.push({ path: ['externalSecret', 'keys', key], value: key, message: `is not a key the server reads from the Secret (${known.join(', ')}); fix the name or add it under secret.keys` });
    }
  }
  return issues;
}
