import { TeamsInfo, type Activity, type TurnContext } from 'botbuilder';
import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import type { ConversationUpdate } from '../../domain/channels/conversations';
import { cardMessage } from '../reply';
import { readAddress, readTeamsContext } from '../read-teams-context';
import type { Handler, TurnScope } from '../router';

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
  const update: ConversationUpdate = {
    kind: 'channel',
    teamId: teams.team.id,
    channelId: teams.channel.id,
    address: readAddress(context.activity, teams.channel.id),
    active: teams.eventType !== 'channelDeleted',
    lastEvent: teams.eventType ?? 'channelEvent',
    updatedAt: scope.services.now().toISOString(),
  };
  if (teams.channel.name) update.channelName = teams.channel.name;
  await scope.services.conversations.saveConversation(update);
};

/** teamRenamed / teamDeleted / teamRestored / teamArchived / teamUnarchived. */
export const recordTeamEvent: Handler = async (context, scope) => {
  const teams = readTeamsContext(context.activity);
  if (!teams.team) return;
  const at = scope.services.now().toISOString();
  const event = teams.eventType ?? 'teamEvent';
  const update = teamUpdate(context.activity, event, at);
  if (event === 'teamDeleted') {
    await scope.services.conversations.saveConversation({ ...update, active: false });
    await scope.services.conversations.deactivateTeam(teams.team.id, event, at);
    return;
  }
  if (event === 'teamRestored') update.active = true;
  await scope.services.conversations.saveConversation(update);
};

async function saveInstall(context: TurnContext, scope: TurnScope, event: string, active: boolean) {
  const { activity } = context;
  const teams = readTeamsContext(activity);
  const { conversations, now } = scope.services;
  const at = now().toISOString();
  if (teams.team) {
    await conversations.saveConversation({ ...teamUpdate(activity, event, at), active });
    if (active) {
      // The General channel shares the team's id; it is where the welcome card goes.
      await conversations.saveConversation({
        kind: 'channel',
        teamId: teams.team.id,
        channelId: teams.team.id,
        channelName: 'General',
        address: readAddress(activity, teams.team.id),
        active: true,
        ...REACHABLE,
        lastEvent: event,
        updatedAt: at,
      });
    } else {
      await conversations.deactivateTeam(teams.team.id, event, at);
    }
    return;
  }
  if (teams.conversationType === 'groupChat') {
    await conversations.saveConversation({
      kind: 'groupChat',
      address: readAddress(activity),
      active,
      ...(active ? REACHABLE : {}),
      lastEvent: event,
      updatedAt: at,
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
  const update: ConversationUpdate = {
    kind: 'personal',
    userAadObjectId: from.aadObjectId,
    address: readAddress(context.activity),
    active,
    ...(active ? REACHABLE : {}),
    lastEvent: event,
    updatedAt: scope.services.now().toISOString(),
  };
  if (from.name) update.userName = from.name;
  await scope.services.conversations.saveConversation(update);
}

function teamUpdate(activity: Activity, event: string, at: string): ConversationUpdate {
  const teams = readTeamsContext(activity);
  const team = teams.team ?? { id: '' };
  const update: ConversationUpdate = {
    kind: 'team',
    teamId: team.id,
    address: readAddress(activity, team.id),
    lastEvent: event,
    updatedAt: at,
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
  const at = scope.services.now().toISOString();
  for (const channel of channels) {
    if (!channel.id) continue;
    await scope.services.conversations.saveConversation({
      kind: 'channel',
      teamId: teams.team.id,
      channelId: channel.id,
      // Teams reports the General channel without a name.
      channelName: channel.name ?? 'General',
      address: readAddress(context.activity, channel.id),
      active: true,
      ...REACHABLE,
      lastEvent: 'channelListed',
      updatedAt: at,
    });
  }
}
