/**
 * Images are pinned: by digest, or by a tag only where the environment sets `images.allowTags`
 * (dev); never `latest`, never without a tag. A tag can be moved; a digest cannot.
 */
import { containersOf } from '../pod-templates';
import { PolicyRule, describeContainer, templateFinding } from './rule';

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

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export const imagePinned: PolicyRule = {
  id: 'policy/image-pinned',
  summary: 'images pinned by digest (a tag only where images.allowTags; never latest or untagged)',
  checkTemplate: (t, ctx) => {
    const allowTags = ctx.environment?.images.allowTags ?? false;
    const envName = ctx.environment?.name ?? t.owner.environment;
    return containersOf(t.template).flatMap((c) => {
      const image = c.container.image;
      const path = `${c.pointer}/image`;
      const who = describeContainer(c);
      if (typeof image !== 'string' || image === '') {
        return [templateFinding(t, path, { value: image, message: `${who} has no image`, fix: 'set image to repository@sha256:<digest>' })];
      }
      const ref = parseImage(image);
      if (ref.digest !== undefined) {
        return DIGEST.test(ref.digest) ? [] : [templateFinding(t, path, { value: image, message: `${who}'s image digest "${ref.digest}" is not sha256: followed by 64 hex digits`, fix: 'pin the image by its full digest (crane digest <image>)' })];
      }
      if (ref.tag === undefined) {
        return [templateFinding(t, path, { value: image, message: `${who}'s image has neither tag nor digest, so it means "latest"`, fix: 'pin the image by digest (image.digest: sha256:… in the workflow catalog)' })];
      }
      if (ref.tag === 'latest') {
        return [templateFinding(t, path, { value: image, message: `${who} runs the "latest" tag, which moves`, fix: 'pin the image by digest (image.digest: sha256:… in the workflow catalog)' })];
      }
      if (!allowTags) {
        return [templateFinding(t, path, { value: image, message: `${who}'s image is pinned by tag only; environment "${envName}" requires a digest`, fix: 'set image.digest (sha256:…) for this environment' })];
      }
      return [];
    });
  },
};
