/**
 * Cluster DNS must answer every pod of every namespace on port 53: an ingress rule that admits
 * every namespace to it on DNS ports alone is it doing its job, not lateral movement. Anything
 * else open to every namespace (its metrics port, all ports) is still judged.
 */
import type { KubeObject } from '../evidence/snapshot.js';
import { matches, parseLabelSelector } from '../netpol/labelSelector.js';
import { isMap, type Json } from './json.js';
import type { CheckContext } from './context.js';
import type { WorkloadInfo } from './workloads.js';

export const DNS_PORT = 53;

/** CoreDNS or kube-dns as every distribution labels it: `k8s-app: kube-dns` in kube-system. */
export function isClusterDns(w: WorkloadInfo): boolean {
  return w.ref.namespace === 'kube-system' && w.podLabels['k8s-app'] === 'kube-dns';
}

/**
 * Whether every ingress rule that admits every namespace to the DNS workload, in every
 * NetworkPolicy that selects it, is limited to DNS ports.
 */
export function onlyDnsOpenToAllNamespaces(ctx: CheckContext, w: WorkloadInfo): boolean {
  return selectingPolicies(ctx, w).every((policy) => ingressRules(policy).filter(admitsEveryNamespace).every((rule) => dnsPortsOnly(rule, w)));
}

function selectingPolicies(ctx: CheckContext, w: WorkloadInfo): KubeObject[] {
  return ctx.objects('NetworkPolicy').filter((p) => {
    if ((p.metadata.namespace ?? 'default') !== w.ref.namespace) return false;
    const parsed = parseLabelSelector(isMap(p.spec) ? p.spec.podSelector ?? {} : {});
    return parsed.ok && matches(parsed.selector, w.podLabels);
  });
}

function ingressRules(policy: KubeObject): Json[] {
  const spec = isMap(policy.spec) ? policy.spec : {};
  return Array.isArray(spec.ingress) ? spec.ingress.filter(isMap) : [];
}

function admitsEveryNamespace(rule: Json): boolean {
  const from = Array.isArray(rule.from) ? rule.from.filter(isMap) : [];
  return from.length === 0 || from.some((peer) => isMap(peer.namespaceSelector) && isEmptySelector(peer.namespaceSelector));
}

/** A selector with neither labels nor expressions: it selects everything. */
export function isEmptySelector(selector: Json): boolean {
  const labels = isMap(selector.matchLabels) ? Object.keys(selector.matchLabels) : [];
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return labels.length === 0 && expressions.length === 0;
}

/** The rule names ports, and each is 53 (by number, or a named port of the pod's containers that is 53). */
function dnsPortsOnly(rule: Json, w: WorkloadInfo): boolean {
  const ports = Array.isArray(rule.ports) ? rule.ports.filter(isMap) : [];
  return ports.length > 0 && ports.every((p) => p.endPort === undefined && resolvePort(p.port, w) === DNS_PORT);
}

function resolvePort(port: unknown, w: WorkloadInfo): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port !== 'string') return undefined;
  const containers = [w.podSpec.containers, w.podSpec.initContainers].flatMap((list) => (Array.isArray(list) ? list.filter(isMap) : []));
  const named = containers.flatMap((c) => (Array.isArray(c.ports) ? c.ports.filter(isMap) : [])).find((p) => p.name === port);
  return typeof named?.containerPort === 'number' ? named.containerPort : undefined;
}
