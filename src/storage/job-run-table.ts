import { odata, type TableClient } from '@azure/data-tables';
import type {
  JobRun,
  JobRunHistory,
  JobRunStore,
  JobSummary,
  RunStatus,
  RunTrigger,
} from '../domain/jobs/job-runs';
import type { Page, PageRequest } from '../domain/shared/pages';
import { toUkLocalTime } from '../domain/shared/uk-calendar';
import { assertValidKey } from './keys';
import { readPage, readRow, readRows, readText, type StoredRow } from './read-rows';
import { deleteRows } from './run-batches';
import { statusOf, translateStorageError } from './storage-errors';

/** Table of job runs; see KEYS.md. */
export const JOB_RUNS_TABLE = 'JobRuns';

/** Manual (forced) runs are keyed "manual|<ISO time>"; scheduled slots start with a date. */
const MANUAL = 'manual|';
// A summary is one JSON column: keep well inside a property's 64 KB (32,768 UTF-16 characters).
const MAX_SUMMARY_CHARS = 30_000;
const MAX_ERROR_CHARS = 2_000;

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/**
 * Azure Tables implementation of JobRunStore: one partition per job, one row per slot. Create
 * answers 409 for a slot that exists, so two instances cannot both start it; replace is
 * conditional on the ETag read.
 */
export class JobRunTable implements JobRunStore, JobRunHistory {
  constructor(private readonly table: TableClient) {}

  async create(run: JobRun): Promise<JobRun | undefined> {
    try {
      const response = await this.table.createEntity(toRow(run));
      return response.etag ? { ...run, etag: response.etag } : this.get(run.job, run.slot);
    } catch (error) {
      if (statusOf(error) === 409) return undefined;
      throw translateStorageError(error);
    }
  }

  async get(job: string, slot: string): Promise<JobRun | undefined> {
    const row = await readRow(this.table, partitionOf(job), rowKeyOf(slot));
    return row ? toRun(row) : undefined;
  }

  async replace(run: JobRun): Promise<JobRun | undefined> {
    try {
      const response = await this.table.updateEntity(toRow(run), 'Replace', {
        etag: run.etag ?? '',
      });
      return response.etag ? { ...run, etag: response.etag } : this.get(run.job, run.slot);
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return undefined;
      throw translateStorageError(error);
    }
  }

  async list(job: string, since: Date): Promise<JobRun[]> {
    const partitionKey = partitionOf(job);
    // Two range reads of one partition: scheduled slots from the UK date of `since` (digits sort
    // before "manual|"), and manual runs from its ISO time.
    const fromDate = toUkLocalTime(since).date;
    const scheduled = await readRows(
      this.table,
      odata`PartitionKey eq ${partitionKey} and RowKey ge ${fromDate} and RowKey lt ${MANUAL}`,
    );
    const manual = await readRows(
      this.table,
      odata`PartitionKey eq ${partitionKey} and RowKey ge ${MANUAL + since.toISOString()} and RowKey lt ${`${MANUAL}~`}`,
    );
    return [...scheduled, ...manual]
      .map(toRun)
      .sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
  }

  async listRunsPage(page: PageRequest): Promise<Page<JobRun>> {
    // Every job's partition, in key order: a page at a time, for the purge only.
    const { rows, next } = await readPage(
      this.table,
      odata`PartitionKey ge ${'job|'} and PartitionKey lt ${'job|~'}`,
      page.size,
      page.cursor,
    );
    return { items: rows.map(toRun), next };
  }

  async deleteRuns(runs: readonly Pick<JobRun, 'job' | 'slot'>[]): Promise<number> {
    return deleteRows(
      this.table,
      runs.map((r) => ({ partitionKey: partitionOf(r.job), rowKey: rowKeyOf(r.slot) })),
    );
  }
}

function partitionOf(job: string): string {
  return assertValidKey(`job|${job}`, 'job name');
}

function rowKeyOf(slot: string): string {
  return assertValidKey(slot, 'run slot');
}

function toRow(run: JobRun): Row {
  const row: Row = {
    partitionKey: partitionOf(run.job),
    rowKey: rowKeyOf(run.slot),
    job: run.job,
    slot: run.slot,
    trigger: run.trigger,
    scheduledFor: run.scheduledFor,
    status: run.status,
    holder: run.holder,
    startedAt: run.startedAt,
    heartbeatAt: run.heartbeatAt,
    attempts: run.attempts,
    resumptions: run.resumptions,
  };
  if (run.finishedAt) row['finishedAt'] = run.finishedAt;
  if (run.summary) row['summary'] = boundSummary(run.summary);
  if (run.error) row['error'] = run.error.slice(0, MAX_ERROR_CHARS);
  return row;
}

function toRun(row: StoredRow): JobRun {
  const run: JobRun = {
    job: readText(row, 'job') ?? '',
    slot: readText(row, 'slot') ?? row.rowKey ?? '',
    trigger: (readText(row, 'trigger') ?? 'schedule') as RunTrigger,
    scheduledFor: readText(row, 'scheduledFor') ?? '',
    status: (readText(row, 'status') ?? 'running') as RunStatus,
    holder: readText(row, 'holder') ?? '',
    startedAt: readText(row, 'startedAt') ?? '',
    heartbeatAt: readText(row, 'heartbeatAt') ?? '',
    attempts: Number(row['attempts'] ?? 1),
    resumptions: Number(row['resumptions'] ?? 0),
  };
  const finishedAt = readText(row, 'finishedAt');
  const summary = readText(row, 'summary');
  const error = readText(row, 'error');
  if (finishedAt) run.finishedAt = finishedAt;
  if (summary) run.summary = JSON.parse(summary) as JobSummary;
  if (error) run.error = error;
  if (row.etag) run.etag = row.etag;
  return run;
}

// A job that reports too much keeps a note of it rather than failing to record its run.
function boundSummary(summary: JobSummary): string {
  const json = JSON.stringify(summary);
  if (json.length <= MAX_SUMMARY_CHARS) return json;
  return JSON.stringify({
    truncated: true,
    note: `The job's summary was ${json.length} characters; only the start is kept.`,
    start: json.slice(0, 1_000),
  });
}
