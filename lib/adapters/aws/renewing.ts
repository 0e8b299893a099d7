/**
 * A value that goes stale (credentials, a token): fetched on first use, reused while `isFresh`
 * says so, then fetched again. Callers that ask during a fetch share it; a failed fetch is not kept,
 * so the next caller tries again.
 */
export function renewing<T>(fetch: () => Promise<T>, isFresh: (value: T) => boolean): () => Promise<T> {
  let current: T | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (current !== undefined && isFresh(current)) return Promise.resolve(current);
    pending ??= fetch()
      .then((value) => (current = value))
      .finally(() => { pending = undefined; });
    return pending;
  };
}
