import assert from 'node:assert/strict';
import { loadBankHolidays } from '../../src/app/load-bank-holidays';
import type { JobRun } from '../../src/domain/jobs/job-runs';
import { createLogger } from '../../src/logging/create-logger';
import {
  createScheduler,
  DEFAULT_SCHEDULER_TIMINGS,
  type Scheduler,
  type SchedulerOptions,
} from '../../src/scheduler/create-scheduler';
import type { JobContext, JobDefinition } from '../../src/scheduler/job-definition';
import { parseSchedule } from '../../src/scheduler/schedule';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { FakeClock } from '../support/fake-clock';

const HOLIDAYS = loadBankHolidays().dates;
const { leaseMs, staleMs, retryDelayMs } = DEFAULT_SCHEDULER_TIMINGS;
const MINUTE = 60_000;

/** A job that records each call; `body` may hold it up or fail it. */
function recordingJob(
  name: string,
  schedule: string,
  body: (context: JobContext) => Promise<Record<string, unknown>> = async () => ({}),
): JobDefinition & { calls: JobContext[] } {
  const calls: JobContext[] = [];
  return {
    name,
    schedule: parseSchedule(schedule),
    calls,
    async run(context) {
      calls.push(context);
      return { queued: calls.length, ...(await body(context)) };
    },
  };
}

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('the scheduler on real Table Storage', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let testNumber = 0;
  let leaseName = '';
  const schedulers: Scheduler[] = [];

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
  });
  after(() => azurite?.stop());
  // Each test has its own leader lease, so a leader a test "kills" does not hold up the next.
  beforeEach(() => (leaseName = `test-${(testNumber += 1)}`));
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  });

  function scheduler(
    instanceId: string,
    clock: FakeClock,
    jobs: JobDefinition[],
    over: Partial<SchedulerOptions> = {},
  ): Scheduler {
    const created = createScheduler({
      jobs,
      leases: storage.leases,
      runs: storage.jobRuns,
      clock,
      logger: createLogger('silent'),
      instanceId,
      bankHolidays: HOLIDAYS,
      leaseName,
      ...over,
    });
    schedulers.push(created);
    return created;
  }

  const runsOf = (job: string, since = '2026-01-01T00:00:00Z'): Promise<JobRun[]> =>
    storage.jobRuns.list(job, new Date(since));

  describe('the leader lease', () => {
    it('goes to exactly one of several instances asking at once, and to nobody else until it lapses', async () => {
      const now = new Date('2026-11-25T09:00:00Z');
      const holders = ['a', 'b', 'c', 'd', 'e'];
      const results = await Promise.all(
        holders.map((h) => storage.leases.acquire(leaseName, h, now, leaseMs)),
      );
      const winners = results.filter((r) => r !== undefined);
      assert.equal(winners.length, 1);
      const winner = winners[0]?.holder ?? '';
      const loser = holders.find((h) => h !== winner) ?? '';

      const renewed = await storage.leases.acquire(
        leaseName,
        winner,
        new Date(now.getTime() + 1_000),
        leaseMs,
      );
      assert.equal(renewed?.acquiredAt, now.toISOString(), 'a renewal keeps its tenure');
      assert.equal(
        await storage.leases.acquire(leaseName, loser, new Date(now.getTime() + 2_000), leaseMs),
        undefined,
      );

      // Lapsed: several take it over at once; the ETag condition lets one through.
      const later = new Date(now.getTime() + 1_000 + leaseMs);
      const takeovers = await Promise.all(
        holders
          .filter((h) => h !== winner)
          .map((h) => storage.leases.acquire(leaseName, h, later, leaseMs)),
      );
      assert.equal(takeovers.filter((r) => r !== undefined).length, 1);
    });

    it('is let go on release, and only by its holder', async () => {
      const now = new Date('2026-11-25T09:00:00Z');
      assert.ok(await storage.leases.acquire(leaseName, 'a', now, leaseMs));
      await storage.leases.release(leaseName, 'b', now);
      assert.equal(await storage.leases.acquire(leaseName, 'b', now, leaseMs), undefined);
      await storage.leases.release(leaseName, 'a', now);
      assert.equal((await storage.leases.acquire(leaseName, 'b', now, leaseMs))?.holder, 'b');
    });
  });

  describe('ticks', () => {
    it('runs 08:30 UK time once a working day through the week BST starts, skipping Easter', async () => {
      const job = recordingJob('bst-week', '08:30');
      const clock = new FakeClock('2026-03-26T00:00:00Z');
      const a = scheduler('a', clock, [job]);
      // First start, at noon: that morning's slot was missed, and runs now, late.
      clock.set('2026-03-25T12:00:00Z');
      await a.tick();
      assert.deepEqual(
        job.calls.map((c) => c.slot),
        ['2026-03-25'],
      );
      const ranAt: string[] = [];
      // Ticks just before and at 07:30 and 08:30 UTC, and at noon, from Thursday to the Tuesday after Easter.
      for (let day = 0; day < 13; day += 1) {
        for (const time of ['07:29', '07:30', '08:29', '08:30', '12:00']) {
          const date = new Date(Date.parse('2026-03-26T00:00:00Z') + day * 86_400_000);
          clock.set(`${date.toISOString().slice(0, 10)}T${time}:00Z`);
          const before = job.calls.length;
          await a.tick();
          if (job.calls.length > before) ranAt.push(clock.now().toISOString().slice(0, 16));
        }
      }
      assert.deepEqual(ranAt, [
        '2026-03-26T08:30',
        '2026-03-27T08:30',
        '2026-03-30T07:30', // BST from Sunday 29 March: 08:30 UK time is 07:30 UTC
        '2026-03-31T07:30',
        '2026-04-01T07:30',
        '2026-04-02T07:30',
        // Good Friday 3 April, the weekend and Easter Monday 6 April: nothing
        '2026-04-07T07:30',
      ]);
      assert.deepEqual(
        job.calls.map((c) => [c.slot, c.date, c.scheduledFor.toISOString()]).slice(2, 4),
        [
          ['2026-03-27', '2026-03-27', '2026-03-27T08:30:00.000Z'],
          ['2026-03-30', '2026-03-30', '2026-03-30T07:30:00.000Z'],
        ],
      );
      const runs = await runsOf('bst-week');
      assert.equal(runs.length, 8);
      const last = runs.at(-1);
      assert.equal(last?.status, 'succeeded');
      assert.equal(last?.holder, 'a');
      assert.equal(last?.startedAt, '2026-04-07T07:30:00.000Z');
      assert.equal(last?.finishedAt, '2026-04-07T07:30:00.000Z');
      assert.deepEqual(last?.summary, { queued: 8 });
      assert.equal(last?.attempts, 1);
    });

    it('runs a slot on one of two instances ticking at once; the other is not leader', async () => {
      const jobA = recordingJob('twins', '08:30');
      const jobB = recordingJob('twins', '08:30');
      const clockA = new FakeClock('2026-11-23T08:30:00Z');
      const clockB = new FakeClock('2026-11-23T08:30:00Z');
      const a = scheduler('a', clockA, [jobA]);
      const b = scheduler('b', clockB, [jobB]);
      for (const time of ['2026-11-23T08:30:00Z', '2026-11-23T08:31:00Z', '2026-11-24T08:30:00Z']) {
        clockA.set(time);
        clockB.set(time);
        const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
        assert.equal(Number(ra.leader) + Number(rb.leader), 1, `one leader at ${time}`);
      }
      assert.equal(jobA.calls.length + jobB.calls.length, 2, 'Monday and Tuesday, once each');
      assert.deepEqual(
        (await runsOf('twins')).map((r) => [r.slot, r.status, r.attempts]),
        [
          ['2026-11-23', 'succeeded', 1],
          ['2026-11-24', 'succeeded', 1],
        ],
      );
    });

    it('starts a slot once when two instances race for it without the lease', async () => {
      const jobA = recordingJob('race', '08:30');
      const jobB = recordingJob('race', '08:30');
      const a = scheduler('a', new FakeClock('2026-11-25T09:00:00Z'), [jobA]);
      const b = scheduler('b', new FakeClock('2026-11-25T09:00:00Z'), [jobB]);
      const outcomes = await Promise.all([a.runJobNow('race'), b.runJobNow('race')]);
      assert.equal(jobA.calls.length + jobB.calls.length, 1);
      assert.ok(outcomes.some((o) => o.outcome === 'ran'));
      assert.ok(
        outcomes.some((o) => o.outcome === 'in-progress' || o.outcome === 'already-succeeded'),
      );
    });

    it('hands over to the other instance when the leader dies, once its lease lapses', async () => {
      const jobA = recordingJob('takeover', 'every day 08:30');
      const jobB = recordingJob('takeover', 'every day 08:30');
      const clockA = new FakeClock('2026-11-25T08:30:00Z');
      const clockB = new FakeClock('2026-11-25T08:30:30Z');
      const a = scheduler('a', clockA, [jobA]);
      const b = scheduler('b', clockB, [jobB]);
      assert.equal((await a.tick()).leader, true);
      assert.equal(jobA.calls.length, 1);
      // a dies here: it never ticks (renews) again and never releases.
      assert.equal((await b.tick()).leader, false, 'the lease is still a’s');
      clockB.set('2026-11-25T08:30:00Z').advance(leaseMs);
      assert.equal((await b.tick()).leader, true, 'lapsed: b takes over');
      assert.equal(jobB.calls.length, 0, 'today’s slot is done already');
      clockB.set('2026-11-26T08:30:00Z');
      await b.tick();
      assert.deepEqual(
        jobB.calls.map((c) => c.slot),
        ['2026-11-26'],
      );
      // a comes back: b holds the lease, so a runs nothing.
      clockA.set('2026-11-26T08:31:00Z');
      assert.equal((await a.tick()).leader, false);
      assert.equal(jobA.calls.length, 1);
      assert.equal((await storage.leases.get(leaseName))?.holder, 'b');
    });

    it('lets the other instance lead at once after a graceful stop', async () => {
      const a = scheduler('a', new FakeClock('2026-11-25T08:30:00Z'), [
        recordingJob('graceful', '08:30'),
      ]);
      const b = scheduler('b', new FakeClock('2026-11-25T08:31:00Z'), [
        recordingJob('graceful', '08:30'),
      ]);
      assert.equal((await a.tick()).leader, true);
      await a.stop();
      assert.equal((await b.tick()).leader, true);
    });
  });

  describe('runs', () => {
    it('resumes a run left by an instance that stopped mid-run, once, without a second record', async () => {
      const held = gate();
      const started = gate();
      const jobA = recordingJob('restart', '08:30', async () => {
        started.open();
        await held.opened; // a "dies" here: it neither finishes nor heartbeats again
        return { from: 'a' };
      });
      const jobB = recordingJob('restart', '08:30', async () => ({ from: 'b' }));
      const a = scheduler('a', new FakeClock('2026-11-25T08:30:00Z'), [jobA]);
      const aTick = a.tick();
      await started.opened;
      const running = await storage.jobRuns.get('restart', '2026-11-25');
      assert.equal(running?.status, 'running');
      assert.equal(running?.holder, 'a');

      const clockB = new FakeClock('2026-11-25T08:30:00Z');
      const b = scheduler('b', clockB, [jobB]);
      clockB.advance(staleMs - MINUTE);
      assert.deepEqual((await b.tick()).runs, [], 'heartbeat still fresh, lease still a’s');
      clockB.set('2026-11-25T08:30:00Z').advance(Math.max(staleMs, leaseMs));
      const tick = await b.tick();
      assert.deepEqual(tick.runs, [
        { job: 'restart', slot: '2026-11-25', outcome: 'ran', status: 'succeeded' },
      ]);
      assert.equal(jobB.calls[0]?.attempt, 2);

      // a wakes up and finishes late: its write loses to b's, and it does not overwrite b's record.
      held.open();
      await aTick;
      const run = await storage.jobRuns.get('restart', '2026-11-25');
      assert.equal(run?.status, 'succeeded');
      assert.equal(run?.holder, 'b');
      assert.equal(run?.resumptions, 1);
      assert.equal(run?.attempts, 2);
      assert.deepEqual(run?.summary, { queued: 1, from: 'b' });
      assert.equal((await runsOf('restart')).length, 1, 'one record for the slot');

      clockB.advance(MINUTE);
      await b.tick();
      assert.equal(jobB.calls.length, 1, 'not run a third time');
    });

    it('hands a run on at a graceful stop, so the next leader resumes it at once', async () => {
      const started = gate();
      const jobA = recordingJob('shutdown', '08:30', async (context) => {
        started.open();
        await new Promise<void>((_, reject) =>
          context.signal.addEventListener('abort', () => reject(new Error('stopping')), {
            once: true,
          }),
        );
        return {};
      });
      const a = scheduler('a', new FakeClock('2026-11-25T08:30:00Z'), [jobA]);
      const aTick = a.tick();
      await started.opened;
      await a.stop();
      await aTick;
      const handedOn = await storage.jobRuns.get('shutdown', '2026-11-25');
      assert.equal(handedOn?.status, 'running', 'not failed: the job did nothing wrong');

      const jobB = recordingJob('shutdown', '08:30');
      const b = scheduler('b', new FakeClock('2026-11-25T08:31:00Z'), [jobB]);
      assert.equal((await b.tick()).leader, true, 'the lease was released');
      assert.equal(jobB.calls.length, 1);
      const run = await storage.jobRuns.get('shutdown', '2026-11-25');
      assert.equal(run?.status, 'succeeded');
      assert.equal(run?.resumptions, 1);
    });

    it('runs a job missed during downtime once on restart, for the latest slot only', async () => {
      const clock = new FakeClock('2026-11-23T08:30:00Z');
      const first = recordingJob('downtime', '08:30');
      await scheduler('a', clock, [first]).tick();
      // Down from Monday until Thursday 10:00: Tuesday's, Wednesday's and Thursday's slots passed.
      clock.set('2026-11-26T10:00:00Z');
      const second = recordingJob('downtime', '08:30');
      const restarted = scheduler('a2', clock, [second]);
      await restarted.tick();
      await restarted.tick();
      clock.advance(30 * MINUTE);
      await restarted.tick();
      assert.deepEqual(
        second.calls.map((c) => c.slot),
        ['2026-11-26'],
      );
      assert.deepEqual(
        (await runsOf('downtime')).map((r) => r.slot),
        ['2026-11-23', '2026-11-26'],
      );

      // Down over a slot but back within a day: the missed slot runs on restart, then today's on time.
      clock.set('2026-11-27T07:00:00Z');
      const third = recordingJob('downtime', '08:30');
      const again = scheduler('a3', clock, [third]);
      await again.tick();
      assert.deepEqual(
        third.calls.map((c) => c.slot),
        [],
      );
      clock.set('2026-11-28T07:00:00Z'); // Saturday: Friday's slot was missed
      await again.tick();
      assert.deepEqual(
        third.calls.map((c) => [c.slot, c.date]),
        [['2026-11-27', '2026-11-27']],
      );
    });

    it('lets a weekly slot go when the service was down longer than the catch-up window', async () => {
      const clock = new FakeClock('2026-11-24T09:30:00Z'); // Tuesday, a day after Monday 09:00
      const job = recordingJob('weekly-late', 'Monday 09:00');
      const a = scheduler('a', clock, [job]);
      await a.tick();
      assert.equal(job.calls.length, 0);
      const outcome = await a.runJobNow('weekly-late');
      assert.equal(outcome.outcome, 'not-due');
      assert.equal(outcome.next?.slot, '2026-11-30');
    });

    it('retries a failed run after a delay, then records success', async () => {
      let failures = 1;
      const job = recordingJob('flaky', '08:30', async () => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('Teams said no');
        }
        return { sent: 3 };
      });
      const clock = new FakeClock('2026-11-25T08:30:00Z');
      const a = scheduler('a', clock, [job]);
      assert.deepEqual((await a.tick()).runs, [
        { job: 'flaky', slot: '2026-11-25', outcome: 'ran', status: 'failed' },
      ]);
      const failed = await storage.jobRuns.get('flaky', '2026-11-25');
      assert.equal(failed?.error, 'Error: Teams said no');
      clock.advance(MINUTE);
      assert.deepEqual((await a.tick()).runs, [
        { job: 'flaky', slot: '2026-11-25', outcome: 'waiting-to-retry', status: 'failed' },
      ]);
      clock.advance(retryDelayMs);
      await a.tick();
      const run = await storage.jobRuns.get('flaky', '2026-11-25');
      assert.equal(run?.status, 'succeeded');
      assert.equal(run?.attempts, 2);
      assert.equal(run?.resumptions, 0);
      assert.equal(run?.error, undefined);
      assert.deepEqual(run?.summary, { queued: 2, sent: 3 });
    });

    it('refuses job definitions with bad names, duplicates or bad schedules', () => {
      const clock = new FakeClock('2026-11-25T08:30:00Z');
      const make = (jobs: JobDefinition[]) => () => scheduler('x', clock, jobs);
      assert.throws(make([recordingJob('Nudges!', '08:30')]), /lower-case letters/);
      assert.throws(make([recordingJob('a', '08:30'), recordingJob('a', '09:00')]), /Two jobs/);
      assert.throws(
        make([
          {
            ...recordingJob('a', '08:30'),
            schedule: { kind: 'daily', time: '8:30', workingDaysOnly: true },
          },
        ]),
        /HH:MM/,
      );
    });
  });
});
