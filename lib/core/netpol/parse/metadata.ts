/** The envelope every Kubernetes object shares: `metadata` with a name, a namespace, labels and annotations. */
import { isMap, kindOf, InvalidObjectError, optString, stringMap, type Json } from './fields.js';

export const DEFAULT_NAMESPACE = 'default';

/**
 * An object's name and namespace (`default` when it names none), as the API server would read
 * them: a `metadata` that is not a map, a name that is missing or not a string, or labels and
 * annotations that are not maps of strings make the object unreadable.
 */
export function readObjectName(object: Readonly<Json>): { namespace: string; name: string } {
  const metadata = object.metadata;
  if (metadata !== undefined && metadata !== null && !isMap(metadata)) {
    throw new InvalidObjectError(`metadata: expected a map, got ${kindOf(metadata)}`);
  }
  const meta = metadata ?? {};
  const name = optString(meta, 'name', 'metadata');
  if (!name) throw new InvalidObjectError('metadata.name: Required value');
  const namespace = optString(meta, 'namespace', 'metadata');
  stringMap(meta, 'labels', 'metadata');
  stringMap(meta, 'annotations', 'metadata');
  return { name, namespace: namespace || DEFAULT_NAMESPACE };
}

/**
 * The name and namespace to show for an object even when it is unreadable (an empty name then),
 * so that a message about it still says which one it is.
 */
export function displayedName(object: Readonly<Json>): { namespace: string; name: string } {
  const metadata = isMap(object.metadata) ? object.metadata : {};
  return {
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : DEFAULT_NAMESPACE,
  };
}
