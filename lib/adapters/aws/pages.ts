/** A call wrapper: retry, and in discovery also a concurrency limit. */
export type Call = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * Every item of a NextToken listing. Unlike the SDK's paginators, each page is retried alone, so a
 * throttled page 40 of a large Organization does not start the listing over.
 */
export async function allPages<Page, Item>(
  call: Call,
  fetchPage: (nextToken: string | undefined) => Promise<Page>,
  items: (page: Page) => readonly Item[] | undefined,
  nextToken: (page: Page) => string | undefined,
): Promise<Item[]> {
  const out: Item[] = [];
  let token: string | undefined;
  do {
    const page = await call(() => fetchPage(token));
    out.push(...(items(page) ?? []));
    token = nextToken(page);
  } while (token);
  return out;
}
