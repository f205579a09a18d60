import type { RoleStore } from '../access/roles';
import type { LinkStore } from '../channels/channel-links';
import { requireReader, type Viewer } from '../channels/require-reader';
import { buildEditCard, type CardRef } from '../cards/card-views';
import { buildCard, type CardDeps } from '../cards/plan-cards';
import type { ItemKey } from '../items/tracked-items';
import { todayInLondon } from '../shared/uk-dates';
import { getMyActions } from './get-my-actions';
import { openItem } from './open-item';

/** A card drawn for one person: which template, its data, and a one-line summary. */
export interface DrawnCard {
  template: string;
  data: object;
  summary: string;
}

/** What drawing a card reads: the card stores, the person's roles and the channel links. */
export type DrawCardDeps = CardDeps & { roles: RoleStore; links: LinkStore };

/**
 * Draws the card a reference names, as it is now, for one person (their own list for "mine"),
 * if they may read it (see requireReader).
 */
export async function drawCard(
  deps: DrawCardDeps,
  ref: CardRef,
  viewer: Viewer,
  notice = '',
): Promise<DrawnCard> {
  if (ref.view === 'mine') {
    const { view } = await getMyActions(deps, viewer.userId ?? '', notice);
    return { template: 'checklist', data: view, summary: view.summary };
  }
  const org = await deps.organisations.getOrganisation(ref.orgCode);
  if (org) await requireReader(deps, viewer, org);
  return buildCard(deps, ref, notice || undefined);
}

/** The update card of one item, for a person allowed to change it (checked before they choose). */
export async function drawEditCard(
  deps: DrawCardDeps,
  press: ItemKey & { card: CardRef },
  userId: string,
): Promise<DrawnCard> {
  const opened = await openItem(deps, press, userId);
  const view = buildEditCard({ ...opened, today: todayInLondon(deps.now()), card: press.card });
  return { template: 'edit-item', data: view, summary: view.title };
}
