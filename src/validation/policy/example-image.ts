/**
 * No example images where it counts: in a production-tier environment (`tier: production`, the
 * default: staging and prod here) an image must not come from a registry host reserved for
 * examples and documentation (RFC 2606, RFC 6761), nor carry a digest that is visibly a
 * placeholder. Both render, validate and would never pull: the failure would surface only as
 * ImagePullBackOff during a rollout. Without a config (no tier) the rule does not judge. A reference config that knowingly uses example images waives
 * the rule per object, so its rendered objects say so.
 */
import { parseImage } from '../../constructs/validations/image';
import { containersOf } from '../pod-templates';
import { PolicyRule, describeContainer, templateFinding } from './rule';

/** Second-level names reserved for documentation (RFC 2606 §3), with every name under them. */
const EXAMPLE_DOMAINS: readonly string[] = ['example.com', 'example.net', 'example.org'];
/** Top-level names reserved by RFC 2606 §2 and RFC 6761 §6.3–6.4: none resolves to a real registry. */
const RESERVED_TLDS: readonly string[] = ['example', 'test', 'invalid', 'localhost'];

/**
 * The registry host of an image reference, lower-cased and without port; undefined for a Docker
 * Hub short name (`redis`, `library/redis`): as Docker reads it, the first path segment is a host
 * only when it has a `.` or `:` or is `localhost`.
 */
export function registryHostOf(image: string): string | undefined {
  const repository = parseImage(image).repository;
  const slash = repository.indexOf('/');
  if (slash < 0) return undefined;
  const first = repository.slice(0, slash);
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return undefined;
  return first.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
}

/** Whether `host` is a reserved example name: example.com/.net/.org or under them, or a reserved TLD (`localhost` itself included). */
export function isReservedExampleHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (EXAMPLE_DOMAINS.some((d) => h === d || h.endsWith(`.${d}`))) return true;
  const tld = h.slice(h.lastIndexOf('.') + 1);
  return RESERVED_TLDS.includes(tld);
}

/** Longest repeating unit that still counts as a placeholder: 16 hex digits, a quarter of a digest. */
export const PLACEHOLDER_MAX_PERIOD = 16;

/**
 * Whether a `sha256:` digest's 64 hex digits are one unit of at most {@link PLACEHOLDER_MAX_PERIOD}
 * digits repeated (`000…0`, `abab…`, `deadbeef…`, `0123456789abcdef` × 4): hand-typed, never a
 * hash (a real digest repeats so with probability 16^-48). Undefined when it is no sha256 digest.
 */
export function placeholderPeriod(digest: string): number | undefined {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (!m) return undefined;
  const hex = m[1];
  for (let p = 1; p <= PLACEHOLDER_MAX_PERIOD; p++) {
    if (hex.length % p === 0 && hex === hex.slice(0, p).repeat(hex.length / p)) return p;
  }
  return undefined;
}

const FIX = 'set image.repository and image.digest in config/workflows.yaml to your registry and the digest it serves (crane digest <image>); a reference config that knowingly ships example images waives policy/example-image per object in config/waivers.yaml, with the reason';

export const exampleImage: PolicyRule = {
  id: 'policy/example-image',
  summary: 'in production-tier environments no image from a reserved example registry host (example.com, *.test, …) or with a placeholder digest',
  checkTemplate: (t, ctx) => {
    // Only where the config says the environment is production-tier. Without a config (the gate
    // over a library user's chart, examples/own-app/minimal.ts) nothing says where the objects go,
    // and an example image is what an example should show.
    if (ctx.environment?.tier !== 'production') return [];
    const envName = ctx.environment?.name ?? t.owner.environment;
    return containersOf(t.template).flatMap((c) => {
      const image = c.container.image;
      if (typeof image !== 'string' || image === '') return []; // policy/image-pinned reports it
      const path = `${c.pointer}/image`;
      const who = describeContainer(c);
      const host = registryHostOf(image);
      if (host !== undefined && isReservedExampleHost(host)) {
        return [templateFinding(t, path, {
          value: image,
          message: `${who}'s image comes from registry host "${host}", a name reserved for examples (RFC 2606/6761) that no registry serves; production-tier environment "${envName}" would never pull it`,
          fix: FIX,
        })];
      }
      const digest = parseImage(image).digest;
      const period = digest === undefined ? undefined : placeholderPeriod(digest);
      if (period !== undefined) {
        return [templateFinding(t, path, {
          value: image,
          message: `${who}'s image digest repeats "${digest!.slice(7, 7 + period)}" (${period} hex digit${period === 1 ? '' : 's'}) 64/${period} times: a placeholder, not the hash of an image; production-tier environment "${envName}" would never pull it`,
          fix: FIX,
        })];
      }
      return [];
    });
  },
};
