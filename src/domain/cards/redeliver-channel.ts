import { escapeMarkdown } from '../shared/escape-markdown';
import { canUpdateItems } from '../access/authorise';
import type { Organisation } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import type { ChannelLink } from '../channels/channel-links';
import type { ChannelPlace } from '../channels/link-channel';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import { deliverToChannel, type DeliveryCount, type DeliveryDeps } from './deliver-cards';

/** The active checklist link of the channel asked in, and its organisation; says what to do otherwise. */
export async function findChecklistLink(
  deps: Pick<DeliveryDeps, 'links' | 'organisations'>,
  place: ChannelPlace,
): Promise<{ link: ChannelLink; org: Organisation }> {
  const link = await deps.links.findLinkOfChannel(place.teamId, place.channelId);
  if (!link?.active || link.purpose !== 'checklist')
    throw new NotFoundError(
      'This channel is not linked to an ICB or PCN checklist. An administrator can link it with **link** and the ODS code, for example **link U99901**.',
    );
  const org = await deps.organisations.getOrganisation(link.orgCode);
  if (!org) throw new NotFoundError(`The linked organisation ${link.orgCode} no longer exists.`);
  return { link, org };
}

/**
 * `deliver`: posts a linked checklist channel's cards again (new ones posted, existing ones
 * redrawn), for the organisation's leads and administrators.
 */
export async function redeliverChannel(
  deps: DeliveryDeps & { roles: RoleStore },
  place: ChannelPlace,
): Promise<{ org: Organisation; count: DeliveryCount }> {
  const { link, org } = await findChecklistLink(deps, place);
  const grants = place.userId ? await deps.roles.listRolesOfUser(place.userId) : [];
  if (!canUpdateItems(grants, org))
    throw new ForbiddenError(
      `Only leads and administrators for ${escapeMarkdown(org.name)} can ask for its cards again. Ask your PCN or ICB lead.`,
    );
  return { org, count: await deliverToChannel(deps, link, org) };
}
