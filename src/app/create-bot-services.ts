import type { BotServices } from '../bot/bot-services';
import { renderCard } from '../cards/render-card';
import type { Logger } from '../logging/create-logger';
import { createCardComposer } from '../proactive/compose-card-message';
import type { Storage } from '../storage/open-storage';
import { cacheReads } from './cache-reads';
import { createCopyRefresher } from './create-copy-refresher';
import { retryWithJitter } from './retry-with-jitter';

/**
 * How long changes are gathered before the posted copies of their cards are redrawn: a burst of
 * presses on one PCN's cards costs one redraw of each, and Teams sees at most one update per
 * card every two seconds.
 */
export const COPY_REFRESH_DELAY_MS = 2_000;

/** Builds the services handlers use over one storage: card rendering, composing, copy redraws. */
export function createBotServices(
  uncached: Storage,
  options: {
    logger: Logger;
    now?: () => Date;
    demo?: { practiceCode: string };
    /** Where a digest's "Full detail" button goes. */
    digestDetailUrl: string;
  },
): BotServices {
  const now = options.now ?? (() => new Date());
  const storage = cacheReads(uncached);
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
  return {
    ...storage,
    renderCard,
    composer,
    copies,
    now,
    retryOnConflict: retryWithJitter,
    digestDetailUrl: options.digestDetailUrl,
    ...(options.demo ? { demo: options.demo } : {}),
  };
}
