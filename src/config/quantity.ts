/** Kubernetes resource quantities as numbers, for comparisons (requests ≤ limits, sizing). */

const BYTE_SUFFIX: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** "250m" → 250, "1.5" → 1500. */
export function cpuMillicores(quantity: string): number {
  const m = /^(\d+)m$/.exec(quantity);
  if (m) return Number(m[1]);
  if (/^\d+(\.\d+)?$/.test(quantity)) return Math.round(Number(quantity) * 1000);
  throw new Error(`"${quantity}" is not a cpu quantity such as "250m" or "1.5"`);
}

/** "256Mi" → 268435456. */
export function bytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!m) throw new Error(`"${quantity}" is not a byte quantity such as "256Mi"`);
  return Number(m[1]) * BYTE_SUFFIX[m[2] ?? ''];
}
