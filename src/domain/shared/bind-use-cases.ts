/** A table of use cases, each a function whose first argument is its dependencies. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches any dependency type
export type UseCaseTable = Record<string, (deps: any, ...args: any[]) => unknown>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches any dependency type
type Bound<F> = F extends (deps: any, ...args: infer A) => infer R ? (...args: A) => R : never;
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** The use cases of a table with their dependencies bound: what an adapter calls. */
export type BoundUseCases<T extends UseCaseTable> = { [K in keyof T]: Bound<T[K]> };

/** Everything the use cases of a table need together. */
export type UseCaseDeps<T extends UseCaseTable> = Intersect<
  { [K in keyof T]: Parameters<T[K]>[0] }[keyof T]
>;

/**
 * Binds every use case of `table` to `deps`, once, in the composition root: adapters (the bot's
 * handlers, the tab's API) then call use cases and never see a store.
 */
export function bindUseCaseTable<T extends UseCaseTable>(
  table: T,
  deps: UseCaseDeps<T>,
): BoundUseCases<T> {
  const bound: Record<string, unknown> = {};
  for (const [name, useCase] of Object.entries(table))
    bound[name] = (...args: unknown[]) => useCase(deps, ...args);
  return bound as BoundUseCases<T>;
}
