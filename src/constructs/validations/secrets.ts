/**
 * No credential as a literal value: one test for the config loader (`env` of a workflow), the
 * gate (policy/secret-literal-env) and the constructs (at synth time).
 */

/** Names that suggest a credential; such values belong in a Secret, referenced by key. */
export const SECRET_LIKE_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|AES_?KEY|ENCRYPTION_?KEY|CREDENTIAL)/i;

/** `scheme://user:password@host`: a password inside a URI, unless it is a `$(VAR)` reference (expanded from a Secret variable). */
const URI_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:([^@\s/]+)@/i;

/** Why a literal env value is a credential, or undefined. */
export function literalCredential(name: string, value: string): 'name' | 'uri-password' | undefined {
  if (value === '') return undefined;
  if (SECRET_LIKE_ENV.test(name)) return 'name';
  const password = URI_PASSWORD.exec(value)?.[1];
  if (password !== undefined && !/^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(password)) return 'uri-password';
  return undefined;
}

/** Construct validation messages for literal env values that are credentials (values never printed). */
export function literalCredentialErrors(owner: string, env: Readonly<Record<string, string>>): string[] {
  return Object.keys(env).sort().flatMap((name) => {
    const why = literalCredential(name, env[name]);
    if (!why) return [];
    const what = why === 'name' ? `env ${name} has a literal value (redacted), and its name says it is a credential` : `env ${name} carries a password inside its URI (redacted)`;
    return [`${owner}: ${what}; it would be committed to Git. Put it in a Secret and pass it through secretEnv: { ${name}: { secretName, key } }` +
      (why === 'uri-password' ? ' (or reference a Secret variable in the URI as $(VAR))' : '')];
  });
}
