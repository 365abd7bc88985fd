import { stringify } from 'yaml';

/**
 * Deterministic YAML: no line folding, no anchors; key order is cdk8s's (sorted, apiVersion/kind
 * first). YAML 1.1 quoting, because Kubernetes and Argo CD read YAML 1.1, where a bare `Off` or
 * `yes` is a boolean (a VPA's `updateMode: Off` would arrive as `false`).
 */
export const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' } as const;

export function toYaml(object: unknown): string {
  return stringify(object, YAML_OPTIONS);
}
