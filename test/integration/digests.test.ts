import assert from 'node:assert/strict';
import { buildRegionDigest, buildRegionDigestByScan } from '../../src/domain/digests/build-digest';
import { createCampaign } from '../../src/domain/campaigns/create-campaign';
import { getDeliveryHealth } from '../../src/domain/outbox/delivery-health';
import { launchCampaign } from '../../src/domain/campaigns/launch-campaign';
import type { Organisation } from '../../src/domain/access/organisations';
import { digestOutboxJob } from '../../src/domain/digests/run-digests';
import { changeStatus } from '../../src/domain/status/set-status';
import { addDays, isoWeekOf, mondayOf, todayInLondon } from '../../src/domain/shared/uk-dates';
import { FakeClock } from '../support/fake-clock';
import { FakeConnector, type DeliveredActivity, type TeamMember } from '../support/fake-connector';
import { converse } from '../support/converse';
import {
  introduceWithoutRoles,
  removeDataDir,
  startTestService,
  type TestService,
} from '../support/start-test-service';
import { botAddedToTeam, CHANNEL_ID, OTHER_USER, TEAM_ID, USER } from '../support/teams-activities';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// A second region with one ICB, one PCN and two practices, and a campaign over it, so one
// region's trouble can be shown not to touch another's digest.
const LONDON_CHANNEL = '19:london0digest0channel0000000000@thread.tacv2';
const ICB_CHANNEL = '19:qz10digest0channel00000000000000@thread.tacv2';
const PCN_CHANNEL = '19:u99901digest0channel0000000000000@thread.tacv2';
const LONDON: Organisation[] = [
  { code: 'Y56', name: 'London', level: 'region', open: true },
  {
    code: 'QX1',
    name: 'NHS Test North London ICB',
    level: 'icb',
    parentCode: 'Y56',
    regionCode: 'Y56',
    open: true,
  },
  {
    code: 'U88801',
    name: 'Test Camden PCN',
    level: 'pcn',
    parentCode: 'QX1',
    icbCode: 'QX1',
    regionCode: 'Y56',
    open: true,
  },
  {
    code: 'A88001',
    name: 'Test Kentish Town Surgery',
    level: 'practice',
    parentCode: 'U88801',
    icbCode: 'QX1',
    regionCode: 'Y56',
    open: true,
  },
  {
    code: 'A88002',
    name: 'Test Primrose Hill Practice',
    level: 'practice',
    parentCode: 'U88801',
    icbCode: 'QX1',
    regionCode: 'Y56',
    open: true,
  },
];

// People of the team, in its roster: whom a digest channel may choose to mention.
const RAO: TeamMember = {
  id: '29:asha-rao',
  name: 'Asha Rao',
  aadObjectId: 'aaaaaaaa-0000-4000-8000-000000000001',
  email: 'asha.rao@nhs.example',
};
const PATEL: TeamMember = {
  id: '29:ravi-patel',
  name: 'Ravi Patel',
  aadObjectId: 'aaaaaaaa-0000-4000-8000-000000000002',
  email: 'ravi.patel@nhs.example',
};

// Two weeks back (Mondays, 10:00 UTC), so the fake clock stays behind the real one the sender uses.
const FIRST_MONDAY = addDays(mondayOf(todayInLondon(new Date())), -14);
const NEXT_MONDAY = addDays(FIRST_MONDAY, 7);

function cardOf(activity: DeliveredActivity): Json {
  return (activity.body as Json | undefined)?.['attachments']?.[0]?.['content'] ?? {};
}
const titleOf = (d: DeliveredActivity): string => String(cardOf(d)['body']?.[0]?.['text'] ?? '');
const isDigest = (d: DeliveredActivity) => d.method === 'POST' && /^Weekly digest/.test(titleOf(d));

describe('weekly regional and ICB digests (real server, real Azurite, fake Teams)', function () {
  this.timeout(120_000);
  const clock = new FakeClock(`${FIRST_MONDAY}T10:00:00Z`);
  let connector: FakeConnector;
  let service: TestService;
  let londonCampaign = '';

  before(async () => {
    connector = await new FakeConnector().start();
    // Digests span two regions: the demo's user is made an England administrator from configuration.
    service = await startTestService(
      { SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'warn', BOOTSTRAP_ADMINISTRATORS: USER.aadObjectId },
      undefined,
      {
        clock,
      },
    );
    await say(chat('whoami'));
    const deps = { ...service.storage, now: () => clock.now() };
    await service.storage.organisations.saveOrganisations(LONDON);
    const demo = await service.storage.campaigns.getCampaign('demo-qz1');
    assert.ok(demo);
    const { campaign } = await createCampaign(deps, {
      checklistId: demo.checklistId,
      scopeCode: 'Y56',
      id: 'test-london',
    });
    await launchCampaign(deps, campaign.id);
    londonCampaign = campaign.id;
    // The demo seeds the 2023 record closed; reopen it so Y63 has two running campaigns.
    const record = await service.storage.campaigns.getCampaign('recovering-access-2023-qz1');
    assert.ok(record);
    await service.storage.campaigns.saveCampaign({ ...record, status: 'running' });
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  const talk = converse(
    () => service,
    () => connector,
  );
  const { say, chat } = talk;
  const channel = (text: string, from = USER, channelId = CHANNEL_ID) =>
    talk.channel(
      text,
      from,
      channelId,
      channelId === CHANNEL_ID ? 'Regional digest' : 'London digest',
    );

  async function runJob(force = false) {
    const outcome = await service.scheduler.runJobNow('digests', force ? { force: true } : {});
    assert.equal(outcome.run?.status, 'succeeded', JSON.stringify(outcome));
    return outcome.run?.summary as Json;
  }

  async function setStatus(
    campaignId: string,
    orgCode: string,
    actionId: string,
    status: string,
    note = '',
  ) {
    await changeStatus(
      { ...service.storage, now: () => clock.now() },
      {
        campaignId,
        orgCode,
        actionId,
        status,
        note,
        surface: 'cli',
        actor: { userId: USER.aadObjectId },
      },
    );
  }

  async function itemsOf(campaignId: string, group: string) {
    return service.storage.items.listItemsForIcb(campaignId, group);
  }

  it('links a channel of each region for the digest', async () => {
    assert.match(await say(channel('link Y63 digest')), /for the weekly digest/);
    assert.match(
      await say(channel('link Y56 digest', USER, LONDON_CHANNEL)),
      /for the weekly digest/,
    );
    // An ICB's digest channel gets a digest about its PCNs.
    assert.match(
      await say(channel('link QZ1 digest', USER, ICB_CHANNEL)),
      /The weekly digest for NHS Demo Dales and Coast ICB will be posted here every week/,
    );
    // A PCN gets no digest of its own: say so.
    assert.match(
      await say(channel('link U99901 digest', USER, PCN_CHANNEL)),
      /Digest channels belong to a region \(or an ICB\)/,
    );
  });

  it('posts one card per region and running campaign to its digest channel, from the counts', async () => {
    // Some progress first, with a blocked item and its note.
    const london = await itemsOf(londonCampaign, 'QX1');
    const practice = london.filter((i) => i.orgCode === 'A88001');
    await setStatus(londonCampaign, 'A88001', practice[0]!.actionId, 'done');
    await setStatus(
      londonCampaign,
      'A88001',
      practice[1]!.actionId,
      'blocked',
      'Waiting for the new phone system',
    );
    const summary = await runJob();
    assert.equal(summary['week'], isoWeekOf(FIRST_MONDAY));
    assert.equal(summary['regions'], 2);
    assert.equal(summary['icbs'], 1);
    assert.deepEqual(summary['skipped'], []);
    // Y63 and its ICB QZ1 have the two demo campaigns each, Y56 the London one.
    assert.equal(summary['digests'], 5);
    assert.equal(summary['cardsQueued'], 5);
    assert.ok(summary['figures'][`${londonCampaign}|Y56`]);
    assert.ok(summary['figures']['demo-qz1|QZ1']);

    await connector.waitFor(() => connector.delivered.filter(isDigest).length >= 5, 15_000);
    const y63 = connector.deliveredTo(CHANNEL_ID).filter(isDigest);
    const y56 = connector.deliveredTo(LONDON_CHANNEL).filter(isDigest);
    assert.equal(y63.length, 2);
    assert.equal(y56.length, 1);
    // A regional digest mentions nobody by default: no mention entities, no <at> in its text.
    for (const d of [...y63, ...y56]) {
      assert.equal(cardOf(d)['msteams']['entities'], undefined);
      assert.doesNotMatch(JSON.stringify(cardOf(d)), /<at>/);
    }
    assert.ok(y63.every((d) => titleOf(d) === 'Weekly digest: North East and Yorkshire (Y63)'));
    const card = JSON.stringify(cardOf(y56[0]!));
    assert.match(card, /"type":"Chart.VerticalBar"/);
    // Short names in the compact rows: "NHS" and "ICB" dropped.
    assert.match(card, /"title":"Test North London \(QX1\)"/);
    assert.match(card, /"title":"Test North London","value":"\d+% · ✔ /);
    assert.match(card, /Waiting for the new phone system/);
    assert.match(card, /Test Kentish Town Surgery \(A88001\)/);
    assert.match(card, /first weekly digest/);
    assert.match(
      card,
      // The dashboard tab, opened at this region (a deep link with the region as its subPageId).
      /"type":"Action.OpenUrl","title":"Full detail","url":"https:\/\/teams.microsoft.com\/l\/entity\/[0-9a-f-]+\/dashboard\?context=%7B%22subEntityId%22%3A%22Y56%22%7D"/,
    );
  });

  it('posts an ICB’s digest about its PCNs, the same figures and layout one level down', async () => {
    const icb = connector.deliveredTo(ICB_CHANNEL).filter(isDigest);
    assert.equal(icb.length, 2, 'one per running campaign');
    assert.ok(icb.every((d) => titleOf(d) === 'Weekly digest: NHS Demo Dales and Coast ICB (QZ1)'));
    const card = JSON.stringify(cardOf(icb[0]!));
    assert.match(card, /"text":"By PCN"/);
    assert.match(card, /Actions finished, % by PCN/);
    assert.match(card, /"title":"Demo Riverside PCN \(U99901\)"/);
    assert.match(card, /"title":"Demo Riverside PCN","value":"\d+% · ✔ /);
    assert.match(card, /across 3 PCNs/);
    assert.match(card, /subEntityId%22%3A%22QZ1%22/);
    assert.equal(connector.deliveredTo(PCN_CHANNEL).filter(isDigest).length, 0);
    // Digest posts mention nobody.
    assert.equal(cardOf(icb[0]!)['msteams']['entities'], undefined);
    // Its figures are the ICB's row of the region's digest.
    const region = (await service.storage.jobRuns.list('digests', new Date(0))).at(-1);
    const figures = (region?.summary as Json)['figures'];
    assert.equal(
      figures['demo-qz1|QZ1']['percentComplete'],
      figures['demo-qz1|Y63']['icbs']['QZ1'],
    );
  });

  it('sends nothing more when the week’s run is repeated, even forced', async () => {
    const before = connector.delivered.filter(isDigest).length;
    const again = await service.scheduler.runJobNow('digests');
    assert.equal(again.outcome, 'already-succeeded');
    const forced = await runJob(true);
    assert.equal(forced['cardsQueued'], 0);
    assert.equal(forced['alreadyQueued'], 5);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(connector.delivered.filter(isDigest).length, before);
    const entries = await service.storage.outbox.listEntries(
      digestOutboxJob(isoWeekOf(FIRST_MONDAY)),
    );
    assert.equal(entries.length, 5);
    assert.equal(entries.filter((e) => e.orgCode === 'QZ1').length, 2, 'the ICB’s, once this week');
  });

  it('builds the same figures from the counts as from reading every item', async () => {
    for (const [campaign, region] of [
      ['demo-qz1', 'Y63'],
      [londonCampaign, 'Y56'],
    ] as const) {
      const input = {
        campaign: { id: campaign, name: campaign },
        regionCode: region,
        today: NEXT_MONDAY,
      };
      assert.deepEqual(
        await buildRegionDigest(service.storage, input),
        await buildRegionDigestByScan(service.storage, input),
        `${campaign} in ${region}`,
      );
    }
  });

  it('lets an administrator choose whom a digest channel’s digest mentions, found in the rosters', async () => {
    connector.teamMembers[TEAM_ID] = [RAO, PATEL];
    await service.post(botAddedToTeam(connector.url));
    await introduceWithoutRoles(service, connector.url, OTHER_USER);
    assert.match(await say(channel('digest mention')), /in this channel mentions nobody\./);
    assert.match(
      await say(channel('digest mention Mo Salah')),
      /can’t find \\"Mo Salah\\" in any team I’m in/,
    );
    assert.match(await say(channel('digest mention asha', OTHER_USER)), /Only an administrator/);
    assert.match(
      await say(channel('digest mention asha', USER, PCN_CHANNEL)),
      /This channel is not a digest channel/,
    );
    assert.equal(
      (await service.storage.links.findLinkOfChannel(TEAM_ID, CHANNEL_ID))?.mentionIds,
      undefined,
      'nothing written',
    );
    assert.match(
      await say(channel('digest mention asha.rao@nhs.example, Ravi Patel')),
      /The weekly digest of North East and Yorkshire in this channel will now mention Asha Rao and Ravi Patel/,
    );
    assert.match(await say(channel('digest mention')), /mentions Asha Rao and Ravi Patel/);
  });

  it('shows next week what changed, and a channel Teams refuses fails alone, recorded in delivery health', async () => {
    const london = (await itemsOf(londonCampaign, 'QX1')).filter((i) => i.orgCode === 'A88002');
    for (const item of london.slice(0, 4))
      await setStatus(londonCampaign, 'A88002', item.actionId, 'done');
    const demo = (await itemsOf('demo-qz1', 'QZ1')).filter((i) => i.orgCode === 'X99002');
    await setStatus(
      'demo-qz1',
      'X99002',
      demo[0]!.actionId,
      'blocked',
      'Practice manager post vacant',
    );

    connector.setConversationStatus(LONDON_CHANNEL, 403);
    clock.set(`${NEXT_MONDAY}T10:00:00Z`);
    const summary = await runJob();
    assert.equal(summary['week'], isoWeekOf(NEXT_MONDAY));
    // The latest run of last week: here the forced rerun (same figures as the scheduled one).
    assert.match(
      String(summary['comparedWith']),
      new RegExp(`^digests\\|(manual\\|)?${FIRST_MONDAY}`),
    );
    assert.equal(summary['cardsQueued'], 5);

    await connector.waitFor(
      () => connector.deliveredTo(CHANNEL_ID).filter(isDigest).length >= 4,
      15_000,
    );
    const latest = connector.deliveredTo(CHANNEL_ID).filter(isDigest).slice(-2);
    const demoCard = latest
      .map((d) => JSON.stringify(cardOf(d)))
      .find((c) => c.includes('Practice manager post vacant'));
    assert.ok(demoCard, 'the new blocked item and its note are on the Y63 digest');
    assert.match(demoCard, /since the digest of Mon/);
    assert.match(demoCard, /blocked \d+ → \d+/);

    // The Y63 channel chose two people: each of its posts mentions them (entities and text
    // match); the ICB's channel chose nobody and mentions nobody.
    for (const d of latest) {
      const card = cardOf(d);
      assert.equal(card['body'][2]['text'], 'For <at>Asha Rao</at> and <at>Ravi Patel</at>.');
      assert.deepEqual(card['msteams']['entities'], [
        { type: 'mention', text: '<at>Asha Rao</at>', mentioned: { id: RAO.id, name: 'Asha Rao' } },
        {
          type: 'mention',
          text: '<at>Ravi Patel</at>',
          mentioned: { id: PATEL.id, name: 'Ravi Patel' },
        },
      ]);
    }
    await connector.waitFor(
      () => connector.deliveredTo(ICB_CHANNEL).filter(isDigest).length >= 4,
      15_000,
    );
    for (const d of connector.deliveredTo(ICB_CHANNEL).filter(isDigest))
      assert.equal(cardOf(d)['msteams']['entities'], undefined);

    // London's channel refused: the entry failed with the reason, the channel is marked unhealthy.
    const job = digestOutboxJob(isoWeekOf(NEXT_MONDAY));
    const deadline = Date.now() + 15_000;
    let failed: Json[] = [];
    while (Date.now() < deadline) {
      failed = (await service.storage.outbox.listEntries(job)).filter((e) => e.state === 'failed');
      if (failed.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(failed.length, 1);
    assert.match(
      String(failed[0]!['dedupeKey']),
      new RegExp(`^digest\\|${londonCampaign}\\|Y56\\|`),
    );
    assert.equal(failed[0]!['failure']['reason'], 'bot_blocked_or_removed');
    assert.equal(
      connector.deliveredTo(LONDON_CHANNEL).filter(isDigest).length,
      1,
      'only last week’s',
    );
    const health = await getDeliveryHealth(
      { ...service.storage, now: () => clock.now() },
      USER.aadObjectId,
    );
    const week = health.find((h) => h.jobId === job);
    assert.equal(week?.sent, 4);
    assert.equal(week?.failed, 1);
    const record = await service.storage.conversations.findChannel(TEAM_ID, LONDON_CHANNEL);
    assert.equal(record?.healthy, false);
    assert.match(
      await say(channel('links')),
      /Weekly digest for London \(Y56\)".*?"text":"⚠ Last delivery failed: Teams refused \(403\)/,
    );
    connector.setConversationStatus(LONDON_CHANNEL, undefined);
  });

  describe('digest now', () => {
    it('posts the digest at once in the region’s digest channel, for an administrator', async () => {
      // Back to the default first: the digest mentions nobody.
      assert.match(
        await say(channel('digest mention nobody')),
        /in this channel mentions nobody now/,
      );
      const before = connector.deliveredTo(CHANNEL_ID).filter(isDigest).length;
      assert.match(
        await say(channel('digest now')),
        /Posting 2 digests \(one per running campaign\) for North East and Yorkshire \(Y63\) in this channel now/,
      );
      await connector.waitFor(
        () => connector.deliveredTo(CHANNEL_ID).filter(isDigest).length >= before + 2,
        15_000,
      );
      for (const d of connector.deliveredTo(CHANNEL_ID).filter(isDigest).slice(before))
        assert.equal(cardOf(d)['msteams']['entities'], undefined);
    });

    it('posts an ICB’s digest at once in its digest channel', async () => {
      const before = connector.deliveredTo(ICB_CHANNEL).filter(isDigest).length;
      assert.match(
        await say(channel('digest now', USER, ICB_CHANNEL)),
        /Posting 2 digests \(one per running campaign\) for NHS Demo Dales and Coast ICB \(QZ1\)/,
      );
      await connector.waitFor(
        () => connector.deliveredTo(ICB_CHANNEL).filter(isDigest).length >= before + 2,
        15_000,
      );
      assert.match(
        await say(chat('digest now qz1')),
        /Weekly digest: NHS Demo Dales and Coast ICB \(QZ1\)/,
      );
    });

    it('shows a preview in chat', async () => {
      const reply = await say(chat('digest now y56'));
      assert.match(reply, /Weekly digest: London \(Y56\)/);
      assert.match(reply, /Preview only: nothing was posted/);
      assert.equal(
        connector.deliveredTo(LONDON_CHANNEL).filter(isDigest).length,
        1,
        'nothing posted',
      );
    });

    it('says what to type for an unknown region, an ICB, or nothing', async () => {
      assert.match(
        await say(chat('digest now Y99')),
        /There is no region or ICB with code Y99\. The regions are .*Y56 \(London\).*Y63 \(North East and Yorkshire\)/,
      );
      assert.match(
        await say(chat('digest now U99901')),
        /is a PCN; digests are for regions and ICBs\. Type \*\*digest now QZ1\*\*/,
      );
      assert.match(
        await say(chat('digest now')),
        /Type \*\*digest now\*\* followed by a region or ICB code/,
      );
      assert.match(
        await say(chat('digest')),
        /Type \*\*digest now\*\* in a region’s or ICB’s digest channel/,
      );
    });

    it('is refused to someone who is not an administrator', async () => {
      await introduceWithoutRoles(service, connector.url, OTHER_USER);
      const before = connector.deliveredTo(CHANNEL_ID).filter(isDigest).length;
      assert.match(
        await say(channel('digest now', OTHER_USER)),
        /Only an administrator for North East and Yorkshire \(Y63\) can ask for its digest now/,
      );
      assert.match(await say(chat('digest now Y63', OTHER_USER)), /Only an administrator/);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(connector.deliveredTo(CHANNEL_ID).filter(isDigest).length, before);
    });
  });
});
