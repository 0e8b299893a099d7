/**
 * Policies compiled against a `Universe`: every rule peer becomes a membership array over slots,
 * and every pod type learns which policies select it, per direction.
 */
import { MATCH_ALL } from '../labelSelector.js';
import type { AdminAction, AdminPolicyInfo, NetworkPolicyInfo, Peer, RulePorts } from '../model.js';
import type { ExternalPiece, Membership, Universe } from './universe.js';

export type Direction = 'ingress' | 'egress';

/** Where a rule comes from, for explanations: `NetworkPolicy shop/allow-web` rule 1. */
export interface RuleOrigin {
  readonly policyKind: 'NetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  /** `namespace/name` for NetworkPolicies, `name` for admin policies. */
  readonly policy: string;
  readonly direction: Direction;
  /** 0-based index of the rule in its direction's list. */
  readonly ruleIndex: number;
  readonly ruleName?: string;
}

export interface CompiledRule {
  readonly origin: RuleOrigin;
  readonly action: AdminAction;
  /** 'any': every peer, in and out of the cluster. */
  readonly peers: readonly Membership[] | 'any';
  readonly ports: RulePorts;
  /** Text of the rule's peers, for explanations. */
  readonly peerText: readonly Peer[] | 'any';
}

/** The policies that apply to one pod type in one direction, in evaluation order. */
export interface Layers {
  /** AdminNetworkPolicy rules, by priority then rule order. */
  readonly admin: readonly CompiledRule[];
  /** Undefined when no NetworkPolicy selects the pod in this direction (it is then not isolated). */
  readonly networkPolicy?: readonly CompiledRule[];
  /** The NetworkPolicies that select the pod (names), for explanations. */
  readonly networkPolicyNames: readonly string[];
  readonly baseline: readonly CompiledRule[];
}

export class CompiledPolicies {
  private readonly layers: Record<Direction, Layers[]>;
  /** Per type, a key equal for types on which every policy of the direction acts the same way. */
  readonly selectionKey: Record<Direction, string[]>;
  /** Every distinct peer membership per direction (identity-deduplicated). */
  readonly peerMemberships: Record<Direction, Membership[]>;
  /** Container-port names that some rule refers to. */
  readonly referencedPortNames = new Set<string>();
  private readonly origins = new Map<RulePorts, RuleOrigin>();

  constructor(private readonly universe: Universe) {
    const n = universe.typeCount;
    const fresh = (): { admin: CompiledRule[]; np?: CompiledRule[]; names: string[]; baseline: CompiledRule[]; ids: string[] }[] =>
      Array.from({ length: n }, () => ({ admin: [], names: [], baseline: [], ids: [] }));
    const acc = { ingress: fresh(), egress: fresh() };
    const memberships = { ingress: new Set<Membership>(), egress: new Set<Membership>() };

    const admins = [...universe.model.adminPolicies].sort((a, b) => a.priority - b.priority);
    for (const direction of ['ingress', 'egress'] as const) {
      const pieces = direction === 'ingress' ? universe.sourcePieces : universe.destinationPieces;
      const compileRules = (rules: { peers: readonly Peer[] | 'any'; ports: RulePorts; action: AdminAction; name?: string }[],
        origin: Omit<RuleOrigin, 'ruleIndex' | 'ruleName' | 'direction'>): CompiledRule[] =>
        rules.map((r, ruleIndex) => {
          this.notePortNames(r.ports);
          const ruleOrigin = { ...origin, direction, ruleIndex, ...(r.name ? { ruleName: r.name } : {}) };
          this.origins.set(r.ports, ruleOrigin);
          const peers = r.peers === 'any' ? 'any' as const : r.peers.map((p) => universe.members(p, pieces));
          if (peers !== 'any') peers.forEach((m) => memberships[direction].add(m));
          return { origin: ruleOrigin, action: r.action, peers, ports: r.ports, peerText: r.peers };
        });

      for (const admin of admins) {
        const rules = compileRules(admin[direction].map((r) => ({ ...r })), { policyKind: admin.kind, policy: admin.name });
        if (rules.length === 0) continue;
        this.forSubjects(admin, (t) => {
          const entry = acc[direction][t]!;
          (admin.baseline ? entry.baseline : entry.admin).push(...rules);
          entry.ids.push(`${admin.baseline ? 'B' : 'A'}${admin.name}`);
        });
      }
      universe.model.policies.forEach((policy, pi) => {
        const rules = policy[direction];
        if (rules === undefined) return;
        const compiled = compileRules(rules.map((r) => ({ ...r, action: 'Allow' as const })),
          { policyKind: 'NetworkPolicy', policy: `${policy.namespace}/${policy.name}` });
        this.forNetpolSubjects(policy, (t) => {
          const entry = acc[direction][t]!;
          (entry.np ??= []).push(...compiled);
          entry.names.push(`${policy.namespace}/${policy.name}`);
          entry.ids.push(`N${pi}`);
        });
      });
    }
    this.layers = {
      ingress: acc.ingress.map((e) => toLayers(e)),
      egress: acc.egress.map((e) => toLayers(e)),
    };
    this.selectionKey = {
      ingress: acc.ingress.map((e) => e.ids.join(' ') + (e.np ? '' : ' -')),
      egress: acc.egress.map((e) => e.ids.join(' ') + (e.np ? '' : ' -')),
    };
    this.peerMemberships = { ingress: [...memberships.ingress], egress: [...memberships.egress] };
  }

  /** `NetworkPolicy ns/name, ingress rule 1` for the rule owning a ports list. */
  originOf(ports: RulePorts): string {
    const o = this.origins.get(ports);
    return o ? describeOrigin(o) : 'a policy rule';
  }

  layersOf(direction: Direction, type: number): Layers {
    return this.layers[direction][type]!;
  }

  /** Pieces of the slot space a direction's peers live in. */
  piecesOf(direction: Direction): readonly ExternalPiece[] {
    return direction === 'ingress' ? this.universe.sourcePieces : this.universe.destinationPieces;
  }

  private forSubjects(admin: AdminPolicyInfo, visit: (type: number) => void): void {
    const members = this.universe.podMembers(admin.subject, this.universe.sourcePieces);
    for (let t = 0; t < this.universe.typeCount; t++) if (members[t]) visit(t);
  }

  private forNetpolSubjects(policy: NetworkPolicyInfo, visit: (type: number) => void): void {
    const members = this.universe.podMembers(
      { type: 'pods', podSelector: policy.podSelector ?? MATCH_ALL, ownNamespace: policy.namespace }, this.universe.sourcePieces);
    for (let t = 0; t < this.universe.typeCount; t++) if (members[t] && t !== this.universe.ingressControllerType) visit(t);
  }

  private notePortNames(ports: RulePorts): void {
    if (ports === 'any') return;
    for (const p of ports) if (p.name !== undefined) this.referencedPortNames.add(p.name);
  }
}

function toLayers(e: { admin: CompiledRule[]; np?: CompiledRule[]; names: string[]; baseline: CompiledRule[] }): Layers {
  return { admin: e.admin, ...(e.np && { networkPolicy: e.np }), networkPolicyNames: e.names, baseline: e.baseline };
}

export function describeOrigin(o: RuleOrigin): string {
  const rule = o.ruleName ? `rule "${o.ruleName}"` : `rule ${o.ruleIndex + 1}`;
  return `${o.policyKind} ${o.policy}, ${o.direction} ${rule}`;
}
