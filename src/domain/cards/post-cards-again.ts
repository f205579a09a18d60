import { requireAdministrator } from '../access/authorise';
import type { Organisation } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import type { ChannelPlace } from '../channels/link-channel';
import { escapeMarkdown } from '../shared/escape-markdown';
import { deliverToChannel, type DeliveryCount, type DeliveryDeps } from './deliver-cards';
import { findChecklistLink } from './redeliver-channel';

/**
 * `deliver again`: posts fresh copies of a linked checklist channel's cards (after they were
 * deleted, or a Playground reload lost them) and makes the new copies the ones that are redrawn;
 * the old copies are left as they are. For administrators of the linked organisation: each use
 * adds a whole set of cards to the channel.
 */
export async function postCardsAgain(
  deps: DeliveryDeps & { roles: RoleStore },
  place: ChannelPlace,
): Promise<{ org: Organisation; count: DeliveryCount }> {
  const { link, org } = await findChecklistLink(deps, place);
  await requireAdministrator(
    deps.roles,
    place.userId,
    org,
    `Only an administrator for ${escapeMarkdown(org.name)} (${org.code}) can post its cards again. Type **deliver** to bring the cards here up to date, or ask your ICB's digital team.`,
  );
  // A new posting generation: new post keys, so every card is posted afresh and later redraws
  // (which read the link) go to the new copies.
  const fresh = { ...link, postings: (link.postings ?? 0) + 1 };
  await deps.links.saveLink(fresh);
  return { org, count: await deliverToChannel(deps, fresh, org) };
}
