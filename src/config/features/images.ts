/**
 * Image policy of an environment (`images`): tags allowed or not, a registry override for every
 * image the environment renders (a private registry or a pull-through mirror), and the pull
 * Secrets the kubelet uses. The rewrite itself is the constructs' (src/constructs/image-registry.ts).
 */
import { z } from 'zod';
import { registryProblems } from '../../constructs/image-registry';
import type { SemanticIssue } from '../semantic-issue';

const secretName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'a Secret name (lower-case letters, digits, "-" and ".")');

export const IMAGES_DEFAULTS = { allowTags: false, pullSecrets: [] as string[] };

export const imagesSchema = z
  .strictObject({
    allowTags: z.boolean().default(false).meta({ description: 'Allow `repository:tag` without a digest (dev only). `latest` is never allowed.' }),
    registry: z.string().optional().meta({
      description: 'Pull every image this environment renders (server, workers, init containers, sidecars, dev stores and exporters) from this registry instead of its own: `host[:port]`, optionally with a path prefix (a pull-through project). Only the registry host changes; each image keeps its path, tag and digest (a Docker Hub short name such as `redis` becomes `<registry>/library/redis`). No scheme, no trailing `/`. Default: each image\'s own registry.',
      examples: ['harbor.corp.internal/dockerhub-proxy', 'registry.corp.internal:5000'],
    }),
    pullSecrets: z.array(secretName).default([]).meta({
      description: 'Names of `kubernetes.io/dockerconfigjson` Secrets in each workflow\'s namespace that every pod pulls its images with (references only). In a production-tier environment each must come from an ExternalSecret or `existingSecrets` (gate rule `cross-object/secret-source`). Default: none (the nodes\' own credentials).',
      examples: [['registry-pull']],
    }),
  })
  .default(IMAGES_DEFAULTS);
export type Images = z.infer<typeof imagesSchema>;

/** Environment-level rules: a well-formed registry, each pull Secret once. */
export function checkImages(env: { readonly images: Images }): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const { registry, pullSecrets } = env.images;
  if (registry !== undefined) {
    for (const problem of registryProblems(registry)) issues.push({ path: ['images', 'registry'], value: registry, message: problem });
  }
  const seen = new Set<string>();
  pullSecrets.forEach((name, i) => {
    if (seen.has(name)) issues.push({ path: ['images', 'pullSecrets', i], value: name, message: `names Secret "${name}" a second time; remove the duplicate` });
    seen.add(name);
  });
  return issues;
}
