/** Which Services send traffic to a workload's pods. */
import type { KubeObject } from '../evidence/snapshot.js';
import type { CheckContext } from './context.js';
import { mapAt } from './json.js';

/** A Service with a selector, and that selector as pairs. */
interface SelectingService {
  readonly service: KubeObject;
  readonly selector: readonly (readonly [string, unknown])[];
}

const servicesByContext = new WeakMap<CheckContext, Map<string, SelectingService[]>>();

/** Services in the namespace whose selector picks the pods. */
export function selectingServices(ctx: CheckContext, namespace: string, podLabels: Readonly<Record<string, string>>): KubeObject[] {
  return servicesIn(ctx, namespace).filter((s) => s.selector.every(([k, v]) => podLabels[k] === v)).map((s) => s.service);
}

/** The Services of one namespace that select pods, indexed once per context: every workload asks. */
function servicesIn(ctx: CheckContext, namespace: string): readonly SelectingService[] {
  let byNamespace = servicesByContext.get(ctx);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const service of ctx.objects('Service')) {
      const selector = Object.entries(mapAt(service, 'spec', 'selector'));
      if (selector.length === 0) continue;
      const ns = service.metadata.namespace ?? 'default';
      const list = byNamespace.get(ns);
      if (list) list.push({ service, selector });
      else byNamespace.set(ns, [{ service, selector }]);
    }
    servicesByContext.set(ctx, byNamespace);
  }
  return byNamespace.get(namespace) ?? [];
}
