/**
 * Pods of one owner normally share labels. When they do not, and some policy selector tells them
 * apart, the owner cannot be one peer: the analysis would be wrong for some of its pods, so this is
 * fatal (as in np-guard). When no selector tells them apart, the owner is safely one peer.
 */
import type { DiagnosticList } from '../diagnostics.js';
import { matches, type LabelSelector, type Labels } from './labelSelector.js';
import type { ClusterModel, Peer } from './model.js';

interface NamedSelector {
  readonly policy: string;
  /** Namespace the selector applies in, or a namespace test. */
  readonly appliesIn: (namespace: string) => boolean;
  readonly selector: LabelSelector;
}

export function checkOwnerLabelGaps(model: ClusterModel, diagnostics: DiagnosticList): void {
  const split = model.workloads.filter((w) => w.pods.length > 1);
  if (split.length === 0) return;
  const selectors = policySelectors(model);
  for (const w of split) {
    const [first, ...rest] = w.pods;
    for (const other of rest) {
      const hit = selectors.find((s) =>
        s.appliesIn(w.namespace) && matches(s.selector, first!.labels) !== matches(s.selector, other.labels));
      if (hit) {
        diagnostics.fatal(
          `Found Pods of the same owner workload \`${w.namespace}/${w.name}\` with different labels (${describeGap(first!.labels, other.labels)}), ` +
          `while ${hit.policy} contains a selector that tells them apart`, { object: w.id });
        return;
      }
    }
  }
}

function describeGap(a: Labels, b: Labels): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
  return keys.map((k) => `${k}: ${a[k] ?? '(none)'} vs ${b[k] ?? '(none)'}`).join(', ');
}

function policySelectors(model: ClusterModel): NamedSelector[] {
  const labelsOf = new Map(model.namespaces.map((n) => [n.name, n.labels]));
  const out: NamedSelector[] = [];
  const addPeer = (policy: string, peer: Peer, ownNamespace?: string): void => {
    if (peer.type !== 'pods') return;
    const nsSel = peer.namespaceSelector;
    const own = peer.ownNamespace ?? ownNamespace;
    out.push({
      policy,
      appliesIn: nsSel ? (ns) => matches(nsSel, labelsOf.get(ns) ?? {}) : (ns) => ns === own,
      selector: peer.podSelector,
    });
  };
  for (const p of model.policies) {
    const name = `NetworkPolicy "${p.namespace}/${p.name}"`;
    out.push({ policy: name, appliesIn: (ns) => ns === p.namespace, selector: p.podSelector });
    for (const rule of [...(p.ingress ?? []), ...(p.egress ?? [])]) {
      if (rule.peers !== 'any') rule.peers.forEach((peer) => addPeer(name, peer));
    }
  }
  for (const a of model.adminPolicies) {
    const name = `${a.kind} "${a.name}"`;
    addPeer(name, a.subject);
    for (const rule of [...a.ingress, ...a.egress]) rule.peers.forEach((peer) => addPeer(name, peer));
  }
  return out;
}
