/**
 * Policies compiled against a `Universe`: every rule peer becomes a membership array over slots,
 * and every pod type learns which policies select it, per direction.
 */
import { MATCH_ALL } from '../labelSelector.js';
import type { AdminAction, Peer, PodPeer, RulePorts } from '../model.js';
import type { Membership, Universe } from './universe.js';

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
  /** Whether the rule admits peers of every namespace (no `from`/`to`, or a peer with `namespaceSelector: {}`). */
  readonly everyNamespace: boolean;
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

/** What one pod type collects, per direction, while policies are compiled. */
interface LayerDraft {
  readonly admin: CompiledRule[];
  networkPolicy?: CompiledRule[];
  readonly networkPolicyNames: string[];
  readonly baseline: CompiledRule[];
  /** Ids of the policies that select the type, in order: the type's selection key. */
  readonly ids: string[];
}

/** A rule as the compiler sees it: NetworkPolicy rules are Allow rules. */
interface SourceRule {
  readonly peers: readonly Peer[] | 'any';
  readonly ports: RulePorts;
  readonly action: AdminAction;
  readonly name?: string;
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
    const drafts = { ingress: this.emptyDrafts(), egress: this.emptyDrafts() };
    const memberships = { ingress: new Set<Membership>(), egress: new Set<Membership>() };
    const admins = [...universe.model.adminPolicies].sort((a, b) => a.priority - b.priority);

    for (const direction of ['ingress', 'egress'] as const) {
      const compile = (rules: readonly SourceRule[], origin: Pick<RuleOrigin, 'policyKind' | 'policy'>): CompiledRule[] =>
        rules.map((rule, ruleIndex) => {
          const compiled = this.compileRule(rule, { ...origin, direction, ruleIndex, ...(rule.name ? { ruleName: rule.name } : {}) });
          if (compiled.peers !== 'any') compiled.peers.forEach((m) => memberships[direction].add(m));
          return compiled;
        });

      for (const admin of admins) {
        const rules = compile(admin[direction], { policyKind: admin.kind, policy: admin.name });
        if (rules.length === 0) continue;
        this.forSubjects(admin.subject, (t) => {
          const draft = drafts[direction][t]!;
          (admin.baseline ? draft.baseline : draft.admin).push(...rules);
          draft.ids.push(`${admin.baseline ? 'B' : 'A'}${admin.name}`);
        });
      }
      universe.model.policies.forEach((policy, pi) => {
        const rules = policy[direction];
        if (rules === undefined) return; // policyTypes leaves this direction out
        const name = `${policy.namespace}/${policy.name}`;
        const compiled = compile(rules.map((r) => ({ ...r, action: 'Allow' as const })), { policyKind: 'NetworkPolicy', policy: name });
        this.forSubjects({ type: 'pods', podSelector: policy.podSelector, ownNamespace: policy.namespace }, (t) => {
          const draft = drafts[direction][t]!;
          (draft.networkPolicy ??= []).push(...compiled);
          draft.networkPolicyNames.push(name);
          draft.ids.push(`N${pi}`);
        });
      });
    }
    this.layers = { ingress: drafts.ingress, egress: drafts.egress };
    this.selectionKey = {
      ingress: drafts.ingress.map((d) => d.ids.join(' ') + (d.networkPolicy ? '' : ' -')),
      egress: drafts.egress.map((d) => d.ids.join(' ') + (d.networkPolicy ? '' : ' -')),
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

  private emptyDrafts(): LayerDraft[] {
    return Array.from({ length: this.universe.typeCount }, () => ({ admin: [], networkPolicyNames: [], baseline: [], ids: [] }));
  }

  private compileRule(rule: SourceRule, origin: RuleOrigin): CompiledRule {
    if (rule.ports !== 'any') for (const p of rule.ports) if (p.name !== undefined) this.referencedPortNames.add(p.name);
    this.origins.set(rule.ports, origin);
    const pieces = origin.direction === 'ingress' ? this.universe.sourcePieces : this.universe.destinationPieces;
    const peers = rule.peers === 'any' ? 'any' as const : rule.peers.map((p) => this.universe.members(p, pieces));
    const everyNamespace = rule.peers === 'any' || rule.peers.some((p) => p.type === 'pods' && p.namespaceSelector?.key === MATCH_ALL.key);
    return { origin, action: rule.action, peers, ports: rule.ports, everyNamespace };
  }

  /** Visits the pod types a policy subject selects. */
  private forSubjects(subject: PodPeer, visit: (type: number) => void): void {
    const members = this.universe.podMembers(subject, this.universe.sourcePieces);
    for (let t = 0; t < this.universe.typeCount; t++) if (members[t]) visit(t);
  }
}

export function describeOrigin(o: RuleOrigin): string {
  const rule = o.ruleName ? `rule "${o.ruleName}"` : `rule ${o.ruleIndex + 1}`;
  return `${o.policyKind} ${o.policy}, ${o.direction} ${rule}`;
}
