import type { ConversationStore, ConversationUpdate } from './conversations';

/** What recording a conversation needs. */
export interface RecordDeps {
  conversations: ConversationStore;
  now: () => Date;
}

/** Stores (merges) what Teams told us about a conversation, stamped with the time now. */
export async function recordConversation(
  deps: RecordDeps,
  update: Omit<ConversationUpdate, 'updatedAt'>,
): Promise<void> {
  await deps.conversations.saveConversation({ ...update, updatedAt: deps.now().toISOString() });
}

/** Stores several conversations of one event with one timestamp (a team's channel list). */
export async function recordConversations(
  deps: RecordDeps,
  updates: readonly Omit<ConversationUpdate, 'updatedAt'>[],
): Promise<void> {
  const updatedAt = deps.now().toISOString();
  for (const update of updates) await deps.conversations.saveConversation({ ...update, updatedAt });
}

/** A team was deleted: its record and every channel of it become inactive (nothing is deleted). */
export async function recordTeamDeleted(
  deps: RecordDeps,
  update: Omit<ConversationUpdate, 'updatedAt'> & { teamId: string },
): Promise<void> {
  const at = deps.now().toISOString();
  await deps.conversations.saveConversation({ ...update, active: false, updatedAt: at });
  await deps.conversations.deactivateTeam(update.teamId, update.lastEvent, at);
}
