import { IntervalSet } from './intervals.js';

export const MAX_IPV4 = 0xffffffff;

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV4_PREFIX = /^\d{1,2}$/;
const IPV6_PREFIX = /^\d{1,3}$/;
const IPV6_CHARS = /^[0-9a-fA-F:.]+$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted-quad IPv4 address into an unsigned 32-bit number, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export type ParsedCidr =
  | { family: 4; range: IntervalSet }
  | { family: 6 }
  | { family: 'invalid'; reason: string };

/**
 * Parses `a.b.c.d/n` (host bits may be set, as the Kubernetes API accepts) or an IPv6 CIDR.
 * IPv6 is recognised but not modelled: callers decide how to report it.
 */
export function parseCidr(text: string): ParsedCidr {
  const slash = text.indexOf('/');
  if (slash < 0) return { family: 'invalid', reason: `invalid CIDR address: ${text}` };
  const addr = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (addr.includes(':')) {
    return isIpv6Cidr(addr, prefixText) ? { family: 6 } : { family: 'invalid', reason: `invalid CIDR address: ${text}` };
  }
  const ip = parseIpv4(addr);
  const prefix = IPV4_PREFIX.test(prefixText) ? Number(prefixText) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) {
    return { family: 'invalid', reason: `invalid CIDR address: ${text}` };
  }
  const size = 2 ** (32 - prefix);
  const start = Math.floor(ip / size) * size;
  return { family: 4, range: IntervalSet.of(start, start + size - 1) };
}

function isIpv6Cidr(addr: string, prefixText: string): boolean {
  if (!IPV6_PREFIX.test(prefixText) || Number(prefixText) > 128) return false;
  if (!IPV6_CHARS.test(addr)) return false;
  const doubleColons = addr.split('::').length - 1;
  if (doubleColons > 1) return false;
  const groups = addr.split(':').filter((g) => g !== '');
  const last = groups[groups.length - 1] ?? '';
  const embeddedV4 = last.includes('.');
  if (embeddedV4 && parseIpv4(last) === undefined) return false;
  const hexGroups = embeddedV4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => HEX_GROUP.test(g))) return false;
  const count = hexGroups.length + (embeddedV4 ? 2 : 0);
  return doubleColons === 1 ? count < 8 : count === 8;
}

/** "10.0.0.0-10.255.255.255" */
export function formatIpv4Range(start: number, end: number): string {
  return `${formatIpv4(start)}-${formatIpv4(end)}`;
}

/** The fewest CIDRs covering exactly a set of IPv4 addresses (adjacent addresses merge into blocks). */
export function addressesToCidrs(addresses: readonly string[]): string[] {
  const set = IntervalSet.fromRanges(addresses.flatMap((a) => {
    const ip = parseIpv4(a);
    return ip === undefined ? [] : [[ip, ip] as const];
  }));
  return set.ranges.flatMap(([start, end]) => rangeToCidrs(start, end));
}

/** Splits an inclusive range into aligned CIDR blocks, largest first. */
function rangeToCidrs(start: number, end: number): string[] {
  const out: string[] = [];
  let at = start;
  while (at <= end) {
    let size = 1;
    // Grow the block while it stays aligned at `at` and inside the range.
    while (size < 2 ** 32 && at % (size * 2) === 0 && at + size * 2 - 1 <= end) size *= 2;
    out.push(`${formatIpv4(at)}/${32 - Math.log2(size)}`);
    at += size;
  }
  return out;
}
