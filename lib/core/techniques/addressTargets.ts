/**
 * Questions about addresses outside the pod network that several techniques ask at once (the API
 * server's endpoints, every node's kubelet): one engine question per address and port, answers
 * grouped by workload.
 */
import type { KubeObject } from '../evidence/snapshot.js';
import { parseIpv4 } from '../netpol/ipv4.js';
import { isApiServerService } from '../netpol/parse/services.js';
import { at, mapsIn } from './json.js';
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

/**
 * Where pods send API requests: the `kubernetes` Service's endpoints, else the cloud API endpoint
 * when it is an IPv4 literal. Only IPv4 addresses: the engine analyses IPv4.
 */
export function apiServerTargets(ctx: CheckContext): AddressTarget[] {
  const found = new Map<string, AddressTarget>();
  const add = (address: string, port: number, source: string): void => {
    if (parseIpv4(address) === undefined || found.has(`${address}:${port}`)) return;
    found.set(`${address}:${port}`, { address, port, label: `API server ${address}:${port} (${source})` });
  };
  for (const e of ctx.objects('Endpoints').filter(isKubernetesService)) {
    for (const subset of mapsIn(e.subsets)) {
      const ports = tcpPorts(subset.ports);
      for (const a of mapsIn(subset.addresses)) for (const p of ports) add(String(a.ip), p, 'Endpoints default/kubernetes');
    }
  }
  const slices = ctx.objects('EndpointSlice').filter((s) =>
    (s.metadata.namespace ?? 'default') === 'default' && (s.metadata.labels as Record<string, string> | undefined)?.['kubernetes.io/service-name'] === 'kubernetes');
  for (const s of slices) {
    const ports = tcpPorts(s.ports);
    for (const e of mapsIn(s.endpoints)) {
      for (const address of Array.isArray(e.addresses) ? e.addresses : []) for (const p of ports) add(String(address), p, `EndpointSlice default/${s.metadata.name}`);
    }
  }
  if (found.size === 0) {
    const endpoint = ipLiteralEndpoint(ctx.snapshot.cloud.apiServer?.endpoint);
    if (endpoint) add(endpoint.address, endpoint.port, `cloud API endpoint ${ctx.snapshot.cloud.apiServer?.endpoint}`);
  }
  return [...found.values()];
}


const isKubernetesService = (o: KubeObject): boolean => isApiServerService(o.metadata.namespace || 'default', o.metadata.name);

/** TCP ports of an Endpoints subset or EndpointSlice; none listed means the API server's usual 443. */
function tcpPorts(raw: unknown): number[] {
  const ports = mapsIn(raw).filter((p) => (p.protocol ?? 'TCP') === 'TCP' && typeof p.port === 'number').map((p) => p.port as number);
  return ports.length > 0 ? ports : [443];
}

/** `https://10.0.0.1:6443` or `10.0.0.1` → address and port; a host name → undefined. */
function ipLiteralEndpoint(endpoint: string | undefined): { address: string; port: number } | undefined {
  const m = /^(?:https?:\/\/)?([^/:]+)(?::(\d+))?/.exec(endpoint ?? '');
  if (!m || parseIpv4(m[1]!) === undefined) return undefined;
  return { address: m[1]!, port: m[2] ? Number(m[2]) : 443 };
}

/** The kubelet's authenticated API and its (legacy) unauthenticated read-only port. */
export const KUBELET_PORTS = [10250, 10255] as const;

/** Every Node's IPv4 InternalIP and ExternalIP, on each kubelet port. */
export function kubeletTargets(ctx: CheckContext): AddressTarget[] {
  return ctx.objects('Node').flatMap((node) => {
    return mapsIn(at(node, 'status', 'addresses'))
      .filter((a) => (a.type === 'InternalIP' || a.type === 'ExternalIP') && typeof a.address === 'string' && parseIpv4(a.address) !== undefined)
      .flatMap((a) => KUBELET_PORTS.map((port) => ({
        address: a.address as string, port,
        label: `kubelet TCP ${port} on Node ${node.metadata.name} (${String(a.type)} ${String(a.address)})`,
      })));
  });
}
