import type { CampaignStore } from '../checklists/campaigns';
import type { EventHistory } from '../items/item-store';
import type { JobRunHistory } from '../jobs/job-runs';
import type { OutboxHistory, OutboxStore } from '../outbox/outbox';
import {
  findCutoffs,
  isHistoryExpired,
  isJobRunExpired,
  isOutboxEntryExpired,
  isOutboxJobKept,
  type RetentionCutoffs,
  type RetentionPolicy,
} from './retention-rules';

/** The scheduled job's name (run records, POST /api/jobs/purge). */
export const PURGE_JOB = 'purge';

/** Rows read per page: small enough to keep memory flat, large enough to be quick. */
export const PURGE_PAGE_SIZE = 200;

/** What the purge reads and deletes. */
export interface PurgeDeps {
  campaigns: CampaignStore;
  outbox: Pick<OutboxStore, 'listJobs'> & OutboxHistory;
  jobRuns: JobRunHistory;
  items: EventHistory;
}

/** What one purge run did (stored with the run record). */
export interface PurgeSummary {
  cutoffs: RetentionCutoffs;
  outboxEntriesDeleted: number;
  outboxJobsDeleted: number;
  /** Card jobs of campaigns still open (or closed within the outbox period), left whole. */
  outboxJobsKept: number;
  jobRunsDeleted: number;
  statusEventsDeleted: number;
  /** Closed campaigns whose history was past retention (their events are gone now). */
  campaignsPurged: string[];
  /** Campaigns whose history is kept because they run (or closed too recently). */
  campaignsKept: number;
  pagesRead: number;
  [key: string]: unknown;
}

/**
 * Deletes what is past retention: finished outbox entries, finished job runs, and the status
 * events of campaigns closed long enough ago. It reads a page at a time and deletes what that
 * page holds, checking `signal` between pages, so it never holds a table in memory and stops
 * soon when asked. Idempotent: a second run (or a resumed one) finds nothing more to delete.
 */
export async function runPurge(
  deps: PurgeDeps,
  policy: RetentionPolicy,
  input: { now: Date; signal?: AbortSignal; pageSize?: number },
): Promise<PurgeSummary> {
  const cutoffs = findCutoffs(policy, input.now);
  const size = input.pageSize ?? PURGE_PAGE_SIZE;
  const summary: PurgeSummary = {
    cutoffs,
    outboxEntriesDeleted: 0,
    outboxJobsDeleted: 0,
    outboxJobsKept: 0,
    jobRunsDeleted: 0,
    statusEventsDeleted: 0,
    campaignsPurged: [],
    campaignsKept: 0,
    pagesRead: 0,
  };
  // Reads pages until the last, deleting what each page holds past retention.
  const purgePages = async <T>(
    read: (cursor: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
    expired: (item: T) => boolean,
    remove: (items: T[]) => Promise<number>,
  ): Promise<number> => {
    let deleted = 0;
    let cursor: string | undefined;
    do {
      input.signal?.throwIfAborted();
      const page = await read(cursor);
      summary.pagesRead += 1;
      const gone = page.items.filter(expired);
      if (gone.length > 0) deleted += await remove(gone);
      cursor = page.next;
    } while (cursor);
    return deleted;
  };

  const campaigns = await deps.campaigns.listCampaigns();
  for (const jobId of await deps.outbox.listJobs()) {
    if (isOutboxJobKept(jobId, campaigns, cutoffs)) {
      summary.outboxJobsKept += 1;
      continue;
    }
    summary.outboxEntriesDeleted += await purgePages(
      (cursor) => deps.outbox.listEntriesPage(jobId, { size, ...(cursor ? { cursor } : {}) }),
      (entry) => isOutboxEntryExpired(entry, cutoffs),
      (entries) =>
        deps.outbox.deleteEntries(
          jobId,
          entries.map((e) => e.dedupeKey),
        ),
    );
    if (await deps.outbox.deleteJobIfEmpty(jobId)) summary.outboxJobsDeleted += 1;
  }

  summary.jobRunsDeleted = await purgePages(
    (cursor) => deps.jobRuns.listRunsPage({ size, ...(cursor ? { cursor } : {}) }),
    (run) => isJobRunExpired(run, cutoffs),
    (runs) => deps.jobRuns.deleteRuns(runs),
  );

  for (const campaign of campaigns) {
    if (!isHistoryExpired(campaign, cutoffs)) {
      summary.campaignsKept += 1;
      continue;
    }
    const deleted = await purgePages(
      (cursor) => deps.items.listEventsPage(campaign.id, { size, ...(cursor ? { cursor } : {}) }),
      () => true,
      (events) => deps.items.deleteEvents(events),
    );
    summary.statusEventsDeleted += deleted;
    if (deleted > 0) summary.campaignsPurged.push(campaign.id);
  }
  return summary;
}
