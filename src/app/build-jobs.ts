import type { Config } from '../config/load-config';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logging/create-logger';
import type { JobDefinition } from '../scheduler/job-definition';
import type { Storage } from '../storage/open-storage';

/** What the scheduled jobs are built from. */
export interface JobDeps {
  config: Config;
  storage: Storage;
  clock: Clock;
  logger: Logger;
}

/**
 * The service's scheduled jobs, in the order a tick runs them. This is the one place jobs are
 * registered: the scheduler, its leader lease, the run records and POST /api/jobs/<name> all
 * work from this list.
 */
export function buildJobs(_deps: JobDeps): JobDefinition[] {
  return [
    // ── Add scheduled jobs here ──────────────────────────────────────────────────────────────
    // Each is { name, schedule, run(context) => summary }; `run` must be idempotent (outbox
    // dedupe keys), since a run left by a stopped instance is resumed. For example:
    //   { name: 'nudges', schedule: _deps.config.scheduler.nudgeSchedule,
    //     run: (context) => runNudges({ ..._deps.storage, now: () => context.now }, context.date) },
    //   { name: 'digests', schedule: _deps.config.scheduler.digestSchedule,
    //     run: (context) => runDigests({ ..._deps.storage, now: () => context.now }, context.date) },
  ];
}
