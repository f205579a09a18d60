import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { InvalidInputError } from '../../domain/shared/errors';
import { describeDigestMentions } from '../../domain/digests/digest-mentions';
import { readCommand } from '../read-command';
import { readRestWithPeople } from '../read-people-text';
import { readTeamsContext } from '../read-teams-context';
import { cardMessage } from '../reply';
import type { Handler } from '../router';

const USAGE =
  'Type **digest now** in a region’s or ICB’s digest channel to post its digest there, or **digest now** and a region or ICB code (for example **digest now Y63**) to see it here. In a digest channel, **digest mention** and people’s e-mails or names chooses whom its digest mentions (nobody by default).';

/**
 * `digest now [region or ICB code]`, for administrators: in its digest channel, posts this
 * week's digest there now; in any other channel or chat, answers with a preview.
 * `digest mention <people>` (or `nobody`) in a digest channel: whom its digest mentions.
 */
export const digestCommand: Handler = async (context, { services, logger }) => {
  const [verb, code, ...extra] = readCommand(context.activity).rest.split(' ').filter(Boolean);
  const teams = readTeamsContext(context.activity);
  if (verb?.toLowerCase() === 'mention' || verb?.toLowerCase() === 'mentions') {
    if (!teams.team || !teams.channel)
      throw new InvalidInputError(
        '**digest mention** works in a digest channel: go to the channel and mention me with **digest mention** there.',
      );
    const people = readRestWithPeople(context.activity).replace(/^\s*mentions?\b/i, '');
    const result = await services.setDigestMentions(
      {
        teamId: teams.team.id,
        channelId: teams.channel.id,
        userId: context.activity.from?.aadObjectId,
      },
      people,
    );
    logger.info(
      { orgCode: result.link.orgCode, people: result.people.length, changed: result.changed },
      'digest mentions',
    );
    await context.sendActivity(describeDigestMentions(result));
    return;
  }
  if (verb?.toLowerCase() !== 'now' || extra.length > 0) throw new InvalidInputError(USAGE);
  const result = await services.runDigestNow({
    userId: context.activity.from?.aadObjectId,
    code,
    ...(teams.team && teams.channel
      ? { place: { teamId: teams.team.id, channelId: teams.channel.id } }
      : {}),
    requestId: context.activity.id ?? services.now().toISOString(),
  });
  logger.info(
    { regionCode: result.region.code, kind: result.kind, cards: result.cards },
    'digest asked for',
  );
  if (result.kind === 'posted') {
    await context.sendActivity(
      `Posting ${result.cards === 1 ? 'the digest' : `${result.cards} digests (one per running campaign)`} for ${escapeMarkdown(result.region.name)} (${result.region.code}) in this channel now; ${result.cards === 1 ? 'it arrives' : 'they arrive'} in a few seconds. The weekly digest still comes on its day.`,
    );
    return;
  }
  for (const card of result.cards)
    await context.sendActivity(
      cardMessage(services.renderCard('digest', card.view), `Preview: ${card.summary}`),
    );
};
