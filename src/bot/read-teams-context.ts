import type { Activity } from 'botbuilder';
import type { DeliveryAddress } from '../domain/channels/conversations';

/** What Teams tells us about where an activity happened, read once from its channelData. */
export interface TeamsContext {
  tenantId: string;
  conversationType: 'personal' | 'channel' | 'groupChat';
  team?: { id: string; name?: string; aadGroupId?: string };
  channel?: { id: string; name?: string };
  eventType?: string;
}

interface RawChannelData {
  tenant?: { id?: unknown };
  team?: { id?: unknown; name?: unknown; aadGroupId?: unknown };
  channel?: { id?: unknown; name?: unknown };
  eventType?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads tenant, team and channel from a Teams activity (channelData first, then conversation). */
export function readTeamsContext(activity: Activity): TeamsContext {
  const data = (activity.channelData ?? {}) as RawChannelData;
  const conversation = activity.conversation ?? ({} as Activity['conversation']);
  const type = str(conversation.conversationType);
  const context: TeamsContext = {
    tenantId: str(data.tenant?.id) ?? str(conversation.tenantId) ?? '',
    conversationType:
      type === 'channel' || type === 'groupChat'
        ? type
        : type === 'personal'
          ? 'personal'
          : data.team
            ? 'channel'
            : conversation.isGroup
              ? 'groupChat'
              : 'personal',
  };
  const teamId = str(data.team?.id);
  if (teamId) {
    context.team = { id: teamId };
    const name = str(data.team?.name);
    const aadGroupId = str(data.team?.aadGroupId);
    if (name) context.team.name = name;
    if (aadGroupId) context.team.aadGroupId = aadGroupId;
  }
  const channelId = str(data.channel?.id);
  if (channelId) {
    context.channel = { id: channelId };
    const name = str(data.channel?.name);
    if (name) context.channel.name = name;
  }
  const eventType = str(data.eventType);
  if (eventType) context.eventType = eventType;
  return context;
}

/** The address to reach this conversation again; channel threads are addressed by their channel. */
export function readAddress(activity: Activity, conversationId?: string): DeliveryAddress {
  return {
    serviceUrl: activity.serviceUrl,
    tenantId: readTeamsContext(activity).tenantId,
    botId: activity.recipient?.id ?? '',
    // A reply thread's id is "<channel id>;messageid=<n>"; the channel is what we can post to later.
    conversationId:
      conversationId ?? activity.conversation.id.split(';')[0] ?? activity.conversation.id,
  };
}

/** The team channel an activity came from, as `{ place }`, or nothing outside a team channel. */
export function placeOf(
  activity: Activity,
): { place: { teamId: string; channelId: string } } | Record<string, never> {
  const teams = readTeamsContext(activity);
  return teams.team && teams.channel
    ? { place: { teamId: teams.team.id, channelId: teams.channel.id } }
    : {};
}
