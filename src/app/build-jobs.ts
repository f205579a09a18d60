import type { Config } from '../config/load-config';
import { renderCard } from '../cards/render-card';
import type { Clock } from '../domain/shared/clock';
import type { BankHolidays } from '../domain/shared/uk-calendar';
import { createNudgeJob, NUDGE_JOB } from './nudge-job';
import { DIGEST_JOB, runDigests } from '../domain/digests/run-digests';
import { PURGE_JOB, runPurge } from '../domain/retention/run-purge';
import { ROSTER_JOB, runRosterSync } from '../domain/channels/sync-roster';
import { createTeamMemberReader } from '../proactive/read-team-members';
import { createTokenProvider } from '../proactive/create-token-provider';
import { parseSchedule } from '../scheduler/schedule';
import type { Logger } from '../logging/create-logger';
import { createCardComposer } from '../proactive/compose-card-message';
import type { JobDefinition } from '../scheduler/job-definition';
import type { Storage } from '../storage/open-storage';

/** What the scheduled jobs are built from. */
export interface JobDeps {
  config: Config;
  storage: Storage;
  clock: Clock;
  logger: Logger;
  /** The bank holidays schedules skip (empty when SKIP_BANK_HOLIDAYS is false). */
  bankHolidays: BankHolidays;
}

/**
 * The service's scheduled jobs, in the order a tick runs them. This is the one place jobs are
 * registered: the scheduler, its leader lease, the run records and POST /api/jobs/<name> all
 * work from this list.
 */
export function buildJobs(deps: JobDeps): JobDefinition[] {
  const composer = createCardComposer(renderCard);
  const { config, storage } = deps;
  const defaultTenantId =
    (config.bot && 'tenantId' in config.bot ? config.bot.tenantId : undefined) ??
    config.allowedTenantIds[0];
  return [
    createNudgeJob({
      schedule: config.scheduler.nudgeSchedule,
      runs: storage.jobRuns,
      holidays: deps.bankHolidays,
      deps: (now) => ({
        ...storage,
        composer,
        now: () => now,
        ...(defaultTenantId ? { defaultTenantId } : {}),
      }),
      // A long run (England: thousands of reminders) shows it is moving in the log.
      onProgress: (queued) => deps.logger.info({ job: NUDGE_JOB, queued }, 'nudges: queued so far'),
    }),
    // ── Add scheduled jobs here ──────────────────────────────────────────────────────────────
    // Each is { name, schedule, run(context) => summary }; `run` must be idempotent (outbox
    // dedupe keys), since a run left by a stopped instance is resumed.
    {
      name: DIGEST_JOB,
      schedule: config.scheduler.digestSchedule,
      run: (context) =>
        runDigests(
          { ...storage, composer, detailUrl: config.digestDetailUrl },
          { date: context.date, now: context.now, signal: context.signal },
        ),
    },
    {
      // Deletes what is past the RETENTION_* periods, a page at a time; a rerun deletes nothing.
      name: PURGE_JOB,
      schedule: config.scheduler.purgeSchedule,
      run: (context) =>
        runPurge(storage, config.retention, { now: context.now, signal: context.signal }),
    },
    {
      // Team rosters read again daily (before the nudges), so names, e-mails and leavers are
      // current even when Teams sent no event; a rerun only rewrites what changed.
      name: ROSTER_JOB,
      schedule: parseSchedule('every day 07:00'),
      run: (context) =>
        runRosterSync(
          {
            rosters: storage.rosters,
            teamMembers: createTeamMemberReader(createTokenProvider(config.bot)),
            now: () => context.now,
          },
          { signal: context.signal },
        ),
    },
  ];
}
