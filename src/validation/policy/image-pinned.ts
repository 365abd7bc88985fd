/**
 * Images are pinned: by digest, or by a tag only where the environment sets `images.allowTags`
 * (dev); never `latest`, never without a tag. A tag can be moved; a digest cannot.
 */
import { DIGEST_FORMAT, imagePinningProblem, parseImage } from '../../constructs/validations/image';
import { containersOf } from '../pod-templates';
import { PolicyRule, describeContainer, templateFinding } from './rule';

export { parseImage } from '../../constructs/validations/image';
export type { ImageReference } from '../../constructs/validations/image';

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
      // One decision with the constructs' synth-time check (src/constructs/validations/image.ts); the gate words it for the config.
      switch (imagePinningProblem(image, allowTags)) {
        case 'missing':
          return [templateFinding(t, path, { value: image, message: `${who} has no image`, fix: 'set image to repository@sha256:<digest>' })];
        case 'bad-digest':
          return [templateFinding(t, path, { value: image, message: `${who}'s image digest "${parseImage(image).digest}" is not ${DIGEST_FORMAT}`, fix: 'pin the image by its full digest (crane digest <image>)' })];
        case 'untagged':
          return [templateFinding(t, path, { value: image, message: `${who}'s image has neither tag nor digest, so it means "latest"`, fix: 'pin the image by digest (image.digest: sha256:… in the workflow catalog)' })];
        case 'latest':
          return [templateFinding(t, path, { value: image, message: `${who} runs the "latest" tag, which moves`, fix: 'pin the image by digest (image.digest: sha256:… in the workflow catalog)' })];
        case 'tag-only':
          return [templateFinding(t, path, { value: image, message: `${who}'s image is pinned by tag only; environment "${envName}" requires a digest`, fix: 'set image.digest (sha256:…) for this environment' })];
      }
      return [];
    });
  },
};
