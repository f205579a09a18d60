import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { InvalidInputError } from '../../domain/shared/errors';
import { readCommand } from '../read-command';
import type { Handler } from '../router';
import { requireChannel } from './link-commands';

/** `deliver`: posts this linked channel's cards again (new ones posted, existing ones redrawn). */
export const deliverCommand: Handler = async (context, { services, logger }) => {
  if (readCommand(context.activity).rest)
    throw new InvalidInputError('Type **deliver** on its own, in a linked channel.');
  const { teamId, channelId } = requireChannel(context, 'deliver');
  const { org, count } = await services.redeliverChannel({
    teamId,
    channelId,
    userId: context.activity.from?.aadObjectId,
  });
  logger.info({ orgCode: org.code, ...count }, 'cards delivered on request');
  await context.sendActivity(
    count.campaigns === 0
      ? `No campaign covering ${escapeMarkdown(org.name)} is running, so there are no cards to post.`
      : `Queued ${count.posted} new card${count.posted === 1 ? '' : 's'} and ${count.updated} redraw${count.updated === 1 ? '' : 's'} of cards already here, for ${count.campaigns} running campaign${count.campaigns === 1 ? '' : 's'}.`,
  );
};
