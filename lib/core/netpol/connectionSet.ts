import { IntervalSet } from './intervals.js';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;
const ALL_PORTS = IntervalSet.of(MIN_PORT, MAX_PORT);

export function isProtocol(value: unknown): value is Protocol {
  return typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value);
}

/**
 * The ports allowed per protocol. Immutable. `toString()` gives np-guard's notation:
 * `All Connections`, or protocol groups in alphabetical order such as `TCP 53,8080-9090,UDP 53`.
 */
export class ConnectionSet {
  static readonly none = new ConnectionSet({ SCTP: IntervalSet.empty, TCP: IntervalSet.empty, UDP: IntervalSet.empty });
  static readonly all = new ConnectionSet({ SCTP: ALL_PORTS, TCP: ALL_PORTS, UDP: ALL_PORTS });

  private cachedKey: string | undefined;

  private constructor(private readonly ports: Readonly<Record<Protocol, IntervalSet>>) {}

  static of(protocol: Protocol, ports: IntervalSet = ALL_PORTS): ConnectionSet {
    const byProtocol = { SCTP: IntervalSet.empty, TCP: IntervalSet.empty, UDP: IntervalSet.empty };
    byProtocol[protocol] = ports.intersect(ALL_PORTS);
    return new ConnectionSet(byProtocol);
  }

  static port(protocol: Protocol, start: number, end = start): ConnectionSet {
    return ConnectionSet.of(protocol, IntervalSet.of(start, end));
  }

  portsOf(protocol: Protocol): IntervalSet {
    return this.ports[protocol];
  }

  get isEmpty(): boolean {
    return PROTOCOLS.every((p) => this.ports[p].isEmpty);
  }

  get isAll(): boolean {
    return PROTOCOLS.every((p) => this.ports[p].equals(ALL_PORTS));
  }

  allows(protocol: Protocol, port: number): boolean {
    return this.ports[protocol].contains(port);
  }

  union(other: ConnectionSet): ConnectionSet {
    if (other.isEmpty || this.isAll) return this;
    if (this.isEmpty || other.isAll) return other;
    return this.combine(other, (a, b) => a.union(b));
  }

  intersect(other: ConnectionSet): ConnectionSet {
    if (other.isAll || this.isEmpty) return this;
    if (this.isAll || other.isEmpty) return other;
    return this.combine(other, (a, b) => a.intersect(b));
  }

  subtract(other: ConnectionSet): ConnectionSet {
    if (other.isEmpty || this.isEmpty) return this;
    return this.combine(other, (a, b) => a.subtract(b));
  }

  equals(other: ConnectionSet): boolean {
    return this.key === other.key;
  }

  /** Canonical text, also usable as a map key. */
  get key(): string {
    if (this.cachedKey === undefined) this.cachedKey = this.render();
    return this.cachedKey;
  }

  toString(): string {
    return this.key;
  }

  private combine(other: ConnectionSet, op: (a: IntervalSet, b: IntervalSet) => IntervalSet): ConnectionSet {
    return new ConnectionSet({
      SCTP: op(this.ports.SCTP, other.ports.SCTP),
      TCP: op(this.ports.TCP, other.ports.TCP),
      UDP: op(this.ports.UDP, other.ports.UDP),
    });
  }

  private render(): string {
    if (this.isAll) return 'All Connections';
    if (this.isEmpty) return 'No Connections';
    return PROTOCOLS.filter((p) => !this.ports[p].isEmpty)
      .map((p) => `${p} ${this.ports[p].toString()}`)
      .join(',');
  }
}
