import type { Clock } from '../domain/shared/clock';
import { InvalidInputError, NotFoundError } from '../domain/shared/errors';
import type { JobRun, JobRunStore, RunStatus } from '../domain/jobs/job-runs';
import type { LeaseStore } from '../domain/jobs/leases';
import { formatUkInstant, type BankHolidays } from '../domain/shared/uk-calendar';
import type { Logger } from '../logging/create-logger';
import {
  findLatestOccurrence,
  findNextOccurrence,
  findOccurrenceBySlot,
  type Occurrence,
} from './find-occurrence';
import type { JobDefinition } from './job-definition';
import { startRun, type RunDeps, type RunOutcome, type StartedRun } from './run-job';
import { checkSchedule, describeSchedule } from './schedule';

/** The name of the lease that makes one instance the scheduler's leader. */
export const LEADER_LEASE = 'scheduler';

/** How the scheduler paces itself; the defaults suit daily and weekly jobs on a few instances. */
export interface SchedulerTimings {
  /** How often the leader looks for due work (a slot runs at most this late). */
  tickMs: number;
  /** How long the leader lease lasts unrenewed: a dead leader is replaced after at most this plus a tick. */
  leaseMs: number;
  /** How often a running job writes its heartbeat (and renews the lease when the tick started it). */
  heartbeatMs: number;
  /** A running run without a heartbeat for this long was left by a stopped instance and is resumed. */
  staleMs: number;
  /** Attempts (start, resumptions, retries) before a slot is given up. */
  maxAttempts: number;
  /** Wait after a failed run before the scheduler retries its slot. */
  retryDelayMs: number;
  /** Default for jobs without their own: how long after its slot a missed run still runs. */
  catchUpMs: number;
  /** How long stop() waits for running jobs to stop after telling them to. */
  stopTimeoutMs: number;
  /** How long POST /api/jobs/<name> waits for the run to end before answering 202 (it goes on). */
  httpWaitMs: number;
}

/** Defaults: a 90 s lease renewed every 30 s tick keeps one leader; a 2 min stale period resumes a crashed run soon without cutting off a live one. */
export const DEFAULT_SCHEDULER_TIMINGS: SchedulerTimings = {
  tickMs: 30_000,
  leaseMs: 90_000,
  heartbeatMs: 20_000,
  staleMs: 120_000,
  maxAttempts: 3,
  retryDelayMs: 10 * 60_000,
  catchUpMs: 24 * 3_600_000,
  stopTimeoutMs: 15_000,
  httpWaitMs: 25_000,
};

/** What the scheduler is built from. */
export interface SchedulerOptions extends Partial<SchedulerTimings> {
  jobs: readonly JobDefinition[];
  leases: LeaseStore;
  runs: JobRunStore;
  clock: Clock;
  logger: Logger;
  /** Unique per process: it names the lease holder and the runner of each run. */
  instanceId: string;
  /** Dates that are not working days besides weekends (empty when SKIP_BANK_HOLIDAYS is false). */
  bankHolidays: BankHolidays;
  /** false: start() does nothing and jobs run only when triggered (POST /api/jobs/<name>). */
  enabled?: boolean;
  /** The leader lease's name (default LEADER_LEASE); services sharing one storage account need different ones. */
  leaseName?: string;
}

/** What one tick did, for logs and tests. */
export interface TickResult {
  leader: boolean;
  runs: { job: string; slot: string; outcome: RunOutcome['outcome']; status?: RunStatus }[];
}

/** How a caller asks for a job: its due slot, a named slot, or (force) a new manual run. */
export interface RunNowOptions {
  /** A slot of the job's schedule ("2026-11-24"; "2026-11-24T08:30" for cron), not in the future. */
  slot?: string;
  /** Run now under a new key "manual|<ISO time>", whatever has run before. */
  force?: boolean;
  /** Wait at most this long for the end (default `httpWaitMs`); past it the run goes on in the background. */
  waitMs?: number;
}

/** Runs jobs on their UK schedules from one leader instance, and on request from any instance. */
export interface Scheduler {
  readonly instanceId: string;
  /** The names of the jobs it knows, in order. */
  jobNames(): string[];
  /** Starts ticking (at once, then every `tickMs`); does nothing when disabled. */
  start(): void;
  /**
   * Stops ticking, tells running jobs to stop and waits for them (at most `timeoutMs`, by default
   * `stopTimeoutMs`), then releases the leader lease.
   */
  stop(timeoutMs?: number): Promise<void>;
  /** Takes or renews the leader lease and, if leader, runs each job's latest due slot that has not run. */
  tick(): Promise<TickResult>;
  /** Runs a job now for the HTTP trigger (no lease needed: run records keep it to one runner per slot). */
  runJobNow(name: string, options?: RunNowOptions): Promise<RunOutcome>;
}

const JOB_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Builds a scheduler over the given job definitions (checked here: names and schedules). */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const timings: SchedulerTimings = { ...DEFAULT_SCHEDULER_TIMINGS };
  for (const key of Object.keys(DEFAULT_SCHEDULER_TIMINGS) as (keyof SchedulerTimings)[]) {
    const value = options[key];
    if (value !== undefined) timings[key] = value;
  }
  if (timings.leaseMs <= timings.tickMs || timings.staleMs <= timings.heartbeatMs) {
    throw new RangeError(
      'Scheduler timings: leaseMs must exceed tickMs, and staleMs must exceed heartbeatMs.',
    );
  }
  const jobs = checkJobs(options.jobs);
  const { leases, clock, instanceId, bankHolidays } = options;
  const leaseName = options.leaseName ?? LEADER_LEASE;
  const logger = options.logger.child({ component: 'scheduler', instanceId });
  const stopping = new AbortController();
  const inFlight = new Set<Promise<JobRun>>();
  let leader = false;
  let ticking: Promise<TickResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let started = false;

  const runDeps = (onHeartbeat?: () => Promise<void>): RunDeps => ({
    runs: options.runs,
    clock,
    logger,
    instanceId,
    policy: timings,
    heartbeatMs: timings.heartbeatMs,
    stopping: stopping.signal,
    ...(onHeartbeat ? { onHeartbeat } : {}),
  });

  const track = (run: StartedRun): Promise<JobRun> | undefined => {
    const finished = run.finished;
    if (!finished) return undefined;
    inFlight.add(finished);
    void finished.finally(() => inFlight.delete(finished));
    return finished;
  };

  // Takes or renews the leader lease; logs changes of leadership.
  const holdLease = async (): Promise<boolean> => {
    const lease = await leases.acquire(leaseName, instanceId, clock.now(), timings.leaseMs);
    if (lease && !leader) logger.info({ until: lease.until }, 'scheduler: this instance leads');
    if (!lease && leader) logger.warn('scheduler: lost the leader lease to another instance');
    leader = lease !== undefined;
    return leader;
  };

  const dueSlot = (job: JobDefinition, now: Date): Occurrence | undefined => {
    const occurrence = findLatestOccurrence(job.schedule, bankHolidays, now);
    const catchUpMs = job.catchUpMs ?? timings.catchUpMs;
    // Only the latest slot, and only while recent: after downtime a job runs once, not once per missed slot.
    if (!occurrence || now.getTime() - occurrence.at.getTime() > catchUpMs) return undefined;
    return occurrence;
  };

  const runTick = async (): Promise<TickResult> => {
    const result: TickResult = { leader: false, runs: [] };
    if (jobs.length === 0 || stopping.signal.aborted) return result;
    if (!(await holdLease())) return result;
    result.leader = true;
    for (const [index, job] of jobs.entries()) {
      if (stopping.signal.aborted) break;
      // Renew between jobs: a long job before this one must not have let the lease lapse.
      if (index > 0 && !(await holdLease())) {
        result.leader = false;
        break;
      }
      const occurrence = dueSlot(job, clock.now());
      if (!occurrence) continue;
      const renewLease = async () => void (await holdLease());
      const started = await startRun(runDeps(renewLease), job, occurrence, 'schedule');
      const finished = track(started);
      const run = finished ? await finished : started.run;
      if (!finished && started.outcome === 'in-progress') continue; // someone else's; quiet
      result.runs.push({
        job: job.name,
        slot: occurrence.slot,
        outcome: finished ? 'ran' : started.outcome,
        ...(run ? { status: run.status } : {}),
      });
    }
    return result;
  };

  const tick = (): Promise<TickResult> => {
    // One tick at a time: a timer tick during a long run joins it rather than starting another.
    ticking ??= runTick().finally(() => (ticking = undefined));
    return ticking;
  };

  const loop = () => {
    tick()
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'scheduler tick failed; trying again at the next tick'),
      )
      .finally(() => {
        if (stopping.signal.aborted) return;
        timer = setTimeout(loop, timings.tickMs);
        timer.unref();
      });
  };

  return {
    instanceId,
    jobNames: () => jobs.map((j) => j.name),

    start() {
      if (started || stopping.signal.aborted) return;
      started = true;
      const now = clock.now();
      const plan = jobs.map((job) => {
        const next = findNextOccurrence(job.schedule, bankHolidays, now);
        return {
          job: job.name,
          schedule: describeSchedule(job.schedule),
          next: next ? formatUkInstant(next.at) : 'none within a year',
        };
      });
      if (options.enabled === false) {
        logger.info(
          { jobs: plan },
          'scheduler disabled (SCHEDULER_ENABLED=false): jobs run only when triggered over HTTP',
        );
        return;
      }
      logger.info({ jobs: plan, tickMs: timings.tickMs }, 'scheduler started');
      loop();
    },

    async stop(timeoutMs = timings.stopTimeoutMs) {
      stopping.abort(new Error('the scheduler is stopping'));
      clearTimeout(timer);
      const waited = Promise.allSettled([ticking, ...inFlight]);
      const gaveUp = await Promise.race([
        waited.then(() => false),
        delay(Math.min(timeoutMs, timings.stopTimeoutMs)).then(() => true),
      ]);
      if (gaveUp)
        logger.warn('scheduler: jobs still running at stop; their runs will be resumed elsewhere');
      if (leader) {
        try {
          await leases.release(leaseName, instanceId, clock.now());
          logger.info('scheduler: released the leader lease');
        } catch (error) {
          logger.warn({ err: error }, 'scheduler: could not release the lease; it will lapse');
        }
        leader = false;
      }
    },

    tick,

    async runJobNow(name, request = {}) {
      const job = jobs.find((j) => j.name === name);
      if (!job) {
        throw new NotFoundError(
          `There is no job "${name}". Jobs: ${jobs.map((j) => j.name).join(', ') || '(none)'}.`,
        );
      }
      const now = clock.now();
      let occurrence: Occurrence | undefined;
      if (request.force && request.slot) {
        throw new InvalidInputError(
          'Ask for a slot or for a forced run, not both: a forced run has its own slot.',
        );
      } else if (request.force) {
        occurrence = { slot: `manual|${now.toISOString()}`, at: now };
      } else if (request.slot) {
        occurrence = findOccurrenceBySlot(job.schedule, bankHolidays, request.slot);
        if (!occurrence) {
          throw new InvalidInputError(
            `"${request.slot}" is not a slot of ${job.name} (${describeSchedule(job.schedule)}). Slots are UK dates like 2026-11-25${
              job.schedule.kind === 'cron' ? ' with a time, like 2026-11-25T08:30' : ''
            }; or ask for force=true to run it now.`,
          );
        }
        if (occurrence.at.getTime() > now.getTime()) {
          throw new InvalidInputError(
            `Slot ${request.slot} of ${job.name} is not due until ${formatUkInstant(occurrence.at)}; use force=true to run it now.`,
          );
        }
      } else {
        occurrence = dueSlot(job, now);
        if (!occurrence) {
          const next = findNextOccurrence(job.schedule, bankHolidays, now);
          return { outcome: 'not-due', ...(next ? { next } : {}) };
        }
      }
      // An operator or external timer asking again means "try now": no wait after a failure.
      const started = await startRun(runDeps(), job, occurrence, 'http', { retryNow: true });
      const finished = track(started);
      if (!finished) return started;
      const waitMs = request.waitMs ?? timings.httpWaitMs;
      const ended = await Promise.race([finished, delay(waitMs).then(() => undefined)]);
      return ended ? { outcome: 'ran', run: ended } : { outcome: 'started', run: started.run };
    },
  };
}

function checkJobs(jobs: readonly JobDefinition[]): readonly JobDefinition[] {
  const seen = new Set<string>();
  for (const job of jobs) {
    if (!JOB_NAME.test(job.name)) {
      throw new InvalidInputError(
        `Job name "${job.name}" must be lower-case letters, digits and hyphens (it appears in run keys and URLs), e.g. "nudges".`,
      );
    }
    if (seen.has(job.name)) throw new InvalidInputError(`Two jobs are named "${job.name}".`);
    seen.add(job.name);
    checkSchedule(job.schedule);
  }
  return [...jobs];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
