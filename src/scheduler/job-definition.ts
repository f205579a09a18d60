import type { JobSummary, RunTrigger } from '../domain/jobs/job-runs';
import type { Schedule } from './schedule';

/** What a job is told when it runs. */
export interface JobContext {
  job: string;
  /** The slot being run ("2026-11-25", "2026-11-25T08:30", or "manual|<ISO time>"). */
  slot: string;
  /** When the slot was due (UTC); for a forced run, when it was asked for. */
  scheduledFor: Date;
  /** The UK date of `scheduledFor`: the "today" a daily job works on, even when it runs late. */
  date: string;
  /** When this attempt started. */
  now: Date;
  trigger: RunTrigger;
  /** 1 for the first start; more when resumed after a stopped instance or retried after a failure. */
  attempt: number;
  /** Aborted when the service is stopping or another instance has taken the run over: stop soon. */
  signal: AbortSignal;
}

/**
 * A scheduled job. The scheduler keeps these definitions and nothing else: what is due is worked
 * out from the schedule and the stored runs on every tick. `run` must be idempotent (send through
 * the outbox with dedupe keys), because a run left by a stopped instance is run again.
 */
export interface JobDefinition {
  /** Lower-case letters, digits and hyphens (e.g. "nudges"): used in run keys and in POST /api/jobs/<name>. */
  name: string;
  schedule: Schedule;
  /** How long after its slot a missed run still runs (default 24 h); older slots are let go, so a job missed during downtime runs once, not many times. */
  catchUpMs?: number;
  /** Does the work and says what it produced (stored with the run as JSON). */
  run(context: JobContext): Promise<JobSummary>;
}
