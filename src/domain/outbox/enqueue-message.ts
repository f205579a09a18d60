import { InvalidInputError } from '../shared/errors';
import {
  measurePayloadBytes,
  PAYLOAD_BUDGET_BYTES,
  type OutboxRequest,
  type OutboxStore,
} from './outbox';

/** What enqueueMessage did with a request. */
export type EnqueueOutcome = 'enqueued' | 'duplicate' | 'coalesced' | 'too_large';

/**
 * Puts a proactive message in the outbox. A payload over Teams' 40 KB budget is recorded as a
 * failed entry with that reason (so delivery health shows it) and is never sent. Updates of one
 * posted card coalesce: the newest state replaces one still waiting.
 */
export async function enqueueMessage(
  deps: { outbox: OutboxStore; now: () => Date },
  request: OutboxRequest,
): Promise<EnqueueOutcome> {
  if (!request.jobId.trim() || !request.dedupeKey.trim())
    throw new InvalidInputError('A message needs a job id and a dedupe key.');
  if (
    (request.kind === 'update' || request.kind === 'delete') &&
    !request.activityId &&
    !request.activityOf
  ) {
    throw new InvalidInputError(`An ${request.kind} needs the activity id of the posted message.`);
  }
  if (request.kind !== 'delete' && !request.payload)
    throw new InvalidInputError('A message needs a payload.');
  const bytes = measurePayloadBytes(request.payload);
  if (bytes > PAYLOAD_BUDGET_BYTES) {
    const outcome = await deps.outbox.enqueue(request, {
      now: deps.now(),
      failure: {
        reason: 'payload_too_large',
        detail: `${bytes} bytes (UTF-16); the budget is ${PAYLOAD_BUDGET_BYTES}`,
      },
    });
    return outcome === 'duplicate' ? 'duplicate' : 'too_large';
  }
  return deps.outbox.enqueue(request, { now: deps.now(), coalesce: request.kind === 'update' });
}
