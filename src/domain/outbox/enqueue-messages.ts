import { enqueueMessage, type EnqueueOutcome } from './enqueue-message';
import {
  measurePayloadBytes,
  PAYLOAD_BUDGET_BYTES,
  type OutboxRequest,
  type OutboxStore,
} from './outbox';

/**
 * Puts many proactive messages in the outbox at once (a nudge run, a launch's cards): new posts
 * within Teams' budget go in batched transactions, anything else (updates, which coalesce, and
 * payloads over the budget, which are recorded as failed) one by one as enqueueMessage does.
 * Outcomes are in the order of `requests`; an existing dedupe key is a 'duplicate', as always.
 */
export async function enqueueMessages(
  deps: { outbox: OutboxStore; now: () => Date },
  requests: readonly OutboxRequest[],
): Promise<EnqueueOutcome[]> {
  const outcomes: EnqueueOutcome[] = new Array<EnqueueOutcome>(requests.length);
  const batched: number[] = [];
  for (const [index, request] of requests.entries()) {
    const plainPost =
      request.kind === 'send' &&
      request.jobId.trim() !== '' &&
      request.dedupeKey.trim() !== '' &&
      request.payload !== undefined &&
      measurePayloadBytes(request.payload) <= PAYLOAD_BUDGET_BYTES;
    if (plainPost) batched.push(index);
    // Validation and the failed-entry record stay in one place: enqueueMessage.
    else outcomes[index] = await enqueueMessage(deps, request);
  }
  if (batched.length > 0) {
    const stored = await deps.outbox.enqueueMany(
      batched.map((index) => requests[index]!),
      { now: deps.now() },
    );
    for (const [position, index] of batched.entries()) outcomes[index] = stored[position]!;
  }
  return outcomes;
}
