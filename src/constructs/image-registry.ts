/**
 * Registry override and pull secrets: the two knobs a cluster behind a private registry or a
 * pull-through mirror (Harbor, Artifactory, ECR pull-through cache) needs (LangChain's chart, helm#320).
 * The override replaces the registry host of an image reference and keeps the rest (repository
 * path, tag and digest), so the pinned bytes stay the same.
 */
import { parseImage } from './validations/image';

/** Docker Hub, the registry of a reference without a host (`redis`, `team/app`). */
export const DOCKER_HUB = 'docker.io';

/** `host[:port]` with an optional path prefix (`harbor.example.com/dockerhub-proxy`), lower-case. */
const HOST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:\d{1,5})?$/;
const PATH_SEGMENT = /^[a-z0-9]+([._-][a-z0-9]+)*$/;

/**
 * Why `registry` is not a registry override (empty when it is one): the value goes in front of an
 * image's repository path, so a scheme, a tag, a digest or an empty path segment would make every
 * image reference invalid.
 */
export function registryProblems(registry: string): string[] {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(registry);
  if (scheme) return [`has a scheme "${scheme[1]}://"; image references carry none: use ${registry.slice(scheme[0].length).replace(/\/+$/, '')}`];
  if (registry === '') return ['is empty; give host[:port], optionally with a path prefix such as harbor.example.com/dockerhub-proxy'];
  if (registry !== registry.toLowerCase()) return [`has upper-case letters, which image references refuse; use ${registry.toLowerCase()}`];
  if (registry.includes('@')) return ['has a digest; the override replaces only the registry host and each image keeps its own digest: remove "@…"'];
  if (registry.endsWith('/')) return [`ends with "/"; remove it: ${registry.replace(/\/+$/, '')}`];
  const [host, ...path] = registry.split('/');
  if (!HOST.test(host)) return [`has "${host}" as its host, which is no host[:port]; use a DNS name (letters, digits, "-" and ".") with an optional :port`];
  const port = /:(\d+)$/.exec(host);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) return [`has port ${port[1]}, outside 1–65535; use the registry's real port`];
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') {
    return [`has "${host}" as its host, which image references read as a Docker Hub namespace, not a registry (a host needs a "." or a :port); use its full name, e.g. ${host}.example.com`];
  }
  const bad = path.find((s) => !PATH_SEGMENT.test(s));
  if (bad !== undefined) {
    return [bad === '' ? 'has an empty path segment ("//"); use single "/" between segments' : `has path segment "${bad}", which is no repository path segment; use lower-case letters and digits separated by ".", "_" or "-" (a tag belongs to each image, not the registry)`];
  }
  return [];
}

/**
 * The registry host of `image` and the rest of its repository path; a reference without a host
 * means Docker Hub (`redis` is `docker.io/library/redis`), as Docker reads it: the first segment is
 * a host only when it has a `.` or `:` or is `localhost`.
 */
export function splitRegistry(image: string): { readonly registry: string; readonly path: string } {
  const repository = parseImage(image).repository;
  const slash = repository.indexOf('/');
  const first = slash < 0 ? '' : repository.slice(0, slash);
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) return { registry: first, path: repository.slice(slash + 1) };
  return { registry: DOCKER_HUB, path: slash < 0 ? `library/${repository}` : repository };
}

/**
 * `image` pulled from `registry` instead of its own registry host, with its path, tag and digest
 * unchanged; `image` itself when `registry` is undefined. Throws on a malformed registry.
 */
export function withRegistry(image: string, registry: string | undefined): string {
  if (registry === undefined) return image;
  const problems = registryProblems(registry);
  if (problems.length) throw new Error(`image registry "${registry}" ${problems[0]}`);
  const ref = parseImage(image);
  return `${registry}/${splitRegistry(image).path}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** A Secret name (DNS-1123 subdomain), as `imagePullSecrets[].name` takes. */
const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Construct validation messages for `imagePullSecrets` (empty when valid). */
export function pullSecretErrors(owner: string, names: readonly string[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name.length > 253 || !SECRET_NAME.test(name)) errors.push(`${owner}: imagePullSecrets entry "${name}" is no Secret name (a DNS-1123 subdomain); use lower-case letters, digits, "-" and ".", naming the Secret of type kubernetes.io/dockerconfigjson`);
    else if (seen.has(name)) errors.push(`${owner}: imagePullSecrets names "${name}" twice; remove the duplicate`);
    seen.add(name);
  }
  return errors;
}

/** The `imagePullSecrets` field of a pod spec, or nothing when there are none. */
export function imagePullSecretsField(names: readonly string[] | undefined): { imagePullSecrets?: { name: string }[] } {
  return names?.length ? { imagePullSecrets: names.map((name) => ({ name })) } : {};
}
