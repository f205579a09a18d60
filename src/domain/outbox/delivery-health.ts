import { requireAdministrator } from '../access/authorise';
import { InvalidInputError } from '../shared/errors';
import { summariseDelivery, type DeliverySummary, type OutboxStore } from './outbox';
import type { RoleStore } from '../access/roles';

/** The stores delivery health needs. */
export interface DeliveryHealthDeps {
  outbox: OutboxStore;
  roles: RoleStore;
  now: () => Date;
}

const REFUSAL =
  'Delivery health is for administrators. Ask an administrator to grant you the role if you need it.';

/** Sent / pending / failed counts of the most recent jobs, for an administrator. */
export async function getDeliveryHealth(
  deps: DeliveryHealthDeps,
  userId: string | undefined,
  limit = 5,
): Promise<DeliverySummary[]> {
  await requireAdministrator(deps.roles, userId, 'anywhere', REFUSAL);
  const jobs = (await deps.outbox.listJobs()).slice(0, limit);
  return Promise.all(
    jobs.map(async (jobId) => summariseDelivery(jobId, await deps.outbox.listEntries(jobId))),
  );
}

/**
 * Queues again only the failed entries of one job, or of every job when `jobId` is undefined
 * (not just the few newest the delivery card shows); returns how many.
 */
export async function retryFailedDeliveries(
  deps: DeliveryHealthDeps,
  userId: string | undefined,
  jobId: unknown,
): Promise<number> {
  await requireAdministrator(deps.roles, userId, 'anywhere', REFUSAL);
  if (jobId === undefined) {
    let count = 0;
    for (const job of await deps.outbox.listJobs())
      count += await deps.outbox.requeueFailed(job, deps.now());
    return count;
  }
  if (typeof jobId !== 'string' || jobId.trim() === '')
    throw new InvalidInputError(
      'Which job? The button did not say; refresh the delivery card and try again.',
    );
  return deps.outbox.requeueFailed(jobId, deps.now());
}
