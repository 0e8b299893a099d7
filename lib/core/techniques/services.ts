/** Which Services send traffic to a workload's pods. */
import type { KubeObject } from '../evidence/snapshot.js';
import type { CheckContext } from './context.js';
import { mapAt } from './json.js';

const servicesByContext = new WeakMap<CheckContext, Map<string, KubeObject[]>>();

/** Services in the namespace whose selector picks the pods. */
export function selectingServices(ctx: CheckContext, namespace: string, podLabels: Readonly<Record<string, string>>): KubeObject[] {
  return servicesIn(ctx, namespace).filter((s) => {
    const selector = mapAt(s, 'spec', 'selector');
    return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  });
}

/** The Services of one namespace, indexed once per context: every workload asks. */
function servicesIn(ctx: CheckContext, namespace: string): readonly KubeObject[] {
  let byNamespace = servicesByContext.get(ctx);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const s of ctx.objects('Service')) {
      const ns = s.metadata.namespace ?? 'default';
      const list = byNamespace.get(ns);
      if (list) list.push(s);
      else byNamespace.set(ns, [s]);
    }
    servicesByContext.set(ctx, byNamespace);
  }
  return byNamespace.get(namespace) ?? [];
}
