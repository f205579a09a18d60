import type { TurnContext } from 'botbuilder';
import { getDeliveryHealth, retryFailedDeliveries } from '../../domain/outbox/delivery-health';
import {
  describeWaiting,
  FAILURE_LABELS,
  type DeliverySummary,
  type FailureReason,
  type OutboxTarget,
} from '../../domain/outbox/outbox';
import type { BotServices } from '../bot-services';
import { cardAnswer, cardMessage } from '../reply';
import type { Handler } from '../router';

const MAX_TARGETS_SHOWN = 10;

async function describeTarget(target: OutboxTarget, services: BotServices): Promise<string> {
  switch (target.kind) {
    case 'channel': {
      const channel = await services.conversations.findChannel(target.teamId, target.channelId);
      const team = (await services.conversations.listTeam(target.teamId)).find(
        (r) => r.kind === 'team',
      );
      return `${channel?.channelName ?? 'a channel'} in ${team?.teamName ?? 'a team'}`;
    }
    case 'personal':
      return (
        (await services.conversations.findPersonal(target.tenantId, target.userAadObjectId))
          ?.userName ?? 'a 1:1 chat'
      );
    case 'user':
      return 'a 1:1 chat';
    case 'groupChat':
      return 'a group chat';
    case 'address':
      return target.address.conversationId;
  }
}

async function renderDelivery(summaries: DeliverySummary[], services: BotServices, note?: string) {
  const jobs = await Promise.all(
    summaries.map(async (s) => {
      const reasons = Object.entries(s.failedByReason).map(
        ([reason, n]) => `${FAILURE_LABELS[reason as FailureReason]}: ${n}`,
      );
      const targets = await Promise.all(
        s.failures.slice(0, MAX_TARGETS_SHOWN).map((f) => describeTarget(f.target, services)),
      );
      const more =
        s.failures.length > MAX_TARGETS_SHOWN
          ? ` and ${s.failures.length - MAX_TARGETS_SHOWN} more`
          : '';
      return {
        jobId: s.jobId,
        sent: String(s.sent),
        waiting: String(s.pending + s.sending),
        failed: String(s.failed),
        duplicates: String(s.possibleDuplicates),
        failureText: [
          describeWaiting(s.waitingBecause),
          s.failed === 0
            ? 'Nothing failed.'
            : `${reasons.join('. ')}. Where: ${targets.join('; ')}${more}.`,
        ]
          .filter(Boolean)
          .join(' '),
        canRetry: s.failed > 0,
      };
    }),
  );
  const intro =
    note ??
    (jobs.length === 0
      ? 'Nothing has been sent yet.'
      : `The ${jobs.length} most recent jobs, newest first.`);
  return services.renderCard('delivery', { intro, jobs });
}

/** `delivery`: sent, waiting and failed messages per job, for administrators. */
export const sendDelivery: Handler = async (context, { services }) => {
  const summaries = await getDeliveryHealth(services, context.activity.from.aadObjectId);
  await context.sendActivity(
    cardMessage(await renderDelivery(summaries, services), 'Delivery health'),
  );
};

/** The "Retry the failed ones" button: re-queues only that job's failures and shows the refreshed card. */
export const retryFailedAction: Handler = async (context, { services }) => {
  const jobId = readJobId(context);
  const userId = context.activity.from.aadObjectId;
  const count = await retryFailedDeliveries(services, userId, jobId);
  const card = await renderDelivery(
    await getDeliveryHealth(services, userId),
    services,
    `Queued ${count} failed message${count === 1 ? '' : 's'} of ${String(jobId)} again.`,
  );
  if (context.activity.type === 'invoke') return cardAnswer(card);
  await context.sendActivity(cardMessage(card, 'Delivery health'));
  return undefined;
};

function readJobId(context: TurnContext): unknown {
  const value = context.activity.value as
    { action?: { data?: { jobId?: unknown } }; jobId?: unknown } | undefined;
  return value?.action?.data?.jobId ?? value?.jobId;
}
