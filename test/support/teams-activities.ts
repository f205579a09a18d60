// Activities shaped as Microsoft documents Teams sends them (conversation events, messages with
// mentions, installationUpdate, Action.Execute invokes). Ids look like Teams ids.

export const TENANT_ID = '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f';
export const BOT_ID = '28:0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69';
export const BOT_NAME = 'Access Recovery Bot';
export const TEAM_ID = '19:Kx3pD9f2WqLm7HnZ0aBcVtYu1oE5rSgT@thread.tacv2';
export const TEAM_AAD_GROUP_ID = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
export const CHANNEL_ID = '19:7c2f0e9d4b1a4c3e8f6d5b2a1c0e9f8d@thread.tacv2';
export const USER = {
  id: '29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw',
  name: 'Priya Shah',
  aadObjectId: '6a1f0d2c-9b8e-4f7a-8c6d-5e4f3a2b1c0d',
};
export const PERSONAL_CONVERSATION_ID =
  'a:1Hb8fKjq3T0Zs9x2VcLmN4pQrS6tUvWxYz0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3';

let counter = 0;
const nextId = () => `${Date.now()}${(counter++).toString().padStart(4, '0')}`;

type Activity = Record<string, unknown>;

function base(serviceUrl: string): Activity {
  return {
    id: nextId(),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    localTimezone: 'Europe/London',
    locale: 'en-GB',
    serviceUrl,
    channelId: 'msteams',
    from: { ...USER },
    recipient: { id: BOT_ID, name: BOT_NAME },
  };
}

/** A 1:1 chat message from the user. */
export function personalMessage(serviceUrl: string, text: string): Activity {
  return {
    ...base(serviceUrl),
    type: 'message',
    textFormat: 'plain',
    text,
    conversation: {
      conversationType: 'personal',
      tenantId: TENANT_ID,
      id: PERSONAL_CONVERSATION_ID,
    },
    entities: [
      {
        type: 'clientInfo',
        locale: 'en-GB',
        country: 'GB',
        platform: 'Web',
        timezone: 'Europe/London',
      },
    ],
    channelData: { tenant: { id: TENANT_ID } },
  };
}

/** A channel message that @mentions the bot: `<at>Access Recovery Bot</at> <text>`. */
export function channelMention(serviceUrl: string, text: string): Activity {
  const mention = `<at>${BOT_NAME}</at>`;
  return {
    ...base(serviceUrl),
    type: 'message',
    textFormat: 'plain',
    text: `${mention} ${text}`,
    conversation: {
      isGroup: true,
      conversationType: 'channel',
      tenantId: TENANT_ID,
      id: `${CHANNEL_ID};messageid=1700000000000`,
    },
    entities: [{ type: 'mention', text: mention, mentioned: { id: BOT_ID, name: BOT_NAME } }],
    channelData: {
      teamsChannelId: CHANNEL_ID,
      teamsTeamId: TEAM_ID,
      channel: { id: CHANNEL_ID, name: 'PCN leads' },
      team: { id: TEAM_ID, name: 'North Coast PCN', aadGroupId: TEAM_AAD_GROUP_ID },
      tenant: { id: TENANT_ID },
    },
  };
}

/** A group chat message that @mentions the bot. */
export function groupChatMention(serviceUrl: string, text: string): Activity {
  const mention = `<at>${BOT_NAME}</at>`;
  return {
    ...base(serviceUrl),
    type: 'message',
    text: `${mention} ${text}`,
    conversation: {
      isGroup: true,
      conversationType: 'groupChat',
      tenantId: TENANT_ID,
      id: '19:meeting_ZmQ5YjA0NDEt@thread.v2',
    },
    entities: [{ type: 'mention', text: mention, mentioned: { id: BOT_ID, name: BOT_NAME } }],
    channelData: { tenant: { id: TENANT_ID } },
  };
}

/** conversationUpdate: the bot was added to a team (eventType teamMemberAdded, bot in membersAdded). */
export function botAddedToTeam(serviceUrl: string, teamName = 'North Coast PCN'): Activity {
  return {
    ...base(serviceUrl),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT_ID }],
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: TEAM_ID },
    channelData: {
      team: { aadGroupId: TEAM_AAD_GROUP_ID, name: teamName, id: TEAM_ID },
      eventType: 'teamMemberAdded',
      tenant: { id: TENANT_ID },
    },
  };
}

/** conversationUpdate: the bot was removed from the team. */
export function botRemovedFromTeam(serviceUrl: string): Activity {
  return {
    ...base(serviceUrl),
    type: 'conversationUpdate',
    membersRemoved: [{ id: BOT_ID }],
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: TEAM_ID },
    channelData: {
      team: { aadGroupId: TEAM_AAD_GROUP_ID, name: 'North Coast PCN', id: TEAM_ID },
      eventType: 'teamMemberRemoved',
      tenant: { id: TENANT_ID },
    },
  };
}

/** installationUpdate add/remove in a personal chat or a team. */
export function installationUpdate(
  serviceUrl: string,
  action: 'add' | 'remove',
  scope: 'personal' | 'team',
): Activity {
  const team = scope === 'team';
  return {
    ...base(serviceUrl),
    type: 'installationUpdate',
    action,
    conversation: team
      ? { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: TEAM_ID }
      : { conversationType: 'personal', tenantId: TENANT_ID, id: PERSONAL_CONVERSATION_ID },
    channelData: team
      ? {
          settings: { selectedChannel: { id: TEAM_ID } },
          team: { id: TEAM_ID, name: 'North Coast PCN', aadGroupId: TEAM_AAD_GROUP_ID },
          tenant: { id: TENANT_ID },
          source: { name: 'message' },
        }
      : { tenant: { id: TENANT_ID }, source: { name: 'message' } },
  };
}

/** conversationUpdate for a channel event (channelCreated, channelRenamed, channelDeleted). */
export function channelEvent(
  serviceUrl: string,
  eventType: string,
  channel: { id: string; name?: string },
): Activity {
  return {
    ...base(serviceUrl),
    type: 'conversationUpdate',
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: TEAM_ID },
    channelData: {
      channel,
      team: { id: TEAM_ID, name: 'North Coast PCN', aadGroupId: TEAM_AAD_GROUP_ID },
      eventType,
      tenant: { id: TENANT_ID },
    },
  };
}

/** conversationUpdate teamRenamed. */
export function teamRenamed(serviceUrl: string, name: string): Activity {
  return {
    ...base(serviceUrl),
    type: 'conversationUpdate',
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: TEAM_ID },
    channelData: {
      team: { id: TEAM_ID, name, aadGroupId: TEAM_AAD_GROUP_ID },
      eventType: 'teamRenamed',
      tenant: { id: TENANT_ID },
    },
  };
}

/** An Action.Execute press: invoke `adaptiveCard/action` with a verb. */
export function cardAction(
  serviceUrl: string,
  verb: string,
  data: Record<string, unknown> = {},
): Activity {
  return {
    ...base(serviceUrl),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    conversation: {
      conversationType: 'personal',
      tenantId: TENANT_ID,
      id: PERSONAL_CONVERSATION_ID,
    },
    channelData: { tenant: { id: TENANT_ID }, source: { name: 'message' } },
  };
}

/** Someone else in the same tenant, with no roles unless a test grants them. */
export const OTHER_USER = {
  id: '29:1aOtherUserZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kH',
  name: 'Sam Jones',
  aadObjectId: '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e',
};

/** An Action.Execute press on a card in a team channel, by `from` (the default user unless given). */
export function channelCardAction(
  serviceUrl: string,
  verb: string,
  data: Record<string, unknown>,
  from: { id: string; name: string; aadObjectId: string } = USER,
): Activity {
  return {
    ...base(serviceUrl),
    from: { ...from },
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    conversation: {
      isGroup: true,
      conversationType: 'channel',
      tenantId: TENANT_ID,
      id: `${CHANNEL_ID};messageid=1700000000001`,
    },
    channelData: {
      teamsChannelId: CHANNEL_ID,
      teamsTeamId: TEAM_ID,
      channel: { id: CHANNEL_ID, name: 'PCN leads' },
      team: { id: TEAM_ID, name: 'North Coast PCN', aadGroupId: TEAM_AAD_GROUP_ID },
      tenant: { id: TENANT_ID },
      source: { name: 'message' },
    },
  };
}
