import { getDashboard } from '../../domain/dashboard/get-dashboard';
import { getItemHistory } from '../../domain/dashboard/get-item-history';
import { listAttention } from '../../domain/dashboard/list-attention';
import { listMyOrganisations } from '../../domain/dashboard/list-my-organisations';
import { updateFromTab } from '../../domain/dashboard/update-from-tab';

// The use cases the tab API may call, and nothing else: like the bot's handlers, the API never
// sees a store, so every read and write goes through the domain's checks.
const TAB_USE_CASES = {
  listMyOrganisations,
  getDashboard,
  listAttention,
  getItemHistory,
  updateFromTab,
} as const;

type Table = typeof TAB_USE_CASES;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches any dependency type
type Bound<F> = F extends (deps: any, ...args: infer A) => infer R ? (...args: A) => R : never;
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** The tab's use cases bound to their dependencies: what the API routes call. */
export type TabUseCases = { [K in keyof Table]: Bound<Table[K]> };

/** Everything the tab's use cases need together. */
export type TabUseCaseDeps = Intersect<
  { [K in keyof Table]: Parameters<Table[K]>[0] }[keyof Table]
>;

/** Binds the tab's use cases to their dependencies; done once by the composition root. */
export function bindTabUseCases(deps: TabUseCaseDeps): TabUseCases {
  const bound: Record<string, unknown> = {};
  for (const [name, useCase] of Object.entries(TAB_USE_CASES))
    bound[name] = (...args: unknown[]) =>
      (useCase as (deps: unknown, ...rest: unknown[]) => unknown)(deps, ...args);
  return bound as TabUseCases;
}
