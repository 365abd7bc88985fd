/**
 * Image pinning, one decision for the constructs (at synth time) and the gate (policy/image-pinned):
 * by digest, or by a tag only where tags are allowed (dev's `images.allowTags`); never `latest`,
 * never untagged. A tag can be moved; a digest cannot.
 */

export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `registry:5000/team/app:1.2@sha256:…` (a port in the registry is not a tag). */
export function parseImage(image: string): ImageReference {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { repository: rest, digest };
}

/** An image digest, and its format in words for the messages of the config, the constructs and the gate. */
export const DIGEST = /^sha256:[a-f0-9]{64}$/;
export const DIGEST_FORMAT = 'sha256: followed by 64 lowercase hex digits';

/** Why an image is not pinned: no image, a malformed digest, no tag, `latest`, or a tag where tags are not allowed. */
export type ImagePinningProblem = 'missing' | 'bad-digest' | 'untagged' | 'latest' | 'tag-only';

/** The problem with `image`, or undefined when it is pinned. */
export function imagePinningProblem(image: unknown, allowTags: boolean): ImagePinningProblem | undefined {
  if (typeof image !== 'string' || image === '') return 'missing';
  const ref = parseImage(image);
  if (ref.digest !== undefined) return DIGEST.test(ref.digest) ? undefined : 'bad-digest';
  if (ref.tag === undefined) return 'untagged';
  if (ref.tag === 'latest') return 'latest';
  return allowTags ? undefined : 'tag-only';
}

/** Construct validation messages for an image prop (empty when pinned). */
export function imagePinningErrors(owner: string, image: string, allowTags: boolean): string[] {
  const problem = imagePinningProblem(image, allowTags);
  if (!problem) return [];
  const fix = 'pin it by digest: image: <repository>@sha256:<digest> (crane digest <image>)';
  const why: Record<ImagePinningProblem, string> = {
    'missing': 'is empty',
    'bad-digest': `has a digest "${parseImage(image).digest}" that is not ${DIGEST_FORMAT}`,
    'untagged': 'has neither tag nor digest, so it means "latest"',
    'latest': 'uses the "latest" tag, which moves',
    'tag-only': 'is pinned by tag only, and tags can be moved',
  };
  const tagFix = problem === 'tag-only' ? `${fix}, or set allowImageTags: true (development only)` : fix;
  return [`${owner}: image "${image}" ${why[problem]}; ${tagFix}`];
}
