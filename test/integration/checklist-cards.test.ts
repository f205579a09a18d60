import assert from 'node:assert/strict';
import { CHANNEL_ID, OTHER_USER, TEAM_ID, USER } from '../support/teams-activities';
import { botAddedToTeam, channelCardAction, channelMention } from '../support/teams-activities';
import { FakeConnector, type DeliveredActivity } from '../support/fake-connector';
import {
  introduceWithoutRoles,
  removeDataDir,
  startTestService,
  type TestService,
} from '../support/start-test-service';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CAMPAIGN = 'demo-qz1';

/** The Adaptive Card in a delivered message. */
function cardOf(activity: { body?: Json | undefined }): Json {
  return activity.body?.['attachments']?.[0]?.['content'] ?? {};
}

/** Every action (button) in a card, however deeply nested. */
function findActions(node: unknown, verb: string, found: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => findActions(n, verb, found));
  else if (node && typeof node === 'object') {
    const obj = node as Json;
    if (obj['type'] === 'Action.Execute' && obj['verb'] === verb) found.push(obj);
    for (const value of Object.values(obj)) findActions(value, verb, found);
  }
  return found;
}

function text(node: unknown): string {
  return JSON.stringify(node);
}

describe('checklist cards in a PCN channel, updated from Teams (real server, real Azurite, fake Teams)', function () {
  this.timeout(60_000);
  let connector: FakeConnector;
  let service: TestService;
  let practiceCard: DeliveredActivity;

  before(async () => {
    connector = await new FakeConnector().start();
    connector.teamChannels[TEAM_ID] = [{ id: TEAM_ID }, { id: CHANNEL_ID, name: 'PCN leads' }];
    service = await startTestService();
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  async function press(verb: string, data: Json, from = USER) {
    const activity = channelCardAction(connector.url, verb, data, from);
    const answer = await service.post(activity);
    return { activity, status: answer.status, body: answer.body as Json };
  }

  /** How the demo practice X99001's item for an action is found in the demo campaign. */
  const practiceKey = (actionId: string) => ({
    campaignId: CAMPAIGN,
    orgCode: 'X99001',
    actionId,
    icbCode: 'QZ1',
  });
  const practiceItem = (actionId: string) => service.storage.items.getItem(practiceKey(actionId));

  async function countEvents(orgCode: string, actionId: string): Promise<number> {
    return (
      await service.storage.items.listEvents({
        campaignId: CAMPAIGN,
        orgCode,
        actionId,
        icbCode: 'QZ1',
      })
    ).length;
  }

  it('welcomes the team with a setup card that can link the channel', async () => {
    await service.post(botAddedToTeam(connector.url));
    await connector.waitFor(() => connector.delivered.some((d) => /joined/.test(text(d.body))));
    const welcome = connector.delivered.find((d) => /joined/.test(text(d.body)));
    assert.ok(welcome);
    assert.equal(findActions(cardOf(welcome), 'linkChannel').length, 1);
  });

  it('links the channel to a PCN when an administrator types link, and delivers its cards', async () => {
    await service.post(channelMention(connector.url, 'link U99901'));
    await connector.waitFor(() =>
      connector.delivered.some((d) =>
        /Linked this channel to \*\*Demo Riverside PCN/.test(text(d.body)),
      ),
    );
    // The running demo campaign, in order: the overview of 3 practices, the PCN's own card, then
    // the practices by name (the 2023 record campaign is closed, so it sends nothing).
    await connector.waitFor(
      () =>
        connector.deliveredTo(CHANNEL_ID).filter((d) => cardOf(d)['type'] === 'AdaptiveCard')
          .length >= 5,
      15_000,
    );
    const cards = connector
      .deliveredTo(CHANNEL_ID)
      .filter((d) => cardOf(d)['type'] === 'AdaptiveCard');
    const titles = cards.map((d) => cardOf(d)['body'][0]['text'] as string);
    assert.deepEqual(titles, [
      'Demo Riverside PCN (U99901): practices',
      'Demo Riverside PCN (U99901)',
      'Demo Bridgefoot Surgery (X99001)',
      'Demo Mill Lane Medical Practice (X99002)',
      'Demo Weirside Health Centre (X99003)',
    ]);
    const found = cards.find(
      (d) =>
        /Bridgefoot/.test(cardOf(d)['body'][0]['text']) &&
        text(cardOf(d)).includes(`"campaignId":"${CAMPAIGN}"`),
    );
    assert.ok(found);
    practiceCard = found;
    const link = await service.storage.links.findLinkOfChannel(TEAM_ID, CHANNEL_ID);
    assert.equal(link?.orgCode, 'U99901');
    assert.equal(link?.active, true);
  });

  it('updates the card for everyone when a practice member presses Update then Done', async () => {
    const update = findActions(cardOf(practiceCard), 'editItem')[0];
    assert.ok(update, 'each row has an Update button');
    const actionId = update['data']['actionId'] as string;
    const before = await practiceItem(actionId);
    assert.ok(before);
    assert.notEqual(before.status, 'done');

    const opened = await press('editItem', update['data']);
    assert.equal(opened.status, 200);
    assert.equal(opened.body['type'], 'application/vnd.microsoft.card.adaptive');
    const done = findActions(opened.body['value'], 'setStatus').find(
      (a) => a['data']['status'] === 'done',
    );
    assert.ok(done, 'the update card offers Done');

    const saved = await press('setStatus', { ...done['data'], note: 'Switched on 12 Oct' });
    assert.equal(saved.status, 200);
    assert.equal(saved.body['type'], 'application/vnd.microsoft.card.adaptive');
    assert.match(
      text(saved.body['value']),
      new RegExp(`${actionId}.*?✔ Done.*?[Ss]et by Priya Shah`),
    );

    const after = await practiceItem(actionId);
    assert.equal(after?.status, 'done');
    assert.equal(after?.note, 'Switched on 12 Oct');
    assert.equal(after?.version, before.version + 1);
    const events = await service.storage.items.listEvents(practiceKey(actionId));
    const last = events.at(-1);
    assert.equal(last?.to, 'done');
    assert.equal(last?.surface, 'card');
    assert.equal(last?.by, USER.aadObjectId);

    // The posted copy in the channel is replaced in place (PUT to its activity id).
    await connector.waitFor(
      () =>
        connector.delivered.some(
          (d) =>
            d.method === 'PUT' &&
            d.activityId === practiceCard.activityId &&
            /✔ Done/.test(text(d.body)),
        ),
      10_000,
    );

    // Pressing Done again on the (now stale) update card changes nothing more.
    const eventsBefore = await countEvents('X99001', actionId);
    const repeat = await press('setStatus', { ...done['data'], note: 'Switched on 12 Oct' });
    assert.equal(repeat.status, 200);
    // The person changed it themselves on the other card: say so, not "someone changed it".
    assert.match(text(repeat.body['value']), /You already changed .* in another window/);
    assert.doesNotMatch(text(repeat.body['value']), /since you looked/);
    assert.equal(await countEvents('X99001', actionId), eventsBefore);
  });

  it('answers a repeated invoke (same activity id) with the card and writes nothing', async () => {
    const update = findActions(cardOf(practiceCard), 'editItem')[1];
    assert.ok(update);
    const opened = await press('editItem', update['data']);
    const blocked = findActions(opened.body['value'], 'setStatus').find(
      (a) => a['data']['status'] === 'blocked',
    );
    assert.ok(blocked);
    const first = await press('setStatus', { ...blocked['data'], note: 'Waiting for IT' });
    assert.equal(first.status, 200);
    const actionId = update['data']['actionId'] as string;
    const events = await countEvents('X99001', actionId);
    const second = await service.post(first.activity);
    assert.equal(second.status, 200);
    assert.equal((second.body as Json)['type'], 'application/vnd.microsoft.card.adaptive');
    assert.doesNotMatch(text((second.body as Json)['value']), /since you looked/);
    assert.equal(await countEvents('X99001', actionId), events);
  });

  it('gives a stale card the latest card with a notice, and saves nothing', async () => {
    const update = findActions(cardOf(practiceCard), 'editItem')[1];
    assert.ok(update);
    const actionId = update['data']['actionId'] as string;
    const item = await practiceItem(actionId);
    assert.ok(item && item.version > 1);
    const events = await countEvents('X99001', actionId);
    const stale = await press('setStatus', {
      campaignId: CAMPAIGN,
      orgCode: 'X99001',
      actionId,
      status: 'in_progress',
      version: item.version - 1,
      card: { view: 'items', campaignId: CAMPAIGN, orgCode: 'X99001' },
    });
    assert.equal(stale.status, 200);
    assert.match(text(stale.body['value']), /You already changed .* in another window/);
    assert.equal(await countEvents('X99001', actionId), events);
  });

  it('refuses a press by someone without a role over the practice, with an explanation, and changes nothing', async () => {
    // Local mode gives newcomers demo roles; take them away to play a stranger.
    await introduceWithoutRoles(service, connector.url, OTHER_USER);
    const update = findActions(cardOf(practiceCard), 'editItem')[2];
    assert.ok(update);
    const actionId = update['data']['actionId'] as string;
    const item = await practiceItem(actionId);
    assert.ok(item);
    const events = await countEvents('X99001', actionId);
    const open = await press('editItem', update['data'], OTHER_USER);
    assert.equal(open.status, 200);
    assert.match(
      text(open.body['value']),
      /You do not have a role that lets you update Demo Bridgefoot Surgery/,
    );
    const forced = await press(
      'setStatus',
      {
        campaignId: CAMPAIGN,
        orgCode: 'X99001',
        actionId,
        status: 'done',
        version: item.version,
        card: { view: 'items', campaignId: CAMPAIGN, orgCode: 'X99001' },
      },
      OTHER_USER,
    );
    assert.equal(forced.status, 200);
    assert.match(text(forced.body['value']), /You do not have a role/);
    assert.equal(await countEvents('X99001', actionId), events);
    const unchanged = await practiceItem(actionId);
    assert.equal(unchanged?.version, item.version);
  });
});
