/**
 * Copies of rendered objects that share their equal strings. A rendered environment is held whole
 * until its gate verdict (the cross-object checks read every namespace), and its objects repeat the
 * same strings thousands of times (labels, namespaces, images, ports' names), each a separate string
 * as cdk8s built it; sharing them, and copying each object into compact plain objects, takes about
 * 40 % off the environment's heap (500 workflows: 71 → 42 MiB for dev), which is the fleet's peak
 * memory. The copy holds the same values in the same key order, so every byte written is the same.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  /** A deep copy of plain JSON-like data (plain objects, arrays, primitives) whose strings come from the pool; anything else is kept as is. */
  public copy<T>(value: T): T {
    return this.copyValue(value) as T;
  }

  private copyValue(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.copyValue(v));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const copied = this.copyValue((value as Record<string, unknown>)[key]);
      // An own `__proto__` key would set the copy's prototype if assigned.
      if (key === '__proto__') Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
      else out[key] = copied;
    }
    return out;
  }

  private string(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }
}
