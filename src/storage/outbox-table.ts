import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type {
  OutboxEntry,
  OutboxHistory,
  OutboxRequest,
  OutboxStore,
} from '../domain/outbox/outbox';
import type { Page, PageRequest } from '../domain/shared/pages';
import { deleteRows, MAX_BATCH, runWithLimit } from './run-batches';
import { encodeKey } from './keys';
import {
  partitionFilter,
  prefixFilter,
  readRow,
  readPage,
  readRows,
  readText,
  type StoredRow,
} from './read-rows';
import { statusOf, translateStorageError } from './storage-errors';

/** Table of the proactive outbox; see KEYS.md. */
export const OUTBOX_TABLE = 'Outbox';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

const JOBS = 'jobs';
// Entry fields stored as plain text columns when present.
const OPTIONAL_TEXT = [
  'activityId',
  'activityOf',
  'leaseUntil',
  'claimedBy',
  'sentActivityId',
  'sentConversationId',
  'sentAt',
  'lastError',
  'orgCode',
  'sequence',
] as const;

// Every entry column but the payload: what the delivery health view reads.
const SUMMARY_COLUMNS = [
  'jobId',
  'dedupeKey',
  'kind',
  'target',
  'state',
  'attempts',
  'failures',
  'nextAttemptAt',
  'takeovers',
  'createdAt',
  'failure',
  'queueKey',
  ...OPTIONAL_TEXT,
];

// Entries queued in one instant (a job putting a channel's cards) share a queue time; this counter
// keeps their queue rows in the order they were queued. Across processes the time orders them.
let queued = 0;
function nextSequence(): string {
  queued = (queued + 1) % 1e12;
  return String(queued).padStart(12, '0');
}

/** Azure Tables implementation of OutboxStore: entries and their queue rows share a partition per job. */
export class OutboxTable implements OutboxStore, OutboxHistory {
  constructor(private readonly table: TableClient) {}

  async enqueue(
    request: OutboxRequest,
    options: { now: Date; coalesce?: boolean; failure?: OutboxEntry['failure'] },
  ): Promise<'enqueued' | 'duplicate' | 'coalesced'> {
    const now = options.now.toISOString();
    const entry: OutboxEntry = {
      ...request,
      state: options.failure ? 'failed' : 'pending',
      attempts: 0,
      nextAttemptAt: now,
      takeovers: 0,
      createdAt: now,
      sequence: nextSequence(),
      ...(options.failure ? { failure: options.failure } : {}),
    };
    if (options.failure?.reason === 'payload_too_large') delete entry.payload; // too big to keep; the failure says why
    // The job is marked active only once its queue row exists: a sender that finds the job idle
    // just before would otherwise retire it after this touch and never see the new row.
    // A card is redrawn many times under one key: replace what is there without a doomed create.
    if (options.coalesce && (await this.coalesce(request, now))) {
      await this.touchJob(request.jobId, now);
      return 'coalesced';
    }
    const actions: TransactionAction[] = [['create', toRow(entry)]];
    if (entry.state === 'pending') actions.push(['create', queueRow(entry, now)]);
    try {
      await this.table.submitTransaction(actions);
      await this.touchJob(request.jobId, now);
      return 'enqueued';
    } catch (error) {
      if (statusOf(error) !== 409) throw translateStorageError(error);
    }
    if (!options.coalesce) return 'duplicate';
    if (await this.coalesce(request, now)) {
      await this.touchJob(request.jobId, now);
      return 'coalesced';
    }
    throw translateStorageError(new Error('could not coalesce the update after 5 tries'));
  }

  /** The latest state of a card wins: puts the newest payload in place of whatever was there. */
  private async coalesce(request: OutboxRequest, now: string): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const existing = await this.getEntry(request.jobId, request.dedupeKey);
      if (!existing) return false;
      const next: OutboxEntry = { ...existing, state: 'pending', nextAttemptAt: now };
      if (request.payload) next.payload = request.payload;
      if (request.activityId) next.activityId = request.activityId;
      delete next.failure;
      delete next.leaseUntil;
      if (await this.transition(existing, next, now)) return true;
    }
    return false;
  }

  async listDue(
    now: Date,
    limit: number,
    exclude: ReadonlySet<string> = new Set(),
  ): Promise<OutboxEntry[]> {
    const iso = now.toISOString();
    const jobs = await readRows(this.table, odata`PartitionKey eq ${JOBS} and active eq true`);
    // The caller's held entries, as partition and row keys, so they are skipped before reading.
    const held = new Set<string>();
    for (const key of exclude) {
      const [jobId = '', dedupeKey = ''] = key.split('\u0000');
      held.add(`${partitionOf(jobId)}\u0000${entryKey(dedupeKey)}`);
    }
    const due: OutboxEntry[] = [];
    for (const job of jobs) {
      const partitionKey = `job|${job.rowKey ?? ''}`;
      const queued = await readRows(
        this.table,
        odata`PartitionKey eq ${partitionKey} and RowKey ge ${'q|'} and RowKey lt ${`q|${iso}|~`}`,
        ['RowKey', 'entryKey'],
        limit - due.length + held.size,
      );
      if (queued.length === 0) {
        await this.retireJobIfIdle(job);
        continue;
      }
      const fresh = queued.filter(
        (q) => !held.has(`${partitionKey}\u0000${readText(q, 'entryKey') ?? ''}`),
      );
      for (const q of fresh.slice(0, limit - due.length)) {
        const row = await readRow(this.table, partitionKey, readText(q, 'entryKey') ?? '');
        const entry = row ? toEntry(row) : undefined;
        // Skip what changed between reading the queue and the entry (claimed, sent) meanwhile.
        if (
          entry &&
          (entry.state === 'pending' ||
            (entry.state === 'sending' && (entry.leaseUntil ?? '') <= iso))
        )
          due.push(entry);
      }
      if (due.length >= limit) break;
    }
    return due.sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt));
  }

  async claim(
    entry: OutboxEntry,
    senderId: string,
    now: Date,
    leaseMs: number,
  ): Promise<OutboxEntry | undefined> {
    if (entry.state === 'sent' || entry.state === 'failed') return undefined;
    // The entry may have been read after another sender claimed it: a live lease is theirs.
    if (entry.state === 'sending' && entry.leaseUntil && entry.leaseUntil > now.toISOString())
      return undefined;
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const next: OutboxEntry = {
      ...entry,
      state: 'sending',
      attempts: entry.attempts + 1,
      // A lapsed lease means a sender stopped mid-send: Teams may already have the message.
      takeovers: entry.takeovers + (entry.state === 'sending' ? 1 : 0),
      leaseUntil,
      claimedBy: senderId,
    };
    return (await this.transition(entry, next, leaseUntil)) ?? undefined;
  }

  async markSent(
    entry: OutboxEntry,
    result: { activityId?: string; conversationId?: string },
    now: Date,
  ): Promise<boolean> {
    // A new copy of a redrawn card starts with a clean slate: only failures in a row count.
    const next: OutboxEntry = { ...entry, state: 'sent', sentAt: now.toISOString(), failures: 0 };
    delete next.leaseUntil;
    delete next.lastError;
    if (result.activityId) next.sentActivityId = result.activityId;
    if (result.conversationId) next.sentConversationId = result.conversationId;
    return (await this.transition(entry, next, undefined)) !== undefined;
  }

  async markRetry(
    entry: OutboxEntry,
    nextAttemptAt: Date,
    error: string,
    options: { countFailure?: boolean } = {},
  ): Promise<boolean> {
    const at = nextAttemptAt.toISOString();
    const next: OutboxEntry = {
      ...entry,
      state: 'pending',
      nextAttemptAt: at,
      failures: (entry.failures ?? 0) + (options.countFailure ? 1 : 0),
      lastError: error.slice(0, 500),
    };
    delete next.leaseUntil;
    return (await this.transition(entry, next, at)) !== undefined;
  }

  async markFailed(
    entry: OutboxEntry,
    failure: NonNullable<OutboxEntry['failure']>,
    now: Date,
  ): Promise<boolean> {
    const next: OutboxEntry = { ...entry, state: 'failed', failure, sentAt: now.toISOString() };
    delete next.leaseUntil;
    return (await this.transition(entry, next, undefined)) !== undefined;
  }

  async getEntry(jobId: string, dedupeKey: string): Promise<OutboxEntry | undefined> {
    const row = await readRow(this.table, partitionOf(jobId), entryKey(dedupeKey));
    return row ? toEntry(row) : undefined;
  }

  async listEntries(jobId: string): Promise<OutboxEntry[]> {
    return (await readRows(this.table, prefixFilter(partitionOf(jobId), 'e|'))).map(toEntry);
  }

  async listJobs(): Promise<string[]> {
    const rows = await readRows(this.table, partitionFilter(JOBS));
    return rows
      .sort((a, b) => String(b['updatedAt']).localeCompare(String(a['updatedAt'])))
      .map((r) => readText(r, 'jobId') ?? '');
  }

  async listEntrySummaries(
    jobId: string,
    maxRows: number,
  ): Promise<{ entries: OutboxEntry[]; complete: boolean }> {
    const rows = await readRows(
      this.table,
      prefixFilter(partitionOf(jobId), 'e|'),
      SUMMARY_COLUMNS,
      maxRows + 1,
    );
    return { entries: rows.slice(0, maxRows).map(toEntry), complete: rows.length <= maxRows };
  }

  async requeueFailed(
    jobId: string,
    now: Date,
    only: (entry: OutboxEntry) => boolean | Promise<boolean> = () => true,
  ): Promise<number> {
    const iso = now.toISOString();
    // A message too big to send stays failed: sending it again cannot help (and it was not kept).
    // Only the failed rows are read: a job of thousands of sent messages costs one small query.
    const failed = (
      await readRows(
        this.table,
        `${prefixFilter(partitionOf(jobId), 'e|')} and ${odata`state eq ${'failed'}`}`,
      )
    )
      .map(toEntry)
      .filter((e) => e.state === 'failed' && e.failure?.reason !== 'payload_too_large');
    let count = 0;
    for (const entry of failed) {
      if (!(await only(entry))) continue;
      const next: OutboxEntry = {
        ...entry,
        state: 'pending',
        nextAttemptAt: iso,
        attempts: 0,
        failures: 0,
      };
      delete next.failure;
      if (await this.transition(entry, next, iso)) count += 1;
    }
    // After the queue rows exist, as in enqueue, so an idle sweep cannot retire the job under them.
    if (count > 0) await this.touchJob(jobId, iso);
    return count;
  }

  async listEntriesPage(jobId: string, page: PageRequest): Promise<Page<OutboxEntry>> {
    const { rows, next } = await readPage(
      this.table,
      prefixFilter(partitionOf(jobId), 'e|'),
      page.size,
      page.cursor,
    );
    return { items: rows.map(toEntry), next };
  }

  async deleteEntries(jobId: string, dedupeKeys: readonly string[]): Promise<number> {
    const partitionKey = partitionOf(jobId);
    // Only finished entries are purged, and those have no queue row to delete with them.
    return deleteRows(
      this.table,
      dedupeKeys.map((key) => ({ partitionKey, rowKey: entryKey(key) })),
    );
  }

  async deleteJobIfEmpty(jobId: string): Promise<boolean> {
    const left = await readRows(this.table, partitionFilter(partitionOf(jobId)), ['RowKey'], 1);
    if (left.length > 0) return false;
    const job = await readRow(this.table, JOBS, encodeKey(jobId));
    if (!job) return true;
    if (job['active'] === true) return false;
    try {
      // Conditional on the job row as read: an enqueue that touched it meanwhile keeps it.
      await this.table.deleteEntity(JOBS, encodeKey(jobId), { etag: job.etag ?? '*' });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return true;
      if (status === 412) return false;
      throw translateStorageError(error);
    }
  }

  /**
   * Moves an entry from one state to the next in one transaction: the entry (only if unchanged
   * since read) and its queue row (removed, and re-added at `queueAt` if it must wait again).
   */
  private async transition(
    from: OutboxEntry,
    to: OutboxEntry,
    queueAt: string | undefined,
  ): Promise<OutboxEntry | undefined> {
    const oldQueueKey = queueKeyOf(from);
    const row = toRow(to);
    if (queueAt) row['queueKey'] = queueRowKey(queueAt, to);
    else delete row['queueKey'];
    const actions: TransactionAction[] = [['update', row, 'Replace', { etag: from.etag ?? '*' }]];
    if (oldQueueKey)
      actions.push(['delete', { partitionKey: row.partitionKey, rowKey: oldQueueKey }]);
    if (queueAt) actions.push(['create', queueRow(to, queueAt)]);
    let etag: string | undefined;
    try {
      const response = await this.table.submitTransaction(actions);
      // Sub-responses come in the order of the actions; an update's carries its ETag but no
      // row key (there is no Location header for a 204), so it is found by position.
      etag = response.subResponses[0]?.etag;
    } catch (error) {
      const status = statusOf(error);
      // 412: someone else changed the entry first; 404: its queue row is gone (taken already).
      if (status === 412 || status === 404) return undefined;
      throw translateStorageError(error);
    }
    if (etag)
      return { ...to, etag, ...(queueAt ? { queueKey: row['queueKey'] } : {}) } as OutboxEntry;
    // No ETag in the answer: read the entry back. Our transaction has just won, so what we read is ours unless another change followed at once,
    // in which case its newer ETag makes our next conditional write fail safely.
    const stored = await readRow(this.table, row.partitionKey, row.rowKey);
    return stored ? toEntry(stored) : undefined;
  }

  private async touchJob(jobId: string, at: string): Promise<void> {
    try {
      await this.table.upsertEntity(
        { partitionKey: JOBS, rowKey: encodeKey(jobId), jobId, active: true, updatedAt: at },
        'Merge',
      );
    } catch (error) {
      throw translateStorageError(error);
    }
  }

  private async retireJobIfIdle(job: StoredRow): Promise<void> {
    const partitionKey = `job|${job.rowKey ?? ''}`;
    const anyQueued = await readRows(this.table, prefixFilter(partitionKey, 'q|'), ['RowKey']);
    if (anyQueued.length > 0) return;
    try {
      // Conditional on the job row as read: an enqueue that touched it meanwhile keeps it active.
      await this.table.updateEntity(
        { partitionKey: JOBS, rowKey: job.rowKey ?? '', active: false },
        'Merge',
        { etag: job.etag ?? '*' },
      );
    } catch (error) {
      if (statusOf(error) !== 412) throw translateStorageError(error);
    }
  }

  async enqueueMany(
    requests: readonly OutboxRequest[],
    options: { now: Date },
  ): Promise<('enqueued' | 'duplicate')[]> {
    const now = options.now.toISOString();
    const outcomes: ('enqueued' | 'duplicate')[] = requests.map(() => 'duplicate');
    const byJob = new Map<string, number[]>();
    for (const [index, request] of requests.entries())
      byJob.set(request.jobId, [...(byJob.get(request.jobId) ?? []), index]);
    for (const [jobId, indexes] of byJob) {
      // Written optimistically: a batch holding a key that is already queued (a rerun) fails as a
      // whole (409, nothing written) and is then done one by one. Reading the job's keys first
      // cost a read of every entry so far for each batch: quadratic over a run of thousands.
      const existing = new Set<string>();
      const fresh: number[] = [];
      for (const index of indexes) {
        const key = entryKey(requests[index]!.dedupeKey);
        if (existing.has(key)) continue;
        existing.add(key); // a key repeated in the list is a duplicate of its first
        fresh.push(index);
      }
      // An entry and its queue row are two rows: 50 entries make a 100-row transaction, kept
      // well under the 4 MB request limit by also closing a batch at 2 MB of payload.
      const batches: number[][] = [];
      let batch: number[] = [];
      let bytes = 0;
      for (const index of fresh) {
        const size = JSON.stringify(requests[index]!.payload ?? {}).length;
        if (batch.length === MAX_BATCH / 2 || (batch.length > 0 && bytes + size > 2_000_000)) {
          batches.push(batch);
          batch = [];
          bytes = 0;
        }
        batch.push(index);
        bytes += size;
      }
      if (batch.length > 0) batches.push(batch);
      await runWithLimit(batches, 4, async (group) => {
        const actions: TransactionAction[] = [];
        for (const index of group) {
          const entry: OutboxEntry = {
            ...requests[index]!,
            state: 'pending',
            attempts: 0,
            nextAttemptAt: now,
            takeovers: 0,
            createdAt: now,
          };
          actions.push(['create', toRow(entry)], ['create', queueRow(entry, now)]);
        }
        try {
          await this.table.submitTransaction(actions);
          for (const index of group) outcomes[index] = 'enqueued';
          return;
        } catch (error) {
          if (statusOf(error) !== 409) throw translateStorageError(error);
        }
        // One of these keys is queued already (a rerun, or another writer): one by one, as
        // enqueue does, so each is told apart as enqueued or duplicate.
        for (const index of group)
          outcomes[index] = (await this.enqueue(requests[index]!, { now: options.now })) as
            'enqueued' | 'duplicate';
      });
      // After the queue rows exist, as in enqueue, so an idle sweep cannot retire the job under them.
      if (fresh.length > 0) await this.touchJob(jobId, now);
    }
    return outcomes;
  }
}

function partitionOf(jobId: string): string {
  return `job|${encodeKey(jobId)}`;
}

function entryKey(dedupeKey: string): string {
  return `e|${encodeKey(dedupeKey)}`;
}

function queueRowKey(at: string, entry: Pick<OutboxEntry, 'dedupeKey' | 'sequence'>): string {
  return `q|${at}|${entry.sequence ?? ''}|${encodeKey(entry.dedupeKey)}`;
}

function queueKeyOf(entry: OutboxEntry): string | undefined {
  return (entry as OutboxEntry & { queueKey?: string }).queueKey;
}

function queueRow(entry: OutboxEntry, at: string): Row {
  return {
    partitionKey: partitionOf(entry.jobId),
    rowKey: queueRowKey(at, entry),
    entryKey: entryKey(entry.dedupeKey),
  };
}

function toRow(entry: OutboxEntry): Row {
  const row: Row = {
    partitionKey: partitionOf(entry.jobId),
    rowKey: entryKey(entry.dedupeKey),
    jobId: entry.jobId,
    dedupeKey: entry.dedupeKey,
    kind: entry.kind,
    target: JSON.stringify(entry.target),
    state: entry.state,
    attempts: entry.attempts,
    failures: entry.failures ?? 0,
    nextAttemptAt: entry.nextAttemptAt,
    takeovers: entry.takeovers,
    createdAt: entry.createdAt,
  };
  if (entry.payload) row['payload'] = JSON.stringify(entry.payload);
  if (entry.failure) row['failure'] = JSON.stringify(entry.failure);
  for (const name of OPTIONAL_TEXT) {
    const value = entry[name];
    if (value !== undefined) row[name] = value;
  }
  if (entry.state === 'pending' || entry.state === 'sending') {
    row['queueKey'] = queueRowKey(
      entry.state === 'sending' && entry.leaseUntil ? entry.leaseUntil : entry.nextAttemptAt,
      entry,
    );
  }
  return row;
}

function toEntry(row: StoredRow): OutboxEntry {
  const entry: OutboxEntry & { queueKey?: string } = {
    jobId: readText(row, 'jobId') ?? '',
    dedupeKey: readText(row, 'dedupeKey') ?? '',
    kind: readText(row, 'kind') as OutboxEntry['kind'],
    target: JSON.parse(readText(row, 'target') ?? '{}') as OutboxEntry['target'],
    state: readText(row, 'state') as OutboxEntry['state'],
    attempts: Number(row['attempts'] ?? 0),
    failures: Number(row['failures'] ?? 0),
    nextAttemptAt: readText(row, 'nextAttemptAt') ?? '',
    takeovers: Number(row['takeovers'] ?? 0),
    createdAt: readText(row, 'createdAt') ?? '',
  };
  const payload = readText(row, 'payload');
  const failure = readText(row, 'failure');
  if (payload) entry.payload = JSON.parse(payload) as Record<string, unknown>;
  if (failure) entry.failure = JSON.parse(failure) as NonNullable<OutboxEntry['failure']>;
  for (const name of OPTIONAL_TEXT) {
    const value = readText(row, name);
    if (value !== undefined) entry[name] = value;
  }
  const queueKey = readText(row, 'queueKey');
  if (queueKey) entry.queueKey = queueKey;
  if (row.etag) entry.etag = row.etag;
  return entry;
}
