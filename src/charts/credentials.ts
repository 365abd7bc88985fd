import type { SecretEnvRef } from '../constructs/langgraph-server';
import { serverSecretEnv } from '../constructs/langgraph-workflow';
import type { WorkflowContext } from './context';

/**
 * The server's credentials, all by reference to the workflow's Secret (never values). API and
 * queue workers read the same variables from here.
 */
export function secretEnvFor(ctx: WorkflowContext): Record<string, SecretEnvRef> {
  return serverSecretEnv(ctx.secretName, ctx.settings.secret.keys);
}
