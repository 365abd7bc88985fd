import type { SecretEnvRef } from '../constructs/langgraph-server';
import type { WorkflowContext } from './context';

/**
 * The server's credentials, all by reference to the workflow's Secret (never values). API and
 * queue workers read the same variables from here.
 */
export function secretEnvFor(ctx: WorkflowContext): Record<string, SecretEnvRef> {
  const s = ctx.settings.secret;
  const ref = (key: string): SecretEnvRef => ({ secretName: ctx.secretName, key });
  const env: Record<string, SecretEnvRef> = {
    DATABASE_URI: ref(s.keys.databaseUri),
    POSTGRES_URI: ref(s.keys.databaseUri),
    REDIS_URI: ref(s.keys.redisUri),
  };
  if (s.keys.langsmithApiKey) env.LANGSMITH_API_KEY = ref(s.keys.langsmithApiKey);
  if (s.keys.licenseKey) env.LANGGRAPH_CLOUD_LICENSE_KEY = ref(s.keys.licenseKey);
  for (const name of Object.keys(s.keys.extra).sort()) env[name] = ref(s.keys.extra[name]);
  return env;
}
