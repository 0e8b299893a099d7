/**
 * MS-TA9036 ARP poisoning and IP spoofing. A container with CAP_NET_RAW opens raw and packet
 * sockets: it forges ARP replies and IP source addresses and so intercepts or impersonates its
 * neighbours' traffic (DNS spoofing, stolen pod identities). NetworkPolicies filter L3/L4 flows and
 * do not stop this; dropping the capability and a CNI not prone to ARP poisoning do.
 */
import { fail, pass, type CheckOutcome, type Remediation } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { containerPatches, patchRemediation, podSpecPatch } from '../remediation.js';
import type { Technique } from '../types.js';
import { containersOf, isHostNetwork, type WorkloadInfo } from '../workloads.js';
import { type Json, mapAt } from '../json.js';

const CHECK = 'packet-crafting-capabilities';

/** Capabilities that let a process craft packets (NET_RAW) or reconfigure the interface and ARP table (NET_ADMIN). */
const PACKET_CAPABILITIES = ['NET_RAW', 'NET_ADMIN'];

export const technique: Technique = {
  meta: {
    id: 'MS-TA9036',
    name: 'ARP poisoning and IP spoofing',
    tactics: ['Lateral movement'],
    mitreAttack: ['T1557.002'],
    mitigations: ['MS-M9013', 'MS-M9028'],
    severity: 'medium',
    weight: 4,
    segmentationMitigates: false,
    formerNames: [],
    evidence: ['workloads'],
    description: 'An attacker in a container that holds NET_RAW forges ARP and IP packets to intercept or impersonate other '
      + 'pods. The rule: a workload fails when any container (init and ephemeral ones included) is privileged, adds NET_RAW, '
      + 'NET_ADMIN or ALL, or keeps NET_RAW by default, because containerd and Docker (the runtimes on EKS and most clusters) '
      + 'grant NET_RAW unless capabilities.drop lists NET_RAW or ALL; the message says which of these applies. It passes '
      + 'only when every container drops NET_RAW (or ALL) and none adds a packet capability back. hostNetwork alone crafts '
      + 'nothing but widens the reach to the node\'s network, which the evidence says. NetworkPolicies do not stop layer-2 '
      + 'spoofing. Node agents (host-network DaemonSets in kube-system, e.g. the CNI) need these capabilities and are not assessed.',
  },
  checks: [packetCrafting],
};

interface ContainerRisk {
  readonly container: string;
  /** Explicit (privileged, added capabilities) or only the runtime default. */
  readonly explicit: boolean;
  readonly reason: string;
  readonly added: readonly string[];
  readonly privileged: boolean;
}

function packetCrafting(ctx: CheckContext): CheckOutcome[] {
  return ctx.subjects().map((w) => {
    const risks = containersOf(w.podSpec).flatMap((c) => containerRisk(c) ?? []);
    const host = isHostNetwork(w) ? ['spec.hostNetwork: true: it shares the node\'s network interfaces'] : [];
    if (risks.length === 0) {
      return pass(CHECK, w.ref, `${w.id} cannot craft raw packets: every container drops NET_RAW and none is privileged or adds NET_ADMIN`, host);
    }
    const how = risks.some((r) => r.explicit)
      ? 'a container is privileged or adds a packet capability'
      : 'its containers keep the NET_RAW capability the container runtime grants by default';
    return fail(CHECK, w.ref, `${w.id} can craft raw packets for ARP poisoning and IP spoofing: ${how}`,
      [...risks.map((r) => `container ${r.container} ${r.reason}`), ...host], remediation(w, risks));
  });
}

/** Why a container can craft packets, or undefined when it cannot. */
function containerRisk(c: Json): ContainerRisk | undefined {
  const sc = mapAt(c, 'securityContext');
  const caps = mapAt(sc, 'capabilities');
  const added = capabilityNames(caps.add);
  const dropped = capabilityNames(caps.drop);
  const container = String(c.name);
  const packetAdds = added.filter((a) => a === 'ALL' || PACKET_CAPABILITIES.includes(a));
  const privileged = sc.privileged === true;
  const risk = { container, added, privileged };
  if (privileged) return { ...risk, explicit: true, reason: 'is privileged (every capability, NET_RAW and NET_ADMIN included)' };
  if (packetAdds.length > 0) return { ...risk, explicit: true, reason: `adds ${packetAdds.join(', ')} (securityContext.capabilities.add)` };
  if (!dropped.includes('ALL') && !dropped.includes('NET_RAW')) {
    return { ...risk, explicit: false, reason: 'keeps the runtime\'s default NET_RAW: capabilities.drop lists neither NET_RAW nor ALL' };
  }
  return undefined;
}

/** `CAP_NET_RAW` and `net_raw` are NET_RAW to the runtimes. */
function capabilityNames(raw: unknown): string[] {
  return (Array.isArray(raw) ? raw : []).filter((x): x is string => typeof x === 'string').map((x) => x.toUpperCase().replace(/^CAP_/, ''));
}

/** Drop ALL, stop running privileged, and keep only the non-packet capabilities that were added. */
function remediation(w: WorkloadInfo, risks: readonly ContainerRisk[]): Remediation {
  const changes = new Map(risks.map((r) => {
    const kept = r.added.filter((a) => a !== 'ALL' && !PACKET_CAPABILITIES.includes(a));
    const capabilities = { drop: ['ALL'], ...(kept.length < r.added.length ? { add: kept } : {}) };
    return [r.container, { securityContext: { ...(r.privileged ? { privileged: false } : {}), capabilities } }];
  }));
  return patchRemediation(
    `Drop every capability in the containers of ${w.id} (securityContext.capabilities.drop: [ALL]) and add back only what `
      + 'they need; do not run them privileged. The Pod Security restricted level enforces this. Where the CNI bridges pods on '
      + 'a shared layer 2 (kubenet), prefer one that routes them.',
    podSpecPatch(w, containerPatches(w.podSpec, changes)),
  );
}
