/**
 * `build` at most once per `ms`: a thousand readers connecting in one burst cost one build,
 * and none of them sees a value older than `ms`.
 */
export function freshFor<T>(ms: number, build: () => T, clock: () => number = Date.now): () => T {
  let value: T | undefined;
  let builtAt = -Infinity;
  return () => {
    const now = clock();
    if (value === undefined || now - builtAt >= ms) {
      value = build();
      builtAt = now;
    }
    return value;
  };
}
