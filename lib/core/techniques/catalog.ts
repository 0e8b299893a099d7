/**
 * Every technique kubeseg assesses, in report order. Metadata is validated when the catalog loads,
 * so a malformed technique fails every test at once.
 */
import * as z from 'zod';
import { EVIDENCE_KIND_NAMES } from '../evidence/snapshot.js';
import { technique as apiServer } from './ta9029-api-server/technique.js';
import { technique as kubeletApi } from './ta9030-kubelet-api/technique.js';
import { technique as networkMapping } from './ta9031-network-mapping/technique.js';
import { technique as clusterInternalNetworking } from './ta9034-cluster-internal-networking/technique.js';
import { technique as instanceMetadataApi } from './ta9033-instance-metadata-api/technique.js';
import { technique as exposedSensitiveInterfaces } from './ta9005-exposed-sensitive-interfaces/technique.js';
import { technique as accessCloudResources } from './ta9020-access-cloud-resources/technique.js';
import { technique as containerServiceAccount } from './ta9016-container-service-account/technique.js';
import { technique as applicationCredentials } from './ta9027-application-credentials/technique.js';
import { technique as writableHostPath } from './ta9013-writable-hostpath/technique.js';
import { technique as coreDnsPoisoning } from './ta9035-coredns-poisoning/technique.js';
import { technique as arpPoisoning } from './ta9036-arp-poisoning/technique.js';
import { technique as kubernetesDashboard } from './ta9032-kubernetes-dashboard/technique.js';
import { technique as tillerEndpoint } from './tiller-endpoint/technique.js';
import type { Technique } from './types.js';

const metaSchema = z.object({
  id: z.string().regex(/^(MS-TA\d{4}|KUBESEG-[A-Z0-9-]+)$/),
  name: z.string().min(3),
  tactics: z.array(z.enum(['Initial access', 'Execution', 'Persistence', 'Privilege escalation', 'Defense evasion',
    'Credential access', 'Discovery', 'Lateral movement', 'Collection', 'Impact'])).min(1),
  mitreAttack: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/)),
  mitigations: z.array(z.string().regex(/^MS-M9\d{3}$/)),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  weight: z.number().positive().max(10),
  segmentationMitigates: z.boolean(),
  formerNames: z.array(z.string()),
  retired: z.object({ replacedBy: z.string().optional() }).optional(),
  evidence: z.array(z.enum(EVIDENCE_KIND_NAMES as [string, ...string[]])).min(1),
  description: z.string().min(20),
}).strict();

export const TECHNIQUES: readonly Technique[] = validate([
  apiServer,
  kubeletApi,
  networkMapping,
  clusterInternalNetworking,
  instanceMetadataApi,
  exposedSensitiveInterfaces,
  accessCloudResources,
  containerServiceAccount,
  applicationCredentials,
  writableHostPath,
  coreDnsPoisoning,
  arpPoisoning,
  kubernetesDashboard,
  tillerEndpoint,
]);


function validate(techniques: Technique[]): Technique[] {
  const ids = new Set<string>();
  for (const t of techniques) {
    const result = metaSchema.safeParse(t.meta);
    if (!result.success) throw new Error(`technique ${t.meta.id}: ${z.prettifyError(result.error)}`);
    if (ids.has(t.meta.id)) throw new Error(`technique ${t.meta.id} is listed twice`);
    ids.add(t.meta.id);
  }
  return techniques;
}
