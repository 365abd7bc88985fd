/**
 * Kubernetes resource quantities as numbers: one parser for the API server's grammar
 * ({@link parseQuantity}), and the stricter forms the config accepts for cpu and memory, in the
 * units callers compute in (millicores, bytes, cores, MiB).
 */

const SUFFIX_FACTOR: Readonly<Record<string, number>> = {
  m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** A Kubernetes quantity (`250m`, `1.5`, `512Mi`, `2G`, `1e3`, or a number) as a number; undefined when it is not one. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * (match[2] ? SUFFIX_FACTOR[match[2]] : 1);
}

/** The cpu forms the config takes: whole millicores or (fractional) cores. */
const CPU_FORM = /^(\d+m|\d+(\.\d+)?)$/;
/** The byte forms the config takes: a plain or fractional number with an optional byte suffix. */
const BYTES_FORM = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/** "250m" → 250, "1.5" → 1500. Throws naming the value and the expected form. */
export function cpuMillicores(quantity: string): number {
  const value = CPU_FORM.test(quantity) ? parseQuantity(quantity) : undefined;
  if (value === undefined) throw new Error(`"${quantity}" is not a cpu quantity such as "250m" or "1.5"`);
  return Math.round(value * 1000);
}

/** "256Mi" → 268435456. Throws naming the value and the expected form. */
export function bytes(quantity: string): number {
  const value = BYTES_FORM.test(quantity) ? parseQuantity(quantity) : undefined;
  if (value === undefined) throw new Error(`"${quantity}" is not a byte quantity such as "256Mi"`);
  return value;
}

/** "250m" → 0.25, "1.5" → 1.5, "2" → 2. */
export function cpuCores(quantity: string): number {
  return cpuMillicores(quantity) / 1000;
}

const BYTES_PER_MEBIBYTE = 1024 ** 2;

/** "256Mi" → 256, "1Gi" → 1024, "512M" → 488.28… (decimal suffixes are 10^n bytes). */
export function memoryMebibytes(quantity: string): number {
  return bytes(quantity) / BYTES_PER_MEBIBYTE;
}
