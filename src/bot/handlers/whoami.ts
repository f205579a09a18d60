import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { cardMessage } from '../reply';
import { readTeamsContext } from '../read-teams-context';
import type { Handler } from '../router';

/** `whoami`: the identity Teams gives the bot for this user, and their roles. */
export const sendWhoami: Handler = async (context, { services }) => {
  const { from } = context.activity;
  const teams = readTeamsContext(context.activity);
  const where =
    teams.conversationType === 'personal'
      ? 'Our 1:1 chat'
      : teams.conversationType === 'groupChat'
        ? 'A group chat'
        : `${teams.channel?.name ? escapeMarkdown(teams.channel.name) : 'A channel'} in ${teams.team?.name ? escapeMarkdown(teams.team.name) : 'a team'}`;
  const roles = await services.listMyRoles(from.aadObjectId);
  const card = services.renderCard('whoami', {
    name: from.name ? escapeMarkdown(from.name) : 'Not given by Teams',
    aadObjectId: from.aadObjectId ?? 'Not given by Teams',
    tenantId: teams.tenantId || 'Not given by Teams',
    where,
    roles: roles.length > 0 ? roles.join('\n\n') : 'None yet',
    rolesHint: services.demoMode
      ? 'Local demo: everyone who talks to the bot is given these roles so every feature can be tried.'
      : 'Roles (practice staff, PCN lead, ICB lead, regional head, administrator) are granted by an administrator.',
  });
  await context.sendActivity(cardMessage(card, `You are ${from.name ?? 'unknown'}`));
};
