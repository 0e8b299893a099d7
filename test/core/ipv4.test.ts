import { describe, expect, it } from 'vitest';
import { addressesToCidrs, formatIpv4, formatIpv4Range, parseCidr, parseIpv4 } from '../../lib/core/netpol/ipv4.js';

/** The IPv4 range of a CIDR as `first-last`, or the family when not IPv4. */
function cidrText(text: string): string {
  const parsed = parseCidr(text);
  if (parsed.family !== 4) return String(parsed.family);
  const [[start, end]] = parsed.range.ranges as [[number, number]];
  return formatIpv4Range(start, end);
}

describe('parseIpv4 / formatIpv4', () => {
  it('parses dotted quads into unsigned 32-bit numbers', () => {
    // Prepare / Act / Assess
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('192.168.1.254')).toBe(0xc0a801fe);
  });

  it('rejects malformed addresses', () => {
    // Prepare
    const bad = ['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', 'a.b.c.d', '', '1..2.3', ' 1.2.3.4'];

    // Act / Assess
    expect(bad.map(parseIpv4)).toEqual(bad.map(() => undefined));
  });

  it('formats numbers back to dotted quads', () => {
    // Prepare / Act / Assess
    expect(formatIpv4(0xc0a801fe)).toBe('192.168.1.254');
    expect(formatIpv4(0xffffffff)).toBe('255.255.255.255');
    expect(formatIpv4Range(0, 0xffffffff)).toBe('0.0.0.0-255.255.255.255');
  });
});

describe('parseCidr', () => {
  it('parses IPv4 CIDRs into their address range', () => {
    // Prepare / Act / Assess
    expect(cidrText('10.0.0.0/8')).toBe('10.0.0.0-10.255.255.255');
    expect(cidrText('0.0.0.0/0')).toBe('0.0.0.0-255.255.255.255');
    expect(cidrText('8.8.8.8/32')).toBe('8.8.8.8-8.8.8.8');
    expect(cidrText('172.16.0.0/12')).toBe('172.16.0.0-172.31.255.255');
  });

  it('accepts host bits and normalises to the network, as the API server does', () => {
    // Prepare / Act / Assess
    expect(cidrText('10.1.2.3/8')).toBe('10.0.0.0-10.255.255.255');
    expect(cidrText('192.168.1.77/30')).toBe('192.168.1.76-192.168.1.79');
  });

  it('rejects invalid CIDRs with a message naming the text', () => {
    // Prepare
    const bad = ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/', '10.0.0.256/8', 'abc/8', '10.0.0.0/-1', '10.0.0.0/8/8', '10.0.0.0/ 8', '/8'];

    // Act
    const results = bad.map(parseCidr);

    // Assess
    results.forEach((r, i) => expect(r).toEqual({ family: 'invalid', reason: `invalid CIDR address: ${bad[i]}` }));
  });

  it('recognises IPv6 CIDRs without modelling them', () => {
    // Prepare
    const v6 = ['fd00::/8', '::/0', '2001:db8::/32', '2001:db8:0:0:0:0:0:1/128', '::ffff:10.0.0.1/128', 'FE80::1/64'];

    // Act / Assess
    expect(v6.map((c) => parseCidr(c).family)).toEqual([6, 6, 6, 6, 6, 6]);
  });

  it('rejects malformed IPv6 CIDRs', () => {
    // Prepare
    const bad = ['fd00::1::2/64', '::/129', 'gggg::/16', '1:2:3:4:5:6:7:8:9/64', '1:2:3/48', '::ffff:10.0.0.300/128', 'fd00::'];

    // Act / Assess
    expect(bad.map((c) => parseCidr(c).family)).toEqual(bad.map(() => 'invalid'));
  });
});

describe('addressesToCidrs', () => {
  it('merges adjacent addresses into the fewest aligned blocks and keeps lone ones as /32', () => {
    expect(addressesToCidrs(['10.0.1.4', '10.0.1.5', '10.0.1.6', '10.0.1.7', '10.0.1.8', '10.0.2.9'])).toEqual(['10.0.1.4/30', '10.0.1.8/32', '10.0.2.9/32']);
    expect(addressesToCidrs(Array.from({ length: 256 }, (_, i) => `10.1.2.${i}`))).toEqual(['10.1.2.0/24']);
    expect(addressesToCidrs(['10.0.0.1', '10.0.0.1', 'not-an-ip'])).toEqual(['10.0.0.1/32']);
  });
});
