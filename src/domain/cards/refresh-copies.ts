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

/**
 * Port: redraws the posted copies of cards after changes, in the background, a batch at a time.
 * The app gathers the changes and decides when (create-copy-refresher.ts); this file decides
 * which copies and how they are drawn.
 */
export interface CopyRefresher {
  /** Notes that the cards showing this change need redrawing (soon, once, however many changes). */
  schedule(change: ChangedItem): void;
  /** Redraws everything scheduled so far, now. */
  flush(): Promise<void>;
  /** Flushes and stops taking work. */
  stop(): Promise<void>;
}

/** A card whose copies are posted in the channels linked to `linkedOrg`. */
export type CardInChannels = {
  ref: CardRef & { view: 'items' | 'overview' };
  linkedOrg: string;
};

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

/** The cards to redraw after some changes, each once however many of the changes it shows. */
export function planRedraws(changes: readonly ChangedItem[]): CardInChannels[] {
  const copies = new Map<string, CardInChannels>();
  for (const change of changes) {
    for (const copy of findCopies(change))
      copies.set(`${copy.ref.campaignId}|${cardKeyOf(copy.ref)}|${copy.linkedOrg}`, copy);
  }
  return [...copies.values()];
}

/**
 * Draws each card once from storage and puts it in every checklist channel linked to its
 * organisation, reading an organisation's links once however many of its cards changed. A card
 * that fails is reported to `onError` and the rest still go.
 */
export async function redrawCopies(
  deps: DeliveryDeps,
  copies: readonly CardInChannels[],
  onError: (error: unknown) => void,
): Promise<void> {
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
  for (const copy of copies) {
    try {
      const posted = await linksOf(copy.linkedOrg);
      if (posted.length === 0) continue;
      const card = await buildCard(deps, copy.ref);
      for (const link of posted)
        await putCard(deps, copy.ref.campaignId, link, card, { redraw: true });
    } catch (error) {
      onError(error);
    }
  }
}
