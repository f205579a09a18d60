import {
  bindUseCaseTable,
  type BoundUseCases,
  type UseCaseDeps,
} from '../../domain/shared/bind-use-cases';
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

/** The tab's use cases bound to their dependencies: what the API routes call. */
export type TabUseCases = BoundUseCases<typeof TAB_USE_CASES>;

/** Everything the tab's use cases need together. */
export type TabUseCaseDeps = UseCaseDeps<typeof TAB_USE_CASES>;

/** Binds the tab's use cases to their dependencies; done once by the composition root. */
export function bindTabUseCases(deps: TabUseCaseDeps): TabUseCases {
  return bindUseCaseTable(TAB_USE_CASES, deps);
}
