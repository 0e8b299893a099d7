/**
 * MS-TA9005 Exposed sensitive interfaces. Management UIs and APIs that were never meant for the
 * internet (the Kubernetes dashboard, tiller, notebooks, workflow and monitoring UIs) often run
 * without authentication; published outside the cluster they are an entry point. kubeseg recognises
 * them by image or labels and asks whether anything outside the pod network can reach them.
 */
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import type { KubeObject } from '../../evidence/snapshot.js';
import type { CheckContext, NetworkAnswer } from '../context.js';
import { restrictIngressTo, retext } from '../remediation.js';
import { findInterfaces, recognised, type InterfaceMatch } from '../sensitiveInterfaces.js';
import { sensitiveInterfacesOf } from './interfaces.js';
import type { Technique } from '../types.js';
import { apiServerTargets } from '../addressTargets.js';
import { selectingServices } from '../services.js';
import { isHostNetwork } from '../workloads.js';
import { at, mapAt, mapsIn, stringAt } from '../json.js';

const CHECK = 'sensitive-interface-exposed';

export const technique: Technique = {
  meta: {
    id: 'MS-TA9005',
    name: 'Exposed sensitive interfaces',
    tactics: ['Initial access', 'Discovery'],
    mitreAttack: ['T1133'],
    mitigations: ['MS-M9008', 'MS-M9009', 'MS-M9014'],
    severity: 'high',
    weight: 8,
    segmentationMitigates: true,
    formerNames: ['Exposed dashboard'],
    evidence: ['workloads', 'services', 'networkpolicies'],
    description: 'Management interfaces such as the Kubernetes dashboard, tiller, Jupyter, Argo, Kubeflow, Prometheus, Grafana, Kibana '
      + 'or Consul often run without strong authentication; exposed outside the cluster they let an attacker in. kubeseg recognises '
      + 'them by image or labels and fails each one that a Service of type LoadBalancer or NodePort selects, that an Ingress or '
      + 'Route routes to (unless the Ingress requires sign-in or limits the source addresses), that runs on the host network, or that its ingress NetworkPolicies leave open to addresses outside the '
      + 'pod network (on EKS, pod addresses are routable in the VPC). Segmentation mitigates only that last path; the others '
      + 'are published on purpose. A cluster without such interfaces has nothing to assess.',
  },
  checks: [(ctx) => findInterfaces(ctx, sensitiveInterfacesOf(ctx)).map((m) => assess(ctx, m))],
};

function assess(ctx: CheckContext, m: InterfaceMatch): CheckOutcome {
  const w = m.workload;
  const label = `${w.id} (${m.signature.name})`;
  const services = selectingServices(ctx, w.ref.namespace, w.podLabels);
  const published = services.flatMap((s) => {
    const type = stringAt(s, 'spec', 'type');
    return type === 'LoadBalancer' || type === 'NodePort' ? [`Service ${s.metadata.namespace}/${s.metadata.name} of type ${type} selects it`] : [];
  });
  const routes = routesTo(ctx, w.ref.namespace, new Set(services.map((s) => s.metadata.name)));
  // A route behind sign-in or a source allowlist at the ingress is published on purpose, and guarded.
  const routed = routes.filter((r) => !r.guard).map((r) => r.line);
  const guarded = routes.flatMap((r) => (r.guard ? [`${r.line}, guarded by the ${r.guard}`] : []));
  const onHost = isHostNetwork(w) ? ['spec.hostNetwork: true: it listens on the node\'s addresses, where NetworkPolicies do not apply'] : [];
  // The API server calls webhooks and aggregated APIs from its own addresses: it is the cluster, not outside it.
  const controlPlane = [...new Set(apiServerTargets(ctx).map((t) => t.address))];
  const answers = m.ports.map((port) => ({ port, answer: ctx.reachFromExternal(w.id, port, 'TCP', controlPlane) }));
  const reasons = (list: readonly { answer: NetworkAnswer }[]): string[] => [...new Set(list.flatMap((a) => a.answer.reasons))];
  const open = answers.filter((a) => a.answer.status === 'exposed');
  const exposedBy = [...published, ...routed, ...onHost];
  if (exposedBy.length > 0 || open.length > 0) {
    const message = exposedBy.length > 0
      ? `${label} is published outside the cluster`
      : `${label} can be reached from addresses outside the cluster on TCP ${open.map((a) => a.port).join(', ')}`;
    const advice = [
      published.length > 0 ? 'Make the Services that publish it type ClusterIP.' : '',
      routed.length > 0 ? 'Remove the Ingress or Route, or put strong authentication in front of it (an authenticating proxy or single sign-on at the ingress).' : '',
      routed.length === 0 ? 'Require strong authentication on the interface itself.' : '',
    ].filter(Boolean).join(' ');
    const fix = restrictIngressTo(ctx, w, m.signature.name, reasons(answers), m.ports);
    return fail(CHECK, w.ref, message, [recognised(m), ...exposedBy, ...reasons(exposedBy.length > 0 ? answers : open)],
      retext(fix, `${advice} ${fix.text}`));
  }
  const unsure = answers.filter((a) => a.answer.status === 'unknown');
  if (unsure.length > 0) return unknown(CHECK, w.ref, `whether addresses outside the cluster can reach ${label} is unknown`, [recognised(m), ...reasons(unsure)]);
  if (guarded.length > 0) {
    return pass(CHECK, w.ref, `${label} is published only through an ingress that requires sign-in or limits the source addresses, and its ingress policies keep other outside addresses away`,
      [recognised(m), ...guarded, ...reasons(answers)]);
  }
  return pass(CHECK, w.ref, `${label} is not published, and its ingress policies keep addresses outside the cluster away`, [recognised(m), ...reasons(answers)]);
}

/**
 * Ingress annotations that put sign-in or a source-address allowlist in front of every route
 * (ingress-nginx, the AWS Load Balancer Controller); the value is configuration, so only the key is named.
 */
const GUARD_ANNOTATIONS: readonly { readonly suffix: string; readonly what: string }[] = [
  { suffix: 'nginx.ingress.kubernetes.io/auth-url', what: 'external sign-in' },
  { suffix: 'nginx.ingress.kubernetes.io/auth-type', what: 'basic or digest sign-in' },
  { suffix: 'nginx.ingress.kubernetes.io/whitelist-source-range', what: 'source-address allowlist' },
  { suffix: 'nginx.ingress.kubernetes.io/allowlist-source-range', what: 'source-address allowlist' },
  { suffix: 'alb.ingress.kubernetes.io/auth-type', what: 'load-balancer sign-in' },
  { suffix: 'alb.ingress.kubernetes.io/inbound-cidrs', what: 'source-address allowlist' },
];

function guardOf(o: KubeObject): string | undefined {
  const annotations = (o.metadata.annotations ?? {}) as Record<string, unknown>;
  const hit = GUARD_ANNOTATIONS.find((g) => typeof annotations[g.suffix] === 'string' && annotations[g.suffix] !== '' && annotations[g.suffix] !== 'none');
  return hit && `${hit.what} (annotation ${hit.suffix})`;
}

interface RouteLine {
  readonly line: string;
  /** What guards the route at the ingress, when an annotation says so. */
  readonly guard?: string;
}

/** Evidence lines for every Ingress rule and Route in the namespace that sends traffic to one of the Services. */
function routesTo(ctx: CheckContext, namespace: string, services: ReadonlySet<string>): RouteLine[] {
  const inNamespace = (o: KubeObject): boolean => (o.metadata.namespace ?? 'default') === namespace;
  const line = (o: KubeObject, host: unknown, path: unknown, service: string): RouteLine => {
    const guard = o.kind === 'Ingress' ? guardOf(o) : undefined;
    return {
      line: `${o.kind} ${namespace}/${o.metadata.name} routes ${typeof host === 'string' ? host : '*'}${typeof path === 'string' ? path : '/'} to Service ${namespace}/${service}`,
      ...(guard && { guard }),
    };
  };
  const ingresses = ctx.objects('Ingress').filter(inNamespace).flatMap((ing) => {
    const spec = mapAt(ing, 'spec');
    const hits: RouteLine[] = [];
    const add = (backend: unknown, host: unknown, path: unknown): void => {
      const name = stringAt(backend, 'service', 'name') ?? stringAt(backend, 'serviceName');
      if (name && services.has(name)) hits.push(line(ing, host, path, name));
    };
    add(spec.defaultBackend ?? spec.backend, undefined, undefined);
    for (const rule of mapsIn(spec.rules)) {
      for (const p of mapsIn(at(rule, 'http', 'paths'))) add(p.backend, rule.host, p.path);
    }
    return hits;
  });
  const routes = ctx.objects('Route').filter(inNamespace).flatMap((route) => {
    const spec = mapAt(route, 'spec');
    return [mapAt(spec, 'to'), ...mapsIn(spec.alternateBackends)].flatMap((ref) => {
      const name = stringAt(ref, 'name');
      return name && (ref.kind ?? 'Service') === 'Service' && services.has(name) ? [line(route, spec.host, spec.path, name)] : [];
    });
  });
  return [...ingresses, ...routes];
}
