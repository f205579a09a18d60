import { MAX_ACTIONS_PER_CARD, type CardRef } from './card-views';
import type { ChannelLink } from '../channels/channel-links';
import { putCard, type DeliveryDeps } from './deliver-cards';
import type { Organisation } from '../access/organisations';
import { buildCard, cardKeyOf } from './plan-cards';

/** A status change whose posted cards need redrawing. */
export interface ChangedItem {
  campaignId: string;
  org: Organisation;
  area: string;
  /** How many items the organisation has in the campaign (decides how its cards are split). */
  orgItemCount: number;
}

/** Redraws the posted copies of cards after changes, in the background, a batch at a time. */
export interface CopyRefresher {
  /** Notes that the cards showing this change need redrawing (soon, once, however many changes). */
  schedule(change: ChangedItem): void;
  /** Redraws everything scheduled so far, now. */
  flush(): Promise<void>;
  /** Flushes and stops taking work. */
  stop(): Promise<void>;
}

type CardInChannels = { ref: CardRef & { view: 'items' | 'overview' }; linkedOrg: string };

/** The cards that show an organisation's item, and the organisation whose channels show each. */
export function findCopies(change: ChangedItem): CardInChannels[] {
  const { org, campaignId } = change;
  // The same rule as itemCardRefs: one card, or one per area when it holds too many actions.
  const ownRef: CardRef & { view: 'items' } =
    change.orgItemCount <= MAX_ACTIONS_PER_CARD
      ? { view: 'items', campaignId, orgCode: org.code }
      : { view: 'items', campaignId, orgCode: org.code, area: change.area };
  const overview = (code: string) =>
    ({ view: 'overview', campaignId, orgCode: code }) as CardRef & { view: 'overview' };
  switch (org.level) {
    case 'practice': {
      const copies: CardInChannels[] = [];
      if (org.parentCode && org.parentCode !== org.icbCode) {
        copies.push({ ref: ownRef, linkedOrg: org.parentCode });
        copies.push({ ref: overview(org.parentCode), linkedOrg: org.parentCode });
      }
      if (org.icbCode) copies.push({ ref: overview(org.icbCode), linkedOrg: org.icbCode });
      return copies;
    }
    case 'pcn':
      return [
        { ref: ownRef, linkedOrg: org.code },
        ...(org.icbCode ? [{ ref: overview(org.icbCode), linkedOrg: org.icbCode }] : []),
      ];
    case 'icb':
      return [{ ref: ownRef, linkedOrg: org.code }];
    case 'region':
      return [];
  }
}

/**
 * Builds a CopyRefresher. Changes are gathered for `delayMs` and each affected card is drawn
 * once from storage, so a burst of presses costs one redraw. The pending set lives in memory:
 * if the process dies first, the cards are still right when opened (their refresh action) and
 * are redrawn by the next change.
 */
export function createCopyRefresher(
  deps: DeliveryDeps,
  options: { delayMs: number; onError: (error: unknown) => void },
): CopyRefresher {
  const pending = new Map<string, CardInChannels>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const redraw = async (
    copy: CardInChannels,
    linksOf: (orgCode: string) => Promise<ChannelLink[]>,
  ) => {
    const links = await linksOf(copy.linkedOrg);
    if (links.length === 0) return;
    const card = await buildCard(deps, copy.ref);
    for (const link of links)
      await putCard(deps, copy.ref.campaignId, link, card, { redraw: true });
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = [...pending.values()];
    pending.clear();
    running = running.then(async () => {
      // One read of an organisation's links per batch, however many of its cards changed.
      const links = new Map<string, Promise<ChannelLink[]>>();
      const linksOf = (orgCode: string) => {
        let found = links.get(orgCode);
        if (!found) {
          found = deps.links
            .listLinksOfOrg(orgCode)
            .then((all) => all.filter((l) => l.purpose === 'checklist'));
          links.set(orgCode, found);
        }
        return found;
      };
      for (const copy of batch) await redraw(copy, linksOf).catch(options.onError);
    });
    return running;
  };

  return {
    schedule(change) {
      if (stopped) return;
      for (const copy of findCopies(change))
        pending.set(`${copy.ref.campaignId}|${cardKeyOf(copy.ref)}|${copy.linkedOrg}`, copy);
      timer ??= setTimeout(() => void flush(), options.delayMs);
    },
    flush,
    async stop() {
      stopped = true;
      await flush();
    },
  };
}
