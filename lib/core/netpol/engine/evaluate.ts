/**
 * How one direction's policies decide what a pod accepts from (ingress) or sends to (egress) one peer.
 *
 * Order, as in the network-policy API:
 *  1. AdminNetworkPolicy rules by priority (lower first), then rule order. The first rule that
 *     matches a connection decides it: Allow, Deny, or Pass (hand it to the next layer).
 *  2. NetworkPolicies: if any selects the pod in this direction, what their rules allow (the union)
 *     is allowed and everything else is denied.
 *  3. Otherwise the BaselineAdminNetworkPolicy rules in order; whatever is left is allowed.
 */
import { ConnectionSet } from '../connectionSet.js';
import type { RulePort, RulePorts } from '../model.js';
import type { CompiledRule, Layers } from './compile.js';
import { ALL, NONE, type ConnTable } from './connTable.js';
import type { PodType } from './universe.js';

/** One policy rule's part in a decision, for explanations. */
export interface RuleEffect {
  readonly rule: CompiledRule;
  readonly effect: 'allowed' | 'denied' | 'passed';
  /** Connection id, in the table used for the evaluation. */
  readonly conn: number;
}

export interface Decision {
  readonly conn: number;
  /** Filled only when asked for. */
  readonly effects: RuleEffect[];
  /** The NetworkPolicies that select the subject in this direction; empty: it is not isolated. */
  readonly isolatedBy: readonly string[];
}

/** A named rule port that matched no container port on any pod it was resolved on. */
export interface UnmatchedNamedPort {
  readonly ports: RulePorts;
  readonly name: string;
  /** One of the pods it was resolved on. */
  readonly example: PodType;
}

export class PortResolver {
  private readonly cache = new Map<RulePorts, Map<string, number>>();
  /** Per rule ports list and name: whether it ever matched, and a pod it was tried on. */
  private readonly namedUse = new Map<RulePorts, Map<string, { matched: boolean; example: PodType }>>();
  /** Rule ports lists with a named port that were applied to an external address. */
  readonly namedPortsOnAddresses = new Set<RulePorts>();
  /** `namedPortsKey` per pod type index. */
  private readonly keys: string[] = [];

  constructor(private readonly table: ConnTable, private readonly referencedNames: ReadonlySet<string>) {}

  /** Named ports that never matched, e.g. a typo in a policy. A name matching some pods is fine. */
  unmatchedNamedPorts(): UnmatchedNamedPort[] {
    return [...this.namedUse].flatMap(([ports, byName]) =>
      [...byName].filter(([, use]) => !use.matched).map(([name, use]) => ({ ports, name, example: use.example })));
  }

  /** Connection id of a rule's ports on a target pod type (or an external address when undefined). */
  resolve(ports: RulePorts, target: PodType | undefined): number {
    if (ports === 'any') return ALL;
    let byTarget = this.cache.get(ports);
    if (!byTarget) this.cache.set(ports, (byTarget = new Map()));
    // Without named ports the answer is the same on every target: one cache entry serves all.
    const named = byTarget.get(HAS_NAMES) ?? this.noteHasNames(ports, byTarget);
    const key = named === 0 ? '' : target ? this.namedPortsKey(target) : 'ext';
    if (named === 1 && !target) this.namedPortsOnAddresses.add(ports);
    let id = byTarget.get(key);
    if (id === undefined) {
      id = this.table.id(resolvePorts(ports, target, (name, matched) => this.noteNamedUse(ports, name, matched, target!)));
      byTarget.set(key, id);
    }
    return id;
  }

  private noteHasNames(ports: readonly RulePort[], byTarget: Map<string, number>): number {
    const named = ports.some((p) => p.name !== undefined) ? 1 : 0;
    byTarget.set(HAS_NAMES, named);
    return named;
  }

  private noteNamedUse(ports: RulePorts, name: string, matched: boolean, target: PodType): void {
    let byName = this.namedUse.get(ports);
    if (!byName) this.namedUse.set(ports, (byName = new Map()));
    const use = byName.get(name);
    if (!use) byName.set(name, { matched, example: target });
    else use.matched ||= matched;
  }

  /** The container ports a named rule port could refer to; other ports never change a result. */
  namedPortsKey(type: PodType): string {
    let key = this.keys[type.index];
    if (key === undefined) {
      const named = type.ports.filter((p) => p.name !== undefined && this.referencedNames.has(p.name));
      key = named.length === 0 ? '' : named.map((p) => `${p.name}:${p.protocol}:${p.port}`).sort().join(',');
      this.keys[type.index] = key;
    }
    return key;
  }
}

/** Cache key under which `PortResolver` remembers whether a ports list names ports (1) or not (0). */
const HAS_NAMES = '#named';

/** Named ports resolve against the target's container ports; on an address they match nothing. */
export function resolvePorts(
  ports: RulePorts, target: PodType | undefined, onNamed?: (name: string, matched: boolean) => void,
): ConnectionSet {
  if (ports === 'any') return ConnectionSet.all;
  let conn = ConnectionSet.none;
  for (const p of ports) {
    if (p.name === undefined) {
      conn = conn.union(p.range ? ConnectionSet.port(p.protocol, p.range[0], p.range[1]) : ConnectionSet.of(p.protocol));
      continue;
    }
    // Port names are unique within a pod; should an input repeat one, the first declaration counts.
    const declared = target?.ports.find((cp) => cp.name === p.name);
    const hit = declared && (p.anyProtocol || declared.protocol === p.protocol) ? declared : undefined;
    if (hit) conn = conn.union(ConnectionSet.port(hit.protocol, hit.port));
    if (target) onNamed?.(p.name, hit !== undefined);
  }
  return conn;
}

export function ruleMatches(rule: CompiledRule, peerSlot: number): boolean {
  if (rule.peers === 'any') return true;
  for (const m of rule.peers) if (m[peerSlot] === 1) return true;
  return false;
}

/** The decision with the rules involved, for explanations. */
export function decide(
  layers: Layers, peerSlot: number, portTarget: PodType | undefined, table: ConnTable, resolver: PortResolver,
): Decision {
  const effects: RuleEffect[] = [];
  const conn = decideConn(layers, peerSlot, portTarget, table, resolver, effects);
  return { conn, effects, isolatedBy: layers.networkPolicy ? layers.networkPolicyNames : [] };
}

/**
 * Decides one direction for one subject pod type and one peer slot, returning a connection id.
 * `portTarget` is the pod type whose container ports resolve named ports: the subject for ingress,
 * the peer for egress. A `peerSlot` of -1 stands for a peer that only `any` rules match.
 * This runs millions of times on a large cluster, so it allocates nothing unless `effects` is given.
 */
export function decideConn(
  layers: Layers, peerSlot: number, portTarget: PodType | undefined,
  table: ConnTable, resolver: PortResolver, effects?: RuleEffect[],
): number {
  let undecided = ALL;
  let allowed = NONE;
  let passed = NONE;
  for (const rule of layers.admin) {
    if (undecided === NONE) break;
    if (!ruleMatches(rule, peerSlot)) continue;
    const ports = resolver.resolve(rule.ports, portTarget);
    const hit = table.intersect(undecided, ports);
    if (rule.action === 'Allow') allowed = table.union(allowed, hit);
    if (rule.action === 'Pass') passed = table.union(passed, hit);
    if (effects && hit !== NONE) effects.push({ rule, effect: ADMIN_EFFECT[rule.action], conn: hit });
    undecided = table.subtract(undecided, ports);
  }
  let lower = table.union(undecided, passed);
  if (layers.networkPolicy) {
    let npAllowed = NONE;
    for (const rule of layers.networkPolicy) {
      if (!ruleMatches(rule, peerSlot)) continue;
      const ports = resolver.resolve(rule.ports, portTarget);
      if (effects) {
        const hit = table.intersect(lower, ports);
        if (hit !== NONE) effects.push({ rule, effect: 'allowed', conn: hit });
      }
      npAllowed = table.union(npAllowed, ports);
    }
    return table.union(allowed, table.intersect(lower, npAllowed));
  }
  for (const rule of layers.baseline) {
    if (lower === NONE) break;
    if (!ruleMatches(rule, peerSlot)) continue;
    const ports = resolver.resolve(rule.ports, portTarget);
    const hit = table.intersect(lower, ports);
    if (rule.action === 'Allow') allowed = table.union(allowed, hit);
    if (effects && hit !== NONE) effects.push({ rule, effect: ADMIN_EFFECT[rule.action], conn: hit });
    lower = table.subtract(lower, ports);
  }
  return table.union(allowed, lower);
}

const ADMIN_EFFECT = { Allow: 'allowed', Deny: 'denied', Pass: 'passed' } as const;
