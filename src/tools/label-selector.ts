/**
 * Kubernetes label-selector matching, as the API server does it: `matchLabels` and
 * `matchExpressions` (In, NotIn, Exists, DoesNotExist) all must hold; an empty selector matches
 * everything. A Service's `spec.selector` is the plain-map form.
 */

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[req.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[req.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // An unknown operator selects nothing, like the API server rejecting it.
        return false;
    }
  }
  return true;
}

/** `a=b, c in (d,e)` — how a selector reads in a message. */
export function describeSelector(selector: LabelSelector): string {
  const parts = selectorTerms(selector);
  return parts.length === 0 ? '(everything)' : parts.join(', ');
}

/** The selector's terms (`a=b`, `c in (d,e)`, `d`, `!e`); empty for an empty selector. */
export function selectorTerms(selector: LabelSelector): string[] {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'Exists') parts.push(req.key);
    else if (req.operator === 'DoesNotExist') parts.push(`!${req.key}`);
    else parts.push(`${req.key} ${req.operator === 'In' ? 'in' : 'notin'} (${(req.values ?? []).join(',')})`);
  }
  return parts;
}
