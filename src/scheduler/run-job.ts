import type { Clock } from '../domain/shared/clock';
import {
  decideRunStart,
  type JobRun,
  type JobRunStore,
  type JobSummary,
  type RunPolicy,
  type RunTrigger,
} from '../domain/jobs/job-runs';
import { toUkLocalTime } from '../domain/shared/uk-calendar';
import type { Logger } from '../logging/create-logger';
import { recordJobDuration } from '../telemetry/metrics';
import { SPANS, startSpan, type SpanScope } from '../telemetry/spans';
import type { Occurrence } from './find-occurrence';
import type { JobDefinition } from './job-definition';

/** What came of asking for a slot to run. */
export interface RunOutcome {
  /**
   * - ran: this call ran it to the end (`run.status` says how it ended);
   * - started: this call started it and it goes on in the background;
   * - already-succeeded, in-progress (another instance or call is running it), waiting-to-retry
   *   (it failed a short while ago), gave-up (it failed `maxAttempts` times): nothing ran;
   * - not-due: the job has no slot due now (`next` says when it has).
   */
  outcome:
    | 'ran'
    | 'started'
    | 'already-succeeded'
    | 'in-progress'
    | 'waiting-to-retry'
    | 'gave-up'
    | 'not-due';
  run?: JobRun | undefined;
  /** For not-due: the next slot. */
  next?: Occurrence;
}

/** A claimed run and the promise of its end; or why nothing was claimed. */
export type StartedRun = RunOutcome & { finished?: Promise<JobRun> };

/** What running a slot needs. */
export interface RunDeps {
  runs: JobRunStore;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  policy: RunPolicy;
  /** How often a running run's heartbeat is written (well inside `policy.staleMs`). */
  heartbeatMs: number;
  /** Aborted when the scheduler stops: jobs are told to stop and their runs are released. */
  stopping: AbortSignal;
  /** Called on each heartbeat (the scheduler renews its leader lease there during long runs). */
  onHeartbeat?: () => Promise<void>;
}

// A released run's heartbeat: long past, so the next tick anywhere resumes it at once.
const RELEASED = new Date(0).toISOString();

/**
 * Claims a slot and starts its job: creates the run (conditional: one instance wins), resumes a
 * run left by a stopped instance, or retries a failed one, as `decideRunStart` rules. Returns at
 * once with `finished`, which settles with the recorded run when the job ends.
 */
export async function startRun(
  deps: RunDeps,
  job: JobDefinition,
  occurrence: Occurrence,
  trigger: RunTrigger,
  options: { retryNow?: boolean } = {},
): Promise<StartedRun> {
  const { runs, clock, logger, instanceId, policy } = deps;
  const now = clock.now();
  const existing = await runs.get(job.name, occurrence.slot);
  const decision = decideRunStart(existing, now, policy, options);
  const log = logger.child({ job: job.name, slot: occurrence.slot, trigger });

  if (decision.action === 'skip') return { outcome: outcomeOf(decision.reason), run: existing };
  if (decision.action === 'abandon' && existing) {
    const failed = await runs.replace({
      ...existing,
      status: 'failed',
      finishedAt: now.toISOString(),
      error: `Given up after ${existing.attempts} attempts: the instance running it stopped each time.`,
    });
    log.error({ attempts: existing.attempts }, 'job run given up: its runner stopped every time');
    return { outcome: 'gave-up', run: failed ?? (await runs.get(job.name, occurrence.slot)) };
  }

  const iso = now.toISOString();
  let claimed: JobRun | undefined;
  if (decision.action === 'create') {
    claimed = await runs.create({
      job: job.name,
      slot: occurrence.slot,
      trigger,
      scheduledFor: occurrence.at.toISOString(),
      status: 'running',
      holder: instanceId,
      startedAt: iso,
      heartbeatAt: iso,
      attempts: 1,
      resumptions: 0,
    });
  } else if (existing) {
    const next: JobRun = {
      ...existing,
      trigger,
      status: 'running',
      holder: instanceId,
      startedAt: iso,
      heartbeatAt: iso,
      attempts: existing.attempts + 1,
      resumptions: existing.resumptions + (decision.action === 'resume' ? 1 : 0),
    };
    delete next.finishedAt;
    claimed = await runs.replace(next);
    if (claimed && decision.action === 'resume') {
      log.warn(
        { previousHolder: existing.holder, resumptions: next.resumptions },
        'job run resumed: the instance running it stopped before it finished',
      );
    }
  }
  if (!claimed) {
    // Another instance or call won the race for this slot between our read and our write.
    const winner = await runs.get(job.name, occurrence.slot);
    return {
      outcome: winner?.status === 'succeeded' ? 'already-succeeded' : 'in-progress',
      run: winner,
    };
  }
  log.info({ attempt: claimed.attempts, scheduledFor: claimed.scheduledFor }, 'job run started');
  return { outcome: 'started', run: claimed, finished: perform(deps, job, claimed, log) };
}

// One span per run, whose ids the run's log lines carry; its duration is also a metric.
async function perform(
  deps: RunDeps,
  job: JobDefinition,
  claimed: JobRun,
  log: Logger,
): Promise<JobRun> {
  const span = startSpan(SPANS.job, {
    'arb.job': job.name,
    'arb.slot': claimed.slot,
    'arb.trigger': claimed.trigger,
    'arb.attempt': claimed.attempts,
  });
  try {
    return await span.within(() => performRun(deps, job, claimed, log, span));
  } finally {
    span.end();
  }
}

// Runs the job with a heartbeat, then records how it ended. Never rejects: failures are recorded.
async function performRun(
  deps: RunDeps,
  job: JobDefinition,
  claimed: JobRun,
  log: Logger,
  span: SpanScope,
): Promise<JobRun> {
  const { runs, clock, stopping } = deps;
  const controller = new AbortController();
  const abortOnStop = () => controller.abort(stopping.reason);
  stopping.addEventListener('abort', abortOnStop, { once: true });
  let current = claimed;
  let lost = false;
  // Heartbeats and the final write go one after another: each needs the ETag of the one before.
  let writes = Promise.resolve();
  const write = (change: (run: JobRun) => JobRun): Promise<void> => {
    const next = writes.then(async () => {
      if (lost) return;
      const saved = await runs.replace(change(current));
      if (saved) current = saved;
      else lost = true;
    });
    writes = next.catch(() => undefined); // a failed write must not block the ones after it
    return next;
  };

  let timer: NodeJS.Timeout | undefined;
  const beat = () => {
    timer = setTimeout(() => {
      // A stopping service lets its heartbeat lapse, so another instance resumes what it left.
      if (stopping.aborted) return;
      void write((run) => ({ ...run, heartbeatAt: clock.now().toISOString() }))
        .then(() => deps.onHeartbeat?.())
        .catch((error: unknown) =>
          log.warn({ err: error }, 'job heartbeat failed; trying again at the next one'),
        )
        .finally(() => {
          if (lost) {
            log.warn('job run taken over by another instance; telling the job to stop');
            controller.abort(new Error('taken over by another instance'));
          } else if (!controller.signal.aborted) beat();
        });
    }, deps.heartbeatMs);
    timer.unref();
  };
  beat();

  const scheduledFor = new Date(claimed.scheduledFor);
  const started = Date.now();
  let summary: JobSummary | undefined;
  let failure: unknown;
  try {
    summary =
      (await job.run({
        job: job.name,
        slot: claimed.slot,
        scheduledFor,
        date: toUkLocalTime(scheduledFor).date,
        now: clock.now(),
        trigger: claimed.trigger,
        attempt: claimed.attempts,
        signal: controller.signal,
      })) ?? {};
  } catch (error) {
    failure = error;
  } finally {
    clearTimeout(timer);
    stopping.removeEventListener('abort', abortOnStop);
  }
  const ms = Date.now() - started;
  const outcome = failure === undefined ? 'succeeded' : stopping.aborted ? 'stopped' : 'failed';
  recordJobDuration(job.name, outcome, ms);
  span.set({ 'arb.outcome': outcome });
  if (outcome === 'failed') span.fail(failure instanceof Error ? failure.name : 'Error');

  try {
    if (failure !== undefined && stopping.aborted) {
      // Cut short by a shutdown, not a fault of the job: hand the run on rather than fail it.
      await write((run) => ({ ...run, heartbeatAt: RELEASED }));
      log.info({ ms }, 'job run stopped by shutdown; another instance or restart resumes it');
    } else {
      const finishedAt = clock.now().toISOString();
      await write((run) => {
        const next: JobRun = {
          ...run,
          status: failure === undefined ? 'succeeded' : 'failed',
          finishedAt,
          heartbeatAt: finishedAt,
        };
        if (summary) next.summary = summary;
        if (failure === undefined) delete next.error;
        else next.error = describeError(failure);
        return next;
      });
      if (failure !== undefined) log.error({ err: failure, ms }, 'job run failed');
      else log.info({ ms, summary }, 'job run succeeded');
    }
  } catch (error) {
    log.error({ err: error }, 'could not record the end of a job run; it will be resumed');
  }
  if (lost) {
    log.warn('job run was taken over while it ran; the record is the other instance’s');
    return (await runs.get(claimed.job, claimed.slot).catch(() => undefined)) ?? current;
  }
  return current;
}

function outcomeOf(
  reason: 'succeeded' | 'in-progress' | 'waiting-to-retry' | 'gave-up',
): RunOutcome['outcome'] {
  return reason === 'succeeded' ? 'already-succeeded' : reason;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 2_000);
  return String(error).slice(0, 2_000);
}
