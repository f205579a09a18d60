/** What started a run: the in-process scheduler's tick, or a caller of POST /api/jobs/<name>. */
export type RunTrigger = 'schedule' | 'http';

/** A run's life: running (heartbeating), then succeeded or failed. */
export type RunStatus = 'running' | 'succeeded' | 'failed';

/** What a job says it produced (counts, ids): stored as JSON with its run. */
export type JobSummary = Record<string, unknown>;

/**
 * One run of a job for one slot, as stored. The job name and slot are its key: creating it is
 * conditional (a second create answers "exists"), so only one instance starts a given slot.
 */
export interface JobRun {
  job: string;
  /** The scheduled slot ("2026-11-25", "2026-11-25T08:30") or "manual|<ISO time>" for a forced run. */
  slot: string;
  trigger: RunTrigger;
  /** When the slot was due (UTC, ISO). */
  scheduledFor: string;
  status: RunStatus;
  /** The instance running it now, or that ran it last. */
  holder: string;
  /** When the latest attempt started (a resumption or retry starts a new attempt). */
  startedAt: string;
  /** Renewed while it runs; a running run whose heartbeat is older than the stale period was left by a stopped instance. */
  heartbeatAt: string;
  finishedAt?: string;
  /** Starts, resumptions and retries together. */
  attempts: number;
  /** Times another instance (or a restart) took it over after its runner stopped. */
  resumptions: number;
  summary?: JobSummary;
  /** Why it failed (the last failure), at most 2,000 characters. */
  error?: string;
  /** Opaque concurrency token from storage. */
  etag?: string;
}

/** Port: where runs are recorded. */
export interface JobRunStore {
  /** Records a new run; undefined when a run for that job and slot exists already. */
  create(run: JobRun): Promise<JobRun | undefined>;
  /** One run, or undefined. */
  get(job: string, slot: string): Promise<JobRun | undefined>;
  /** Replaces a run only if unchanged since read (its `etag`); undefined when someone changed it first. */
  replace(run: JobRun): Promise<JobRun | undefined>;
  /** Runs of a job whose slot (or, for manual runs, start) is on or after `since`, oldest first. */
  list(job: string, since: Date): Promise<JobRun[]>;
}

/** Port: every job's runs, worked through page by page by the retention purge (pages as in shared/pages, which this bottom-row folder cannot import). */
export interface JobRunHistory {
  /** One page of the runs of all jobs, in key order (job, then slot). */
  listRunsPage(page: {
    size: number;
    cursor?: string;
  }): Promise<{ items: JobRun[]; next: string | undefined }>;
  /** Deletes runs by job and slot; runs already gone are skipped. Returns how many went. */
  deleteRuns(runs: readonly Pick<JobRun, 'job' | 'slot'>[]): Promise<number>;
}

/** How runs are started again after failures and crashes. */
export interface RunPolicy {
  /** A running run whose heartbeat is older than this was left by a stopped instance. */
  staleMs: number;
  /** Attempts (first start, resumptions, retries) before a slot is given up. */
  maxAttempts: number;
  /** Wait after a failure before the scheduler retries the slot. */
  retryDelayMs: number;
}

/** What to do about a slot given its stored run (if any). */
export type RunDecision =
  | { action: 'create' }
  | { action: 'resume' }
  | { action: 'retry' }
  | { action: 'abandon' }
  | { action: 'skip'; reason: 'succeeded' | 'in-progress' | 'waiting-to-retry' | 'gave-up' };

/** The stable key of a run: "<job>|<slot>", e.g. "nudges|2026-11-25". */
export function runKey(job: string, slot: string): string {
  return `${job}|${slot}`;
}

/**
 * Decides whether a slot may start: new slots are created; a run left running by a stopped
 * instance is resumed (jobs are idempotent through their outbox dedupe keys, so running again is
 * safe); a failed run is retried after a delay (at once when `retryNow`, e.g. an operator asked);
 * past `maxAttempts` it is given up, and a stale run at that point is marked failed ("abandon").
 */
export function decideRunStart(
  existing: JobRun | undefined,
  now: Date,
  policy: RunPolicy,
  options: { retryNow?: boolean } = {},
): RunDecision {
  if (!existing) return { action: 'create' };
  const exhausted = existing.attempts >= policy.maxAttempts && !options.retryNow;
  switch (existing.status) {
    case 'succeeded':
      return { action: 'skip', reason: 'succeeded' };
    case 'running': {
      const stale = Date.parse(existing.heartbeatAt) + policy.staleMs <= now.getTime();
      if (!stale) return { action: 'skip', reason: 'in-progress' };
      return exhausted ? { action: 'abandon' } : { action: 'resume' };
    }
    case 'failed': {
      if (exhausted) return { action: 'skip', reason: 'gave-up' };
      const waited = Date.parse(existing.finishedAt ?? existing.heartbeatAt) + policy.retryDelayMs;
      if (!options.retryNow && waited > now.getTime())
        return { action: 'skip', reason: 'waiting-to-retry' };
      return { action: 'retry' };
    }
  }
}
