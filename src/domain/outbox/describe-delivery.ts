import { escapeMarkdown } from '../shared/escape-markdown';
import type { ConversationStore } from '../channels/conversations';
import type { RosterStore } from '../channels/rosters';
import { getDeliveryHealth, type DeliveryHealthDeps, type ScopedSummary } from './delivery-health';
import type { OutboxTarget } from './outbox';

/** How many failed places a job's report names; the rest are counted. */
export const MAX_TARGETS_NAMED = 10;

/** One job's delivery figures with its failed places named as people read them. */
export interface DeliveryReport extends ScopedSummary {
  /** "Practice updates in PCN Team", "Dr A Smith", "a group chat"… for the first failures. */
  failedWhere: string[];
}

/** Where delivery health looks up names: stored conversations, and the rosters for people never met. */
interface NameSources {
  conversations: ConversationStore;
  rosters?: Pick<RosterStore, 'getPerson'>;
}

async function nameTarget(
  { conversations, rosters }: NameSources,
  target: OutboxTarget,
): Promise<string> {
  switch (target.kind) {
    case 'channel': {
      const channel = await conversations.findChannel(target.teamId, target.channelId);
      const team = (await conversations.listTeam(target.teamId)).find((r) => r.kind === 'team');
      return `${channel?.channelName ? escapeMarkdown(channel.channelName) : 'a channel'} in ${team?.teamName ? escapeMarkdown(team.teamName) : 'a team'}`;
    }
    case 'personal':
      // Someone the bot could not reach 1:1 has no chat to name them by: the roster may.
      return escapeMarkdown(
        (await conversations.findPersonal(target.tenantId, target.userAadObjectId))?.userName ??
          (await rosters?.getPerson(target.userAadObjectId))?.name ??
          'a 1:1 chat',
      );
    case 'user':
      return 'a 1:1 chat';
    case 'groupChat':
      return 'a group chat';
    case 'address':
      return escapeMarkdown(target.address.conversationId);
  }
}

/** Delivery health for an administrator, with each job's failed places named. */
export async function getDeliveryReport(
  deps: DeliveryHealthDeps & NameSources,
  userId: string | undefined,
): Promise<DeliveryReport[]> {
  const summaries = await getDeliveryHealth(deps, userId);
  return Promise.all(
    summaries.map(async (summary) => ({
      ...summary,
      failedWhere: await Promise.all(
        summary.failures.slice(0, MAX_TARGETS_NAMED).map((f) => nameTarget(deps, f.target)),
      ),
    })),
  );
}
