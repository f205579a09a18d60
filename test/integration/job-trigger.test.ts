import assert from 'node:assert/strict';
import type { JobContext, JobDefinition } from '../../src/scheduler/job-definition';
import { parseSchedule } from '../../src/scheduler/schedule';
import { FakeClock } from '../support/fake-clock';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';

const SECRET = 'a-long-enough-secret-for-the-job-trigger-0123';

/** A job that records its calls; `body` may fail it or hold it up. */
function recordingJob(
  name: string,
  schedule: string,
  body: () => Promise<void> = async () => {},
): JobDefinition & { calls: JobContext[] } {
  const calls: JobContext[] = [];
  return {
    name,
    schedule: parseSchedule(schedule),
    calls,
    async run(context) {
      calls.push(context);
      await body();
      return { nudgesQueued: 12, slot: context.slot };
    },
  };
}

async function trigger(
  service: TestService,
  path: string,
  headers: Record<string, string> = { 'x-jobs-secret': SECRET },
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${service.url}${path}`, { method: 'POST', headers });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  };
}

describe('POST /api/jobs/<name>', function () {
  this.timeout(60_000);
  const clock = new FakeClock('2026-11-25T10:00:00Z'); // a Wednesday, 10:00 GMT
  let slowGate = () => {};
  const nudges = recordingJob('nudges', '08:30');
  const digests = recordingJob('digests', 'Monday 09:00');
  const broken = recordingJob('broken', 'every day 06:00', async () => {
    throw new Error('the checklist has no deadlines');
  });
  const slow = recordingJob(
    'slow',
    'every day 06:00',
    () => new Promise<void>((resolve) => (slowGate = resolve)),
  );
  let service: TestService;

  before(async () => {
    service = await startTestService(
      { JOBS_SECRET: SECRET, SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'info' },
      undefined,
      { jobs: [nudges, digests, broken, slow], clock },
    );
  });
  after(async () => {
    slowGate();
    await service?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  const recorded = (job: string) =>
    service.storage.jobRuns.list(job, new Date('2026-01-01T00:00:00Z'));

  it('answers 401 to a missing or wrong secret, and runs and records nothing', async () => {
    for (const headers of [
      {},
      { 'x-jobs-secret': 'wrong' },
      { 'x-jobs-secret': SECRET.slice(0, -1) },
      { authorization: 'Bearer wrong' },
      { authorization: SECRET },
    ] as Record<string, string>[]) {
      const res = await trigger(service, '/api/jobs/nudges?force=true', headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.body['code'], 'Unauthorized');
      assert.match(String(res.body['message']), /x-jobs-secret.*Nothing was run/);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    }
    // Nor does an unknown job's name leak to a caller without the secret.
    assert.equal((await trigger(service, '/api/jobs/secret-job', {})).status, 401);
    assert.equal(nudges.calls.length, 0);
    assert.deepEqual(await recorded('nudges'), []);
    assert.ok(
      !JSON.stringify(service.logs).includes(SECRET.slice(0, 20)),
      'the secret is never logged',
    );
  });

  it('answers 404 to an unknown job, listing the jobs there are', async () => {
    const res = await trigger(service, '/api/jobs/nudge');
    assert.equal(res.status, 404);
    assert.match(String(res.body['message']), /There is no job "nudge"\. Jobs: nudges, digests/);
    assert.deepEqual(res.body['jobs'], ['nudges', 'digests', 'broken', 'slow']);
  });

  it('runs the due slot and answers 200 with the run record, in UTC and UK time', async () => {
    const res = await trigger(service, '/api/jobs/nudges');
    assert.equal(res.status, 200);
    assert.equal(res.body['outcome'], 'ran');
    const run = res.body['run'] as Record<string, unknown>;
    assert.equal(run['key'], 'nudges|2026-11-25');
    assert.equal(run['status'], 'succeeded');
    assert.equal(run['trigger'], 'http');
    assert.equal(run['scheduledFor'], '2026-11-25T08:30:00.000Z');
    assert.equal(run['startedAt'], '2026-11-25T10:00:00.000Z');
    assert.equal(run['finishedAt'], '2026-11-25T10:00:00.000Z');
    assert.deepEqual(run['summary'], { nudgesQueued: 12, slot: '2026-11-25' });
    assert.deepEqual(run['uk'], {
      scheduledFor: 'Wed, 25 Nov 2026, 08:30 GMT',
      startedAt: 'Wed, 25 Nov 2026, 10:00 GMT',
      finishedAt: 'Wed, 25 Nov 2026, 10:00 GMT',
    });
    assert.equal(run['etag'], undefined);
    assert.equal(nudges.calls.length, 1);
    const stored = await service.storage.jobRuns.get('nudges', '2026-11-25');
    assert.equal(stored?.status, 'succeeded');
  });

  it('does not run a finished slot again unless forced, and a forced run gets its own key', async () => {
    const again = await trigger(service, '/api/jobs/nudges', {
      authorization: `Bearer ${SECRET}`,
    });
    assert.equal(again.status, 200);
    assert.equal(again.body['outcome'], 'already-succeeded');
    assert.match(String(again.body['message']), /force=true/);
    assert.equal(nudges.calls.length, 1);

    const forced = await trigger(service, '/api/jobs/nudges?force=true');
    assert.equal(forced.status, 200);
    assert.equal(
      (forced.body['run'] as Record<string, unknown>)['key'],
      'nudges|manual|2026-11-25T10:00:00.000Z',
    );
    assert.equal(nudges.calls.length, 2);
    assert.deepEqual(
      (await recorded('nudges')).map((r) => r.slot),
      ['2026-11-25', 'manual|2026-11-25T10:00:00.000Z'],
    );
  });

  it('runs a named past slot, and refuses one the schedule does not have or that is not due', async () => {
    const res = await trigger(service, '/api/jobs/nudges?slot=2026-11-24');
    assert.equal(res.status, 200);
    assert.equal(nudges.calls.at(-1)?.date, '2026-11-24');

    const saturday = await trigger(service, '/api/jobs/nudges?slot=2026-11-28');
    assert.equal(saturday.status, 400);
    assert.match(
      String(saturday.body['message']),
      /"2026-11-28" is not a slot of nudges \(08:30 UK time on working days\)/,
    );
    const future = await trigger(service, '/api/jobs/nudges?slot=2026-11-26');
    assert.equal(future.status, 400);
    assert.match(String(future.body['message']), /not due until Thu, 26 Nov 2026, 08:30 GMT/);
    const bad = await trigger(service, '/api/jobs/nudges?wait=forever');
    assert.equal(bad.status, 400);
  });

  it('says when a job has nothing due, and when it is next', async () => {
    const res = await trigger(service, '/api/jobs/digests');
    assert.equal(res.status, 200);
    assert.equal(res.body['outcome'], 'not-due');
    assert.match(String(res.body['message']), /next at Mon, 30 Nov 2026, 09:00 GMT/);
    assert.equal(digests.calls.length, 0);
  });

  it('answers 500 with the failed run when the job fails', async () => {
    const res = await trigger(service, '/api/jobs/broken');
    assert.equal(res.status, 500);
    const run = res.body['run'] as Record<string, unknown>;
    assert.equal(run['status'], 'failed');
    assert.equal(run['error'], 'Error: the checklist has no deadlines');
  });

  it('answers 202 when the job outlasts the wait, and the run goes on to finish', async () => {
    const res = await trigger(service, '/api/jobs/slow?wait=0');
    assert.equal(res.status, 202);
    assert.equal(res.body['outcome'], 'started');
    assert.equal((res.body['run'] as Record<string, unknown>)['status'], 'running');
    const busy = await trigger(service, '/api/jobs/slow?wait=0');
    assert.equal(busy.status, 202);
    assert.equal(busy.body['outcome'], 'in-progress');
    slowGate();
    for (let i = 0; i < 100; i += 1) {
      if ((await service.storage.jobRuns.get('slow', '2026-11-25'))?.status === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await service.storage.jobRuns.get('slow', '2026-11-25'))?.status, 'succeeded');
    assert.equal(slow.calls.length, 1);
  });
});

describe('POST /api/jobs/<name> without JOBS_SECRET', function () {
  this.timeout(60_000);

  it('is switched off: 403 saying how to switch it on, and nothing runs', async () => {
    const job = recordingJob('nudges', '08:30');
    const service = await startTestService({ SCHEDULER_ENABLED: 'true' }, undefined, {
      jobs: [job],
      clock: new FakeClock('2026-11-25T10:00:00Z'),
    });
    try {
      // The built-in scheduler is on: it has run today's slot by itself (it was due at 08:30).
      for (let i = 0; i < 100 && job.calls.length === 0; i += 1)
        await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        job.calls.map((c) => [c.slot, c.trigger]),
        [['2026-11-25', 'schedule']],
      );
      const res = await fetch(`${service.url}/api/jobs/nudges?force=true`, {
        method: 'POST',
        headers: { 'x-jobs-secret': 'anything' },
      });
      assert.equal(res.status, 403);
      assert.match(((await res.json()) as { message: string }).message, /Set JOBS_SECRET/);
      assert.equal(job.calls.length, 1);
    } finally {
      await service.stop();
      removeDataDir(service.dataDir);
    }
    assert.ok(service.logs.some((l) => l['msg'] === 'scheduler: released the leader lease'));
  });
});
