import { escapeMarkdown } from '../shared/escape-markdown';
import type { CardRef } from '../cards/card-views';
import { itemsCard, loadActions } from '../cards/plan-cards';
import type { ChangedItem } from '../cards/refresh-copies';
import type { Viewer } from '../channels/require-reader';
import { STATUS_LABELS, type ItemStatus } from '../items/tracked-items';
import { todayInLondon } from '../shared/uk-dates';
import { drawCard, type DrawCardDeps, type DrawnCard } from './draw-card';
import {
  changeStatus,
  type Actor,
  type SetStatusDeps,
  type StatusChangeResult,
} from './set-status';

/** Port: redraws the posted copies of an organisation's cards after a change, soon and once. */
export interface CopyRedraws {
  schedule(change: ChangedItem): void;
}

/** What a status change from Teams needs: the stores, and the redraw of the cards' other copies. */
export type StatusChangeDeps = SetStatusDeps & DrawCardDeps & { copies: CopyRedraws };

/** A status button pressed on a card: the item, the new status, and the version the card showed. */
export interface StatusPress {
  campaignId: string;
  orgCode: string;
  actionId: string;
  status: ItemStatus;
  /** Checked by the status change itself (length, characters). */
  note: unknown;
  version: number;
  card: CardRef;
}

/** Queues the redraw of the posted copies when a change was written. */
export function redrawCopiesAfter(deps: { copies: CopyRedraws }, result: StatusChangeResult): void {
  if (result.outcome !== 'changed') return;
  deps.copies.schedule({
    campaignId: result.campaign.id,
    org: result.org,
    area: String(result.item.area),
    orgItemCount: result.orgItems.length,
  });
}

/**
 * A status button: checks the role and the version the card showed, writes once, queues the
 * other copies' redraw, and draws the card to answer with (from the items already in hand).
 */
export async function pressStatus(
  deps: StatusChangeDeps,
  press: StatusPress & {
    actor: Actor;
    changeId?: string;
    /** The channel the card is in, if it is in one (the answer card is drawn as seen there). */
    place?: Viewer['place'];
  },
): Promise<{ result: StatusChangeResult; card: DrawnCard; saved: string }> {
  const result = await changeStatus(deps, {
    campaignId: press.campaignId,
    orgCode: press.orgCode,
    actionId: press.actionId,
    status: press.status,
    note: press.note,
    expectedVersion: press.version,
    ...(press.changeId ? { changeId: press.changeId } : {}),
    surface: 'card',
    actor: press.actor,
  });
  redrawCopiesAfter(deps, result);
  const { item, org, campaign, orgItems } = result;
  const saved = `${item.actionId} for ${escapeMarkdown(org.name)} is now ${STATUS_LABELS[item.status]}.`;
  if (press.card.view !== 'items')
    return {
      result,
      saved,
      card: await drawCard(deps, press.card, {
        userId: press.actor.userId,
        ...(press.place ? { place: press.place } : {}),
      }),
    };
  const actions = await loadActions(deps, campaign);
  const card = itemsCard(
    org,
    campaign,
    actions,
    orgItems,
    todayInLondon(deps.now()),
    press.card.area,
  );
  return { result, saved, card };
}
