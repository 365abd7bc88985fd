/** API groups: `apps/v1` → `apps`, `v1` → `''` (the core group). */

export function apiGroupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** An API group and kind, as AppProject resource lists name them (`''` is the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** `Kind.group` (kubectl's notation), or just `Kind` for the core group. */
export function groupKindKey(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}
