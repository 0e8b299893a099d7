/**
 * Questions about addresses outside the pod network that several techniques ask at once (the API
 * server's endpoints, every node's kubelet): one engine question per address and port, answers
 * grouped by workload.
 */
import type { CheckContext, NetworkAnswer } from './context.js';
import { isNodeAgent } from './workloads.js';

/** An address and TCP port a check asks about, and where kubeseg learned it. */
export interface AddressTarget {
  readonly address: string;
  readonly port: number;
  /** Evidence text, e.g. `API server 10.0.1.10:443 (Endpoints default/kubernetes)`. */
  readonly label: string;
}

/** One answer for targets the policies cannot tell apart (same external address range, same port). */
export interface TargetAnswer {
  readonly targets: readonly AddressTarget[];
  readonly answer: NetworkAnswer;
}

/**
 * Each workload's answers, in the engine's workload order; node agents are left out. Targets that
 * no policy tells apart (hundreds of node addresses in one subnet, say) are asked about once.
 */
export function reachTargets(ctx: CheckContext, targets: readonly AddressTarget[]): Map<string, TargetAnswer[]> {
  const groups = new Map<string, AddressTarget[]>();
  for (const t of targets) {
    const key = `${ctx.queries.addressRange(t.address)}|${t.port}`;
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  const byWorkload = new Map<string, TargetAnswer[]>();
  for (const group of groups.values()) {
    for (const answer of ctx.reachAddress(group[0]!.address, group[0]!.port)) {
      if (isNodeAgent(answer.workload)) continue;
      const list = byWorkload.get(answer.workload.id) ?? [];
      list.push({ targets: group, answer });
      byWorkload.set(answer.workload.id, list);
    }
  }
  return byWorkload;
}

/** How many targets some answers cover, and the first `limit` of them (for evidence). */
export function targetsOf(answers: readonly TargetAnswer[], limit: number): { count: number; first: AddressTarget[] } {
  const first: AddressTarget[] = [];
  let count = 0;
  for (const a of answers) {
    count += a.targets.length;
    for (const t of a.targets) if (first.length < limit) first.push(t);
  }
  return { count, first };
}

/** The answers that decide a workload's verdict: the exposed ones, else the unknown ones, else all (blocked). */
export function decidingAnswers(answers: readonly TargetAnswer[]): { status: NetworkAnswer['status']; answers: TargetAnswer[] } {
  for (const status of ['exposed', 'unknown'] as const) {
    const matching = answers.filter((a) => a.answer.status === status);
    if (matching.length > 0) return { status, answers: matching };
  }
  return { status: 'blocked', answers: [...answers] };
}

