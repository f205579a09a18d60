import { requireAdministrator } from '../access/authorise';
import type { Organisation } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import type { ChannelPlace } from '../channels/link-channel';
import { escapeMarkdown } from '../shared/escape-markdown';
import { NotFoundError } from '../shared/errors';
import { deliverToChannel, type DeliveryCount, type DeliveryDeps } from './deliver-cards';

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
  const link = await deps.links.findLinkOfChannel(place.teamId, place.channelId);
  if (!link?.active || link.purpose !== 'checklist')
    throw new NotFoundError(
      'This channel is not linked to an ICB or PCN checklist. An administrator can link it with **link** and the ODS code, for example **link U99901**.',
    );
  const org = await deps.organisations.getOrganisation(link.orgCode);
  if (!org) throw new NotFoundError(`The linked organisation ${link.orgCode} no longer exists.`);
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
