import { addDays } from '../domain/shared/uk-dates';
import type { JobRunStore } from '../domain/jobs/job-runs';
import { runNudges, type NudgeDeps } from '../domain/nudges/run-nudges';
import { workingDayOnOrBefore, type BankHolidays } from '../domain/shared/uk-calendar';
import type { JobDefinition } from '../scheduler/job-definition';
import type { Schedule } from '../scheduler/schedule';

/** The job name, in run records and POST /api/jobs/nudges. */
export const NUDGE_JOB = 'nudges';

/**
 * The UK date the last reminders were worked out for: the last successful run within a week,
 * else the working day before (so a first run on a Monday also covers the weekend).
 */
export async function findPreviousNudgeDate(
  runs: JobRunStore,
  date: string,
  holidays: BankHolidays,
): Promise<string> {
  const weekAgo = addDays(date, -7);
  const done = (await runs.list(NUDGE_JOB, new Date(`${weekAgo}T00:00:00Z`)))
    .filter((r) => r.status === 'succeeded')
    .map((r) => String((r.summary as { date?: unknown } | undefined)?.date ?? ''))
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d < date && d >= weekAgo)
    .sort();
  return done.at(-1) ?? workingDayOnOrBefore(addDays(date, -1), holidays);
}

/** The daily reminder job: works out what is due since the last run and queues the reminders. */
export function createNudgeJob(options: {
  schedule: Schedule;
  runs: JobRunStore;
  holidays: BankHolidays;
  deps: (now: Date) => NudgeDeps;
  /** Told how many reminders the run has queued so far, after each batch. */
  onProgress?: (queued: number) => void;
}): JobDefinition {
  return {
    name: NUDGE_JOB,
    schedule: options.schedule,
    run: async (context) => {
      const previousRun = await findPreviousNudgeDate(options.runs, context.date, options.holidays);
      return runNudges(options.deps(context.now), {
        date: context.date,
        previousRun,
        signal: context.signal,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    },
  };
}
