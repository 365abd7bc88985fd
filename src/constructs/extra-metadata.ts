/**
 * Labels and annotations users add (Vault agent, Datadog autodiscovery, `karpenter.sh/do-not-disrupt`,
 * cost-centre labels): checked so that none overrides the label contract the selectors, policies and
 * dashboards read (./labels.ts) or an annotation the platform or its waivers set (sync waves, waiver
 * records, scanner skips, Istio, Prometheus merging). A refused key is named with the reason.
 */

export type MetadataKind = 'label' | 'annotation';

/** Key prefixes (the part before `/`, or a domain it ends with) the platform owns, and why. */
const RESERVED_PREFIXES: readonly { readonly domain: string; readonly kinds: readonly MetadataKind[]; readonly why: string }[] = [
  { domain: 'app.kubernetes.io', kinds: ['label', 'annotation'], why: 'the label contract: selectors and every rule read app.kubernetes.io/* (src/constructs/labels.ts)' },
  { domain: 'langgraph.platform', kinds: ['label', 'annotation'], why: 'the platform\'s own keys (capacity profile, connection budget, waiver records)' },
  { domain: 'pod-security.kubernetes.io', kinds: ['label', 'annotation'], why: 'Pod Security admission levels, set on the Namespace by the platform' },
  { domain: 'argoproj.io', kinds: ['label', 'annotation'], why: 'Argo CD sync waves and sync options, and Argo Rollouts\' keys, set by the platform' },
  { domain: 'istio.io', kinds: ['label', 'annotation'], why: 'Istio settings (sidecar injection, proxy config, traffic capture) the mesh features set; changing them can bypass mTLS or the egress policy' },
  { domain: 'prometheus.io', kinds: ['annotation'], why: 'Istio metrics merging, set by the platform where the mesh is' },
  { domain: 'kubectl.kubernetes.io', kinds: ['annotation'], why: 'the default container, set by the platform' },
  { domain: 'nginx.ingress.kubernetes.io', kinds: ['annotation'], why: 'the Ingress\'s TLS redirect and rate limit, set from entry.*' },
  { domain: 'cdk8s.io', kinds: ['label', 'annotation'], why: 'the construct-path label cdk8s-plus renders' },
  // Scanner skips come only from config/waivers.yaml, with a reviewed reason.
  { domain: 'kube-linter.io', kinds: ['annotation'], why: 'scanner skips, rendered only from a waiver in config/waivers.yaml' },
  { domain: 'checkov.io', kinds: ['annotation'], why: 'scanner skips, rendered only from a waiver in config/waivers.yaml' },
  { domain: 'kube-score', kinds: ['annotation'], why: 'scanner skips, rendered only from a waiver in config/waivers.yaml' },
  { domain: 'fairwinds.com', kinds: ['annotation'], why: 'scanner skips, rendered only from a waiver in config/waivers.yaml' },
];

/** Unprefixed keys the platform sets. */
const RESERVED_KEYS: Readonly<Record<string, { readonly kinds: readonly MetadataKind[]; readonly why: string }>> = {
  owner: { kinds: ['label'], why: 'the owner label, from the workflow\'s owner.team' },
  email: { kinds: ['annotation'], why: 'the owner annotation, from the workflow\'s owner.email' },
  'istio-injection': { kinds: ['label'], why: 'sidecar injection, set on the Namespace from mesh.enabled' },
  grafana_dashboard: { kinds: ['label'], why: 'the Grafana sidecar\'s discovery label, set on the dashboard' },
};

/** Why `key` may not be set as a `kind`, or undefined when it may. */
export function reservedKeyReason(key: string, kind: MetadataKind): string | undefined {
  const exact = RESERVED_KEYS[key];
  if (exact?.kinds.includes(kind)) return exact.why;
  const slash = key.indexOf('/');
  if (slash < 0) return undefined;
  const prefix = key.slice(0, slash);
  const hit = RESERVED_PREFIXES.find((p) => p.kinds.includes(kind) && (prefix === p.domain || prefix.endsWith(`.${p.domain}`)));
  return hit?.why;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Why `key` is no qualified name (`[prefix/]name`), or undefined. */
function keySyntaxProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) return `its prefix "${prefix}" is no DNS subdomain`;
  if (name.length > 63 || !NAME.test(name)) return `its name "${name}" is not 1–63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  return undefined;
}

export interface MetadataProblem {
  readonly key: string;
  readonly value: string;
  readonly message: string;
}

/**
 * Every problem with extra labels or annotations: a reserved key (with the reason), a key that is no
 * qualified name, or a label value Kubernetes refuses.
 */
export function extraMetadataProblems(entries: Readonly<Record<string, string>>, kind: MetadataKind): MetadataProblem[] {
  const out: MetadataProblem[] = [];
  for (const key of Object.keys(entries).sort()) {
    const value = entries[key];
    const reserved = reservedKeyReason(key, kind);
    if (reserved) {
      out.push({ key, value, message: `${kind} "${key}" is set by the platform (${reserved}); remove it, or use a key of your own domain` });
      continue;
    }
    const syntax = keySyntaxProblem(key);
    if (syntax) out.push({ key, value, message: `${kind} key "${key}" is no Kubernetes qualified name: ${syntax}; use [prefix/]name, e.g. example.com/team` });
    else if (kind === 'label' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      out.push({ key, value, message: `label "${key}" has value "${value}", which Kubernetes refuses; use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit (or put it in an annotation)` });
    }
  }
  return out;
}

/** Throws (at construction) the first problems of extra labels and annotations, naming `owner`. */
export function assertExtraMetadata(owner: string, extra: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> }, field: string): void {
  const problems = [
    ...extraMetadataProblems(extra.labels ?? {}, 'label').map((p) => `${field}Labels: ${p.message}`),
    ...extraMetadataProblems(extra.annotations ?? {}, 'annotation').map((p) => `${field}Annotations: ${p.message}`),
  ];
  if (problems.length) throw new Error(`${owner}: ${problems.join('; ')}`);
}
