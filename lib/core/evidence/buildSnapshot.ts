/** Builds evidence snapshots from manifest objects, with an optional cloud-facts file (kubeseg-cloud.yaml). */
import { parse } from 'yaml';
import * as z from 'zod';
import type { DiagnosticList } from '../diagnostics.js';
import type { SourcedObject } from '../manifests/parseManifestText.js';
import { EVIDENCE_OBJECT_KINDS, sanitizeObject } from './sanitize.js';
import {
  cloudFactsSchema, clusterIdentitySchema, collectionStepSchema, EVIDENCE_KIND_NAMES, EVIDENCE_KINDS, SNAPSHOT_VERSION,
  type CloudFacts, type ClusterIdentity, type CollectionStep, type EvidenceSnapshot, type KubeObject,
} from './snapshot.js';

export const CLOUD_FILE_NAME = 'kubeseg-cloud.yaml';

/** kubeseg-cloud.yaml: identity and cloud facts beside offline manifests; `collection` records steps that failed. */
const cloudFileSchema = cloudFactsSchema.extend({
  cluster: clusterIdentitySchema.omit({ source: true }).partial().optional(),
  collection: z.array(collectionStepSchema).optional(),
}).strict();
export type CloudFile = z.infer<typeof cloudFileSchema>;

/** Parses a cloud-facts file; a problem is fatal (a wrong fact would give a wrong answer). */
export function parseCloudFile(text: string, source: string, diagnostics: DiagnosticList): CloudFile | undefined {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (err) {
    diagnostics.fatal(`cannot parse: ${(err as Error).message.split('\n')[0]}`, { source });
    return undefined;
  }
  const result = cloudFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`)).join('');
    diagnostics.fatal(`invalid cloud facts: ${field ? `${field}: ` : ''}${issue.message.split('\n')[0]}`, { source });
    return undefined;
  }
  return result.data;
}

/** Kinds that every real cluster has: none of them in the input means they were not collected. */
const ALWAYS_PRESENT: readonly string[] = ['namespaces', 'nodes', 'rbac', 'serviceaccounts'];

export interface SnapshotInput {
  readonly objects: readonly SourcedObject[];
  readonly identity: ClusterIdentity;
  readonly cloudFile?: CloudFile;
}

/**
 * A snapshot of offline manifests (or the demo). An evidence kind with objects is `ok`; one without
 * is `absent` ("none in the input"), which checks that need it treat as unknown when every real
 * cluster has such objects. Steps in the cloud file's `collection` override both.
 */
export function snapshotFromObjects({ objects, identity, cloudFile }: SnapshotInput): EvidenceSnapshot {
  // Kinds no check reads (a PodTemplate, a kubeconfig among the manifests) never enter a snapshot.
  const sanitized: KubeObject[] = objects.filter((o) => EVIDENCE_OBJECT_KINDS.has(String(o.object.kind))).map((o) => sanitizeObject(o.object));
  const counts = new Map<string, number>();
  for (const o of sanitized) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  const overrides = new Map((cloudFile?.collection ?? []).map((s) => [s.step, s]));
  const collection: CollectionStep[] = EVIDENCE_KIND_NAMES.map((kind) => {
    const override = overrides.get(kind);
    if (override) return override;
    const n = EVIDENCE_KINDS[kind].reduce((sum, k) => sum + (counts.get(k) ?? 0), 0);
    if (n > 0) return { step: kind, status: 'ok', detail: `${n} object${n === 1 ? '' : 's'} in the input` };
    return {
      step: kind, status: 'absent',
      detail: ALWAYS_PRESENT.includes(kind) ? `no ${kind} in the input (every cluster has some: not exported?)` : `no ${kind} in the input`,
    };
  });
  for (const [step, s] of overrides) if (!(EVIDENCE_KIND_NAMES as string[]).includes(step)) collection.push(s);
  const { cluster: _identity, collection: _steps, ...cloud } = cloudFile ?? {};
  return assembleSnapshot({ identity: { ...identity, ...cloudFile?.cluster }, objects: sanitized, cloud, collection });
}

export interface AssembledSnapshotInput {
  readonly identity: ClusterIdentity;
  /** Already passed through `sanitizeObject` (it is not idempotent: a second pass loses ConfigMap keys). */
  readonly objects: KubeObject[];
  readonly collection: CollectionStep[];
  readonly cloud?: CloudFacts;
  readonly policyEngineGroups?: string[];
}

/** The one place a snapshot document is put together, for offline manifests and live clusters alike. */
export function assembleSnapshot({ identity, objects, collection, cloud = {}, policyEngineGroups }: AssembledSnapshotInput): EvidenceSnapshot {
  return {
    snapshotVersion: SNAPSHOT_VERSION,
    cluster: identity,
    objects: inCanonicalOrder(objects),
    cloud,
    collection,
    ...(policyEngineGroups && { policyEngineGroups }),
  };
}

/**
 * Objects by namespace, name and kind: files mix kinds while the API lists them kind by kind, and
 * evidence that names "for example" one object must not depend on where the objects came from.
 * Objects with the same key keep their order (the sort is stable).
 */
function inCanonicalOrder(objects: readonly KubeObject[]): KubeObject[] {
  const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}\u0000${o.metadata.name ?? ''}\u0000${o.kind}`;
  const keyed = objects.map((o) => ({ o, k: key(o) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((e) => e.o);
}

/** True when an evidence kind's absence means "not collected" rather than "none". */
export function absenceIsUnknown(kind: string): boolean {
  return ALWAYS_PRESENT.includes(kind);
}
