/**
 * Sensitive interfaces running in the cluster (the Kubernetes dashboard, Helm v2's tiller, notebooks,
 * monitoring and CI/CD UIs), recognised by container image or pod labels, and the question the
 * dashboard and tiller techniques ask of them: which other workloads can open a connection to them.
 */
import { fail, pass, unknown, type CheckOutcome, type Remediation } from '../findings/finding.js';
import type { CheckContext, NetworkStatus } from './context.js';
import type { InterfaceSignature } from './interfaceSignature.js';
import { restrictIngressTo } from './remediation.js';
import { containersOf, isHostNetwork, type WorkloadInfo } from './workloads.js';

export type { InterfaceSignature };

/** A workload recognised as a sensitive interface. */
export interface InterfaceMatch {
  readonly workload: WorkloadInfo;
  readonly signature: InterfaceSignature;
  /** Why it was recognised: `image kubernetesui/dashboard:v2.7.0` or `label k8s-app=kubernetes-dashboard`. */
  readonly why: string;
  /** The TCP ports to ask about. */
  readonly ports: readonly number[];
}

/** The workloads that match a signature; each workload matches at most once, by the first signature that fits. */
export function findInterfaces(ctx: CheckContext, signatures: readonly InterfaceSignature[]): InterfaceMatch[] {
  return ctx.workloads.flatMap((workload) => {
    for (const signature of signatures) {
      const why = recognise(workload, signature);
      if (why) return [{ workload, signature, why, ports: interfacePorts(workload, signature) }];
    }
    return [];
  });
}

function recognise(workload: WorkloadInfo, signature: InterfaceSignature): string | undefined {
  for (const { image, lower } of imagesOf(workload)) {
    if (signature.images.some((s) => lower.includes(s))) return `image ${image}`;
  }
  const set = signature.labels.map(pairsOf).find((pairs) => pairs.every(([k, v]) => workload.podLabels[k] === v));
  return set && `label ${set.map(([k, v]) => `${k}=${v}`).join(', ')}`;
}

/** A signature's label set as pairs, made once: every workload is compared with every signature. */
function pairsOf(labels: Readonly<Record<string, string>>): readonly (readonly [string, string])[] {
  let pairs = pairsByLabels.get(labels);
  if (!pairs) pairsByLabels.set(labels, (pairs = Object.entries(labels)));
  return pairs;
}
const pairsByLabels = new WeakMap<object, readonly (readonly [string, string])[]>();

/** Each container's image, as written and lowercased: several techniques look for interfaces in every workload. */
function imagesOf(workload: WorkloadInfo): readonly { image: string; lower: string }[] {
  let images = imagesBySpec.get(workload.podSpec);
  if (!images) {
    images = containersOf(workload.podSpec).map((c) => {
      const image = typeof c.image === 'string' ? c.image : '';
      return { image, lower: image.toLowerCase() };
    });
    imagesBySpec.set(workload.podSpec, images);
  }
  return images;
}
const imagesBySpec = new WeakMap<object, { image: string; lower: string }[]>();

function interfacePorts(workload: WorkloadInfo, signature: InterfaceSignature): readonly number[] {
  if (!signature.declaredPorts) return signature.ports;
  const declared = containersOf(workload.podSpec).flatMap((c) => (Array.isArray(c.ports) ? c.ports : []))
    .flatMap((p: { containerPort?: unknown; protocol?: unknown }) =>
      typeof p.containerPort === 'number' && (p.protocol ?? 'TCP') === 'TCP' ? [p.containerPort] : []);
  return declared.length > 0 ? [...new Set(declared)].sort((a, b) => a - b) : signature.ports;
}

/** What one source workload can do to one interface, over all its ports. */
interface Reach {
  readonly target: InterfaceMatch;
  status: NetworkStatus;
  readonly exposedPorts: number[];
  readonly reasons: Set<string>;
}

const RANK: Readonly<Record<NetworkStatus, number>> = { blocked: 0, unknown: 1, exposed: 2 };

/**
 * One outcome per workload that is not itself such an interface: `fail` when it can open a
 * connection to a port of any of them, `unknown` when that depends on unknown enforcement, else
 * `pass`. Pods on the host network, on either side, escape NetworkPolicies and count as exposed;
 * node agents (which act as the node) are not assessed. No such interface in the cluster: no outcomes.
 */
export function whoReachesInterfaces(ctx: CheckContext, check: string, signature: InterfaceSignature, advice: string): CheckOutcome[] {
  const targets = findInterfaces(ctx, [signature]);
  const isTarget = new Set(targets.map((t) => t.workload.id));
  const bySource = new Map<string, { source: WorkloadInfo; reaches: Reach[] }>();
  for (const target of targets) {
    const perSource = new Map<string, Reach>();
    for (const port of target.ports) {
      for (const answer of ctx.reachWorkload(target.workload.id, port)) {
        const source = answer.workload;
        if (isTarget.has(source.id) || !ctx.isSubject(source)) continue;
        const onHost = [source, target.workload].find(isHostNetwork);
        const status = onHost ? 'exposed' : answer.status;
        const reasons = onHost ? [`spec.hostNetwork: true on ${onHost.id}: NetworkPolicies do not apply to it`] : answer.reasons;
        let reach = perSource.get(source.id);
        if (!reach) {
          reach = { target, status, exposedPorts: [], reasons: new Set() };
          perSource.set(source.id, reach);
          const entry = bySource.get(source.id) ?? { source, reaches: [] };
          entry.reaches.push(reach);
          bySource.set(source.id, entry);
        }
        // Keep the reasons of the worst status only: they are the ones the verdict rests on.
        if (RANK[status] > RANK[reach.status]) {
          reach.status = status;
          reach.reasons.clear();
        }
        if (status === reach.status) reasons.forEach((r) => reach.reasons.add(r));
        if (status === 'exposed') reach.exposedPorts.push(port);
      }
    }
  }
  return [...bySource.values()].map(({ source, reaches }) => verdict(ctx, { check, signature, advice }, source, reaches));
}

function verdict(
  ctx: CheckContext, { check, signature, advice }: { check: string; signature: InterfaceSignature; advice: string },
  source: WorkloadInfo, reaches: readonly Reach[],
): CheckOutcome {
  const worst = reaches.reduce((w, r) => (RANK[r.status] > RANK[w] ? r.status : w), 'blocked' as NetworkStatus);
  const decisive = reaches.filter((r) => r.status === worst);
  const evidence = decisive.flatMap((r) => [recognised(r.target), ...r.reasons]);
  const names = decisive.map((r) => r.target.workload.id).join(', ');
  if (worst === 'blocked') return pass(check, source.ref, `${source.id} cannot reach the ${signature.name} (${names})`, evidence);
  if (worst === 'unknown') return unknown(check, source.ref, `whether ${source.id} can reach the ${signature.name} (${names}) is unknown`, evidence);
  const where = decisive.map((r) => `${r.target.workload.id} on TCP ${r.exposedPorts.join(', ')}`).join('; ');
  // A source on the host network reaches pods as its node does: no policy on the target stops it.
  const remediations: Remediation[] = isHostNetwork(source)
    ? [{ text: `${source.id} runs on the host network, where NetworkPolicies do not apply: run it off the host network, or treat it as part of the node.` }]
    : decisive.map((r) => restrictIngressTo(ctx, r.target.workload, `the ${signature.name}`, [...r.reasons]));
  const yaml = remediations.flatMap((r) => r.yaml ?? []).join('\n---\n');
  return fail(check, source.ref, `${source.id} can reach the ${signature.name} at ${where}`, evidence,
    { text: [advice, ...remediations.map((r) => r.text)].join(' '), ...(yaml && { yaml }) });
}

/** Evidence line naming an interface and why kubeseg took it for one. */
export function recognised(match: InterfaceMatch): string {
  return `${match.workload.id} is recognised as ${match.signature.name} (${match.why})`;
}
