import assert from 'node:assert/strict';
import { setDeadline } from '../../src/domain/campaigns/set-deadline';
import { nudgeJobId } from '../../src/domain/nudges/run-nudges';
import { summariseDelivery, type OutboxRequest } from '../../src/domain/outbox/outbox';
import { isoWeekOf } from '../../src/domain/shared/uk-dates';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { runWithLimit } from '../../src/storage/run-batches';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { converse } from '../support/converse';
import { FakeClock } from '../support/fake-clock';
import { FakeConnector, type DeliveredActivity } from '../support/fake-connector';
import {
  introduceWithoutRoles,
  removeDataDir,
  startTestService,
  type TestService,
} from '../support/start-test-service';
import { TENANT_ID, USER, installationUpdate } from '../support/teams-activities';

// The campaign launch: one card to each of 1,300 channels. The cap is lowered from
// Teams' 50/s to 20/s (the fake enforces the same 20/s) so two instances that each took the
// whole cap would certainly exceed it on this machine, and the run stays near a minute.
const CHANNELS = 1_300;
const CAP = 20;
const say = (line: string) => process.stderr.write(`      ${line}\n`);

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
// A fortnight in May 2026 (the Spring bank holiday is Monday 25 May): two digest weeks.
const DAYS = Array.from({ length: 14 }, (_, i) =>
  new Date(Date.UTC(2026, 4, 18 + i)).toISOString().slice(0, 10),
);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const titleOf = (d: DeliveredActivity): string =>
  String(
    (d.body as Json | undefined)?.['attachments']?.[0]?.['content']?.['body']?.[0]?.['text'] ?? '',
  );

describe('two service instances on one storage account (real Azurite, fake Teams)', function () {
  this.timeout(300_000);
  const clock = new FakeClock('2026-05-18T06:00:00Z');
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let connector: FakeConnector;
  let a: TestService;
  let b: TestService;

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    connector = await new FakeConnector({ globalPerSecond: CAP }).start();
    const env = {
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      PROACTIVE_RATE_PER_SECOND: String(CAP),
      LOG_LEVEL: 'warn',
      ALLOWED_TENANT_IDS: TENANT_ID,
      BOOTSTRAP_ADMINISTRATORS: USER.aadObjectId,
    };
    // One after the other: the first seeds the demo, the second finds it seeded.
    a = await startTestService(env, undefined, { clock });
    b = await startTestService(env, undefined, { clock });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await connector?.stop();
    await azurite?.stop();
    for (const s of [a, b]) if (s) removeDataDir(s.dataDir);
  });

  it(`fans out ${CHANNELS.toLocaleString('en-GB')} cards: none throttled by the global cap, none lost, none twice`, async () => {
    const jobId = 'two-instances-launch';
    const requests: OutboxRequest[] = Array.from({ length: CHANNELS }, (_, i) => ({
      jobId,
      dedupeKey: `${jobId}|org-${i}`,
      kind: 'send',
      target: {
        kind: 'address',
        address: {
          serviceUrl: connector.url,
          tenantId: TENANT_ID,
          botId: '28:two-instances-bot',
          conversationId: `19:launch-${i}@thread.tacv2`,
        },
      },
      payload: { text: `${jobId}|org-${i}`, summary: 'Your access recovery checklist' },
    }));
    const started = Date.now();
    await runWithLimit(requests, 16, async (r) => {
      await storage.outbox.enqueue(r, { now: new Date() });
    });
    for (;;) {
      const summary = summariseDelivery(jobId, await storage.outbox.listEntries(jobId));
      if (summary.pending === 0 && summary.sending === 0) break;
      assert.ok(
        Date.now() - started < 240_000,
        `still sending after 240 s: ${JSON.stringify(summary)}`,
      );
      await new Promise((r) => setTimeout(r, 500));
    }
    const entries = await storage.outbox.listEntries(jobId);
    const mine = connector.delivered.filter((d) =>
      String(d.body?.['text'] ?? '').startsWith(`${jobId}|`),
    );
    const unique = new Set(mine.map((d) => String(d.body?.['text'])));
    const globalRefusals = connector.rejected.filter(
      (r) => r.reason === 'rate-limit' && /global/.test(r.limit ?? ''),
    );
    const first = Math.min(...mine.map((d) => d.at));
    const last = Math.max(...mine.map((d) => d.at));
    const bySender = new Map<string, number>();
    for (const e of entries)
      bySender.set(e.claimedBy ?? '?', (bySender.get(e.claimedBy ?? '?') ?? 0) + 1);
    say(
      `${CHANNELS} cards in ${((last - first) / 1000).toFixed(1)} s (${((mine.length - 1) / ((last - first) / 1000)).toFixed(1)}/s, cap ${CAP}/s); ` +
        `busiest second ${connector.maxRate(1_000)}; 429s ${connector.throttled} (global cap ${globalRefusals.length}); ` +
        `lost ${CHANNELS - unique.size}; duplicates ${mine.length - unique.size}; ` +
        `sent by instance: ${[...bySender.values()].join(' + ')}`,
    );
    // On a failure, what each message sent twice went through: enough to tell a lapsed claim
    // (takeovers) from a send that failed after Teams had it (failures, lastError).
    const counts = new Map<string, number[]>();
    for (const d of mine) {
      const text = String(d.body?.['text']);
      counts.set(text, [...(counts.get(text) ?? []), d.at]);
    }
    const twice = [...counts].filter(([, at]) => at.length > 1);
    const explain = () =>
      JSON.stringify({
        twice: twice.map(([text, at]) => {
          const e = entries.find((x) => x.dedupeKey === text);
          return {
            text,
            deliveredAt: at.map((t) => new Date(t).toISOString()),
            entry: e && {
              state: e.state,
              attempts: e.attempts,
              failures: e.failures,
              takeovers: e.takeovers,
              lastError: e.lastError,
              claimedBy: e.claimedBy,
            },
          };
        }),
        warnings: [...a.logs, ...b.logs]
          .filter((l) => Number(l['level']) >= 40)
          .slice(0, 20)
          .map((l) => `${String(l['time'])} ${String(l['msg'])} ${JSON.stringify(l['err'] ?? '')}`),
      });
    assert.equal(globalRefusals.length, 0, 'no 429 from the global cap');
    assert.equal(connector.throttled, 0, 'no 429 at all');
    assert.equal(unique.size, CHANNELS, 'none lost');
    assert.equal(mine.length, CHANNELS, `none sent twice: ${explain()}`);
    assert.ok(connector.maxRate(1_000) <= CAP);
    assert.ok(
      entries.every((e) => e.state === 'sent' && e.takeovers === 0),
      `every entry sent, none taken over: ${explain()}`,
    );
    assert.equal(bySender.size, 2, 'both instances sent');
  });

  it('one nudge per person-day and one digest per region-week when both schedulers tick together', async () => {
    const talk = converse(
      () => a,
      () => connector,
    );
    for (const person of Object.values(PEOPLE)) {
      await a.post({
        ...installationUpdate(connector.url, 'add', 'personal'),
        from: { ...person },
      });
      await introduceWithoutRoles(a, connector.url, person);
    }
    const grant = (
      userId: string,
      role: 'practice_staff' | 'pcn_lead' | 'icb_lead',
      orgCode: string,
    ) =>
      storage.roles.saveGrant({
        userId,
        role,
        orgCode,
        grantedBy: 'test',
        grantedAt: clock.now().toISOString(),
      });
    await grant(PEOPLE.staff.aadObjectId, 'practice_staff', 'X99001');
    await grant(PEOPLE.pcnLead.aadObjectId, 'pcn_lead', 'U99901');
    await grant(PEOPLE.icbLead.aadObjectId, 'icb_lead', 'QZ1');
    await setDeadline(storage, { campaignId: 'demo-qz1', actionId: 'PRAC-01', date: '2026-05-27' });
    const official = await storage.campaigns.getCampaign('recovering-access-2023-qz1');
    if (official) await storage.campaigns.saveCampaign({ ...official, status: 'closed' });
    assert.match(await talk.say(talk.channel('link Y63 digest')), /for the weekly digest/);
    connector.reset();

    for (const day of DAYS) {
      // 09:10 BST: after the 08:30 nudges and the Monday 09:00 digest. Both instances tick at
      // once, and the second is also triggered from outside (POST /api/jobs) at the same moment.
      clock.set(`${day}T08:10:00Z`);
      await Promise.all([
        a.scheduler.tick(),
        b.scheduler.tick(),
        b.scheduler.runJobNow('nudges'),
        a.scheduler.runJobNow('digests'),
      ]);
    }
    const nudges = (
      await Promise.all(DAYS.map((d) => storage.outbox.listEntries(nudgeJobId(d))))
    ).flat();
    const weeks = [...new Set(DAYS.map((d) => isoWeekOf(d)))];
    const digests = (
      await Promise.all(weeks.map((w) => storage.outbox.listEntries(`digests:${w}`)))
    ).flat();
    const expected = nudges.length + digests.length;
    await connector.waitFor(
      () => connector.delivered.filter((d) => d.method === 'POST').length >= expected,
      60_000,
    );
    // Let any second copy arrive before counting.
    await new Promise((r) => setTimeout(r, 2_000));

    const perPersonDay = new Map<string, number>();
    for (const e of nudges)
      if (e.target.kind === 'personal') {
        const key = `${e.target.userAadObjectId}|${e.jobId}`;
        perPersonDay.set(key, (perPersonDay.get(key) ?? 0) + 1);
      }
    const digestCards = connector.delivered.filter(
      (d) => d.method === 'POST' && /^Weekly digest/.test(titleOf(d)),
    );
    const perRegionWeek = new Map<string, number>();
    for (const e of digests) {
      const [, campaign, region, week] = e.dedupeKey.split('|');
      const key = `${campaign}|${region}|${week}`;
      perRegionWeek.set(key, (perRegionWeek.get(key) ?? 0) + 1);
    }
    const nudgeRuns = (
      await storage.jobRuns.list('nudges', new Date('2026-05-01T00:00:00Z'))
    ).filter((r) => r.status === 'succeeded');
    say(
      `nudges: ${nudges.length} for ${perPersonDay.size} person-days (most per person-day ${Math.max(...perPersonDay.values())}), ${nudgeRuns.length} runs; ` +
        `digests: ${digests.length} queued, ${digestCards.length} delivered for ${perRegionWeek.size} region-weeks; ` +
        `POSTs delivered ${connector.delivered.filter((d) => d.method === 'POST').length} of ${expected} queued`,
    );
    assert.ok(perPersonDay.size >= 3, 'nudges were due');
    assert.ok(
      [...perPersonDay.values()].every((n) => n === 1),
      'one nudge per person-day',
    );
    assert.equal(new Set(nudgeRuns.map((r) => r.slot)).size, nudgeRuns.length, 'one run per day');
    assert.equal(perRegionWeek.size, 2, 'Y63 in each of the two weeks');
    assert.ok(
      [...perRegionWeek.values()].every((n) => n === 1),
      'one digest per region-week',
    );
    assert.equal(digestCards.length, 2, 'two digest cards reached the channel');
    assert.equal(
      connector.delivered.filter((d) => d.method === 'POST').length,
      expected,
      'every queued message delivered once',
    );
  });

  it('a role revoked on one instance stops working on the other within the ten-second role cache', async () => {
    const person = {
      id: '29:revoked',
      name: 'Revoked Lead',
      aadObjectId: '44444444-4444-4444-8444-444444444444',
    };
    const talk = converse(
      () => b,
      () => connector,
    );
    await introduceWithoutRoles(a, connector.url, person);
    await storage.roles.saveGrant({
      userId: person.aadObjectId,
      role: 'pcn_lead',
      orgCode: 'U99901',
      grantedBy: 'test',
      grantedAt: clock.now().toISOString(),
    });
    const rolesOnB = async () => talk.say(talk.chat('whoami', person));
    // The second read is the one instance b keeps in its cache.
    assert.match(await rolesOnB(), /U99901/);
    assert.match(await rolesOnB(), /U99901/);
    await storage.roles.deleteGrant(person.aadObjectId, 'pcn_lead', 'U99901');
    const revokedAt = Date.now();
    while (/U99901/.test(await rolesOnB())) {
      assert.ok(Date.now() - revokedAt < 12_000, 'still granted on b 12 s after the revocation');
      await new Promise((r) => setTimeout(r, 250));
    }
    say(
      `revocation effective on the other instance after ${((Date.now() - revokedAt) / 1000).toFixed(1)} s`,
    );
  });
});
