/**
 * `dataProtection` of a workflow mapped onto the constructs' DataProtectionProps: the AES key by
 * reference to the workflow's Secret (or the one named), the TTLs as configured. API and queue
 * workers read the same settings from here.
 */
import type { WorkflowContext } from '../context';
import type { DataProtectionProps } from '../../constructs/data-protection';

export function dataProtectionProps(ctx: WorkflowContext): DataProtectionProps | undefined {
  const dp = ctx.settings.dataProtection;
  const enc = dp.encryption;
  if (!enc.enabled && enc.jsonKeys.length === 0 && !dp.threadTtl) return undefined;
  return {
    // jsonKeys without a key stay in, so the construct refuses them as the server would.
    encryption: enc.enabled || enc.jsonKeys.length > 0
      ? { key: enc.enabled ? { secretName: aesSecretName(ctx), key: enc.key } : undefined, jsonKeys: enc.jsonKeys }
      : undefined,
    threadTtl: dp.threadTtl,
  };
}

function aesSecretName(ctx: WorkflowContext): string {
  return ctx.settings.dataProtection.encryption.secretName ?? ctx.secretName;
}

/** The AES key's data key when it lives in the workflow's own Secret (its ExternalSecret must write it). */
export function aesKeyInWorkflowSecret(ctx: WorkflowContext): string[] {
  const enc = ctx.settings.dataProtection.encryption;
  return enc.enabled && aesSecretName(ctx) === ctx.secretName ? [enc.key] : [];
}
