/**
 * Removes secret and configuration values from Kubernetes objects before they enter a snapshot.
 * What stays is what a check needs: ConfigMap keys (never values), environment variable
 * names with where their value comes from, whether a literal value sits under a key that looks
 * like a credential, and the name of the credential form a value has (credentialForms.ts): in env
 * values, ConfigMap data, container commands and arguments, and annotations (whose matching values
 * are dropped). Applied by every evidence source, so no value can reach any output.
 */
import { credentialFormOf } from './credentialForms.js';
import { EVIDENCE_KINDS, type KubeObject } from './snapshot.js';

/** Every kind an evidence step collects. */
export const EVIDENCE_OBJECT_KINDS: ReadonlySet<string> = new Set(Object.values(EVIDENCE_KINDS).flat());

/**
 * Words of a key name that usually mean a credential, matched against whole words of the name
 * (split at `_ - .`, spaces and camelCase), so `TOKENIZER_ADDR` is not a token but `authToken` is.
 */
const CREDENTIAL_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'secret', 'token', 'apikey', 'credential', 'credentials', 'privatekey']);
/** Adjacent words that together mean a credential: `API_KEY`, `access-key`, `private.key`. */
const CREDENTIAL_PAIRS = new Set(['api key', 'access key', 'secret key', 'private key', 'auth key', 'client secret', 'connection string', 'conn string']);
/** A last word that makes the key name a pointer to a credential, not one: `DB_PASSWORD_FILE`, `SECRET_NAME`. */
const REFERENCE_WORDS = new Set(['file', 'path', 'name', 'dir', 'ref', 'location', 'length', 'ttl', 'enabled', 'id']);
/** Values that are settings, not secrets: `server-tokens: "false"`. */
const SETTING_VALUE = /^(true|false|yes|no|on|off|\d+)$/i;

/** Annotations that carry a whole earlier copy of the object, values included. */
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/** A flag with no value, or a boolean or numeric value: safe to keep (the CNI checks read these). */
const HARMLESS_ARG = /^--?[A-Za-z0-9][A-Za-z0-9._-]*(=(true|false|\d+))?$/;

/** Whether a literal value under this key name is likely a credential, by its name or its form. The value never leaves here. */
export function looksLikeCredential(name: string, value: string): boolean {
  return credentialFormOf(value) !== undefined || namedLikeCredential(name, value);
}

/** A literal value that is no setting, under a key name that says credential. */
function namedLikeCredential(name: string, value: string): boolean {
  return value.trim() !== '' && !SETTING_VALUE.test(value.trim()) && isCredentialName(name);
}

/** Where a credential form was found, by key (never the value): `{ key: 'GITHUB_TOKEN', form: 'github-token' }`. */
interface FormAt {
  readonly key: string;
  readonly form: string;
}

function formsIn(entries: Iterable<readonly [string, unknown]>): FormAt[] {
  const found: FormAt[] = [];
  for (const [key, value] of entries) {
    const form = typeof value === 'string' ? credentialFormOf(value) : undefined;
    if (form) found.push({ key, form: form.name });
  }
  return found;
}

/** Whether a key or flag name says it holds a credential (`DB_PASSWORD`, `apiKey`), whatever the value. */
function isCredentialName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (REFERENCE_WORDS.has(words[words.length - 1] ?? '')) return false;
  return words.some((w, i) => CREDENTIAL_WORDS.has(w) || CREDENTIAL_PAIRS.has(`${w} ${words[i + 1]}`));
}

/** A flag kept in the snapshot: no value, or a boolean or number under a name that is no credential. */
function isHarmlessArg(arg: unknown): boolean {
  if (typeof arg !== 'string' || !HARMLESS_ARG.test(arg)) return false;
  return !isCredentialName(arg.replace(/^-+/, '').split('=')[0]!);
}

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A sanitised copy; the input is not modified. */
export function sanitizeObject(object: Json): KubeObject {
  const kind = String(object.kind ?? '');
  // A kind no check reads (a Secret, a PodTemplate, a kubeconfig among the manifests) keeps its metadata only.
  const annotationForms = credentialAnnotations(object.metadata);
  const metadata = sanitizeMetadata(object.metadata, annotationForms);
  const out: Json = EVIDENCE_OBJECT_KINDS.has(kind) ? { ...object, metadata } : { apiVersion: object.apiVersion, kind, metadata };
  delete out.status;
  if (annotationForms.length > 0) out.credentialAnnotations = annotationForms;
  if (kind === 'ConfigMap') {
    delete out.data;
    delete out.binaryData;
    out.dataKeys = keysOf(object.data, object.binaryData);
    const data = isMap(object.data) ? Object.entries(object.data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
    const forms = formsIn(data);
    const formed = new Set(forms.map((f) => f.key));
    out.credentialKeys = data
      .filter(([key, value]) => formed.has(key) || (typeof value === 'string' && namedLikeCredential(key, value)))
      .map(([key]) => key);
    out.credentialForms = forms;
  } else if (kind === 'Node') {
    const status = isMap(object.status) ? object.status : {};
    out.status = { addresses: Array.isArray(status.addresses) ? status.addresses : [] }; // the kubelet check's targets
  }
  if (isMap(out.spec)) out.spec = sanitizePodSpecs(out.spec, kind);
  return out as KubeObject;
}

/** Annotations are kept for the checks that read them, except those whose value has a credential's form (`forms`). */
function sanitizeMetadata(raw: unknown, forms: readonly FormAt[]): Json {
  const metadata = isMap(raw) ? { ...raw } : {};
  delete metadata.managedFields;
  if (isMap(metadata.annotations)) {
    const annotations = { ...metadata.annotations };
    for (const a of DROPPED_ANNOTATIONS) delete annotations[a];
    for (const { key } of forms) delete annotations[key];
    metadata.annotations = annotations;
  }
  return metadata;
}

function credentialAnnotations(metadata: unknown): FormAt[] {
  const annotations = isMap(metadata) && isMap(metadata.annotations) ? metadata.annotations : {};
  return formsIn(Object.entries(annotations).filter(([key]) => !DROPPED_ANNOTATIONS.includes(key)));
}

function keysOf(...maps: unknown[]): string[] {
  return [...new Set(maps.flatMap((m) => (isMap(m) ? Object.keys(m) : [])))].sort();
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
  const forms = credentialAnnotations(template.metadata);
  return {
    ...template,
    ...(isMap(template.metadata) && { metadata: sanitizeMetadata(template.metadata, forms) }),
    ...(isMap(template.spec) && { spec: sanitizePodSpec(template.spec) }),
    ...(forms.length > 0 && { credentialAnnotations: forms }),
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
 * Environment values become `{ name, literal: true, credentialLike, credentialForm? }` or keep their
 * `valueFrom` reference; commands, probes and hooks go, and arguments too, except harmless flags.
 * A command word or argument with a credential's form is recorded as `credentialArgs` by position.
 */
function sanitizeContainer(container: Json): Json {
  const out = { ...container };
  const argForms = [...positionedForms('command', container.command), ...positionedForms('args', container.args)];
  if (argForms.length > 0) out.credentialArgs = argForms;
  delete out.command;
  // Probes and lifecycle hooks run commands and send headers that may hold credentials; no check reads them.
  for (const field of ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle']) delete out[field];
  if (Array.isArray(container.args)) out.args = container.args.filter(isHarmlessArg);
  if (Array.isArray(container.env)) {
    out.env = container.env.map((e) => {
      if (!isMap(e)) return e;
      const name = String(e.name ?? '');
      if (e.valueFrom !== undefined) return { name, valueFrom: e.valueFrom };
      if (typeof e.value !== 'string' || e.value === '') return { name };
      const form = credentialFormOf(e.value);
      return { name, literal: true, credentialLike: form !== undefined || namedLikeCredential(name, e.value), ...(form && { credentialForm: form.name }) };
    });
  }
  return out;
}

/** `command[2]`, `args[0]`: where in the container's command line a credential's form sits. */
function positionedForms(field: 'command' | 'args', words: unknown): FormAt[] {
  return Array.isArray(words) ? formsIn(words.map((word, i) => [`${field}[${i}]`, word] as const)) : [];
}
