import { TeamsInfo, type Activity, type TurnContext } from 'botbuilder';
import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import type { ConversationUpdate } from '../../domain/channels/conversations';
import { cardMessage } from '../reply';
import { readAddress, readTeamsContext } from '../read-teams-context';
import type { Handler, TurnScope } from '../router';
import { forgetRosterOf, syncRosterOf } from './roster-events';

// A (re)install makes a conversation reachable again, whatever a failed send said before.
const REACHABLE = { healthy: true, unhealthyReason: '' } as const;

// Teams reports installs twice (conversationUpdate and installationUpdate) and in any order, so
// every write here is an idempotent merge; removal flips `active` and never deletes.

/** The bot was added (conversationUpdate): store where, then welcome the team or user. */
export const recordBotAdded: Handler = async (context, scope) => {
  await saveInstall(context, scope, 'botAdded', true);
  const teams = readTeamsContext(context.activity);
  if (teams.team) {
    await storeTeamChannels(context, scope);
    await syncRosterOf(context, scope);
    const card = scope.services.renderCard('welcome', {
      teamName: teams.team.name ? escapeMarkdown(teams.team.name) : 'this team',
    });
    await context.sendActivity(cardMessage(card, 'Access Recovery Bot has joined this team'));
  } else if (teams.conversationType === 'personal') {
    await context.sendActivity(
      "Hello! I'm Access Recovery Bot. I help practices, PCNs and ICBs track the access recovery checklist. Type **help** to see what I can do.",
    );
  }
};

/** `installationUpdate` add / add-upgrade: store where (the welcome is sent on conversationUpdate). */
export const recordInstallationAdded: Handler = async (context, scope) => {
  await saveInstall(context, scope, `installationUpdate:${String(context.activity.action)}`, true);
};

/** The bot was removed (conversationUpdate or installationUpdate remove): mark inactive. */
export const recordBotRemoved: Handler = async (context, scope) => {
  const event =
    context.activity.type === 'installationUpdate'
      ? `installationUpdate:${String(context.activity.action)}`
      : 'botRemoved';
  await saveInstall(context, scope, event, false);
  await forgetRosterOf(context, scope);
};

/** channelCreated / channelRenamed / channelRestored / channelDeleted. */
export const recordChannelEvent: Handler = async (context, scope) => {
  const teams = readTeamsContext(context.activity);
  if (!teams.team || !teams.channel) {
    scope.logger.warn(
      { eventType: teams.eventType },
      'channel event without team or channel; ignored',
    );
    return;
  }
  const update: Omit<ConversationUpdate, 'updatedAt'> = {
    kind: 'channel',
    teamId: teams.team.id,
    channelId: teams.channel.id,
    address: readAddress(context.activity, teams.channel.id),
    active: teams.eventType !== 'channelDeleted',
    lastEvent: teams.eventType ?? 'channelEvent',
  };
  if (teams.channel.name) update.channelName = teams.channel.name;
  await scope.services.recordConversation(update);
};

/** teamRenamed / teamDeleted / teamRestored / teamArchived / teamUnarchived. */
export const recordTeamEvent: Handler = async (context, scope) => {
  const teams = readTeamsContext(context.activity);
  if (!teams.team) return;
  const event = teams.eventType ?? 'teamEvent';
  const update = teamUpdate(context.activity, event);
  if (event === 'teamDeleted') {
    await scope.services.recordTeamDeleted({ ...update, teamId: teams.team.id });
    await forgetRosterOf(context, scope);
    return;
  }
  if (event === 'teamRestored') update.active = true;
  await scope.services.recordConversation(update);
};

async function saveInstall(context: TurnContext, scope: TurnScope, event: string, active: boolean) {
  const { activity } = context;
  const teams = readTeamsContext(activity);
  if (teams.team) {
    if (active) {
      // The General channel shares the team's id; it is where the welcome card goes.
      await scope.services.recordConversations([
        { ...teamUpdate(activity, event), active },
        {
          kind: 'channel',
          teamId: teams.team.id,
          channelId: teams.team.id,
          channelName: 'General',
          address: readAddress(activity, teams.team.id),
          active: true,
          ...REACHABLE,
          lastEvent: event,
        },
      ]);
    } else {
      await scope.services.recordTeamDeleted({
        ...teamUpdate(activity, event),
        teamId: teams.team.id,
      });
    }
    return;
  }
  if (teams.conversationType === 'groupChat') {
    await scope.services.recordConversation({
      kind: 'groupChat',
      address: readAddress(activity),
      active,
      ...(active ? REACHABLE : {}),
      lastEvent: event,
    });
    return;
  }
  await savePersonal(context, scope, event, active);
}

/** Stores (or refreshes) the 1:1 chat with the sender, so nudges can reach them later. */
export async function savePersonal(
  context: TurnContext,
  scope: TurnScope,
  event: string,
  active: boolean,
) {
  const { from } = context.activity;
  if (!from.aadObjectId) {
    scope.logger.warn({ event }, 'personal conversation without an Entra object id; not stored');
    return;
  }
  const update: Omit<ConversationUpdate, 'updatedAt'> = {
    kind: 'personal',
    userAadObjectId: from.aadObjectId,
    address: readAddress(context.activity),
    active,
    ...(active ? REACHABLE : {}),
    lastEvent: event,
  };
  if (from.name) update.userName = from.name;
  await scope.services.recordConversation(update);
}

function teamUpdate(activity: Activity, event: string): Omit<ConversationUpdate, 'updatedAt'> {
  const teams = readTeamsContext(activity);
  const team = teams.team ?? { id: '' };
  const update: Omit<ConversationUpdate, 'updatedAt'> = {
    kind: 'team',
    teamId: team.id,
    address: readAddress(activity, team.id),
    lastEvent: event,
  };
  if (team.name) update.teamName = team.name;
  if (team.aadGroupId) update.aadGroupId = team.aadGroupId;
  return update;
}

async function storeTeamChannels(context: TurnContext, scope: TurnScope) {
  const teams = readTeamsContext(context.activity);
  if (!teams.team) return;
  let channels: Awaited<ReturnType<typeof TeamsInfo.getTeamChannels>>;
  try {
    channels = await TeamsInfo.getTeamChannels(context, teams.team.id);
  } catch (error) {
    // Not fatal: channel events will fill the list in as channels are used.
    scope.logger.warn({ err: error }, 'could not list the team’s channels');
    return;
  }
  const teamId = teams.team.id;
  await scope.services.recordConversations(
    channels.flatMap((channel) =>
      !channel.id
        ? []
        : [
            {
              kind: 'channel' as const,
              teamId,
              channelId: channel.id,
              // Teams reports the General channel without a name.
              channelName: channel.name ?? 'General',
              address: readAddress(context.activity, channel.id),
              active: true,
              ...REACHABLE,
              lastEvent: 'channelListed',
            },
          ],
    ),
  );
}
