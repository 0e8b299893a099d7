/**
 * Questions the technique checks ask of the reachability engine. Every answer carries its reason:
 * the policy rules that allowed or denied it, or the absence of any policy.
 *
 * @example
 * const q = new ReachabilityQueries(analysis.reachability);
 * q.whoCanReachAddress('169.254.169.254', 80, 'TCP').filter((a) => a.allowed);
 */
import { describeOrigin, type Direction, type RuleOrigin } from './engine/compile.js';
import { NONE } from './engine/connTable.js';
import type { Decision } from './engine/evaluate.js';
import type { GroupReach } from './engine/sourceGroups.js';
import type { Reachability, Slot } from './engine/reachability.js';
import { ConnectionSet, type Protocol } from './connectionSet.js';
import { formatIpv4, formatIpv4Range, parseIpv4 } from './ipv4.js';
import type { Workload } from './model.js';

export interface ReachAnswer {
  /** The workload the question asks about: the source, or for `reachableFrom` the destination. */
  readonly workload: Workload;
  /** Whether the asked connection (or, without a port, any connection) is allowed. */
  readonly allowed: boolean;
  /** Everything allowed between the two peers. */
  readonly connection: ConnectionSet;
  /** One sentence per policy decision involved, egress side first. */
  readonly reasons: readonly string[];
}

/**
 * How a destination admits a source whatever the source's namespace: `not-isolated` (no ingress
 * NetworkPolicy selects it), or the rule that admits every namespace; undefined when the rules
 * that admit it name namespaces.
 */
export type NamespaceWideAdmission = 'not-isolated' | RuleOrigin | undefined;

export interface ReachSummary {
  /** Other workloads the source can open at least one connection to. */
  readonly count: number;
  /** Namespaces those workloads live in. */
  readonly namespaces: number;
  /** The first of them in the model's order, if any. */
  readonly example: Workload | undefined;
}

export interface ReachCount {
  readonly workload: Workload;
  /** Other workloads this one can open at least one connection to. */
  readonly reachable: number;
  /** Other workloads in the cluster. */
  readonly others: number;
}

export class ReachabilityQueries {
  private readonly byId: Map<string, number>;

  constructor(private readonly reach: Reachability) {
    this.byId = new Map(reach.model.workloads.map((w, i) => [w.id, i]));
  }

  get workloads(): readonly Workload[] {
    return this.reach.model.workloads;
  }

  /** Index of a workload by its id (`ns/name[Kind]`); throws on an unknown id. */
  indexOf(id: string): number {
    const index = this.byId.get(id);
    if (index === undefined) throw new Error(`unknown workload ${id}`);
    return index;
  }

  /**
   * The external address range an IPv4 address falls in, as an index: addresses in one range are
   * treated alike by every policy (the ranges are cut at every ipBlock boundary).
   */
  addressRange(address: string): number {
    let range = this.ranges.get(address);
    if (range === undefined) {
      const ip = parseIpv4(address);
      if (ip === undefined) throw new Error(`not an IPv4 address: ${address}`);
      range = this.reach.universe.pieceOf(ip, this.reach.destinationPieces);
      this.ranges.set(address, range);
    }
    return range;
  }
  /** Checks ask about the same few addresses (nodes, API server) once per workload. */
  private readonly ranges = new Map<string, number>();

  /**
   * Which workloads can open a connection to an IPv4 address outside the pod network (API server,
   * kubelet on a node address, 169.254.169.254). Only the source's egress policies apply.
   */
  whoCanReachAddress(address: string, port: number, protocol: Protocol): ReachAnswer[] {
    const ip = parseIpv4(address);
    if (ip === undefined) throw new Error(`not an IPv4 address: ${address}`);
    const piece = this.reach.universe.pieceOf(ip, this.reach.destinationPieces);
    return this.workloads.map((w, wi) => {
      const id = this.reach.workloadToPiece(wi, piece);
      const conn = this.reach.conn(id);
      return lazyReasons({ workload: w, allowed: conn.allows(protocol, port), connection: conn },
        () => this.reasons('egress', wi, { piece }, address));
    });
  }

  /**
   * Which workloads can open a connection to a workload, optionally on one port (e.g. a dashboard's
   * 8443, tiller's 44134, a Service's target port). The destination itself is not listed.
   */
  whoCanReachWorkload(destination: string | number, port?: number, protocol: Protocol = 'TCP'): ReachAnswer[] {
    const dst = typeof destination === 'number' ? destination : this.indexOf(destination);
    return this.workloads.flatMap((_, src) => (src === dst ? [] : [this.answer(src, dst, port, protocol, src)]));
  }

  /**
   * Whether addresses outside the pod network (load balancers, nodes, peered networks, the internet)
   * can open a connection to a workload, optionally on one port. Only the workload's ingress policies
   * apply. The first reason names the address ranges let in, when any are.
   */
  whoCanReachFromOutside(destination: string, port?: number, protocol: Protocol = 'TCP', leaveOut: readonly string[] = []): ReachAnswer {
    const dst = this.indexOf(destination);
    const pieces = this.reach.sourcePieces;
    const leftOut = new Set(leaveOut.map(parseIpv4).filter((a) => a !== undefined));
    let connection = ConnectionSet.none;
    const open: number[] = [];
    pieces.forEach((piece, p) => {
      // A piece of one address that is left out (the control plane's own, say) is not "outside".
      if (piece.start === piece.end && leftOut.has(piece.start)) return;
      const conn = this.reach.conn(this.reach.pieceToWorkload(p, dst));
      connection = connection.union(conn);
      if (port === undefined ? !conn.isEmpty : conn.allows(protocol, port)) open.push(p);
    });
    const type = this.reach.typesOf(dst)[0]!;
    const subject = this.workloads[dst]!.id;
    // One sentence per decision, not per piece: the pieces differ only by where other policies cut the space.
    const explain = (p: number): string[] =>
      this.describe('ingress', this.reach.explainDirection('ingress', type, { piece: p }), subject, 'addresses outside the cluster');
    const ranges: [number, number][] = [];
    for (const p of open) {
      const { start, end } = pieces[p]!;
      const last = ranges[ranges.length - 1];
      if (last && last[1] + 1 === start) last[1] = end;
      else ranges.push([start, end]);
    }
    const reasons = open.length > 0
      ? [`ingress: ${subject} admits ${ranges.map(([a, b]) => (a === b ? formatIpv4(a) : formatIpv4Range(a, b))).join(', ')}`, ...open.flatMap(explain)]
      : pieces.flatMap((_, p) => explain(p));
    return { workload: this.workloads[dst]!, allowed: open.length > 0, connection, reasons: [...new Set(reasons)] };
  }

  /**
   * The groups of workloads that every policy treats alike as sources (workload indexes), and for
   * one destination the groups that can open some connection to it: what a check needs to count
   * sources over a large cluster without building an answer per pair. `explainReach` explains the
   * pairs it reports.
   */
  sourceGroups(): readonly (readonly number[])[] {
    return this.reach.sourceGroups.members;
  }

  groupsReaching(destination: number): readonly number[] {
    return this.reach.sourceGroups.groupsReaching(destination);
  }

  /** Whether some NetworkPolicy selects the workload's pods for a direction (then only its rules let traffic through). */
  isolated(workload: string | number, direction: Direction): boolean {
    const w = typeof workload === 'number' ? workload : this.indexOf(workload);
    return this.reach.typesOf(w).some((t) => this.reach.policies.layersOf(direction, t).networkPolicy !== undefined);
  }

  /** How `destination` admits a group of {@link sourceGroups} whatever its namespace. */
  namespaceWide(group: number, destination: number): NamespaceWideAdmission {
    const rep = this.reach.sourceGroups.members[group]![0]!;
    return this.reach.namespaceWideAdmission(this.reach.typesOf(rep)[0]!, this.reach.typesOf(destination)[0]!);
  }

  /**
   * How many other workloads a workload can open any connection to, in how many namespaces, and
   * the first of them; no answers built. Members of a source group reach the same workloads, so
   * the reached list is worked out once per group.
   */
  reachSummary(source: number): ReachSummary {
    const group = this.reach.sourceGroups.groupOf[source]!;
    let reach = this.reachByGroup.get(group);
    if (!reach) this.reachByGroup.set(group, (reach = this.reach.sourceGroups.reachOf(group)));
    // The source itself may be reached (a workload whose pods talk to each other): it does not count.
    const self = this.reach.workloadToWorkload(source, source) !== NONE;
    const ownNamespace = this.workloads[source]!.namespace;
    const example = reach.first === source ? reach.second : reach.first;
    return {
      count: reach.count - (self ? 1 : 0),
      namespaces: reach.namespaces - (self && reach.reachedIn(ownNamespace) === 1 ? 1 : 0),
      example: example < 0 ? undefined : this.workloads[example],
    };
  }
  private readonly reachByGroup = new Map<number, GroupReach>();

  /** One pair, with its reasons. */
  explainReach(source: number, destination: number): ReachAnswer {
    return this.answer(source, destination, undefined, 'TCP', source);
  }

  /** Every workload a workload can reach, with what is allowed and why. */
  reachableFrom(source: string | number): ReachAnswer[] {
    const src = typeof source === 'number' ? source : this.indexOf(source);
    return this.workloads.flatMap((_, dst) => {
      if (dst === src || this.reach.workloadToWorkload(src, dst) === NONE) return [];
      return [this.answer(src, dst, undefined, 'TCP', dst)];
    });
  }

  /**
   * For each workload, how many other workloads it can reach: the input of the blast radius. Read
   * from the per-group tallies of {@link reachSummary}, which network checks have mostly made already.
   */
  reachCounts(): ReachCount[] {
    const others = Math.max(0, this.workloads.length - 1);
    return this.workloads.map((workload, i) => ({ workload, reachable: this.reachSummary(i).count, others }));
  }

  private answer(src: number, dst: number, port: number | undefined, protocol: Protocol, about: number): ReachAnswer {
    const conn = this.reach.conn(this.reach.workloadToWorkload(src, dst));
    const dstType = this.reach.typesOf(dst)[0]!;
    const srcType = this.reach.typesOf(src)[0]!;
    const dstName = this.workloads[dst]!.id;
    return lazyReasons({
      workload: this.workloads[about]!,
      allowed: port === undefined ? !conn.isEmpty : conn.allows(protocol, port),
      connection: conn,
    }, () => [
      ...this.reasons('egress', src, { type: dstType }, dstName),
      ...this.describe('ingress', this.reach.explainDirection('ingress', dstType, { type: srcType }), dstName, this.workloads[src]!.id),
    ]);
  }

  private reasons(direction: Direction, workload: number, peer: Slot, peerName: string): string[] {
    const type = this.reach.typesOf(workload)[0]!;
    return this.describe(direction, this.reach.explainDirection(direction, type, peer), this.workloads[workload]!.id, peerName);
  }

  /** Sentences for one direction's decision; `subject` is the pod whose policies decide. */
  private describe(direction: Direction, decision: Decision, subject: string, peer: string): string[] {
    let effects = this.effectSentences.get(decision);
    if (!effects) {
      effects = decision.effects.map((e) => `${direction}: ${describeOrigin(e.rule.origin)} ${VERBS[e.effect]} ${this.reach.conn(e.conn).key}`);
      this.effectSentences.set(decision, effects);
    }
    const out = [...effects];
    const traffic = direction === 'egress' ? `traffic to ${peer}` : `traffic from ${peer}`;
    if (decision.isolatedBy.length === 0) {
      out.push(`${direction}: no NetworkPolicy selects ${subject} for ${direction}, so no NetworkPolicy restricts ${traffic}`);
    } else if (!decision.effects.some((e) => e.rule.origin.policyKind === 'NetworkPolicy')) {
      const names = decision.isolatedBy.map((n) => `NetworkPolicy ${n}`).join(', ');
      out.push(`${direction}: ${names} ${decision.isolatedBy.length === 1 ? 'selects' : 'select'} ${subject} for ${direction}, and no rule allows ${traffic}`);
    }
    return out;
  }
  /** Decisions are shared by many pairs (see Reachability.explainDirection): their rule sentences are written once. */
  private readonly effectSentences = new WeakMap<Decision, string[]>();
}

const VERBS = { allowed: 'allows', denied: 'denies', passed: 'passes on to NetworkPolicies' } as const;

/**
 * Explaining a decision costs far more than making it, and checks ask about every pair of
 * workloads, so reasons are worked out on first read only.
 */
class LazyReachAnswer implements ReachAnswer {
  private cached: readonly string[] | undefined;

  constructor(
    readonly workload: Workload, readonly allowed: boolean, readonly connection: ConnectionSet,
    private readonly explain: () => string[],
  ) {}

  get reasons(): readonly string[] {
    return (this.cached ??= this.explain());
  }
}

function lazyReasons(answer: Omit<ReachAnswer, 'reasons'>, explain: () => string[]): ReachAnswer {
  return new LazyReachAnswer(answer.workload, answer.allowed, answer.connection, explain);
}
