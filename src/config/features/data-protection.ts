/**
 * Data protection (workflow level, `dataProtection`): encryption at rest with the server's AES key,
 * read by reference from a Secret, and the thread (and checkpoint) time-to-live. Rendered as the
 * env vars the server parses (src/constructs/data-protection.ts has the server's rules, cited by
 * line, and why store TTL stays in langgraph.json). Off by default: the server then encrypts
 * nothing and keeps threads until deleted.
 */
import { z } from 'zod';
import type { SemanticIssue } from '../semantic-issue';
import {
  AES_JSON_DISALLOWED_KEYS, AES_JSON_KEYS_ENV, AES_KEY_ENV, DEFAULT_THREAD_TTL, MAX_SWEEP_INTERVAL_MINUTES,
  THREAD_TTL_ENV, THREAD_TTL_STRATEGIES,
} from '../../constructs/data-protection';

/** The Secret data key holding the AES key when the config names none. */
export const DEFAULT_AES_SECRET_KEY = 'langgraph-aes-key';

const dnsLabel = z
  .string()
  .max(63, 'at most 63 characters (a DNS-1123 label)')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, 'a Secret data key (letters, digits, "-", "_", ".")');
const minutes = z.number().positive('a number of minutes greater than 0 (the server expires everything older; 0 or less would expire everything), e.g. 43200 for 30 days');
const sweepMinutes = z.number()
  .int('a whole number of minutes (the server reads sweep_interval_minutes as an int)')
  .min(1, 'at least 1 minute')
  .max(MAX_SWEEP_INTERVAL_MINUTES, `at most ${MAX_SWEEP_INTERVAL_MINUTES} (an int32)`);

const ENCRYPTION_DEFAULTS = { enabled: false, key: DEFAULT_AES_SECRET_KEY, jsonKeys: [] as string[] };

export const dataProtectionSchema = z
  .strictObject({
    encryption: z
      .strictObject({
        enabled: z.boolean().default(false).meta({ description: `Give the server its AES key (${AES_KEY_ENV}, by reference via valueFrom.secretKeyRef; never a value): it then encrypts data at rest. The key must be 16, 24 or 32 bytes (the server refuses any other length at start and stops; synth cannot see it), e.g. \`openssl rand -hex 16\` (32 characters). Once data is encrypted, turning this off or changing the key leaves it unreadable.` }),
        secretName: dnsLabel.optional().meta({ description: 'Secret holding the key. Default: the workflow\'s Secret (`secret.name`, else `<workflow>-secrets`), which the ExternalSecret then also fills.' }),
        key: secretKey.default(DEFAULT_AES_SECRET_KEY).meta({ description: 'Data key of the AES key in that Secret.' }),
        jsonKeys: z.array(z.string().min(1)).default([]).meta({ description: `Metadata/config JSON keys the server encrypts (${AES_JSON_KEYS_ENV}); needs enabled: true. The server refuses its own system keys (${AES_JSON_DISALLOWED_KEYS.join(', ')}).` }),
      })
      .default(ENCRYPTION_DEFAULTS).meta({ description: 'Encryption at rest with the server\'s built-in AES key.' }),
    threadTtl: z
      .strictObject({
        strategy: z.enum(THREAD_TTL_STRATEGIES, { error: () => `one of ${THREAD_TTL_STRATEGIES.join(', ')} (the server fails every thread creation on any other)` })
          .default(DEFAULT_THREAD_TTL.strategy).meta({ description: '`delete`: the expired thread and all its data go; `keep_latest`: old checkpoints are pruned, the thread and its latest state stay.' }),
        ttlMinutes: minutes.meta({ description: 'Threads older than this many minutes get the strategy (`default_ttl`).' }),
        sweepIntervalMinutes: sweepMinutes.default(DEFAULT_THREAD_TTL.sweepIntervalMinutes).meta({ description: 'Minutes between sweeps for expired threads.' }),
        sweepLimit: z.number().int('a whole number of threads').min(1, 'at least 1').default(DEFAULT_THREAD_TTL.sweepLimit).meta({ description: 'Most threads handled per sweep.' }),
      })
      .optional().meta({ description: `Thread and checkpoint expiry (${THREAD_TTL_ENV}, the server's JSON form; it takes precedence over \`checkpointer.ttl\` of langgraph.json). Store TTL stays in langgraph.json (\`store.ttl\`): the server reads it only with the image's whole store config. Default: threads are kept until deleted.` }),
  })
  .default({ encryption: ENCRYPTION_DEFAULTS });
export type DataProtectionConfig = z.infer<typeof dataProtectionSchema>;

/**
 * Workflow-level rules the server would enforce at start, checked on the config so the error names
 * the environment and workflow (call from checkWorkflowSettings). A key in another Secret than the
 * workflow's is held to the production tier's source rule by the gate on the rendered pods
 * (src/validation/cross-object/secret-sources.ts), like every referenced Secret.
 */
export function checkDataProtection(
  settings: {
    readonly dataProtection: DataProtectionConfig;
    readonly env: Readonly<Record<string, string>>;
    readonly secret: { readonly name?: string; readonly keys: { readonly extra: Readonly<Record<string, string>> } };
  },
): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const enc = settings.dataProtection.encryption;
  const disallowed = [...new Set(enc.jsonKeys.filter((k) => AES_JSON_DISALLOWED_KEYS.includes(k)))].sort();
  enc.jsonKeys.forEach((k, i) => {
    if (AES_JSON_DISALLOWED_KEYS.includes(k)) {
      // The server's wording (config/__init__.py:139-143), with the config's field in the fix.
      issues.push({ path: ['dataProtection', 'encryption', 'jsonKeys', i], value: k, message: `${AES_JSON_KEYS_ENV} contains disallowed system keys: ${JSON.stringify(disallowed)}. These keys are used internally and cannot be encrypted. Remove them from dataProtection.encryption.jsonKeys` });
    } else if (k.includes(',') || k !== k.trim()) {
      issues.push({ path: ['dataProtection', 'encryption', 'jsonKeys', i], value: k, message: `cannot be passed in the comma-separated ${AES_JSON_KEYS_ENV} (the server splits on "," and strips spaces); use the key name without commas or surrounding spaces` });
    }
  });
  if (enc.jsonKeys.length > 0 && !enc.enabled) {
    // config/__init__.py:145-149.
    issues.push({ path: ['dataProtection', 'encryption', 'jsonKeys'], value: enc.jsonKeys, message: `${AES_JSON_KEYS_ENV} requires ${AES_KEY_ENV} to be set: set dataProtection.encryption.enabled: true (with the key in the Secret), or remove jsonKeys` });
  }
  // One source per variable: these come from dataProtection only (LANGGRAPH_AES_KEY in env is
  // already refused as a literal credential).
  for (const name of [AES_JSON_KEYS_ENV, THREAD_TTL_ENV]) {
    if (name in settings.env) issues.push({ path: ['env', name], value: settings.env[name], message: `${name} is rendered from dataProtection; remove it from env and set dataProtection instead` });
  }
  if (AES_KEY_ENV in settings.secret.keys.extra) {
    issues.push({ path: ['secret', 'keys', 'extra', AES_KEY_ENV], value: settings.secret.keys.extra[AES_KEY_ENV], message: `${AES_KEY_ENV} is rendered from dataProtection.encryption; remove it from secret.keys.extra and set dataProtection.encryption: { enabled: true, key: ${settings.secret.keys.extra[AES_KEY_ENV]} }` });
  }
  return issues;
}
