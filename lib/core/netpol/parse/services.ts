/** Services, and the Ingress / OpenShift Route objects that expose them to the ingress controller. */
import type { ExposedBackend, ObjectRef, ServiceInfo, ServicePortInfo } from '../model.js';
import { InvalidObjectError, isMap, optInt, optIntOrString, optMap, optMapList, optString, protocolField, stringMap, type Json } from './fields.js';
import { checkPortNumber } from './networkPolicy.js';

/**
 * `default/kubernetes`: the Service in front of the API server. It has no selector by design (its
 * endpoints are the control plane's addresses), so it is no workload Service to warn about.
 */
export function isApiServerService(namespace: string, name: string): boolean {
  return namespace === 'default' && name === 'kubernetes';
}

export function parseService(obj: Json, namespace: string, name: string): ServiceInfo {
  const spec = optMap(obj, 'spec', '') ?? {};
  const hasSelector = isMap(spec.selector) && Object.keys(spec.selector).length > 0;
  const ports = (optMapList(spec, 'ports', 'spec') ?? []).map((p, i) => servicePort(p, `spec.ports[${i}]`));
  return hasSelector ? { namespace, name, selector: stringMap(spec, 'selector', 'spec'), ports } : { namespace, name, ports };
}

function servicePort(raw: Json, path: string): ServicePortInfo {
  const port = optInt(raw, 'port', path);
  if (port === undefined) throw new InvalidObjectError(`${path}.port: Required value`);
  checkPortNumber(port, `${path}.port`);
  const name = optString(raw, 'name', path);
  const targetPort = optIntOrString(raw, 'targetPort', path) ?? port;
  const protocol = protocolField(raw, 'protocol', path);
  return name ? { name, port, protocol, targetPort } : { port, protocol, targetPort };
}

/** Every service backend of an Ingress: the default backend and each rule path (v1 and v1beta1 forms). */
export function parseIngress(obj: Json, source: ObjectRef): ExposedBackend[] {
  const spec = optMap(obj, 'spec', '') ?? {};
  const backends: ExposedBackend[] = [];
  const add = (backend: Json | undefined, path: string): void => {
    if (!backend) return;
    const ref = ingressBackend(backend, path);
    if (ref) backends.push({ source, namespace: source.namespace!, ...ref });
  };
  add(optMap(spec, 'defaultBackend', 'spec') ?? optMap(spec, 'backend', 'spec'), 'spec.defaultBackend');
  (optMapList(spec, 'rules', 'spec') ?? []).forEach((rule, i) => {
    const http = optMap(rule, 'http', `spec.rules[${i}]`);
    (http ? optMapList(http, 'paths', `spec.rules[${i}].http`) ?? [] : []).forEach((p, j) =>
      add(optMap(p, 'backend', `spec.rules[${i}].http.paths[${j}]`), `spec.rules[${i}].http.paths[${j}].backend`));
  });
  return backends;
}

function ingressBackend(backend: Json, path: string): { serviceName: string; servicePort?: number | string } | undefined {
  const service = optMap(backend, 'service', path);
  if (service) {
    const serviceName = optString(service, 'name', `${path}.service`);
    if (!serviceName) throw new InvalidObjectError(`${path}.service.name: Required value`);
    const port = optMap(service, 'port', `${path}.service`) ?? {};
    const servicePort = optInt(port, 'number', `${path}.service.port`) ?? optString(port, 'name', `${path}.service.port`);
    return { serviceName, ...(servicePort !== undefined && { servicePort }) };
  }
  const serviceName = optString(backend, 'serviceName', path);
  if (!serviceName) return undefined; // a resource backend: not a service, nothing to analyse
  const servicePort = optIntOrString(backend, 'servicePort', path);
  return { serviceName, ...(servicePort !== undefined && { servicePort }) };
}

/** An OpenShift Route: `spec.to` and `spec.alternateBackends`, optionally narrowed by `spec.port.targetPort`. */
export function parseRoute(obj: Json, source: ObjectRef): ExposedBackend[] {
  const spec = optMap(obj, 'spec', '') ?? {};
  const portSpec = optMap(spec, 'port', 'spec');
  const targetPort = portSpec ? optIntOrString(portSpec, 'targetPort', 'spec.port') : undefined;
  const refs = [optMap(spec, 'to', 'spec'), ...(optMapList(spec, 'alternateBackends', 'spec') ?? [])];
  return refs.flatMap((ref) => {
    if (!ref) return [];
    const kind = optString(ref, 'kind', 'spec.to') ?? 'Service';
    const serviceName = optString(ref, 'name', 'spec.to');
    if (kind !== 'Service' || !serviceName) return [];
    return [{
      source, namespace: source.namespace!, serviceName,
      ...(targetPort !== undefined && { servicePort: targetPort }),
    }];
  });
}
