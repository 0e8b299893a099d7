/**
 * Removes secret and configuration values from Kubernetes objects before they enter a snapshot.
 * What stays is what a check needs: Secret and ConfigMap keys (never values), environment variable
 * names with where their value comes from, and whether a literal value sits under a key that looks
 * like a credential. Applied by every evidence source, so no value can reach any output.
 */
import type { KubeObject } from './snapshot.js';

/** Names that usually hold credentials: passwords, tokens, keys, connection strings. */
const CREDENTIAL_NAME = /(pass(word|wd)?|secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key|credential|auth[_.-]?key|conn(ection)?[_.-]?str(ing)?)/i;

/** Annotations that carry a whole earlier copy of the object, values included. */
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/** A flag with no value, or a boolean or numeric value: safe to keep (the CNI checks read these). */
const HARMLESS_ARG = /^--?[A-Za-z0-9][A-Za-z0-9._-]*(=(true|false|\d+))?$/;

export function looksLikeCredential(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A sanitised copy; the input is not modified. */
export function sanitizeObject(object: Json): KubeObject {
  const kind = String(object.kind ?? '');
  const out: Json = { ...object, metadata: sanitizeMetadata(object.metadata) };
  delete out.status;
  if (kind === 'Secret') {
    delete out.data;
    delete out.stringData;
    out.dataKeys = keysOf(object.data, object.stringData);
  } else if (kind === 'ConfigMap') {
    delete out.data;
    delete out.binaryData;
    out.dataKeys = keysOf(object.data, object.binaryData);
    out.credentialKeys = literalCredentialKeys(object.data);
  } else if (kind === 'Node') {
    const status = isMap(object.status) ? object.status : {};
    out.status = { addresses: Array.isArray(status.addresses) ? status.addresses : [] }; // the kubelet check's targets
  }
  if (isMap(object.spec)) out.spec = sanitizePodSpecs(object.spec, kind);
  return out as KubeObject;
}

function sanitizeMetadata(raw: unknown): Json {
  const metadata = isMap(raw) ? { ...raw } : {};
  delete metadata.managedFields;
  if (isMap(metadata.annotations)) {
    const annotations = { ...metadata.annotations };
    for (const a of DROPPED_ANNOTATIONS) delete annotations[a];
    metadata.annotations = annotations;
  }
  return metadata;
}

function keysOf(...maps: unknown[]): string[] {
  return [...new Set(maps.flatMap((m) => (isMap(m) ? Object.keys(m) : [])))].sort();
}

function literalCredentialKeys(data: unknown): string[] {
  if (!isMap(data)) return [];
  return Object.entries(data)
    .filter(([key, value]) => looksLikeCredential(key) && typeof value === 'string' && value.trim() !== '')
    .map(([key]) => key)
    .sort();
}

/** Pod specs sit at spec (Pod), spec.template.spec (controllers) or spec.jobTemplate.spec.template.spec. */
function sanitizePodSpecs(spec: Json, kind: string): Json {
  if (kind === 'Pod') return sanitizePodSpec(spec);
  const out = { ...spec };
  if (isMap(spec.template)) out.template = sanitizeTemplate(spec.template);
  if (isMap(spec.jobTemplate)) {
    const jobTemplate = { ...spec.jobTemplate };
    if (isMap(jobTemplate.spec) && isMap(jobTemplate.spec.template)) {
      jobTemplate.spec = { ...jobTemplate.spec, template: sanitizeTemplate(jobTemplate.spec.template) };
    }
    out.jobTemplate = jobTemplate;
  }
  return out;
}

function sanitizeTemplate(template: Json): Json {
  return {
    ...template,
    ...(isMap(template.metadata) && { metadata: sanitizeMetadata(template.metadata) }),
    ...(isMap(template.spec) && { spec: sanitizePodSpec(template.spec) }),
  };
}

function sanitizePodSpec(spec: Json): Json {
  const out = { ...spec };
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    if (Array.isArray(spec[field])) out[field] = spec[field].map((c) => (isMap(c) ? sanitizeContainer(c) : c));
  }
  return out;
}

/**
 * Environment values become `{ name, literal: true, credentialLike }` or keep their `valueFrom`
 * reference; commands and arguments go, except harmless flags.
 */
function sanitizeContainer(container: Json): Json {
  const out = { ...container };
  delete out.command;
  if (Array.isArray(container.args)) out.args = container.args.filter((a) => typeof a === 'string' && HARMLESS_ARG.test(a));
  if (Array.isArray(container.env)) {
    out.env = container.env.map((e) => {
      if (!isMap(e)) return e;
      const name = String(e.name ?? '');
      if (e.valueFrom !== undefined) return { name, valueFrom: e.valueFrom };
      const literal = typeof e.value === 'string' && e.value !== '';
      return literal ? { name, literal: true, credentialLike: looksLikeCredential(name) } : { name };
    });
  }
  return out;
}
