import { runKey, type JobRun } from '../domain/jobs/job-runs';
import { formatUkInstant } from '../domain/shared/uk-calendar';

/** A run as JSON for people and callers: the stored UTC times, and the same in UK time under `uk`. */
export function presentRun(run: JobRun): Record<string, unknown> {
  const { etag: _etag, ...stored } = run;
  const uk: Record<string, string> = {
    scheduledFor: formatUkInstant(new Date(run.scheduledFor)),
    startedAt: formatUkInstant(new Date(run.startedAt)),
  };
  if (run.finishedAt) uk['finishedAt'] = formatUkInstant(new Date(run.finishedAt));
  return { key: runKey(run.job, run.slot), ...stored, uk };
}
