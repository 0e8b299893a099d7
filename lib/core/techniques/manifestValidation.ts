/**
 * What the API server would refuse in a manifest kubeseg suggests. A suggestion copies names,
 * namespaces and labels from the input, and offline input may hold values no cluster accepts
 * (a name with a newline, a label value with a space): such a suggestion is not offered as a
 * manifest at all. The NetworkPolicy spec goes through the engine's own parser, which validates as
 * the API server does (selectors, CIDRs, `except` strictly inside `cidr`, ports, port names).
 */
import { labelKeyProblem, labelValueProblem } from '../netpol/labelSelector.js';
import { InvalidObjectError, isMap, type Json } from '../netpol/parse/fields.js';
import { ParseMemo } from '../netpol/parse/memo.js';
import { parseNetworkPolicy } from '../netpol/parse/networkPolicy.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The kinds kubeseg suggests whole, with the API version each must carry. */
const SUGGESTED_KINDS: Readonly<Record<string, string>> = { NetworkPolicy: 'networking.k8s.io/v1', ServiceAccount: 'v1' };

/** Why the API server would reject the manifest (the field and the problem), or undefined when it would take it. */
export function manifestProblem(manifest: object): string | undefined {
  try {
    validate(manifest as Json);
    return undefined;
  } catch (err) {
    if (err instanceof InvalidObjectError) return err.message;
    throw err;
  }
}

function validate(m: Json): void {
  const kind = typeof m.kind === 'string' ? m.kind : '';
  const apiVersion = SUGGESTED_KINDS[kind];
  if (!apiVersion) throw new InvalidObjectError(`kind: Unsupported value: "${kind}"`);
  if (m.apiVersion !== apiVersion) throw new InvalidObjectError(`apiVersion: must be ${apiVersion} for ${kind}`);
  const metadata = isMap(m.metadata) ? m.metadata : {};
  const name = requireText(metadata.name, 'metadata.name');
  const namespace = requireText(metadata.namespace, 'metadata.namespace');
  checkNames(namespace, name);
  validateLabels(metadata.labels, 'metadata.labels');
  validateAnnotationKeys(metadata.annotations);
  if (kind === 'NetworkPolicy') parseNetworkPolicy(m, namespace, name, new ParseMemo());
  if (kind === 'ServiceAccount' && m.automountServiceAccountToken !== undefined && typeof m.automountServiceAccountToken !== 'boolean') {
    throw new InvalidObjectError('automountServiceAccountToken: must be a boolean');
  }
}

/** Why the API server could hold no object of this namespace and name, or undefined when it could. */
export function objectNameProblem(namespace: string, name: string): string | undefined {
  try {
    checkNames(namespace, name);
    return undefined;
  } catch (err) {
    if (err instanceof InvalidObjectError) return err.message;
    throw err;
  }
}

function checkNames(namespace: string, name: string): void {
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) throw invalid('metadata.name', name, 'a lowercase RFC 1123 subdomain');
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) throw invalid('metadata.namespace', namespace, 'a lowercase RFC 1123 label');
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidObjectError(`${field}: Required value`);
  return value;
}

function invalid(field: string, value: string, what: string): InvalidObjectError {
  return new InvalidObjectError(`${field}: Invalid value: ${JSON.stringify(value)}: must be ${what}`);
}

function validateLabels(labels: unknown, field: string): void {
  if (labels === undefined) return;
  if (!isMap(labels)) throw new InvalidObjectError(`${field}: must be a map of strings`);
  for (const [key, value] of Object.entries(labels)) {
    const problem = labelKeyProblem(key) ?? (typeof value === 'string' ? labelValueProblem(value) : 'value: must be a string');
    if (problem) throw new InvalidObjectError(`${field}: ${problem}`);
  }
}

function validateAnnotationKeys(annotations: unknown): void {
  if (annotations === undefined) return;
  if (!isMap(annotations)) throw new InvalidObjectError('metadata.annotations: must be a map of strings');
  for (const [key, value] of Object.entries(annotations)) {
    const problem = labelKeyProblem(key) ?? (typeof value === 'string' ? undefined : 'value: must be a string');
    if (problem) throw new InvalidObjectError(`metadata.annotations: ${problem}`);
  }
}
