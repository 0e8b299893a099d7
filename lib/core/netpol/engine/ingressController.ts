/**
 * `{ingress-controller}` connections: traffic that Ingress and OpenShift Route objects send through
 * a Service to workloads, limited by what the policies allow from the controller. The controller is
 * modelled as a label-less pod in a namespace of its own, i.e. an arbitrary in-cluster source.
 */
import { ConnectionSet } from '../connectionSet.js';
import type { DiagnosticList } from '../../diagnostics.js';
import { matches, selectorFromLabels } from '../labelSelector.js';
import type { ExposedBackend, ServiceInfo, ServicePortInfo } from '../model.js';
import { isApiServerService } from '../parse/services.js';
import { NONE } from './connTable.js';
import type { Reachability } from './reachability.js';
import type { PodType } from './universe.js';

/** Workload index → connection id the ingress controller may use, for every exposed workload. */
export function ingressControllerConnections(r: Reachability, diagnostics: DiagnosticList): Map<number, number> {
  const { model, universe, table } = r;
  const services = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  for (const s of model.services) {
    if (!s.selector && !isApiServerService(s.namespace, s.name)) diagnostics.warn(`Ignoring Service ${s.namespace}/${s.name}: a Service without selector is not supported`);
  }
  const namespacesWithServices = new Set(model.services.filter((s) => s.selector).map((s) => s.namespace));

  const exposed = new Map<number, { conn: number; sources: Set<string> }>();
  for (const backend of model.exposedBackends) {
    if (!namespacesWithServices.has(backend.namespace)) continue;
    const service = services.get(`${backend.namespace}/${backend.serviceName}`);
    const sourceText = `${backend.source.kind} ${backend.namespace}/${backend.source.name}`;
    if (!service?.selector) {
      diagnostics.warn(`${sourceText}: ignoring target service ${backend.serviceName}: service not found`);
      continue;
    }
    const selector = selectorFromLabels(service.selector);
    const servicePorts = selectServicePorts(service, backend);
    for (const type of universe.types) {
      if (type.namespace !== service.namespace || type.index === universe.ingressControllerType) continue;
      if (!matches(selector, type.labels)) continue;
      const conn = table.id(podPorts(servicePorts, type));
      for (const w of type.workloads) {
        const entry = exposed.get(w) ?? { conn: NONE, sources: new Set<string>() };
        entry.conn = table.union(entry.conn, conn);
        entry.sources.add(sourceText);
        exposed.set(w, entry);
      }
    }
  }

  const out = new Map<number, number>();
  for (const [w, { conn, sources }] of exposed) {
    let allowed = NONE;
    for (const d of r.typesOf(w)) allowed = table.union(allowed, r.typeToType(universe.ingressControllerType, d));
    const result = table.intersect(conn, allowed);
    if (result === NONE) {
      diagnostics.warn(`${[...sources].join(', ')} specified workload ${model.workloads[w]!.id} as a backend, but network policies are blocking ingress connections from an arbitrary in-cluster source to this workload; the ingress controller line is omitted`);
      continue;
    }
    out.set(w, result);
  }
  return out;
}

/** The first service port that the backend names (by name, number or target port), or all. */
function selectServicePorts(service: ServiceInfo, backend: ExposedBackend): readonly ServicePortInfo[] {
  const wanted = backend.servicePort;
  if (wanted === undefined) return service.ports;
  const hit = service.ports.find((p) =>
    (typeof wanted === 'string' && p.name === wanted) || p.port === wanted || p.targetPort === wanted);
  return hit ? [hit] : [];
}

/**
 * Target ports on a pod: numbers as they are, names through the pod's TCP container ports. A port the
 * pod does not declare is dropped, as the controller can only be sent to declared ports.
 */
function podPorts(servicePorts: readonly ServicePortInfo[], type: PodType): ConnectionSet {
  let conn = ConnectionSet.none;
  for (const sp of servicePorts) {
    const number = typeof sp.targetPort === 'number'
      ? sp.targetPort
      : type.ports.find((cp) => cp.name === sp.targetPort && cp.protocol === 'TCP')?.port;
    if (number !== undefined && type.ports.some((cp) => cp.port === number)) conn = conn.union(ConnectionSet.port('TCP', number));
  }
  return conn;
}
