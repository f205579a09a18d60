import { canUpdateItems } from '../../domain/access/authorise';
import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { deliverToChannel } from '../../domain/cards/deliver-cards';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../domain/shared/errors';
import { readCommand } from '../read-command';
import type { Handler } from '../router';
import { requireChannel } from './link-commands';

/** `deliver`: posts this linked channel's cards again (new ones posted, existing ones redrawn). */
export const deliverCommand: Handler = async (context, { services, logger }) => {
  if (readCommand(context.activity).rest)
    throw new InvalidInputError('Type **deliver** on its own, in a linked channel.');
  const place = requireChannel(context, 'deliver');
  const link = await services.links.findLinkOfChannel(place.teamId, place.channelId);
  if (!link?.active || link.purpose !== 'checklist')
    throw new NotFoundError(
      'This channel is not linked to an ICB or PCN checklist. An administrator can link it with **link** and the ODS code, for example **link U99901**.',
    );
  const org = await services.organisations.getOrganisation(link.orgCode);
  if (!org) throw new NotFoundError(`The linked organisation ${link.orgCode} no longer exists.`);
  const userId = context.activity.from?.aadObjectId;
  const grants = userId ? await services.roles.listRolesOfUser(userId) : [];
  if (!canUpdateItems(grants, org))
    throw new ForbiddenError(
      `Only leads and administrators for ${escapeMarkdown(org.name)} can ask for its cards again. Ask your PCN or ICB lead.`,
    );
  const count = await deliverToChannel(services, link, org);
  logger.info({ orgCode: org.code, ...count }, 'cards delivered on request');
  await context.sendActivity(
    count.campaigns === 0
      ? `No campaign covering ${escapeMarkdown(org.name)} is running, so there are no cards to post.`
      : `Queued ${count.posted} new card${count.posted === 1 ? '' : 's'} and ${count.updated} redraw${count.updated === 1 ? '' : 's'} of cards already here, for ${count.campaigns} running campaign${count.campaigns === 1 ? '' : 's'}.`,
  );
};
