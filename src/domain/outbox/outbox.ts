import type { DeliveryAddress } from '../channels/conversations';
import type { Page, PageRequest } from '../shared/pages';

/** What a proactive send does: post a new message, replace or delete a posted one, or message a user 1:1. */
export type OutboxKind = 'send' | 'update' | 'delete';

/** An entry's life: waiting, being sent (leased to one sender), sent, or failed for good. */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed';

/** Who a message goes to; resolved to a stored conversation reference when it is sent. */
export type OutboxTarget =
  | { kind: 'channel'; teamId: string; channelId: string }
  | { kind: 'personal'; tenantId: string; userAadObjectId: string }
  | { kind: 'groupChat'; conversationId: string }
  /** A 1:1 chat that may not exist yet: created on first send (Teams user id `29:…`). */
  | { kind: 'user'; tenantId: string; serviceUrl: string; botId: string; userId: string }
  | { kind: 'address'; address: DeliveryAddress };

/** Why an entry failed for good. */
export type FailureReason =
  | 'no_conversation_reference'
  | 'payload_too_large'
  | 'bot_blocked_or_removed'
  | 'conversation_not_found'
  | 'activity_not_found'
  | 'rejected_by_teams'
  | 'gave_up_after_retries'
  | 'not_reachable_1to1';

/** Plain-English explanations of failure reasons, for administrators. */
export const FAILURE_LABELS: Record<FailureReason, string> = {
  no_conversation_reference:
    'The bot has no stored conversation for this target (is it installed there?)',
  payload_too_large: 'The message is over the 40 KB size budget',
  bot_blocked_or_removed: 'Teams refused (403): the bot was blocked or removed',
  conversation_not_found: 'Teams says the conversation no longer exists (404)',
  activity_not_found: 'The message to update or delete no longer exists (404)',
  rejected_by_teams: 'Teams rejected the message as invalid (400)',
  gave_up_after_retries: 'Teams kept failing; gave up after the maximum number of tries',
  not_reachable_1to1:
    'Not reachable 1:1: the person has never opened the bot and it could not start a chat with them. Ask them to open the bot in Teams once, or turn on GRAPH_INSTALL_FOR_USERS with the Graph permission TeamsAppInstallation.ReadWriteSelfForUser.All (see the administration guide)',
};

/** Plain-English reasons why messages are still waiting, for administrators. */
export const WAITING_LABELS: Record<keyof DeliverySummary['waitingBecause'], string> = {
  auth: "waiting because Teams refuses the bot's credentials (401): renew the app secret or fix the bot identity; nothing is given up meanwhile",
  outage: 'waiting out a Teams or network outage; they are sent when it ends',
  throttled: 'waiting because Teams (or Microsoft Graph) asked the bot to slow down (429)',
};

/** One sentence per reason messages wait ("" when none do). */
export function describeWaiting(waiting: DeliverySummary['waitingBecause']): string {
  return Object.entries(waiting)
    .map(([why, n]) => `${n} ${WAITING_LABELS[why as keyof typeof WAITING_LABELS]}.`)
    .join(' ');
}

/** One proactive message, as stored: durable, deduplicated, and claimed by one sender at a time. */
export interface OutboxEntry {
  /** The campaign or job it belongs to (e.g. "campaign:demo-qz1", "nudges", "digests"). */
  jobId: string;
  /** Chosen by the caller; enqueueing the same key in the same job twice does nothing. */
  dedupeKey: string;
  kind: OutboxKind;
  target: OutboxTarget;
  /** For update and delete: the activity id Teams gave the posted message. */
  activityId?: string;
  /**
   * For update and delete when the id is not known yet: the dedupe key of the `send` entry (same
   * job) that posts the message; the sender waits until it is sent and uses its activity id.
   */
  activityOf?: string;
  /** The activity to send (text, attachments, summary); absent for delete. */
  payload?: Record<string, unknown>;
  state: OutboxState;
  /** Times it was claimed to be sent (every copy of a redrawn card, 429s included). */
  attempts: number;
  /**
   * Failures that count towards giving up since it was last sent: 5xx, 408, 412 and network
   * errors outside an outage. 429s, 401s and failures while the sender is paused do not count.
   */
  failures?: number;
  /** When it may next be tried (ISO time). */
  nextAttemptAt: string;
  /** While sending: when the claim lapses and another sender may take it over. */
  leaseUntil?: string;
  claimedBy?: string;
  /** For sent entries: the id Teams returned (store it to update or delete the card later). */
  sentActivityId?: string;
  /** The conversation actually used (for 1:1 chats created on first send). */
  sentConversationId?: string;
  sentAt?: string;
  failure?: { reason: FailureReason; status?: number; detail?: string };
  /** Last transient error, for diagnosis while it is still being retried. */
  lastError?: string;
  /** Times it was taken over after a sender stopped mid-send: each may have been a duplicate. */
  takeovers: number;
  createdAt: string;
  /**
   * The organisation the message is about (a channel's linked organisation, a reminder's, a
   * digest's region): delivery health shows it only to administrators whose scope reaches it.
   */
  orgCode?: string;
  /**
   * Where it was queued among entries queued at the same time (a zero-padded counter): entries
   * due together are sent in the order they were queued, so one job's cards reach a channel in
   * the order the job put them, not in the order of their keys.
   */
  sequence?: string;
  /** Opaque concurrency token from storage. */
  etag?: string;
}

/** What the caller gives to enqueue a message. */
export interface OutboxRequest {
  jobId: string;
  dedupeKey: string;
  kind: OutboxKind;
  target: OutboxTarget;
  activityId?: string;
  activityOf?: string;
  payload?: Record<string, unknown>;
  /** The organisation the message is about (see OutboxEntry.orgCode). */
  orgCode?: string;
}

/** Counts for one job, for the delivery health view. */
export interface DeliverySummary {
  jobId: string;
  total: number;
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  failedByReason: Partial<Record<FailureReason, number>>;
  /** Entries taken over after a crash: each may have reached Teams twice. */
  possibleDuplicates: number;
  /**
   * Why waiting entries wait, from their last error: `auth` (Teams refused the bot's token, 401:
   * an operator must fix the identity), `outage` (5xx or network errors) or `throttled` (429).
   */
  waitingBecause: Partial<Record<'auth' | 'outage' | 'throttled', number>>;
  failures: {
    dedupeKey: string;
    target: OutboxTarget;
    reason: FailureReason;
    status?: number;
    /** What Teams or Graph said, or why a person is not reachable 1:1. */
    detail?: string;
  }[];
}

/** Port: the durable outbox. */
export interface OutboxStore {
  /**
   * Stores a new entry. Returns 'duplicate' when the key exists (nothing changes) — except for
   * coalesced updates, where the newest payload replaces a waiting one ('coalesced').
   */
  enqueue(
    request: OutboxRequest,
    options: { now: Date; coalesce?: boolean; failure?: OutboxEntry['failure'] },
  ): Promise<'enqueued' | 'duplicate' | 'coalesced'>;
  /**
   * Entries whose time has come (pending, or sending with a lapsed lease), oldest first, leaving
   * out `exclude` (keys made by `entryKeyOf`: the ones the caller already holds) before reading.
   */
  listDue(now: Date, limit: number, exclude?: ReadonlySet<string>): Promise<OutboxEntry[]>;
  /** Takes an entry for `leaseMs`; undefined when another sender got it first. */
  claim(
    entry: OutboxEntry,
    senderId: string,
    now: Date,
    leaseMs: number,
  ): Promise<OutboxEntry | undefined>;
  /** Records a successful send; false if the entry changed meanwhile (a newer update arrived). */
  markSent(
    entry: OutboxEntry,
    result: { activityId?: string; conversationId?: string },
    now: Date,
  ): Promise<boolean>;
  /** Puts an entry back to wait until `nextAttemptAt`; `countFailure` adds one to its failures. */
  markRetry(
    entry: OutboxEntry,
    nextAttemptAt: Date,
    error: string,
    options?: { countFailure?: boolean },
  ): Promise<boolean>;
  /** Records a failure for good. */
  markFailed(
    entry: OutboxEntry,
    failure: NonNullable<OutboxEntry['failure']>,
    now: Date,
  ): Promise<boolean>;
  /** Reads one entry. */
  getEntry(jobId: string, dedupeKey: string): Promise<OutboxEntry | undefined>;
  /** Every entry of a job (for delivery health; not a hot path). */
  listEntries(jobId: string): Promise<OutboxEntry[]>;
  /** The jobs that have entries, newest first. */
  listJobs(): Promise<string[]>;
  /**
   * A job's entries without their payloads (the delivery health view), at most `maxRows`;
   * `complete` is false when there were more.
   */
  listEntrySummaries(
    jobId: string,
    maxRows: number,
  ): Promise<{ entries: OutboxEntry[]; complete: boolean }>;
  /** Makes failed entries of a job pending again (only those `only` accepts); returns how many. */
  requeueFailed(
    jobId: string,
    now: Date,
    only?: (entry: OutboxEntry) => boolean | Promise<boolean>,
  ): Promise<number>;
  /**
   * Stores many new `send` entries in transactions of up to 100 rows per job; a key that exists
   * (or repeats in the list) is skipped as 'duplicate'. Outcomes are in the order of `requests`.
   */
  enqueueMany(
    requests: readonly OutboxRequest[],
    options: { now: Date },
  ): Promise<('enqueued' | 'duplicate')[]>;
}

/** Port: the outbox's history, worked through page by page by the retention purge (never a request path). */
export interface OutboxHistory {
  /** One page of a job's entries (not its queue rows), in key order. */
  listEntriesPage(jobId: string, page: PageRequest): Promise<Page<OutboxEntry>>;
  /** Deletes entries of one job by dedupe key; entries already gone are skipped. Returns how many went. */
  deleteEntries(jobId: string, dedupeKeys: readonly string[]): Promise<number>;
  /** Forgets a job with no entries left and no work waiting; false when it still has some. */
  deleteJobIfEmpty(jobId: string): Promise<boolean>;
}

/** One key for an entry across jobs (for sets of entries held in memory). */
export function entryKeyOf(entry: Pick<OutboxEntry, 'jobId' | 'dedupeKey'>): string {
  return `${entry.jobId}\u0000${entry.dedupeKey}`;
}

/** Teams' message size budget (40 KB counted as UTF-16). */
export const PAYLOAD_BUDGET_BYTES = 40 * 1024;

/** Size of a payload as Teams counts it. */
export function measurePayloadBytes(payload: unknown): number {
  return JSON.stringify(payload ?? {}).length * 2;
}

/** Adds up a job's entries into a DeliverySummary. */
export function summariseDelivery(jobId: string, entries: readonly OutboxEntry[]): DeliverySummary {
  const summary: DeliverySummary = {
    jobId,
    total: entries.length,
    pending: 0,
    sending: 0,
    sent: 0,
    failed: 0,
    failedByReason: {},
    possibleDuplicates: 0,
    waitingBecause: {},
    failures: [],
  };
  for (const e of entries) {
    summary[e.state] += 1;
    const waiting = e.state === 'pending' && e.lastError ? waitingReason(e.lastError) : undefined;
    if (waiting) summary.waitingBecause[waiting] = (summary.waitingBecause[waiting] ?? 0) + 1;
    summary.possibleDuplicates += e.takeovers;
    if (e.state === 'failed' && e.failure) {
      summary.failedByReason[e.failure.reason] =
        (summary.failedByReason[e.failure.reason] ?? 0) + 1;
      summary.failures.push({
        dedupeKey: e.dedupeKey,
        target: e.target,
        reason: e.failure.reason,
        ...(e.failure.status ? { status: e.failure.status } : {}),
        ...(e.failure.detail ? { detail: e.failure.detail } : {}),
      });
    }
  }
  return summary;
}

// Last errors are written as "<status or network> <detail>" by the sender.
function waitingReason(lastError: string): 'auth' | 'outage' | 'throttled' | undefined {
  const head = lastError.split(' ', 1)[0] ?? '';
  if (head === '401') return 'auth';
  if (head === '429') return 'throttled';
  if (head === 'network' || /^(408|5\d\d)$/.test(head)) return 'outage';
  return undefined;
}
