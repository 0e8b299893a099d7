/**
 * `target.push(...items)` passes every item as an argument, and a list of a few hundred thousand
 * items (policy rules, ipBlock exceptions, connections) overflows the call stack. This does not.
 */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
