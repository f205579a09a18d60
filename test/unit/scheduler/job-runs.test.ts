import assert from 'node:assert/strict';
import {
  decideRunStart,
  runKey,
  type JobRun,
  type RunPolicy,
} from '../../../src/domain/jobs/job-runs';

const POLICY: RunPolicy = { staleMs: 120_000, maxAttempts: 3, retryDelayMs: 600_000 };
const NOW = new Date('2026-11-25T09:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function run(over: Partial<JobRun>): JobRun {
  return {
    job: 'nudges',
    slot: '2026-11-25',
    trigger: 'schedule',
    scheduledFor: '2026-11-25T08:30:00.000Z',
    status: 'running',
    holder: 'a',
    startedAt: ago(60_000),
    heartbeatAt: ago(10_000),
    attempts: 1,
    resumptions: 0,
    ...over,
  };
}

describe('deciding whether a slot may start', () => {
  it('keys a run by job and slot', () => {
    assert.equal(runKey('nudges', '2026-11-25'), 'nudges|2026-11-25');
  });

  it('creates a slot that has no run, and leaves a succeeded one alone', () => {
    assert.deepEqual(decideRunStart(undefined, NOW, POLICY), { action: 'create' });
    assert.deepEqual(decideRunStart(run({ status: 'succeeded' }), NOW, POLICY), {
      action: 'skip',
      reason: 'succeeded',
    });
  });

  it('leaves a running run with a recent heartbeat to its runner, and resumes a stale one', () => {
    assert.deepEqual(decideRunStart(run({}), NOW, POLICY), {
      action: 'skip',
      reason: 'in-progress',
    });
    assert.deepEqual(decideRunStart(run({ heartbeatAt: ago(120_000) }), NOW, POLICY), {
      action: 'resume',
    });
  });

  it('gives up a run whose runner stopped every time, rather than resuming it forever', () => {
    assert.deepEqual(decideRunStart(run({ heartbeatAt: ago(300_000), attempts: 3 }), NOW, POLICY), {
      action: 'abandon',
    });
  });

  it('retries a failed run after the delay, at once when asked, and not past the attempts', () => {
    const failed = run({ status: 'failed', finishedAt: ago(60_000) });
    assert.deepEqual(decideRunStart(failed, NOW, POLICY), {
      action: 'skip',
      reason: 'waiting-to-retry',
    });
    assert.deepEqual(decideRunStart(failed, NOW, POLICY, { retryNow: true }), {
      action: 'retry',
    });
    assert.deepEqual(decideRunStart({ ...failed, finishedAt: ago(600_000) }, NOW, POLICY), {
      action: 'retry',
    });
    const exhausted = { ...failed, attempts: 3, finishedAt: ago(3_600_000) };
    assert.deepEqual(decideRunStart(exhausted, NOW, POLICY), { action: 'skip', reason: 'gave-up' });
    assert.deepEqual(decideRunStart(exhausted, NOW, POLICY, { retryNow: true }), {
      action: 'retry',
    });
  });
});
