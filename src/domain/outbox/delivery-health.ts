import { isWithin, requireAdministrator } from '../access/authorise';
import type { Organisation, OrganisationStore } from '../access/organisations';
import { ENGLAND, type RoleStore } from '../access/roles';
import { InvalidInputError } from '../shared/errors';
import {
  summariseDelivery,
  type DeliverySummary,
  type OutboxEntry,
  type OutboxStore,
} from './outbox';

/** The stores delivery health needs. */
export interface DeliveryHealthDeps {
  outbox: OutboxStore;
  roles: RoleStore;
  organisations: OrganisationStore;
  now: () => Date;
}

const REFUSAL =
  'Delivery health is for administrators. Ask an administrator to grant you the role if you need it.';

// Reading is bounded: the newest jobs only, and a job's entries up to a cap (without payloads).
/** How many of the newest jobs are looked through for ones in the administrator's scope. */
export const MAX_JOBS_EXAMINED = 50;
/** How many entries of one job are read for its figures (a nudge day for England is ~5,000). */
export const MAX_ENTRIES_READ = 20_000;

/** A job's delivery figures; `partial` when it had more entries than were read. */
export type ScopedSummary = DeliverySummary & { partial: boolean };

/**
 * Which entries an administrator may see and retry: all for an England-wide administrator;
 * otherwise those about an organisation within one of theirs (entries about no organisation are
 * England's).
 */
async function readScope(
  deps: DeliveryHealthDeps,
  userId: string | undefined,
): Promise<(entry: OutboxEntry) => Promise<boolean>> {
  await requireAdministrator(deps.roles, userId, 'anywhere', REFUSAL);
  const scopes = (await deps.roles.listRolesOfUser(userId ?? ''))
    .filter((g) => g.role === 'administrator')
    .map((g) => g.orgCode);
  if (scopes.includes(ENGLAND)) return async () => true;
  const orgs = new Map<string, Promise<Organisation | undefined>>();
  return async (entry) => {
    if (!entry.orgCode) return false;
    let org = orgs.get(entry.orgCode);
    if (!org) orgs.set(entry.orgCode, (org = deps.organisations.getOrganisation(entry.orgCode)));
    const found = await org;
    return found !== undefined && scopes.some((code) => isWithin(found, code));
  };
}

/**
 * Sent / pending / failed counts of the `limit` newest jobs with messages in the
 * administrator's scope, counting only those messages.
 */
export async function getDeliveryHealth(
  deps: DeliveryHealthDeps,
  userId: string | undefined,
  limit = 5,
): Promise<ScopedSummary[]> {
  const inScope = await readScope(deps, userId);
  const summaries: ScopedSummary[] = [];
  for (const jobId of (await deps.outbox.listJobs()).slice(0, MAX_JOBS_EXAMINED)) {
    if (summaries.length >= limit) break;
    const { entries, complete } = await deps.outbox.listEntrySummaries(jobId, MAX_ENTRIES_READ);
    const mine: OutboxEntry[] = [];
    for (const entry of entries) if (await inScope(entry)) mine.push(entry);
    if (mine.length > 0) summaries.push({ ...summariseDelivery(jobId, mine), partial: !complete });
  }
  return summaries;
}

/**
 * Queues again the failed entries in the administrator's scope of one job, or of every job when
 * `jobId` is undefined (not just the few newest the delivery card shows); returns how many.
 */
export async function retryFailedDeliveries(
  deps: DeliveryHealthDeps,
  userId: string | undefined,
  jobId: unknown,
): Promise<number> {
  const inScope = await readScope(deps, userId);
  if (jobId === undefined) {
    let count = 0;
    for (const job of await deps.outbox.listJobs())
      count += await deps.outbox.requeueFailed(job, deps.now(), inScope);
    return count;
  }
  if (typeof jobId !== 'string' || jobId.trim() === '')
    throw new InvalidInputError(
      'Which job? The button did not say; refresh the delivery card and try again.',
    );
  return deps.outbox.requeueFailed(jobId, deps.now(), inScope);
}
