/**
 * Who a workload serves by design from beyond its namespace's pods, so that an ingress restriction
 * kubeseg suggests keeps them:
 * - the control plane: the API server calls admission webhooks and aggregated APIs (metrics-server)
 *   from its own addresses, which every restriction admits;
 * - load balancers and node ports: a Service of type LoadBalancer or NodePort sends outside traffic to
 *   the pods it selects, on its target ports, from its `loadBalancerSourceRanges` (else anywhere);
 * - ingress routes: an Ingress sends traffic to its backend Services' pods from the ingress controller
 *   that serves it (a workload allowed to update `ingresses/status` that a load balancer publishes),
 *   else from the load balancer outside the pod network.
 * Sensitive interfaces are left out: their technique asks for them to be unpublished.
 */
import { apiServerTargets } from './addressTargets.js';
import type { CheckContext } from './context.js';
import { at, isMap, mapAt, mapsIn, stringAt, stringsIn, type Json } from './json.js';
import { ingressControllerNeed } from './needs.js';
import { podSelectorOf } from './remediation.js';
import { selectingServices } from './services.js';
import { findInterfaces } from './sensitiveInterfaces.js';
import { sensitiveInterfacesOf } from './ta9005-exposed-sensitive-interfaces/interfaces.js';
import type { KubeObject } from '../evidence/snapshot.js';
import { parseCidr } from '../netpol/ipv4.js';
import { isPortName } from '../netpol/parse/networkPolicy.js';
import type { WorkloadInfo } from './workloads.js';

/** An ingress rule that keeps a client, with the evidence sentence that explains it. */
export interface KeptClient {
  readonly rule: Json;
  readonly evidence: string;
}

const ANYWHERE = '0.0.0.0/0';

/** The rule admitting the API server's addresses (any port: webhooks and aggregated APIs choose theirs); undefined when they are unknown. */
export function controlPlaneClient(ctx: CheckContext): KeptClient | undefined {
  const addresses = [...new Set(apiServerTargets(ctx).map((t) => t.address))];
  if (addresses.length === 0) return undefined;
  return {
    rule: { from: addresses.map((a) => ({ ipBlock: { cidr: `${a}/32` } })) },
    evidence: `the API server (${addresses.join(', ')}) calls admission webhooks and aggregated APIs, so every suggested restriction admits it`,
  };
}

const clientsByContext = new WeakMap<CheckContext, Map<WorkloadInfo, readonly KeptClient[]>>();

/** The clients outside the namespace that Services and Ingresses send to the workload; none for a sensitive interface. */
export function publishedClients(ctx: CheckContext, w: WorkloadInfo): readonly KeptClient[] {
  let known = clientsByContext.get(ctx);
  if (!known) clientsByContext.set(ctx, (known = new Map()));
  let clients = known.get(w);
  if (!clients) known.set(w, (clients = findPublishedClients(ctx, w)));
  return clients;
}

function findPublishedClients(ctx: CheckContext, w: WorkloadInfo): KeptClient[] {
  if (sensitiveWorkloads(ctx).has(w)) return [];
  const services = selectingServices(ctx, w.ref.namespace, w.podLabels);
  const byLoadBalancer = services.filter(isPublished).flatMap((s): KeptClient[] => {
    const ports = targetPorts(s);
    if (ports.length === 0) return [];
    const ranges = validRanges(stringsIn(at(s, 'spec', 'loadBalancerSourceRanges')));
    const from = (ranges.length > 0 ? ranges : [ANYWHERE]).map((cidr) => ({ ipBlock: { cidr } }));
    return [{
      rule: { from, ports },
      evidence: `Service ${s.metadata.namespace}/${s.metadata.name} of type ${stringAt(s, 'spec', 'type')} sends traffic from ${ranges.length > 0 ? ranges.join(', ') : 'anywhere'} to it`,
    }];
  });
  const routed = new Set(routedServiceNames(ctx, w.ref.namespace));
  const controllers = ingressControllers(ctx);
  const byIngress = services.filter((s) => routed.has(s.metadata.name) && !isPublished(s)).flatMap((s): KeptClient[] => {
    const ports = targetPorts(s);
    if (ports.length === 0) return [];
    const service = `Service ${s.metadata.namespace}/${s.metadata.name}`;
    if (controllers.length === 0) {
      return [{ rule: { from: [{ ipBlock: { cidr: ANYWHERE } }], ports }, evidence: `an Ingress routes to ${service}, and no ingress controller runs in the cluster: the load balancer sends the traffic` }];
    }
    return [{
      rule: { from: controllers.map((c) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': c.ref.namespace } }, podSelector: { matchLabels: podSelectorOf(c) } })), ports },
      evidence: `an Ingress routes to ${service} through the ingress controller ${controllers.map((c) => c.id).join(', ')}`,
    }];
  });
  return [...byLoadBalancer, ...byIngress];
}

const sensitiveByContext = new WeakMap<CheckContext, Set<WorkloadInfo>>();

function sensitiveWorkloads(ctx: CheckContext): Set<WorkloadInfo> {
  let found = sensitiveByContext.get(ctx);
  if (!found) sensitiveByContext.set(ctx, (found = new Set(findInterfaces(ctx, sensitiveInterfacesOf(ctx)).map((m) => m.workload))));
  return found;
}

const controllersByContext = new WeakMap<CheckContext, WorkloadInfo[]>();

/** Ingress controllers in the data path: allowed to update Ingress status, and published by a load balancer or node port. */
function ingressControllers(ctx: CheckContext): WorkloadInfo[] {
  let found = controllersByContext.get(ctx);
  if (!found) {
    found = ctx.workloads.filter((w) => selectingServices(ctx, w.ref.namespace, w.podLabels).some(isPublished) && ingressControllerNeed(ctx, w) !== undefined);
    controllersByContext.set(ctx, found);
  }
  return found;
}

function isPublished(s: KubeObject): boolean {
  const type = stringAt(s, 'spec', 'type');
  return type === 'LoadBalancer' || type === 'NodePort';
}

/**
 * The NetworkPolicy ports a Service's ports send to (a named target port stays a name). A port or
 * protocol the API server would refuse is left out: such a Service sends nothing there.
 */
function targetPorts(s: KubeObject): Json[] {
  const seen = new Set<string>();
  return mapsIn(at(s, 'spec', 'ports')).flatMap((p) => {
    const port = validPort(p.targetPort ?? p.port);
    const protocol = p.protocol === undefined ? 'TCP' : p.protocol;
    if (port === undefined || typeof protocol !== 'string' || !PROTOCOLS.has(protocol) || seen.has(`${protocol}/${port}`)) return [];
    seen.add(`${protocol}/${port}`);
    return [{ protocol, port }];
  });
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

function validPort(value: unknown): number | string | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number === 'number') return Number.isInteger(number) && number >= 1 && number <= 65535 ? number : undefined;
  return typeof number === 'string' && isPortName(number) ? number : undefined;
}

/** Source ranges the API server would refuse are left out (it would not have taken the Service). */
function validRanges(values: readonly string[]): string[] {
  return values.filter((v) => parseCidr(v).family === 4);
}

/** The Services of the namespace that an Ingress names as a backend. */
function routedServiceNames(ctx: CheckContext, namespace: string): string[] {
  return ctx.objects('Ingress').filter((o) => (o.metadata.namespace ?? 'default') === namespace).flatMap((ing) => {
    const spec = mapAt(ing, 'spec');
    const backends = [spec.defaultBackend ?? spec.backend, ...mapsIn(spec.rules).flatMap((r) => mapsIn(at(r, 'http', 'paths')).map((p) => p.backend))];
    return backends.filter(isMap).flatMap((b) => {
      const name = stringAt(b, 'service', 'name') ?? stringAt(b, 'serviceName');
      return name ? [name] : [];
    });
  });
}
