import assert from 'node:assert/strict';
import {
  OTHER_USER,
  cardAction,
  channelCardAction,
  personalMessage,
} from '../support/teams-activities';
import { grantRole } from '../../src/domain/access/manage-roles';
import { converse } from '../support/converse';
import { FakeConnector } from '../support/fake-connector';
import {
  introduceWithoutRoles,
  removeDataDir,
  startTestService,
  type TestService,
} from '../support/start-test-service';

// Reading is authorised too: a person sees an organisation's items, notes and who set them only
// through a role that reaches it, or in a channel linked to it (its cards are posted there).

describe('who may read an organisation’s items', function () {
  this.timeout(60_000);
  let connector: FakeConnector;
  let service: TestService;
  const NOTE = 'Waiting for the new phone contract';

  before(async () => {
    connector = await new FakeConnector().start();
    service = await startTestService();
    await say(personalMessage(connector.url, 'whoami'));
    // The demo user (staff of X99001) writes a note others should not see without a reason.
    assert.match(await say(chat(`update PRAC-02 in progress ${NOTE}`)), /Saved/);
    await introduceWithoutRoles(service, connector.url, OTHER_USER);
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });
  const { say, chat, channel } = converse(
    () => service,
    () => connector,
  );

  const itemsCard = { view: 'items', campaignId: 'demo-qz1', orgCode: 'X99001' };

  it('refuses a stranger the status of an organisation, saying how to get a role', async () => {
    const reply = await say(chat('status X99001', OTHER_USER));
    assert.match(reply, /when you have a role there, or in a channel linked to it/);
    assert.doesNotMatch(reply, /finished/);
  });

  it('refuses a stranger a practice card refreshed from a 1:1 chat', async () => {
    const { status, body } = await service.post({
      ...cardAction(connector.url, 'refreshCard', { card: itemsCard }),
      from: { ...OTHER_USER },
    });
    assert.equal(status, 200);
    const text = JSON.stringify(body);
    assert.doesNotMatch(text, new RegExp(NOTE));
    assert.match(text, /when you have a role there/);
  });

  it('shows nothing of the card to a stranger whose press is refused', async () => {
    const { body } = await service.post({
      ...cardAction(connector.url, 'setStatus', {
        campaignId: 'demo-qz1',
        orgCode: 'X99001',
        actionId: 'PRAC-02',
        status: 'done',
        version: 2,
        card: itemsCard,
      }),
      from: { ...OTHER_USER },
    });
    const text = JSON.stringify(body);
    assert.match(text, /do not have a role that lets you update/);
    assert.doesNotMatch(text, new RegExp(NOTE));
  });

  it('shows the card to anyone in a channel linked to the practice’s PCN', async () => {
    assert.match(await say(channel('link U99901')), /Linked this channel/);
    const { body } = await service.post(
      channelCardAction(connector.url, 'refreshCard', { card: itemsCard }, OTHER_USER),
    );
    assert.match(JSON.stringify(body), new RegExp(NOTE));
    assert.match(await say(channel('status', OTHER_USER)), /Demo Riverside PCN/);
  });

  it('lets a regional head read the region’s organisations but not change them', async () => {
    const head = {
      ...OTHER_USER,
      id: '29:head',
      aadObjectId: 'dddddddd-0000-4000-8000-000000000001',
    };
    await introduceWithoutRoles(service, connector.url, head);
    await grantRole(
      { ...service.storage, now: () => new Date() },
      { kind: 'operator', name: 't' },
      {
        userId: head.aadObjectId,
        role: 'regional_head',
        orgCode: 'Y63',
      },
    );
    assert.match(await say(chat('status X99001', head)), /finished/);
    assert.match(
      await say(chat('update PRAC-02 done X99001', head)),
      /do not have a role that lets you update/,
    );
  });
});
