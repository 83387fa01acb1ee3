/**
 * Wraps an async iterator, passing on only the values the predicate accepts. Unlike an async
 * generator, `return()` reaches the source at once, so an unsubscribing client frees its bus
 * subscription immediately instead of at the next event.
 */
export function filterAsyncIterator<T>(
  source: AsyncIterableIterator<unknown>,
  predicate: (value: unknown) => value is T,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done) return { done: true, value: undefined };
        if (predicate(result.value)) return { done: false, value: result.value };
      }
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
