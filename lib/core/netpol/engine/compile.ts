/**
 * Policies compiled against a `Universe`: every rule peer becomes a membership array over slots,
 * and every pod type learns which policies select it, per direction.
 */
import { MATCH_ALL } from '../labelSelector.js';
import type { AdminAction, AdminPolicyInfo, Peer, RulePorts } from '../model.js';
import type { Membership, Universe } from './universe.js';
import { pushAll } from '../../arrays.js';

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

/** A rule as the compiler sees it: a NetworkPolicy rule, or an admin rule (with an action and a name). */
interface SourceRule {
  readonly peers: readonly Peer[] | 'any';
  readonly ports: RulePorts;
  readonly action?: AdminAction;
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
    const admins = [...universe.model.adminPolicies].sort((a, b) => a.priority - b.priority);
    const ingress = this.compileDirection('ingress', admins);
    const egress = this.compileDirection('egress', admins);
    this.layers = { ingress: ingress.drafts, egress: egress.drafts };
    this.selectionKey = { ingress: ingress.drafts.map(selectionKeyOf), egress: egress.drafts.map(selectionKeyOf) };
    this.peerMemberships = { ingress: [...ingress.memberships], egress: [...egress.memberships] };
  }

  /** Every policy's rules of one direction, handed to the pod types its subject selects. */
  private compileDirection(
    direction: Direction, admins: readonly AdminPolicyInfo[],
  ): { drafts: LayerDraft[]; memberships: Set<Membership> } {
    const drafts = this.emptyDrafts();
    const memberships = new Set<Membership>();
    for (const admin of admins) {
      const rules = this.compileRules(admin[direction], direction, admin.kind, admin.name, memberships);
      if (rules.length === 0) continue;
      const id = `${admin.baseline ? 'B' : 'A'}${admin.name}`;
      for (const t of this.universe.podTypes(admin.subject)) {
        const draft = drafts[t]!;
        pushAll(admin.baseline ? draft.baseline : draft.admin, rules);
        draft.ids.push(id);
      }
    }
    this.universe.model.policies.forEach((policy, pi) => {
      const rules = policy[direction];
      if (rules === undefined) return; // policyTypes leaves this direction out
      const name = `${policy.namespace}/${policy.name}`;
      const compiled = this.compileRules(rules, direction, 'NetworkPolicy', name, memberships);
      const id = `N${pi}`;
      for (const t of this.universe.podTypes({ type: 'pods', podSelector: policy.podSelector, ownNamespace: policy.namespace })) {
        const draft = drafts[t]!;
        pushAll(draft.networkPolicy ??= [], compiled);
        draft.networkPolicyNames.push(name);
        draft.ids.push(id);
      }
    });
    return { drafts, memberships };
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

  /** NetworkPolicy rules (which have no action) are Allow rules. */
  private compileRules(
    rules: readonly SourceRule[], direction: Direction, policyKind: RuleOrigin['policyKind'], policy: string,
    memberships: Set<Membership>,
  ): CompiledRule[] {
    const pieces = direction === 'ingress' ? this.universe.sourcePieces : this.universe.destinationPieces;
    return rules.map((rule, ruleIndex) => {
      const origin: RuleOrigin = rule.name
        ? { policyKind, policy, direction, ruleIndex, ruleName: rule.name }
        : { policyKind, policy, direction, ruleIndex };
      if (rule.ports !== 'any') for (const p of rule.ports) if (p.name !== undefined) this.referencedPortNames.add(p.name);
      this.origins.set(rule.ports, origin);
      const peers = rule.peers === 'any' ? 'any' as const : rule.peers.map((p) => this.universe.members(p, pieces));
      if (peers !== 'any') for (const m of peers) memberships.add(m);
      const everyNamespace = rule.peers === 'any' || rule.peers.some((p) => p.type === 'pods' && p.namespaceSelector?.key === MATCH_ALL.key);
      return { origin, action: rule.action ?? 'Allow', peers, ports: rule.ports, everyNamespace };
    });
  }
}

/** Equal for pod types on which every policy of the direction acts the same way. */
function selectionKeyOf(draft: LayerDraft): string {
  return draft.ids.join(' ') + (draft.networkPolicy ? '' : ' -');
}

export function describeOrigin(o: RuleOrigin): string {
  const rule = o.ruleName ? `rule "${o.ruleName}"` : `rule ${o.ruleIndex + 1}`;
  return `${o.policyKind} ${o.policy}, ${o.direction} ${rule}`;
}
