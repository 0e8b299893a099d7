/** Which Services send traffic to a workload's pods. */
import type { KubeObject } from '../evidence/snapshot.js';
import type { CheckContext } from './context.js';
import { mapAt } from './json.js';

/** Services in the namespace whose selector picks the pods. */
export function selectingServices(ctx: CheckContext, namespace: string, podLabels: Readonly<Record<string, string>>): KubeObject[] {
  return ctx.objects('Service').filter((s) => {
    const selector = mapAt(s, 'spec', 'selector');
    return (s.metadata.namespace ?? 'default') === namespace && Object.keys(selector).length > 0
      && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  });
}
