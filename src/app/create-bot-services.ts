import { bindUseCases, type BotServices } from '../bot/bot-services';
import { renderCard } from '../cards/render-card';
import type { CopyRefresher } from '../domain/cards/refresh-copies';
import type { Logger } from '../logging/create-logger';
import { createCardComposer } from '../proactive/compose-card-message';
import { createTeamMemberReader } from '../proactive/read-team-members';
import type { TeamMemberSource } from '../domain/channels/rosters';
import type { Storage } from '../storage/open-storage';
import { cacheOrgItems } from './cache-org-items';
import { cacheReads } from './cache-reads';
import { createCopyRefresher } from './create-copy-refresher';
import {
  createCountsProjector,
  projectOnSave,
  type CountsProjector,
} from './create-counts-projector';
import { giveDemoRoles } from './demo/give-demo-roles';
import { bindTabUseCases, type TabUseCases } from '../http/api/tab-use-cases';
import { retryWithJitter } from './retry-with-jitter';

/**
 * How long changes are gathered before the posted copies of their cards are redrawn: a burst of
 * presses on one PCN's cards costs one redraw of each, and Teams sees at most one update per
 * card every two seconds.
 */
export const COPY_REFRESH_DELAY_MS = 2_000;

/** How long changed organisations are gathered before their counts are projected. */
export const COUNTS_PROJECTION_DELAY_MS = 2_000;

/**
 * Builds what handlers use over one storage: the use cases bound to cached stores, card rendering
 * and composing; and the copy refresher, which the service stops on shutdown.
 */
export function createBotServices(
  uncached: Storage,
  options: {
    logger: Logger;
    now?: () => Date;
    /** Local mode only: the demo practice whose staff role (with administrator) newcomers get. */
    demo?: { practiceCode: string; regionCode: string };
    /** Where a digest's "Full detail" button goes. */
    digestDetailUrl: string;
    /** Storage for work behind the requests (the counts projection); `uncached` when absent. */
    background?: Storage;
    /** Reads a team's members from Teams (rosters); without a token when absent (local mode). */
    teamMembers?: TeamMemberSource;
  },
): {
  services: BotServices;
  copies: CopyRefresher;
  counts: CountsProjector;
  /** The dashboard tab's use cases, over the same stores and copy redraws as the bot's. */
  tab: TabUseCases;
} {
  const now = options.now ?? (() => new Date());
  const cached = cacheReads(uncached);
  const withRoles = options.demo
    ? {
        ...cached,
        roles: giveDemoRoles(
          { cached: cached.roles, uncached: uncached.roles },
          { ...options.demo, now, logger: options.logger },
        ),
      }
    : cached;
  // Counts are a projection of the items: presses mark the organisation, this recounts it.
  const counts = createCountsProjector(options.background ?? uncached, {
    delayMs: COUNTS_PROJECTION_DELAY_MS,
    onError: (error) =>
      options.logger.warn(
        { err: error },
        'could not project an organisation’s counts; the next drain repairs them',
      ),
  });
  // A press reads its organisation's items from this instance's copy and writes once,
  // conditional on the item's ETag (the copy is refreshed by every read and write here).
  const storage = {
    ...withRoles,
    items: cacheOrgItems(projectOnSave(withRoles.items, counts)),
  };
  const composer = createCardComposer(renderCard);
  const copies = createCopyRefresher(
    { ...storage, composer, now },
    {
      delayMs: COPY_REFRESH_DELAY_MS,
      onError: (error) =>
        options.logger.warn(
          { err: error },
          'could not redraw the posted copies of a card; they refresh when next opened',
        ),
    },
  );
  const useCases = bindUseCases({
    ...storage,
    composer,
    copies,
    now,
    // Concurrent presses on one item: wait a little, re-read and re-check.
    retryOnConflict: retryWithJitter,
    detailUrl: options.digestDetailUrl,
    teamMembers: options.teamMembers ?? createTeamMemberReader(async () => undefined),
  });
  const tab = bindTabUseCases({ ...storage, copies, now, retryOnConflict: retryWithJitter });
  return {
    services: { ...useCases, renderCard, now, demoMode: options.demo !== undefined },
    copies,
    counts,
    tab,
  };
}
