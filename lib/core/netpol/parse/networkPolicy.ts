/** Parses and validates `networking.k8s.io/v1` NetworkPolicy objects. */
import { MAX_PORT, MIN_PORT } from '../connectionSet.js';
import { IntervalSet, type Range } from '../intervals.js';
import type { LabelSelector } from '../labelSelector.js';
import type { NetpolRule, NetworkPolicyInfo, Peer, RulePort, RulePorts } from '../model.js';
import {
  InvalidObjectError, optInt, optIntOrString, optList, optMap, optMapList, optString, protocolField, type Json,
} from './fields.js';
import type { ParseMemo } from './memo.js';

/** Throws `InvalidObjectError` with a message that names the offending field. */
export function parseNetworkPolicy(obj: Json, namespace: string, name: string, memo: ParseMemo): NetworkPolicyInfo {
  const spec = optMap(obj, 'spec', '') ?? {};
  const podSelector = selector(memo, spec.podSelector, 'spec.podSelector');
  const ingressRaw = optMapList(spec, 'ingress', 'spec');
  const egressRaw = optMapList(spec, 'egress', 'spec');
  const types = policyTypes(spec, (egressRaw ?? []).length > 0);

  const ingressRules = (ingressRaw ?? []).map((rule, i) => parseRule(rule, `spec.ingress[${i}]`, 'from', namespace, memo));
  const egressRules = (egressRaw ?? []).map((rule, i) => parseRule(rule, `spec.egress[${i}]`, 'to', namespace, memo));
  if (types.egress) egressRules.forEach((rule, i) => rejectNamedPortsToIps(rule, `spec.egress[${i}]`));
  const hasIgnoredIpBlocks = (!types.ingress && hasIpPeer(ingressRules)) || (!types.egress && hasIpPeer(egressRules));
  return {
    namespace, name, podSelector,
    ...(types.ingress && { ingress: ingressRules }),
    ...(types.egress && { egress: egressRules }),
    ...(hasIgnoredIpBlocks && {
      ignoredIpBlocks: { ingress: types.ingress ? [] : ipRangesOf(ingressRules), egress: types.egress ? [] : ipRangesOf(egressRules) },
    }),
  };
}

function hasIpPeer(rules: readonly NetpolRule[]): boolean {
  return rules.some((r) => r.peers !== 'any' && r.peers.some((p) => p.type === 'ip'));
}

function ipRangesOf(rules: readonly NetpolRule[]): IntervalSet[] {
  return rules.flatMap((r) => (r.peers === 'any' ? [] : r.peers.flatMap((p) => (p.type === 'ip' ? [p.ranges] : []))));
}

/**
 * policyTypes defaulting: without the field a policy always isolates ingress, and isolates egress
 * only when it has at least one egress rule.
 */
function policyTypes(spec: Json, hasEgressSection: boolean): { ingress: boolean; egress: boolean } {
  const raw = optList(spec, 'policyTypes', 'spec');
  if (raw === undefined || raw.length === 0) return { ingress: true, egress: hasEgressSection };
  const types = new Set<string>();
  raw.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') {
      throw new InvalidObjectError(`spec.policyTypes[${i}]: Unsupported value: "${String(t)}": supported values: "Ingress", "Egress"`);
    }
    types.add(t);
  });
  return { ingress: types.has('Ingress'), egress: types.has('Egress') };
}

function parseRule(rule: Json, path: string, peersKey: 'from' | 'to', namespace: string, memo: ParseMemo): NetpolRule {
  const peersRaw = optMapList(rule, peersKey, path);
  const portsRaw = optMapList(rule, 'ports', path);
  const peers = peersRaw === undefined || peersRaw.length === 0
    ? 'any' as const
    : peersRaw.map((p, i) => parsePeer(p, `${path}.${peersKey}[${i}]`, namespace, memo));
  return { peers, ports: parsePorts(portsRaw, path) };
}

/** NetworkPolicyPort list: numbers, named ports, endPort ranges; absent or empty means all ports. */
export function parsePorts(portsRaw: Json[] | undefined, path: string): RulePorts {
  if (portsRaw === undefined || portsRaw.length === 0) return 'any';
  return portsRaw.map((p, i) => parsePort(p, `${path}.ports[${i}]`));
}

function parsePort(raw: Json, path: string): RulePort {
  const protocol = protocolField(raw, 'protocol', path);
  const port = optIntOrString(raw, 'port', path);
  const endPort = optInt(raw, 'endPort', path);
  if (port === undefined) {
    if (endPort !== undefined) throw new InvalidObjectError(`${path}.endPort: may not be set when port is not set`);
    return { protocol };
  }
  if (typeof port === 'string') {
    if (endPort !== undefined) {
      throw new InvalidObjectError(`${path}: endPort field cannot be defined if the port field is defined as a named (string) port`);
    }
    if (!isPortName(port)) throw new InvalidObjectError(`${path}.port: Invalid value: "${port}": must be a valid port name (IANA_SVC_NAME)`);
    return { protocol, name: port };
  }
  checkPortNumber(port, `${path}.port`);
  if (endPort === undefined) return { protocol, range: [port, port] };
  checkPortNumber(endPort, `${path}.endPort`);
  if (endPort < port) throw new InvalidObjectError(`${path}.endPort: Invalid value: ${endPort}: must be greater than or equal to port ${port}`);
  return { protocol, range: [port, endPort] };
}

export function checkPortNumber(port: number, path: string): void {
  if (port < MIN_PORT || port > MAX_PORT) {
    throw new InvalidObjectError(`${path}: Invalid value: ${port}: must be between ${MIN_PORT} and ${MAX_PORT}, inclusive`);
  }
}

const PORT_NAME_CHARS = /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;
const LETTER = /[a-z]/;

/** IANA_SVC_NAME: at most 15 lowercase alphanumerics or '-', with a letter, no leading, trailing or double '-'. */
export function isPortName(name: string): boolean {
  return PORT_NAME_CHARS.test(name) && LETTER.test(name) && !name.includes('--');
}

function parsePeer(raw: Json, path: string, namespace: string, memo: ParseMemo): Peer {
  const hasPods = raw.podSelector !== undefined && raw.podSelector !== null;
  const hasNamespaces = raw.namespaceSelector !== undefined && raw.namespaceSelector !== null;
  const ipBlock = optMap(raw, 'ipBlock', path);
  if (ipBlock && (hasPods || hasNamespaces)) {
    throw new InvalidObjectError(`${path}: rule NetworkPolicyPeer error: cannot have both IPBlock and PodSelector/NamespaceSelector set`);
  }
  if (ipBlock) return parseIpBlock(ipBlock, `${path}.ipBlock`, memo);
  if (!hasPods && !hasNamespaces) throw new InvalidObjectError(`${path}: rule NetworkPolicyPeer error: cannot have empty rule peer`);
  const podSelector = hasPods ? selector(memo, raw.podSelector, `${path}.podSelector`) : selector(memo, {}, path);
  return hasNamespaces
    ? { type: 'pods', namespaceSelector: selector(memo, raw.namespaceSelector, `${path}.namespaceSelector`), podSelector }
    : { type: 'pods', podSelector, ownNamespace: namespace };
}

function parseIpBlock(raw: Json, path: string, memo: ParseMemo): Peer {
  const cidr = optString(raw, 'cidr', path);
  if (cidr === undefined) throw new InvalidObjectError(`${path}.cidr: Required value`);
  const parsed = memo.cidr(cidr);
  if (parsed.family === 'invalid') throw new InvalidObjectError(`${path}.cidr: ${parsed.reason}`);
  const exceptRaw = optList(raw, 'except', path) ?? [];
  const excepted: Range[] = [];
  exceptRaw.forEach((e, i) => {
    const text = typeof e === 'string' ? e : String(e);
    const ex = memo.cidr(text);
    if (ex.family === 'invalid') throw new InvalidObjectError(`${path}.except[${i}]: ${ex.reason}`);
    if (ex.family !== parsed.family || (ex.family === 4 && parsed.family === 4 && !strictlyInside(ex.range, parsed.range))) {
      throw new InvalidObjectError(`${path}.except[${i}]: Invalid value: "${text}": must be a strict subset of \`cidr\` ${cidr}`);
    }
    if (ex.family === 4) excepted.push(...ex.range.ranges);
  });
  // One subtraction of the union: a policy may list hundreds of node addresses in `except`.
  const ranges = parsed.family === 4 ? parsed.range.subtract(IntervalSet.fromRanges(excepted)) : IntervalSet.empty;
  const text = exceptRaw.length > 0 ? `${cidr} except ${exceptRaw.join(', ')}` : cidr;
  return { type: 'ip', ranges, text };
}

/** The API server wants every `except` strictly inside `cidr`: contained, and smaller. */
function strictlyInside(inner: IntervalSet, outer: IntervalSet): boolean {
  const [a, b] = inner.ranges.length === 1 ? inner.ranges[0]! : [NaN, NaN];
  const [c, d] = outer.ranges.length === 1 ? outer.ranges[0]! : [NaN, NaN];
  // CIDRs are single ranges: compared without building sets (a policy may list hundreds of excepts).
  if (!Number.isNaN(a) && !Number.isNaN(c)) return c <= a && b <= d && (a !== c || b !== d);
  return outer.covers(inner) && !outer.equals(inner);
}

function selector(memo: ParseMemo, raw: unknown, path: string): LabelSelector {
  const result = memo.selector(raw);
  if (!result.ok) throw new InvalidObjectError(`${path}: selector error: ${result.error}`);
  return result.selector;
}

/** An egress named port can only be resolved on a destination pod, never on an IP address. */
function rejectNamedPortsToIps(rule: NetpolRule, path: string): void {
  if (rule.ports === 'any' || rule.peers === 'any') return;
  const named = rule.ports.find((p) => p.name !== undefined);
  if (named && rule.peers.some((p) => p.type === 'ip')) {
    throw new InvalidObjectError(`${path}: named port error: cannot convert named port for an IP destination (port "${named.name}")`);
  }
}
