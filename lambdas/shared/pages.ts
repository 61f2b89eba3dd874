/**
 * Every item of every page of an SDK paginator, in order, as `items` picks
 * them from each page: `allItems(paginateDescribeSubnets(...), (page) => page.Subnets)`.
 */
export async function allItems<P, T>(pages: AsyncIterable<P>, items: (page: P) => readonly T[] | undefined): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}
