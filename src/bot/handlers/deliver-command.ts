import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { InvalidInputError } from '../../domain/shared/errors';
import { readCommand } from '../read-command';
import type { Handler } from '../router';
import { requireChannel } from './link-commands';

/**
 * `deliver`: posts this linked channel's missing cards and redraws the ones already here.
 * `deliver again` (administrators): posts a fresh copy of every card, which later changes redraw.
 */
export const deliverCommand: Handler = async (context, { services, logger }) => {
  const rest = readCommand(context.activity).rest.trim().toLowerCase();
  if (rest !== '' && rest !== 'again')
    throw new InvalidInputError(
      "Type **deliver** to bring this channel's cards up to date, or **deliver again** to post fresh copies of them.",
    );
  const again = rest === 'again';
  const { teamId, channelId } = requireChannel(context, again ? 'deliver again' : 'deliver');
  const place = { teamId, channelId, userId: context.activity.from?.aadObjectId };
  const { org, count } = again
    ? await services.postCardsAgain(place)
    : await services.redeliverChannel(place);
  logger.info({ orgCode: org.code, again, ...count }, 'cards delivered on request');
  const plural = (n: number, word: string) =>
    `${n.toLocaleString('en-GB')} ${word}${n === 1 ? '' : 's'}`;
  const campaigns = `for ${plural(count.campaigns, 'running campaign')}`;
  await context.sendActivity(
    count.campaigns === 0
      ? `No campaign covering ${escapeMarkdown(org.name)} is running, so there are no cards to post.`
      : again
        ? `Posting ${plural(count.posted, 'fresh card')} ${campaigns}. Changes now update the new cards; the older copies stay as they are, and you can delete them.`
        : `Queued ${plural(count.posted, 'new card')} and ${plural(count.updated, 'redraw')} of cards already here, ${campaigns}. If cards are missing from view, an administrator can type **deliver again** to post fresh copies.`,
  );
};
