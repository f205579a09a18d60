import assert from 'node:assert/strict';
import { grantRole } from '../../src/domain/access/manage-roles';
import { closeCampaign, createCampaign } from '../../src/domain/campaigns/create-campaign';
import { launchCampaign } from '../../src/domain/campaigns/launch-campaign';
import { cardJobId } from '../../src/domain/cards/deliver-cards';
import type { JobRun } from '../../src/domain/jobs/job-runs';
import type { OutboxRequest } from '../../src/domain/outbox/outbox';
import type { RetentionPolicy } from '../../src/domain/retention/retention-rules';
import { runPurge, type PurgeSummary } from '../../src/domain/retention/run-purge';
import { setStatus } from '../../src/domain/status/set-status';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { FakeClock } from '../support/fake-clock';
import { SAMPLE_CHECKLIST, SAMPLE_ORGS } from '../support/sample-hierarchy';

const STAFF = 'bbbbbbbb-0000-4000-8000-000000000001';
const operator = { kind: 'operator', name: 'test' } as const;
const POLICY: RetentionPolicy = { outboxDays: 30, jobRunsDays: 90, historyDaysAfterClose: 365 };

describe('the retention purge, on real Table Storage and a fake clock', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  const clock = new FakeClock('2025-01-10T09:00:00Z');
  const deps = () => ({ ...storage, now: () => clock.now() });
  let closedId: string;
  let runningId: string;

  // Pages of three rows, so every read in the purge goes over several pages.
  const purge = (at: string): Promise<PurgeSummary> =>
    runPurge(storage, POLICY, { now: clock.set(at).now(), pageSize: 3 });

  async function send(request: Omit<OutboxRequest, 'kind' | 'target' | 'payload'>, sent = true) {
    await storage.outbox.enqueue(
      {
        ...request,
        kind: 'send',
        target: { kind: 'channel', teamId: 'team', channelId: 'channel' },
        payload: { text: 'hello' },
      },
      { now: clock.now() },
    );
    if (!sent) return;
    const entry = await storage.outbox.getEntry(request.jobId, request.dedupeKey);
    const claimed = await storage.outbox.claim(entry!, 'test', clock.now(), 60_000);
    assert.ok(await storage.outbox.markSent(claimed!, { activityId: 'a1' }, clock.now()));
  }

  async function recordRun(job: string, slot: string, status: JobRun['status']) {
    const at = clock.now().toISOString();
    await storage.jobRuns.create({
      job,
      slot,
      trigger: 'schedule',
      scheduledFor: at,
      status,
      holder: 'test',
      startedAt: at,
      heartbeatAt: at,
      attempts: 1,
      resumptions: 0,
      ...(status === 'running' ? {} : { finishedAt: at }),
    });
  }

  const eventsOf = async (campaignId: string, orgCode: string, icbCode: string) =>
    storage.items.listEvents({ campaignId, orgCode, actionId: 'PRAC-01', icbCode });

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    await storage.organisations.saveOrganisations(SAMPLE_ORGS);
    await storage.checklists.saveChecklist(SAMPLE_CHECKLIST);
    for (const orgCode of ['B81001', 'B82001'])
      await grantRole(deps(), operator, { userId: STAFF, role: 'practice_staff', orgCode });

    // Two campaigns with history: one closed ten days after the changes, one still running.
    const closed = (await createCampaign(deps(), { checklistId: 'sample', scopeCode: 'QZ1' }))
      .campaign;
    const running = (await createCampaign(deps(), { checklistId: 'sample', scopeCode: 'QZ2' }))
      .campaign;
    closedId = closed.id;
    runningId = running.id;
    for (const [campaignId, orgCode] of [
      [closedId, 'B81001'],
      [runningId, 'B82001'],
    ] as const) {
      await launchCampaign(deps(), campaignId);
      for (const status of ['in_progress', 'blocked', 'done'])
        await setStatus(deps(), {
          campaignId,
          orgCode,
          actionId: 'PRAC-01',
          status,
          surface: 'chat',
          actor: { userId: STAFF, name: 'Sam Jones' },
        });
    }

    // The day's messages: four sent, one still waiting; the running campaign's card posts.
    for (let i = 1; i <= 4; i += 1) await send({ jobId: 'nudges:2025-01-10', dedupeKey: `n${i}` });
    await send({ jobId: 'nudges:2025-01-10', dedupeKey: 'waiting' }, false);
    await send({ jobId: cardJobId(runningId), dedupeKey: 'post|team|channel|overview' });
    for (let i = 1; i <= 4; i += 1)
      await recordRun('nudges', `2025-01-0${i}`, i === 4 ? 'failed' : 'succeeded');
    await recordRun('digests', '2025-01-06', 'running');

    clock.set('2025-01-20T12:00:00Z');
    await closeCampaign(deps(), closedId);
  });
  after(() => azurite?.stop());

  it('deletes only what is past retention: old finished messages and runs, no status history yet', async () => {
    // Five months on: messages (30 days) and job runs (90 days) are past retention; the closed
    // campaign's history is kept for 365 days after it closed.
    clock.set('2025-06-01T02:30:00Z');
    await send({ jobId: 'nudges:2025-06-01', dedupeKey: 'today' });
    await recordRun('nudges', '2025-05-30', 'succeeded');

    const summary = await purge('2025-06-01T02:30:00Z');
    assert.equal(summary.outboxEntriesDeleted, 4);
    assert.equal(summary.jobRunsDeleted, 4);
    assert.equal(summary.statusEventsDeleted, 0);
    assert.ok(summary.pagesRead > 4, `read ${summary.pagesRead} pages of 3`);

    const day = await storage.outbox.listEntries('nudges:2025-01-10');
    assert.deepEqual(
      day.map((e) => [e.dedupeKey, e.state]),
      [['waiting', 'pending']],
      'a message still waiting is work, not history',
    );
    assert.equal((await storage.outbox.listEntries('nudges:2025-06-01')).length, 1);
    assert.equal(
      (await storage.outbox.listEntries(cardJobId(runningId))).length,
      1,
      'a running campaign keeps its card posts (later updates edit those cards)',
    );
    const runs = await storage.jobRuns.list('nudges', new Date('2024-12-01T00:00:00Z'));
    assert.deepEqual(
      runs.map((r) => r.slot),
      ['2025-05-30'],
    );
    assert.equal(
      (await storage.jobRuns.get('digests', '2025-01-06'))?.status,
      'running',
      'a run still going is kept',
    );
    assert.equal((await eventsOf(closedId, 'B81001', 'QZ1')).length, 3);
    assert.equal((await eventsOf(runningId, 'B82001', 'QZ2')).length, 3);
  });

  it('changes nothing when run again', async () => {
    const again = await purge('2025-06-01T02:31:00Z');
    assert.equal(again.outboxEntriesDeleted, 0);
    assert.equal(again.jobRunsDeleted, 0);
    assert.equal(again.statusEventsDeleted, 0);
  });

  it('deletes a closed campaign’s history a year after it closed, and keeps a running campaign’s', async () => {
    clock.set('2026-01-20T11:00:00Z');
    const early = await purge('2026-01-20T11:00:00Z');
    assert.equal(early.statusEventsDeleted, 0, 'not yet 365 days since it closed');

    const summary = await purge('2026-01-21T02:30:00Z');
    assert.equal(summary.statusEventsDeleted, 3);
    assert.deepEqual(summary.campaignsPurged, [closedId]);
    assert.deepEqual(await eventsOf(closedId, 'B81001', 'QZ1'), []);
    assert.equal(
      (await eventsOf(runningId, 'B82001', 'QZ2')).length,
      3,
      'a running campaign keeps all its history, however old',
    );
    const item = await storage.items.getItem({
      campaignId: closedId,
      orgCode: 'B81001',
      actionId: 'PRAC-01',
      icbCode: 'QZ1',
    });
    assert.equal(item?.status, 'done', 'the item keeps its final status');
    assert.equal(
      (await storage.outbox.listEntries(cardJobId(runningId))).length,
      1,
      'still running: card posts kept',
    );

    const again = await purge('2026-01-21T02:31:00Z');
    assert.equal(again.statusEventsDeleted + again.outboxEntriesDeleted + again.jobRunsDeleted, 0);
  });

  it('stops between pages when its abort signal fires', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopping'));
    await assert.rejects(
      runPurge(storage, POLICY, { now: clock.now(), signal: controller.signal }),
      /stopping/,
    );
  });
});
