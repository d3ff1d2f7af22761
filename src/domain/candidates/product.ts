/**
 * @module domain/candidates/product
 * The cartesian product of lists, lazily, first list varying slowest (as
 * itertools.product).
 */
export function* product<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
  if (lists.some((l) => l.length === 0)) return;
  const index = lists.map(() => 0);
  while (true) {
    yield index.map((i, n) => lists[n]![i]!);
    let n = lists.length - 1;
    while (n >= 0 && ++index[n]! === lists[n]!.length) index[n--] = 0;
    if (n < 0) return;
  }
}
