import assert from 'node:assert/strict';
import { setDeadline } from '../../src/domain/campaigns/set-deadline';
import { FakeClock } from '../support/fake-clock';
import { FakeConnector, type DeliveredActivity } from '../support/fake-connector';
import { converse } from '../support/converse';
import {
  introduceWithoutRoles,
  removeDataDir,
  startTestService,
  type TestService,
} from '../support/start-test-service';
import { CHANNEL_ID, TENANT_ID, USER, installationUpdate } from '../support/teams-activities';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// One lead has opened the bot (their name is known from that chat), one never has.
const LEAD = {
  id: '29:lead',
  name: 'Dr Asha Rao',
  aadObjectId: '44444444-4444-4444-8444-444444444444',
};
const QUIET_LEAD = '55555555-5555-4555-8555-555555555555';

const cardOf = (d: DeliveredActivity): Json =>
  (d.body as Json | undefined)?.['attachments']?.[0]?.['content'] ?? {};
const isNudge = (d: DeliveredActivity) =>
  d.method === 'POST' && /need(s)? attention/.test(JSON.stringify(cardOf(d)));

describe('@mentions in reminder posts (real server, real Azurite, fake Teams)', function () {
  this.timeout(120_000);
  // Monday 1 June 2026, 08:00 BST: before the scheduled nudge time, so only this test's run speaks.
  const clock = new FakeClock('2026-06-01T07:00:00Z');
  let connector: FakeConnector;
  let service: TestService;

  before(async () => {
    connector = await new FakeConnector({ enforceLimits: false }).start();
    service = await startTestService(
      {
        LOG_LEVEL: 'warn',
        ALLOWED_TENANT_IDS: TENANT_ID,
        BOOTSTRAP_ADMINISTRATORS: USER.aadObjectId,
      },
      undefined,
      { clock },
    );
    const talk = converse(
      () => service,
      () => connector,
    );
    await talk.say(talk.chat('whoami'));
    assert.match(await talk.say(talk.channel('link U99901')), /U99901|Riverside/);
    await service.post({
      ...installationUpdate(connector.url, 'add', 'personal'),
      from: { ...LEAD },
    });
    await introduceWithoutRoles(service, connector.url, LEAD);
    for (const userId of [LEAD.aadObjectId, QUIET_LEAD])
      await service.storage.roles.saveGrant({
        userId,
        role: 'pcn_lead',
        orgCode: 'U99901',
        grantedBy: 'test',
        grantedAt: clock.now().toISOString(),
      });
    const official = await service.storage.campaigns.getCampaign('recovering-access-2023-qz1');
    if (official) await service.storage.campaigns.saveCampaign({ ...official, status: 'closed' });
    // Due tomorrow: today is its 1-day reminder.
    await setDeadline(service.storage, {
      campaignId: 'demo-qz1',
      actionId: 'PRAC-01',
      date: '2026-06-02',
    });
    const outcome = await service.scheduler.runJobNow('nudges', { force: true });
    assert.equal(outcome.run?.status, 'succeeded', JSON.stringify(outcome));
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  it('mentions the PCN’s leads in its channel post, by name in the text and in the card’s entities', async () => {
    await connector.waitFor(() => connector.deliveredTo(CHANNEL_ID).some(isNudge), 15_000);
    const card = cardOf(connector.deliveredTo(CHANNEL_ID).find(isNudge)!);
    assert.deepEqual(card['msteams']['entities'], [
      {
        type: 'mention',
        text: '<at>Dr Asha Rao</at>',
        mentioned: { id: LEAD.aadObjectId, name: 'Dr Asha Rao' },
      },
      // Never seen by the bot: still mentioned (and so notified) by Entra object id.
      {
        type: 'mention',
        text: '<at>PCN lead</at>',
        mentioned: { id: QUIET_LEAD, name: 'PCN lead' },
      },
    ]);
    assert.equal(card['msteams']['width'], 'Full', 'the card’s own Teams settings are kept');
    const text = JSON.stringify(card['body']);
    // Every entity's text appears in the card's text exactly, or Teams shows no mention.
    for (const entity of card['msteams']['entities']) assert.ok(text.includes(entity.text));
    assert.match(text, /For <at>Dr Asha Rao<\/at> and <at>PCN lead<\/at>, its PCN leads\./);
  });

  it('mentions nobody in a 1:1 reminder', async () => {
    const isPersonal = (d: DeliveredActivity) => isNudge(d) && !d.conversationId.startsWith('19:');
    await connector.waitFor(() => connector.delivered.some(isPersonal), 15_000);
    const personal = connector.delivered.filter(isPersonal);
    assert.ok(personal.length > 0);
    for (const d of personal) assert.equal(cardOf(d)['msteams']['entities'], undefined);
  });
});
