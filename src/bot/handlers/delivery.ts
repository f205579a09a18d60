import type { TurnContext } from 'botbuilder';
import { MAX_ENTRIES_READ } from '../../domain/outbox/delivery-health';
import type { DeliveryReport } from '../../domain/outbox/describe-delivery';
import { describeWaiting, FAILURE_LABELS, type FailureReason } from '../../domain/outbox/outbox';
import type { BotServices } from '../bot-services';
import { cardAnswer, cardMessage } from '../reply';
import type { Handler } from '../router';

function renderDelivery(reports: DeliveryReport[], services: BotServices, note?: string) {
  const jobs = reports.map((s) => {
    const reasons = Object.entries(s.failedByReason).map(
      ([reason, n]) => `${FAILURE_LABELS[reason as FailureReason]}: ${n}`,
    );
    const more =
      s.failures.length > s.failedWhere.length
        ? ` and ${s.failures.length - s.failedWhere.length} more`
        : '';
    return {
      jobId: s.jobId,
      sent: String(s.sent),
      waiting: String(s.pending + s.sending),
      failed: String(s.failed),
      duplicates: String(s.possibleDuplicates),
      failureText: [
        s.partial
          ? `Counted from the first ${MAX_ENTRIES_READ.toLocaleString('en-GB')} messages.`
          : '',
        describeWaiting(s.waitingBecause),
        s.failed === 0
          ? 'Nothing failed.'
          : `${reasons.join('. ')}. Where: ${s.failedWhere.join('; ')}${more}.`,
      ]
        .filter(Boolean)
        .join(' '),
      canRetry: s.failed > 0,
    };
  });
  const intro =
    note ??
    (jobs.length === 0
      ? 'Nothing has been sent yet.'
      : `The ${jobs.length} most recent jobs with messages in your scope, newest first.`);
  return services.renderCard('delivery', { intro, jobs });
}

/** `delivery`: sent, waiting and failed messages per job, for administrators. */
export const sendDelivery: Handler = async (context, { services }) => {
  const reports = await services.getDeliveryReport(context.activity.from.aadObjectId);
  await context.sendActivity(cardMessage(renderDelivery(reports, services), 'Delivery health'));
};

/** The "Retry the failed ones" button: re-queues only that job's failures and shows the refreshed card. */
export const retryFailedAction: Handler = async (context, { services }) => {
  const jobId = readJobId(context);
  const userId = context.activity.from.aadObjectId;
  const count = await services.retryFailedDeliveries(userId, jobId);
  const card = renderDelivery(
    await services.getDeliveryReport(userId),
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
