/**
 * The in-cluster dev stores are reached through URIs that embed their password by Kubernetes'
 * `$(VAR)` expansion (`postgres://user:$(POSTGRES_PASSWORD)@…`, `redis://:$(REDIS_PASSWORD)@…`).
 * Expansion does not percent-encode, and the apps (and KEDA) cannot be given the password apart
 * from the URI, so a password with `@`, `:`, `/`, `%`, `#`, `?` or a space breaks the URI. A store
 * refuses to start with such a password (this POSIX sh script, run as its init container), so the
 * cause is one `kubectl logs` away instead of an authentication error in every app pod.
 * Generate one with `openssl rand -hex 24`.
 */
import { k8s } from 'cdk8s-plus-27';
import { SecretEnvRef } from './langgraph-server';
import { StoreResources, containerResources, hardenedContainerSecurityContext, secretEnvVar } from './store-pod';

/** The init container's script for the password in `variable`, which is written into `uri` unescaped. */
export function urlSafePasswordCheck(variable: string, uri: string): string {
  return [
    `case "$${variable}" in`,
    `  "") echo "${variable} is empty; set a URL-safe password (openssl rand -hex 24)" >&2; exit 1 ;;`,
    `  *[!A-Za-z0-9._~-]*) echo "${variable} contains characters that are not URL-safe (allowed: A-Z a-z 0-9 . _ ~ -); it is written into ${uri} unescaped. Generate one with: openssl rand -hex 24" >&2; exit 1 ;;`,
    'esac',
    `echo "${variable} is URL-safe"`,
  ].join('\n');
}

export interface PasswordCheckProps {
  /** An image of the store that has /bin/sh (the store's own, so nothing more is pulled). */
  readonly image: string;
  /** The env var the apps interpolate, e.g. `POSTGRES_PASSWORD`. */
  readonly variable: string;
  /** The URI variable it is written into, for the message, e.g. `DATABASE_URI`. */
  readonly uri: string;
  readonly password: SecretEnvRef;
  readonly resources: StoreResources;
  /**
   * Read the password from this mounted file (volume and path) instead of an env var.
   * @default - the password comes in as the env var `variable`
   */
  readonly file?: { readonly volume: string; readonly mountPath: string; readonly fileName: string };
}

/** The `check-password` init container: exits 1, saying why, on a password that is not URL-safe. */
export function passwordCheckInitContainer(p: PasswordCheckProps): k8s.Container {
  return {
    name: 'check-password',
    image: p.image,
    imagePullPolicy: 'Always',
    ...(p.file ? {
      command: ['/bin/sh', '-c', `${p.variable}="$(cat ${p.file.mountPath}/${p.file.fileName})"\n${urlSafePasswordCheck(p.variable, p.uri)}`],
      volumeMounts: [{ name: p.file.volume, mountPath: p.file.mountPath, readOnly: true }],
    } : {
      command: ['/bin/sh', '-c', urlSafePasswordCheck(p.variable, p.uri)],
      env: [secretEnvVar(p.variable, p.password)],
    }),
    resources: containerResources(p.resources),
    securityContext: hardenedContainerSecurityContext(),
  };
}
