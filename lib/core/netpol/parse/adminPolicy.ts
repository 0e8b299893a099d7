/**
 * Parses AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1),
 * with the API's validation rules. Unsupported-but-ignorable parts become warnings.
 */
import { parseCidr } from '../ipv4.js';
import { MATCH_ALL, parseLabelSelector, type LabelSelector } from '../labelSelector.js';
import type { AdminAction, AdminPolicyInfo, AdminRule, Peer, PodPeer, RulePort, RulePorts } from '../model.js';
import { InvalidObjectError, isMap, optInt, optList, optMap, optMapList, optString, protocolField, type Json } from './fields.js';
import { checkPortNumber } from './networkPolicy.js';
import { pushAll } from '../../arrays.js';

export const MAX_ADMIN_PRIORITY = 1000;

type Kind = AdminPolicyInfo['kind'];

/** Throws `InvalidObjectError`; calls `warn` for parts that are ignored. */
export function parseAdminPolicy(obj: Json, kind: Kind, name: string, warn: (message: string) => void): AdminPolicyInfo {
  const baseline = kind === 'BaselineAdminNetworkPolicy';
  const spec = optMap(obj, 'spec', '') ?? {};
  if (baseline && name !== 'default') {
    throw new InvalidObjectError('only one baseline admin network policy with metadata.name=default can be created in the cluster');
  }
  const priority = baseline ? Number.POSITIVE_INFINITY : parsePriority(spec, name);
  const subject = parseSubject(spec.subject);
  const actions: readonly AdminAction[] = baseline ? ['Allow', 'Deny'] : ['Allow', 'Deny', 'Pass'];
  const ingress = (optMapList(spec, 'ingress', 'spec') ?? []).map((r, i) =>
    parseRule(r, `spec.ingress[${i}]`, 'from', actions, warn));
  const egress = (optMapList(spec, 'egress', 'spec') ?? []).map((r, i) =>
    parseRule(r, `spec.egress[${i}]`, 'to', actions, warn));
  return { kind, name, baseline, priority, subject, ingress, egress };
}

function parsePriority(spec: Json, name: string): number {
  const priority = optInt(spec, 'priority', 'spec');
  if (priority === undefined) throw new InvalidObjectError('spec.priority: Required value');
  if (priority < 0 || priority > MAX_ADMIN_PRIORITY) {
    throw new InvalidObjectError(
      `Invalid Priority Value: ${priority} in Admin Network Policy: "${name}"; Priority value must be between 0-${MAX_ADMIN_PRIORITY}`);
  }
  return priority;
}

/** Exactly one of `namespaces` or `pods`. */
function parseSubject(raw: unknown): PodPeer {
  const subject = isMap(raw) ? raw : {};
  const set = ['namespaces', 'pods'].filter((k) => subject[k] !== undefined && subject[k] !== null);
  if (set.length !== 1) throw new InvalidObjectError('spec.subject: exactly one field must be set in a subject');
  return namespacesOrPods(subject, 'spec.subject');
}

function namespacesOrPods(raw: Json, path: string): PodPeer {
  if (raw.namespaces !== undefined && raw.namespaces !== null) {
    return { type: 'pods', namespaceSelector: selector(raw.namespaces, `${path}.namespaces`), podSelector: MATCH_ALL };
  }
  const pods = optMap(raw, 'pods', path) ?? {};
  return {
    type: 'pods',
    namespaceSelector: selector(pods.namespaceSelector ?? {}, `${path}.pods.namespaceSelector`),
    podSelector: selector(pods.podSelector ?? {}, `${path}.pods.podSelector`),
  };
}

function parseRule(
  raw: Json, path: string, peersKey: 'from' | 'to', actions: readonly AdminAction[], warn: (m: string) => void,
): AdminRule {
  const name = optString(raw, 'name', path) ?? '';
  const action = raw.action;
  if (typeof action !== 'string' || !(actions as readonly string[]).includes(action)) {
    throw new InvalidObjectError(`${path}.action: unrecognized action "${String(action)}" (expected ${actions.join(', ')})`);
  }
  const peersRaw = optList(raw, peersKey, path);
  if (!peersRaw || peersRaw.length === 0) {
    throw new InvalidObjectError(`${path}.${peersKey}: ${peersKey} field must be defined and contain at least one item`);
  }
  const peers: Peer[] = [];
  peersRaw.forEach((p, i) => {
    const peer = parsePeer(p, `${path}.${peersKey}[${i}]`, peersKey === 'to', warn);
    pushAll(peers, peer);
  });
  // Unlike NetworkPolicy, an explicit empty `ports: []` matches no connection at all.
  const portsRaw = optList(raw, 'ports', path);
  const ports: RulePorts = portsRaw === undefined ? 'any' : portsRaw.map((p, i) => parsePort(p, `${path}.ports[${i}]`));
  return { name, action: action as AdminAction, peers, ports };
}

/** Egress peers may also be `networks` (CIDRs) or `nodes` (not modelled: warned and ignored). */
function parsePeer(raw: unknown, path: string, egress: boolean, warn: (m: string) => void): Peer[] {
  const peer = isMap(raw) ? raw : {};
  const fields = egress ? ['namespaces', 'pods', 'networks', 'nodes'] : ['namespaces', 'pods'];
  const set = Object.keys(peer).filter((k) => peer[k] !== undefined && peer[k] !== null);
  if (set.length !== 1 || !fields.includes(set[0]!)) {
    throw new InvalidObjectError(`${path}: exactly one field must be set in a rule peer (one of ${fields.join(', ')})`);
  }
  if (set[0] === 'nodes') {
    warn(`${path}: Nodes field of an AdminNetworkPolicyEgressPeer is not supported; this peer is ignored`);
    return [];
  }
  if (set[0] === 'networks') return parseNetworks(peer, path, warn);
  return [namespacesOrPods(peer, path)];
}

function parseNetworks(peer: Json, path: string, warn: (m: string) => void): Peer[] {
  const networks = optList(peer, 'networks', path) ?? [];
  if (networks.length === 0) throw new InvalidObjectError(`${path}.networks: must contain at least one CIDR`);
  // One peer per CIDR: the external address space is cut at each of them, not at their union.
  return networks.flatMap((n, i): Peer[] => {
    const text = String(n);
    const parsed = parseCidr(text);
    if (parsed.family === 'invalid') throw new InvalidObjectError(`${path}.networks[${i}]: ${parsed.reason}`);
    if (parsed.family === 6) {
      warn(`${path}.networks[${i}]: ${text}: IPv6 addresses are not supported; this network is ignored`);
      return [];
    }
    return [{ type: 'ip', ranges: parsed.range, text }];
  });
}

/** Exactly one of `portNumber`, `namedPort`, `portRange`. */
function parsePort(raw: unknown, path: string): RulePort {
  const port = isMap(raw) ? raw : {};
  const set = Object.keys(port).filter((k) => port[k] !== undefined && port[k] !== null);
  if (set.length !== 1 || !['portNumber', 'namedPort', 'portRange'].includes(set[0]!)) {
    throw new InvalidObjectError(`${path}: exactly one field must be set in an AdminNetworkPolicyPort`);
  }
  if (set[0] === 'namedPort') {
    const name = optString(port, 'namedPort', path);
    if (!name) throw new InvalidObjectError(`${path}.namedPort: must be a non-empty string`);
    return { protocol: 'TCP', name, anyProtocol: true };
  }
  if (set[0] === 'portNumber') {
    const pn = optMap(port, 'portNumber', path) ?? {};
    const num = optInt(pn, 'port', `${path}.portNumber`);
    if (num === undefined) throw new InvalidObjectError(`${path}.portNumber.port: Required value`);
    checkPortNumber(num, `${path}.portNumber.port`);
    return { protocol: protocolField(pn, 'protocol', `${path}.portNumber`), range: [num, num] };
  }
  const pr = optMap(port, 'portRange', path) ?? {};
  const start = optInt(pr, 'start', `${path}.portRange`);
  const end = optInt(pr, 'end', `${path}.portRange`);
  if (start === undefined || end === undefined || start < 1 || end > 65535 || end < start) {
    throw new InvalidObjectError(
      `${path}.portRange: port range ${start}-${end} is illegal; start and end values of the port range should be in {1-65535} and end may not be less than start`);
  }
  return { protocol: protocolField(pr, 'protocol', `${path}.portRange`), range: [start, end] };
}

function selector(raw: unknown, path: string): LabelSelector {
  const result = parseLabelSelector(raw);
  if (!result.ok) throw new InvalidObjectError(`${path}: selector error: ${result.error}`);
  return result.selector;
}
