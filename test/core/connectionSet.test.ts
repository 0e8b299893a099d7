import { describe, expect, it } from 'vitest';
import { ConnectionSet, isProtocol } from '../../lib/core/netpol/connectionSet.js';
import { IntervalSet } from '../../lib/core/netpol/intervals.js';

describe('ConnectionSet notation', () => {
  it('prints All Connections only when TCP, UDP and SCTP are all fully open', () => {
    // Prepare
    const built = ConnectionSet.of('TCP').union(ConnectionSet.of('UDP')).union(ConnectionSet.of('SCTP'));
    const twoProtocols = ConnectionSet.of('TCP').union(ConnectionSet.of('UDP'));

    // Act / Assess
    expect(ConnectionSet.all.toString()).toBe('All Connections');
    expect(built.toString()).toBe('All Connections');
    expect(built.isAll).toBe(true);
    expect(twoProtocols.toString()).toBe('TCP 1-65535,UDP 1-65535');
  });

  it('prints the full port range of one protocol as 1-65535', () => {
    // Prepare / Act / Assess
    expect(ConnectionSet.of('UDP').toString()).toBe('UDP 1-65535');
  });

  it('orders protocol groups SCTP, TCP, UDP whatever the construction order', () => {
    // Prepare
    const conn = ConnectionSet.port('UDP', 53)
      .union(ConnectionSet.port('TCP', 80))
      .union(ConnectionSet.port('SCTP', 9000));

    // Act / Assess
    expect(conn.toString()).toBe('SCTP 9000,TCP 80,UDP 53');
  });

  it('merges touching and overlapping port ranges and sorts them ascending', () => {
    // Prepare
    const conn = ConnectionSet.port('TCP', 8080, 9090)
      .union(ConnectionSet.port('TCP', 53))
      .union(ConnectionSet.port('TCP', 9091, 9100))
      .union(ConnectionSet.port('TCP', 54))
      .union(ConnectionSet.port('TCP', 8000, 8085));

    // Act / Assess
    expect(conn.toString()).toBe('TCP 53-54,8000-9100');
  });

  it('prints the complement of one port as two ranges', () => {
    // Prepare
    const conn = ConnectionSet.of('SCTP').subtract(ConnectionSet.port('SCTP', 9003))
      .union(ConnectionSet.of('TCP')).union(ConnectionSet.of('UDP'));

    // Act / Assess
    expect(conn.toString()).toBe('SCTP 1-9002,9004-65535,TCP 1-65535,UDP 1-65535');
  });

  it('prints an empty set as No Connections', () => {
    // Prepare / Act / Assess
    expect(ConnectionSet.none.toString()).toBe('No Connections');
    expect(ConnectionSet.port('TCP', 80).subtract(ConnectionSet.of('TCP')).isEmpty).toBe(true);
  });

  it('clips port sets to 1..65535', () => {
    // Prepare
    const conn = ConnectionSet.of('TCP', IntervalSet.of(0, 70000));

    // Act / Assess
    expect(conn.toString()).toBe('TCP 1-65535');
    expect(ConnectionSet.port('TCP', 0).isEmpty).toBe(true);
  });
});

describe('ConnectionSet algebra', () => {
  it('intersects per protocol', () => {
    // Prepare
    const a = ConnectionSet.port('TCP', 1, 100).union(ConnectionSet.port('UDP', 53));
    const b = ConnectionSet.port('TCP', 50, 200).union(ConnectionSet.port('SCTP', 53));

    // Act / Assess
    expect(a.intersect(b).toString()).toBe('TCP 50-100');
    expect(a.intersect(ConnectionSet.all)).toBe(a);
    expect(a.intersect(ConnectionSet.none).isEmpty).toBe(true);
  });

  it('subtracts per protocol, leaving other protocols untouched', () => {
    // Prepare
    const a = ConnectionSet.port('TCP', 80, 90).union(ConnectionSet.port('UDP', 53));

    // Act
    const d = a.subtract(ConnectionSet.port('TCP', 85));

    // Assess
    expect(d.toString()).toBe('TCP 80-84,86-90,UDP 53');
  });

  it('answers allows() per protocol and port', () => {
    // Prepare
    const conn = ConnectionSet.port('TCP', 80).union(ConnectionSet.port('UDP', 53));

    // Act / Assess
    expect(conn.allows('TCP', 80)).toBe(true);
    expect(conn.allows('UDP', 80)).toBe(false);
    expect(conn.allows('UDP', 53)).toBe(true);
    expect(conn.allows('SCTP', 53)).toBe(false);
  });

  it('compares by canonical key', () => {
    // Prepare
    const a = ConnectionSet.port('TCP', 1, 10).union(ConnectionSet.port('TCP', 11, 20));
    const b = ConnectionSet.port('TCP', 1, 20);

    // Act / Assess
    expect(a.equals(b)).toBe(true);
    expect(a.key).toBe('TCP 1-20');
    expect(a.equals(ConnectionSet.port('TCP', 1, 19))).toBe(false);
  });

  it('recognises exactly the three supported protocols', () => {
    // Prepare / Act / Assess
    expect(['TCP', 'UDP', 'SCTP', 'tcp', 'ICMP', 6, undefined].map(isProtocol)).toEqual([true, true, true, false, false, false, false]);
  });
});
