/**
 * Label-selector matching as the API server does it. `matchLabels` and every `matchExpressions`
 * requirement (In, NotIn, Exists, DoesNotExist) must hold; an empty selector (`{}`) matches
 * everything, an absent one nothing. A Service's `spec.selector` is the plain-map form (see
 * {@link mapSelectorMatches}).
 */

export interface LabelSelectorRequirement {
  readonly key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`; rendered objects are read as they are, so any string. */
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

export function selectorMatches(selector: LabelSelector | undefined | null, labels: Labels): boolean {
  if (!selector || typeof selector !== 'object') return false;
  if (!mapSelectorMatches(selector.matchLabels ?? {}, labels)) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In': if (!has || !values.includes(labels[req.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[req.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false; // an unknown operator selects nothing (the API server would refuse it)
    }
  }
  return true;
}

/** Every key/value of the map selector is among the labels. */
export function mapSelectorMatches(selector: Labels, labels: Labels): boolean {
  for (const key of Object.keys(selector)) if (labels[key] !== selector[key]) return false;
  return true;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** How a selector (structured or plain map) reads in a gate message: `{a=b, c In (d,e)}`. */
export function describeSelector(selector: LabelSelector | Labels | undefined | null): string {
  if (!selector) return 'nothing';
  const s = selector as LabelSelector;
  const isStructured = 'matchLabels' in s || 'matchExpressions' in s;
  const labels = (isStructured ? s.matchLabels : (selector as Labels)) ?? {};
  const parts = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`);
  if (isStructured) for (const e of s.matchExpressions ?? []) parts.push(`${e.key} ${e.operator} (${(e.values ?? []).join(',')})`);
  return parts.length ? `{${parts.join(', ')}}` : '{} (everything)';
}

/** The selector's terms in kubectl's notation (`a=b`, `c in (d,e)`, `d`, `!e`), for graphs; empty for an empty selector. */
export function selectorTerms(selector: LabelSelector): string[] {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'Exists') parts.push(req.key);
    else if (req.operator === 'DoesNotExist') parts.push(`!${req.key}`);
    else parts.push(`${req.key} ${req.operator === 'In' ? 'in' : 'notin'} (${(req.values ?? []).join(',')})`);
  }
  return parts;
}
