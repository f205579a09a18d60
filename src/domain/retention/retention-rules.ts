import type { Campaign } from '../checklists/campaigns';
import type { JobRun } from '../jobs/job-runs';
import type { OutboxEntry } from '../outbox/outbox';
import { cardJobId } from '../cards/deliver-cards';

/** How long stored history is kept, in days (the RETENTION_* settings). */
export interface RetentionPolicy {
  /** Sent and failed outbox entries, from when they finished. */
  outboxDays: number;
  /** Finished job runs, from when they finished. */
  jobRunsDays: number;
  /** Status events, from when their campaign closed; kept for as long as it runs. */
  historyDaysAfterClose: number;
}

/** The moments before which each kind of history is past retention. */
export interface RetentionCutoffs {
  outbox: string;
  jobRuns: string;
  history: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Works out the cutoffs (UTC ISO times) for a purge run at `now`. */
export function findCutoffs(policy: RetentionPolicy, now: Date): RetentionCutoffs {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  return {
    outbox: before(policy.outboxDays),
    jobRuns: before(policy.jobRunsDays),
    history: before(policy.historyDaysAfterClose),
  };
}

/**
 * True when an outbox entry may be deleted: it is finished (sent or failed) and finished before
 * the cutoff. Waiting and in-flight entries are work, never history.
 */
export function isOutboxEntryExpired(entry: OutboxEntry, cutoffs: RetentionCutoffs): boolean {
  if (entry.state !== 'sent' && entry.state !== 'failed') return false;
  // An entry refused when it was queued (too large) never got a send time: it ended at creation.
  return (entry.sentAt ?? entry.createdAt) < cutoffs.outbox;
}

/**
 * True when a whole outbox job is kept whatever the age of its entries: a campaign's card job
 * while the campaign is open, and until the outbox period has passed since it closed. Its `post`
 * entries hold the id of each card posted in a channel; every later change edits that card in
 * place through them, so deleting them would post every card a second time.
 */
export function isOutboxJobKept(
  jobId: string,
  campaigns: readonly Campaign[],
  cutoffs: RetentionCutoffs,
): boolean {
  const campaign = campaigns.find((c) => cardJobId(c.id) === jobId);
  if (!campaign) return false;
  if (campaign.status !== 'closed') return true;
  return (campaign.closedAt ?? '') >= cutoffs.outbox;
}

/** True when a job run may be deleted: it finished (succeeded or failed) before the cutoff. */
export function isJobRunExpired(run: JobRun, cutoffs: RetentionCutoffs): boolean {
  if (run.status === 'running') return false;
  return (run.finishedAt ?? run.heartbeatAt) < cutoffs.jobRuns;
}

/**
 * True when a campaign's status history may be deleted: it closed before the history cutoff.
 * A running or draft campaign keeps all of it, however old; a closed one with no closing time
 * (written before closing times were kept) is kept rather than guessed at.
 */
export function isHistoryExpired(campaign: Campaign, cutoffs: RetentionCutoffs): boolean {
  return campaign.status === 'closed' && !!campaign.closedAt && campaign.closedAt < cutoffs.history;
}
