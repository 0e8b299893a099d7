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

export interface TargetAnswer {
  readonly target: AddressTarget;
  readonly answer: NetworkAnswer;
}

/** Each workload's answers for every target, in the engine's workload order; node agents are left out. */
export function reachTargets(ctx: CheckContext, targets: readonly AddressTarget[]): Map<string, TargetAnswer[]> {
  const byWorkload = new Map<string, TargetAnswer[]>();
  for (const target of targets) {
    for (const answer of ctx.reachAddress(target.address, target.port)) {
      if (isNodeAgent(answer.workload)) continue;
      const list = byWorkload.get(answer.workload.id) ?? [];
      list.push({ target, answer });
      byWorkload.set(answer.workload.id, list);
    }
  }
  return byWorkload;
}

/** The answers that decide a workload's verdict: the exposed ones, else the unknown ones, else all (blocked). */
export function decidingAnswers(answers: readonly TargetAnswer[]): { status: NetworkAnswer['status']; answers: TargetAnswer[] } {
  for (const status of ['exposed', 'unknown'] as const) {
    const matching = answers.filter((a) => a.answer.status === status);
    if (matching.length > 0) return { status, answers: matching };
  }
  return { status: 'blocked', answers: [...answers] };
}

