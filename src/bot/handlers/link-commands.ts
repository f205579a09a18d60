import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import type { TurnContext } from 'botbuilder';
import type { ChannelLink } from '../../domain/channels/channel-links';
import type { DeliveryCount } from '../../domain/cards/deliver-cards';
import { InvalidInputError } from '../../domain/shared/errors';
import { FAILURE_LABELS, type FailureReason } from '../../domain/outbox/outbox';
import type { Organisation } from '../../domain/access/organisations';
import type { BotServices } from '../bot-services';
import { readCommand } from '../read-command';
import { readActionData } from '../read-card-data';
import { readAddress, readTeamsContext } from '../read-teams-context';
import { cardAnswer, cardMessage } from '../reply';
import type { Handler, TurnScope } from '../router';

/** The team channel a command came from; linking makes no sense anywhere else. */
export function requireChannel(context: TurnContext, command: string) {
  const teams = readTeamsContext(context.activity);
  if (!teams.team || !teams.channel) {
    throw new InvalidInputError(
      `**${command}** works in a team channel: go to the channel and mention me with **${command}** there.`,
    );
  }
  return { teamId: teams.team.id, channelId: teams.channel.id, teams };
}

function describeDelivery(found: Organisation, link: ChannelLink, count: DeliveryCount): string {
  const org = { ...found, name: escapeMarkdown(found.name) };
  if (link.purpose === 'digest')
    // Linking checks the level: digest channels belong to a region or an ICB.
    return `The weekly digest for ${org.name} will be posted here every week.`;
  if (count.campaigns === 0)
    return `No campaign covering ${org.name} is running yet; its cards will arrive here when one is launched.`;
  const campaigns = `${count.campaigns} running campaign${count.campaigns === 1 ? '' : 's'}`;
  if (count.posted === 0)
    return `Its ${count.updated} card${count.updated === 1 ? ' is' : 's are'} already here (${campaigns}); I'm bringing ${count.updated === 1 ? 'it' : 'them'} up to date now.`;
  return `I'm posting ${count.posted} card${count.posted === 1 ? '' : 's'} for ${campaigns} now; they arrive over the next few seconds.`;
}

async function link(
  context: TurnContext,
  scope: TurnScope,
  input: { orgCode: unknown; purpose: unknown },
): Promise<string> {
  const { teamId, channelId, teams } = requireChannel(context, 'link');
  const {
    link: saved,
    org,
    previous,
    count,
  } = await scope.services.connectChannel(
    { teamId, channelId, userId: context.activity.from?.aadObjectId },
    input,
    {
      kind: 'channel',
      teamId,
      channelId,
      ...(teams.channel?.name ? { channelName: teams.channel.name } : {}),
      address: readAddress(context.activity, channelId),
      active: true,
      healthy: true,
      unhealthyReason: '',
      lastEvent: 'linked',
    },
  );
  scope.logger.info({ orgCode: org.code, purpose: saved.purpose }, 'channel linked');
  const was =
    previous && previous.orgCode !== org.code ? ` (it was linked to ${previous.orgCode})` : '';
  return `Linked this channel to **${escapeMarkdown(org.name)} (${org.code})** for ${saved.purpose === 'digest' ? 'the weekly digest' : 'checklist cards'}${was}. ${describeDelivery(org, saved, count)}`;
}

/** `link <ODS code> [checklist|digest]` typed in a channel. */
export const linkCommand: Handler = async (context, scope) => {
  const args = readCommand(context.activity).rest.split(' ').filter(Boolean);
  if (args.length === 0 || args.length > 2) {
    throw new InvalidInputError(
      'Type **link** followed by an ODS code, and optionally **checklist** or **digest**: for example **link U99901** or **link Y63 digest**.',
    );
  }
  await context.sendActivity(await link(context, scope, { orgCode: args[0], purpose: args[1] }));
};

/** The setup card's "Link this channel" button. */
export const linkChannelAction: Handler = async (context, scope) => {
  const data = readActionData(context.activity);
  const message = await link(context, scope, {
    orgCode: data['linkOrgCode'],
    purpose: data['linkPurpose'],
  });
  const card = await renderLinks(context, scope.services, message);
  if (context.activity.type === 'invoke') return cardAnswer(card);
  await context.sendActivity(cardMessage(card, 'Channel linked'));
  return undefined;
};

/** `unlink`: this channel stops getting cards (cards already posted stay). */
export const unlinkCommand: Handler = async (context, scope) => {
  if (readCommand(context.activity).rest)
    throw new InvalidInputError('Type **unlink** on its own, in the channel to unlink.');
  const place = requireChannel(context, 'unlink');
  const link = await scope.services.unlinkChannel({
    ...place,
    userId: context.activity.from?.aadObjectId,
  });
  scope.logger.info({ orgCode: link.orgCode }, 'channel unlinked');
  await context.sendActivity(
    `This channel is no longer linked to ${link.orgCode}. Cards already here stay, but are no longer kept up to date. Link it again with **link** and the ODS code, for example **link U99901**.`,
  );
};

/** A stored failure reason in words ("bot_blocked_or_removed" → "Teams refused (403): …"). */
function describeFailure(reason: string | undefined): string {
  if (!reason) return 'Teams refused it';
  return reason in FAILURE_LABELS
    ? FAILURE_LABELS[reason as FailureReason]
    : escapeMarkdown(reason);
}

async function renderLinks(context: TurnContext, services: BotServices, notice = '') {
  const { teamId, teams } = requireChannel(context, 'links');
  const { teamName, links: views } = await services.listTeamLinks(teamId);
  const links = views.map(({ link, channel, org }) => ({
    channel: channel?.channelName
      ? escapeMarkdown(channel.channelName)
      : 'A channel I can no longer see',
    target: `${link.purpose === 'digest' ? 'Weekly digest' : 'Checklist cards'} for ${org ? `${escapeMarkdown(org.name)} (${org.code})` : link.orgCode}`,
    health:
      channel?.healthy === false
        ? `⚠ Last delivery failed: ${describeFailure(channel.unhealthyReason)}. Type **delivery** for details and a retry.`
        : channel?.active === false
          ? '⚠ The bot was removed from this channel or it was deleted.'
          : '✔ Healthy: deliveries are reaching it.',
  }));
  return services.renderCard('links', {
    teamName: escapeMarkdown(teams.team?.name ?? teamName ?? 'this team'),
    notice,
    intro:
      links.length === 0
        ? 'No channel in this team is linked yet.'
        : `${links.length} channel${links.length === 1 ? '' : 's'} linked.`,
    links,
  });
}

/** `links`: what this team's channels are linked to, and whether deliveries reach them. */
export const linksCommand: Handler = async (context, { services }) => {
  if (readCommand(context.activity).rest)
    throw new InvalidInputError('Type **links** on its own, in any channel of the team.');
  await context.sendActivity(
    cardMessage(await renderLinks(context, services), 'Linked channels in this team'),
  );
};
