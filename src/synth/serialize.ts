import { stringify } from 'yaml';

/** Deterministic YAML: no line folding, no anchors; key order is cdk8s's (sorted, apiVersion/kind first). */
export const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

export function toYaml(object: unknown): string {
  return stringify(object, YAML_OPTIONS);
}
