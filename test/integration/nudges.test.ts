import assert from 'node:assert/strict';
import type { OutboxEntry } from '../../src/domain/outbox/outbox';
import { nudgeJobId, runNudges } from '../../src/domain/nudges/run-nudges';
import { createNudgeJob } from '../../src/app/nudge-job';
import { NO_BANK_HOLIDAYS } from '../../src/domain/shared/uk-calendar';
import { parseSchedule } from '../../src/scheduler/schedule';
import { setDeadline } from '../../src/domain/campaigns/set-deadline';
import { renderCard } from '../../src/cards/render-card';
import { createCardComposer } from '../../src/proactive/compose-card-message';
import { FakeClock } from '../support/fake-clock';
import { FakeConnector } from '../support/fake-connector';
import {
  introduceWithoutRoles,
  removeDataDir,
  startTestService,
  type TestService,
} from '../support/start-test-service';
import {
  TENANT_ID,
  cardAction,
  installationUpdate,
  personalMessage,
} from '../support/teams-activities';

// A simulated fortnight, Monday 18 May to Sunday 31 May 2026 (BST), with the Spring bank holiday
// on Monday 25 May. The demo campaign's deadlines are set relative to the day it is seeded.
const PEOPLE = {
  staff: {
    id: '29:staff',
    name: 'Practice Manager',
    aadObjectId: '11111111-1111-4111-8111-111111111111',
  },
  pcnLead: {
    id: '29:pcnlead',
    name: 'Clinical Director',
    aadObjectId: '22222222-2222-4222-8222-222222222222',
  },
  icbLead: {
    id: '29:icblead',
    name: 'Head of Primary Care',
    aadObjectId: '33333333-3333-4333-8333-333333333333',
  },
};
const DAYS = Array.from({ length: 14 }, (_, i) => {
  const d = new Date(Date.UTC(2026, 4, 18 + i));
  return d.toISOString().slice(0, 10);
});
const WORKING_DAYS = DAYS.filter((d) => {
  const day = new Date(`${d}T00:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6 && d !== '2026-05-25';
});

describe('deadline nudges over a simulated fortnight (fake clock, real scheduler, real Azurite)', function () {
  this.timeout(120_000);
  const clock = new FakeClock('2026-05-18T06:00:00Z');
  let connector: FakeConnector;
  let service: TestService;
  const sent = new Map<string, OutboxEntry[]>();

  before(async () => {
    connector = await new FakeConnector({ enforceLimits: false }).start();
    // The bot's tenant (a single-tenant bot knows it from its registration).
    service = await startTestService(
      { LOG_LEVEL: 'warn', ALLOWED_TENANT_IDS: TENANT_ID },
      undefined,
      { clock },
    );
    const grant = (
      userId: string,
      role: 'practice_staff' | 'pcn_lead' | 'icb_lead',
      orgCode: string,
    ) =>
      service.storage.roles.saveGrant({
        userId,
        role,
        orgCode,
        grantedBy: 'test',
        grantedAt: clock.now().toISOString(),
      });
    for (const person of Object.values(PEOPLE)) {
      // Each has the bot in their personal scope (so it can message them) and no demo roles.
      await service.post({
        ...installationUpdate(connector.url, 'add', 'personal'),
        from: { ...person },
      });
      await introduceWithoutRoles(service, connector.url, person);
    }
    await grant(PEOPLE.staff.aadObjectId, 'practice_staff', 'X99001');
    await grant(PEOPLE.pcnLead.aadObjectId, 'pcn_lead', 'U99901');
    await grant(PEOPLE.icbLead.aadObjectId, 'icb_lead', 'QZ1');
    // A deadline on a Sunday: its 7-day reminder falls on Sunday 24 May, the 1-day one on a Saturday.
    await setDeadline(service.storage, {
      campaignId: 'demo-qz1',
      actionId: 'PRAC-01',
      date: '2026-05-31',
    });
    // The 2023 campaign keeps the official (long past) deadlines; close it so only one campaign speaks.
    const official = await service.storage.campaigns.getCampaign('recovering-access-2023-qz1');
    if (official) await service.storage.campaigns.saveCampaign({ ...official, status: 'closed' });

    for (const day of DAYS) {
      // 09:00 BST, after the default 08:30 UK nudge time.
      clock.set(`${day}T08:00:00Z`);
      await service.scheduler.tick();
      sent.set(day, await service.storage.outbox.listEntries(nudgeJobId(day)));
    }
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  const to = (entries: OutboxEntry[], userId: string) =>
    entries.filter((e) => e.target.kind === 'personal' && e.target.userAadObjectId === userId);
  const text = (e: OutboxEntry) => JSON.stringify(e.payload);

  it('runs on working days only: not at weekends, not on the bank holiday Monday', async () => {
    const runs = await service.storage.jobRuns.list('nudges', new Date('2026-05-01T00:00:00Z'));
    assert.deepEqual(
      runs
        .filter((r) => r.status === 'succeeded')
        .map((r) => r.slot)
        .sort(),
      WORKING_DAYS,
    );
    for (const day of DAYS.filter((d) => !WORKING_DAYS.includes(d)))
      assert.equal(sent.get(day)?.length, 0, `nothing on ${day}`);
  });

  it('reminds practice staff of a weekend deadline on the working days that cover its milestones', () => {
    const days = DAYS.filter((d) =>
      to(sent.get(d) ?? [], PEOPLE.staff.aadObjectId).some((e) => /\*\*PRAC-01\*\*/.test(text(e))),
    );
    // 14 days before is Sunday 17 May (covered by Monday's run); 7 days before is Sunday 24 May
    // (covered by Tuesday 26 May, after the bank holiday); 1 day before is Saturday 30 May (next run: June).
    assert.deepEqual(days, ['2026-05-18', '2026-05-26']);
  });

  it('sends each person at most one reminder per organisation per day, and the PCN lead one per PCN', () => {
    for (const day of WORKING_DAYS) {
      const entries = sent.get(day) ?? [];
      const keys = entries.map((e) => e.dedupeKey);
      assert.equal(new Set(keys).size, keys.length);
      assert.ok(to(entries, PEOPLE.pcnLead.aadObjectId).length <= 1, `PCN lead on ${day}`);
      assert.ok(to(entries, PEOPLE.staff.aadObjectId).length <= 1, `staff on ${day}`);
    }
    const pcnLeadDays = WORKING_DAYS.filter(
      (d) => to(sent.get(d) ?? [], PEOPLE.pcnLead.aadObjectId).length > 0,
    );
    assert.ok(pcnLeadDays.length > 0, 'the PCN lead is reminded');
    // The PCN lead's summary names the practices that are behind.
    const summary = to(sent.get(pcnLeadDays[0]!) ?? [], PEOPLE.pcnLead.aadObjectId)[0]!;
    assert.match(text(summary), /Demo (Bridgefoot|Mill Lane|Weirside)/);
  });

  it('headlines each reminder with the number of actions it lists', () => {
    const entries = WORKING_DAYS.flatMap((d) => sent.get(d) ?? []);
    assert.ok(entries.length > 0);
    for (const e of entries) {
      const card = (e.payload?.['attachments'] as { content: { body: { text?: string }[] } }[])[0]!
        .content;
      const title = card.body[0]?.text ?? '';
      const listed = (JSON.stringify(card).match(/"text":"[^"]*?\*\*[A-Z]+-\d+\*\*/g) ?? []).length;
      const shown = /^The (\d+) /.exec(title)?.[1] ?? /^(\d+) action/.exec(title)?.[1];
      assert.equal(Number(shown), listed, title);
    }
  });

  it('tells the ICB lead only of items more than two weeks overdue', () => {
    const entries = WORKING_DAYS.flatMap((d) => to(sent.get(d) ?? [], PEOPLE.icbLead.aadObjectId));
    assert.ok(entries.length > 0, 'the demo has items three weeks overdue');
    for (const e of entries) {
      const overdue = [...text(e).matchAll(/overdue by (\d+) days/g)].map((m) => Number(m[1]));
      assert.ok(overdue.length > 0 && overdue.every((n) => n > 14), text(e).slice(0, 300));
    }
  });

  it('never sends a reminder twice: a rerun of a day (as after a restart mid-run) queues nothing new', async () => {
    clock.set('2026-05-26T10:00:00Z');
    const before = (await service.storage.outbox.listEntries(nudgeJobId('2026-05-26'))).length;
    const outcome = await service.scheduler.runJobNow('nudges', { force: true });
    const summary = outcome.run?.summary as { nudgesQueued: number; alreadyQueued: number };
    assert.equal(summary.nudgesQueued, 0);
    assert.equal(summary.alreadyQueued, before);
    assert.equal(
      (await service.storage.outbox.listEntries(nudgeJobId('2026-05-26'))).length,
      before,
    );
  });

  it('delivers the reminders to each person’s 1:1 chat', async () => {
    await connector.waitFor(
      () =>
        connector.delivered.filter((d) =>
          /need(s)? attention|overdue in/.test(JSON.stringify(d.body)),
        ).length > 0,
      15_000,
    );
  });
});

describe('reminder choices: snooze and only-urgent (real endpoint, real Azurite)', function () {
  this.timeout(60_000);
  // 08:00 BST: before the scheduled 08:30 run, so only this test's run speaks.
  const clock = new FakeClock('2026-06-01T07:00:00Z');
  const staff = PEOPLE.staff;
  let connector: FakeConnector;
  let service: TestService;

  before(async () => {
    connector = await new FakeConnector({ enforceLimits: false }).start();
    service = await startTestService(
      { LOG_LEVEL: 'warn', ALLOWED_TENANT_IDS: TENANT_ID },
      undefined,
      { clock },
    );
    await service.post({
      ...installationUpdate(connector.url, 'add', 'personal'),
      from: { ...staff },
    });
    await introduceWithoutRoles(service, connector.url, staff);
    await service.storage.roles.saveGrant({
      userId: staff.aadObjectId,
      role: 'practice_staff',
      orgCode: 'X99001',
      grantedBy: 'test',
      grantedAt: clock.now().toISOString(),
    });
    const official = await service.storage.campaigns.getCampaign('recovering-access-2023-qz1');
    if (official) await service.storage.campaigns.saveCampaign({ ...official, status: 'closed' });
    // Due in 7 days (non-urgent), tomorrow (urgent) and tomorrow (to be snoozed).
    for (const [actionId, date] of [
      ['PRAC-02', '2026-06-08'],
      ['PRAC-03', '2026-06-02'],
      ['PRAC-04', '2026-06-02'],
    ] as const)
      await setDeadline(service.storage, { campaignId: 'demo-qz1', actionId, date });
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  it('leaves out a snoozed item and, after "nudges urgent", the 7-day reminders', async () => {
    const snooze = await service.post({
      ...cardAction(connector.url, 'snoozeNudge', {
        campaignId: 'demo-qz1',
        orgCode: 'X99001',
        actionId: 'PRAC-04',
      }),
      from: { ...staff },
    });
    assert.equal(snooze.status, 200);
    assert.match(JSON.stringify(snooze.body), /Snoozed: no reminders about PRAC-04/);
    await service.post({ ...personalMessage(connector.url, 'nudges urgent'), from: { ...staff } });

    const summary = await runNudges(
      {
        ...service.storage,
        composer: createCardComposer(renderCard),
        now: () => clock.now(),
        defaultTenantId: TENANT_ID,
      },
      { date: '2026-06-01', previousRun: '2026-05-29' },
    );
    assert.ok(summary.leftOutSnoozed >= 1 && summary.leftOutOptedOut >= 1);
    // The run reads everyone's choices at once; that read says what the person's own read says.
    assert.deepEqual(
      (await service.storage.preferences.listNudgePreferences()).get(
        staff.aadObjectId.toLowerCase(),
      ),
      await service.storage.preferences.getNudgePreferences(staff.aadObjectId),
    );
    const mine = (await service.storage.outbox.listEntries(nudgeJobId('2026-06-01'))).filter(
      (e) => e.target.kind === 'personal' && e.target.userAadObjectId === staff.aadObjectId,
    );
    assert.equal(mine.length, 1, mine.map((e) => e.dedupeKey).join(', '));
    const card = JSON.stringify(mine[0]?.payload);
    assert.match(card, /\*\*PRAC-03\*\*/);
    assert.doesNotMatch(card, /\*\*PRAC-04\*\*/, 'snoozed');
    assert.doesNotMatch(
      card,
      /\*\*PRAC-02\*\*/,
      'a 7-day reminder, and only urgent ones were asked for',
    );
  });

  it('stops a reminder run told to stop (its abort signal) and queues nothing more', async () => {
    const job = createNudgeJob({
      schedule: parseSchedule('08:30'),
      runs: service.storage.jobRuns,
      holidays: NO_BANK_HOLIDAYS,
      deps: (now) => ({
        ...service.storage,
        composer: createCardComposer(renderCard),
        now: () => now,
        defaultTenantId: TENANT_ID,
      }),
    });
    const stopping = new AbortController();
    stopping.abort(new Error('the scheduler is stopping'));
    await assert.rejects(
      job.run({
        job: job.name,
        slot: '2026-06-02',
        scheduledFor: clock.now(),
        date: '2026-06-02',
        now: clock.now(),
        trigger: 'http',
        attempt: 1,
        signal: stopping.signal,
      }),
      /the scheduler is stopping/,
    );
    assert.deepEqual(await service.storage.outbox.listEntries(nudgeJobId('2026-06-02')), []);
  });

  it('explains what to type for a choice it does not know', async () => {
    await service.post({
      ...personalMessage(connector.url, 'nudges sometimes'),
      from: { ...staff },
    });
    await connector.waitFor(() =>
      connector.delivered.some((d) =>
        /Type \*\*nudges\*\*, \*\*nudges urgent\*\*/.test(JSON.stringify(d.body)),
      ),
    );
  });
});
