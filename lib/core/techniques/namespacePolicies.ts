/**
 * NetworkPolicy coverage per namespace, for one direction: the CIS items "all namespaces have
 * network policies" and "a default deny per namespace" that auditors ask for.
 * - `uncovered` (medium severity): no NetworkPolicy selects any workload of the namespace for the
 *   direction, so every pod in it sends (or accepts) anything.
 * - `no default deny` (low severity: listed, scored as a pass): no policy of the namespace selects
 *   every pod (`podSelector: {}`) for the direction, so a workload added tomorrow starts unrestricted.
 * Only namespaces in the evidence that hold judged workloads are judged: one without pods has
 * nothing to protect. Policies that nothing enforces protect nothing, as everywhere else.
 * The fixes are the workload findings' manifests (a namespace-wide default deny written here would
 * cut paths the workloads need): the text points to them.
 */
import { fail, pass, unknown, type CheckOutcome, type ResourceRef } from '../findings/finding.js';
import type { Direction } from '../netpol/engine/compile.js';
import type { CheckContext } from './context.js';
import { isHostNetwork, isNodeAgent } from './workloads.js';

export interface NamespaceChecks {
  /** The check of a namespace where no policy selects any workload for the direction. */
  readonly uncovered: string;
  /** The low-severity check of a namespace without a policy selecting all of its pods for the direction. */
  readonly noDefaultDeny: string;
  /** What the workload findings of the direction are called, for the remediation text. */
  readonly workloadCheck: string;
}

export function namespaceCoverage(ctx: CheckContext, direction: Direction, checks: NamespaceChecks): CheckOutcome[] {
  const word = direction === 'ingress' ? 'ingress' : 'egress';
  const policies = ctx.analysis.model.policies.filter((p) => (direction === 'ingress' ? p.ingress : p.egress) !== undefined);
  return ctx.objects('Namespace').flatMap((object): CheckOutcome[] => {
    const namespace = object.metadata.name;
    // Every workload but node agents, also while the what-if judges only some workloads again.
    const workloads = ctx.workloadsIn(namespace).filter((w) => !isNodeAgent(w));
    if (workloads.length === 0) return [];
    const resource: ResourceRef = { kind: 'Namespace', namespace: null, name: namespace };
    const own = policies.filter((p) => p.namespace === namespace);
    const selected = workloads.filter((w) => !isHostNetwork(w) && ctx.queries.isolated(w.id, direction));
    const defaultDeny = own.find((p) => p.podSelector.key === '{}');
    const fix = `Apply the ${checks.workloadCheck} remediations of namespace ${namespace}'s workloads: they select its pods for ${word} `
      + 'and keep what each workload needs.';
    const enforcement = ctx.enforcement;
    const judged = (failed: boolean, failure: string, success: string, evidence: readonly string[], check: string): CheckOutcome => {
      if (failed) return fail(check, resource, failure, evidence, { text: fix });
      if (enforcement.status === 'not-enforced') {
        return fail(check, resource, `${success}, but NetworkPolicies are not enforced`, [enforcement.reason, ...evidence],
          { text: 'Enable NetworkPolicy enforcement in the CNI: until then no policy restricts anything.' });
      }
      if (enforcement.status === 'unknown') return unknown(check, resource, `${success} if NetworkPolicies are enforced, which is unknown`, [enforcement.reason, ...evidence]);
      return pass(check, resource, success, evidence);
    };
    const count = `${workloads.length} workload${workloads.length === 1 ? '' : 's'}`;
    return [
      {
        ...judged(selected.length === 0,
          `no NetworkPolicy selects any workload of namespace ${namespace} (${count}) for ${word}`,
          `NetworkPolicies select ${selected.length} of the ${count} of namespace ${namespace} for ${word}`,
          own.map((p) => `NetworkPolicy ${p.namespace}/${p.name} isolates ${word}`), checks.uncovered),
        severity: 'medium',
      },
      {
        ...judged(defaultDeny === undefined,
          `namespace ${namespace} has no default deny for ${word}: no NetworkPolicy selects all of its pods for ${word}`,
          `namespace ${namespace} denies ${word} by default: NetworkPolicy ${namespace}/${defaultDeny?.name} selects all of its pods`,
          [], checks.noDefaultDeny),
        severity: 'low',
      },
    ];
  });
}
