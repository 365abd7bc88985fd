/**
 * Deep merge of plain config data: objects merge key by key, everything else (arrays included)
 * replaces, and `null` removes an inherited value (e.g. `digest: null` where a tag is used instead).
 */
export function deepMerge(...layers: unknown[]): unknown {
  return layers.reduce((acc, layer) => mergeTwo(acc, layer), undefined);
}

function mergeTwo(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (over === null) return undefined;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
      if (v === null) delete out[k];
      else out[k] = mergeTwo(base[k], v);
    }
    return out;
  }
  return over;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Value at a path, or undefined. */
export function getPath(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
