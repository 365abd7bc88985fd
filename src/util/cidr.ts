/** IPv4 CIDR arithmetic shared by the NetworkPolicy construct and the gate's policy checks. */

interface Ipv4Cidr {
  readonly address: number;
  readonly bits: number;
}

/** `10.0.0.0/8` → address and prefix length; a bare address is /32; undefined for IPv6 or malformed input. */
export function parseIpv4Cidr(cidr: string): Ipv4Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  return { address: octets.reduce((acc, o) => ((acc << 8) | o) >>> 0, 0), bits };
}

function samePrefix(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const mask = a.bits === 0 ? 0 : (~0 << (32 - a.bits)) >>> 0;
  return ((a.address & mask) >>> 0) === ((b.address & mask) >>> 0);
}

/** Does IPv4 CIDR `outer` contain (or equal) `inner`? IPv6 or malformed: exact text match only. */
export function cidrCovers(outer: string, inner: string): boolean {
  const a = parseIpv4Cidr(outer);
  const b = parseIpv4Cidr(inner);
  if (!a || !b) return outer === inner;
  return b.bits >= a.bits && samePrefix(a, b);
}

/** Is IPv4 CIDR `inner` a strict subset of `outer`? False for IPv6 or malformed input. */
export function ipv4StrictlyContains(outer: string, inner: string): boolean {
  const a = parseIpv4Cidr(outer);
  const b = parseIpv4Cidr(inner);
  return !!a && !!b && b.bits > a.bits && samePrefix(a, b);
}
