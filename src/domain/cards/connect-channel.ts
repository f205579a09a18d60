import type { Organisation } from '../access/organisations';
import type { ChannelLink } from '../channels/channel-links';
import type { ConversationUpdate } from '../channels/conversations';
import { linkChannel, type ChannelPlace, type LinkDeps } from '../channels/link-channel';
import { deliverToChannel, type DeliveryCount, type DeliveryDeps } from './deliver-cards';

/**
 * Links a channel (only an administrator of the organisation may), then stores the channel's
 * address and queues its cards. A refused request writes nothing at all, not even the address.
 */
export async function connectChannel(
  deps: LinkDeps & DeliveryDeps,
  place: ChannelPlace,
  input: { orgCode: unknown; purpose: unknown },
  channel: Omit<ConversationUpdate, 'updatedAt'> | undefined,
): Promise<{ link: ChannelLink; org: Organisation; previous?: ChannelLink; count: DeliveryCount }> {
  const linked = await linkChannel(deps, place, input);
  if (channel)
    await deps.conversations.saveConversation({
      ...channel,
      updatedAt: deps.now().toISOString(),
    });
  const count = await deliverToChannel(deps, linked.link, linked.org);
  return { ...linked, count };
}
