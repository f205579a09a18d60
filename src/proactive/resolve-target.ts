import type {
  ConversationRecord,
  ConversationStore,
  DeliveryAddress,
} from '../domain/channels/conversations';
import type { OutboxTarget } from '../domain/outbox/outbox';

/**
 * Where to send: an address to post to, a user whose 1:1 chat must be created first (by Teams
 * user id), or a person with no personal chat stored, to be reached through the rosters.
 */
export type ResolvedTarget =
  | { kind: 'address'; address: DeliveryAddress; record?: ConversationRecord }
  | { kind: 'createPersonal'; serviceUrl: string; tenantId: string; botId: string; userId: string }
  | { kind: 'reachPerson'; tenantId: string; userAadObjectId: string };

/** Looks a target up in the stored conversation references; undefined when the bot has none (or was removed). */
export async function resolveTarget(
  target: OutboxTarget,
  conversations: ConversationStore,
): Promise<ResolvedTarget | undefined> {
  let record: ConversationRecord | undefined;
  switch (target.kind) {
    case 'address':
      return { kind: 'address', address: target.address };
    case 'user': {
      const personal = await conversations.findPersonal(target.tenantId, target.userId);
      if (personal?.active) return { kind: 'address', address: personal.address, record: personal };
      return {
        kind: 'createPersonal',
        serviceUrl: target.serviceUrl,
        tenantId: target.tenantId,
        botId: target.botId,
        userId: target.userId,
      };
    }
    case 'channel':
      record = await conversations.findChannel(target.teamId, target.channelId);
      break;
    case 'personal':
      record = await conversations.findPersonal(target.tenantId, target.userAadObjectId);
      // Never opened the bot: look for another way to them. Someone who removed the bot from
      // their chats (an inactive record) chose not to hear from it, so they are not reached again.
      if (!record)
        return {
          kind: 'reachPerson',
          tenantId: target.tenantId,
          userAadObjectId: target.userAadObjectId,
        };
      break;
    case 'groupChat':
      record = await conversations.findGroupChat(target.conversationId);
      break;
  }
  return record?.active ? { kind: 'address', address: record.address, record } : undefined;
}
