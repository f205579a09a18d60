import assert from 'node:assert/strict';
import { createLogger } from '../../src/logging/create-logger';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { converse } from '../support/converse';
import { FakeConnector } from '../support/fake-connector';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import { OTHER_USER, TEAM_ID, CHANNEL_ID, channelCardAction } from '../support/teams-activities';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CAMPAIGN = 'demo-qz1';
const PRACTICE = 'X99001';
const ACTION = 'PRAC-03';

// Each instance answers presses from its own copy of an organisation's items; two instances on
// one storage account are where a stale copy would show. Nothing may be lost or wrongly refused.
describe("presses answered from an instance's copy of the items (two instances, one real Azurite)", function () {
  this.timeout(90_000);
  let azurite: EmbeddedAzurite;
  let connector: FakeConnector;
  let a: TestService;
  let b: TestService;
  const key = { campaignId: CAMPAIGN, orgCode: PRACTICE, actionId: ACTION, icbCode: 'QZ1' };
  const stored = async () => {
    const item = await a.storage.items.getItem(key);
    assert.ok(item);
    return item;
  };
  const events = async () => (await a.storage.items.listEvents(key)).length;

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    connector = await new FakeConnector().start();
    connector.teamChannels[TEAM_ID] = [{ id: TEAM_ID }, { id: CHANNEL_ID, name: 'PCN leads' }];
    const env = { STORAGE_CONNECTION_STRING: azurite.connectionString };
    a = await startTestService(env);
    b = await startTestService(env);
    // OTHER_USER works at the practice too (through instance B).
    await a.storage.roles.saveGrant({
      userId: OTHER_USER.aadObjectId,
      role: 'practice_staff',
      orgCode: PRACTICE,
      grantedBy: 'test',
      grantedAt: new Date().toISOString(),
    });
  });
  after(async () => {
    for (const s of [a, b]) {
      await s?.stop();
      if (s) removeDataDir(s.dataDir);
    }
    await connector?.stop();
    await azurite?.stop();
  });

  async function press(
    service: TestService,
    status: string,
    version: number,
    from?: typeof OTHER_USER,
  ): Promise<string> {
    const answer = await service.post(
      channelCardAction(
        connector.url,
        'setStatus',
        {
          campaignId: CAMPAIGN,
          orgCode: PRACTICE,
          actionId: ACTION,
          status,
          version,
          card: { view: 'items', campaignId: CAMPAIGN, orgCode: PRACTICE },
        },
        from,
      ),
    );
    assert.equal(answer.status, 200);
    return JSON.stringify((answer.body as Json)['value']);
  }

  it('writes a press whose card came from the other instance, though this one kept an older copy', async () => {
    const start = await stored();
    const before = await events();
    await press(a, 'in_progress', start.version); // A's copy now holds version + 1
    await press(b, 'blocked', start.version + 1, OTHER_USER); // B moved it on; A's copy is stale
    const answer = await press(a, 'done', start.version + 2);
    assert.doesNotMatch(answer, /since you looked/);
    const after = await stored();
    assert.equal(after.status, 'done');
    assert.equal(after.version, start.version + 3);
    assert.equal(await events(), before + 3, 'every change is in the history');
  });

  it('still refuses a press that carries a version someone else has since replaced', async () => {
    const start = await stored();
    await press(b, 'in_progress', start.version, OTHER_USER);
    const answer = await press(a, 'blocked', start.version);
    assert.match(answer, /was changed by Sam Jones since you looked/);
    assert.equal((await stored()).status, 'in_progress', 'nothing was saved');
  });

  it('does not call a chat update "already so" because its copy says so: storage is asked', async () => {
    const { chat, say } = converse(
      () => a,
      () => connector,
    );
    const start = await stored();
    await press(a, 'done', start.version); // A's copy: done
    await press(b, 'in_progress', start.version + 1, OTHER_USER); // storage: in progress
    const reply = await say(chat(`update ${ACTION} done ${PRACTICE} ${CAMPAIGN}`));
    assert.match(reply, /Saved: PRAC-03 for Demo Bridgefoot Surgery is now \*\*Done\*\*/);
    assert.match(
      reply,
      /This replaced Sam Jones’s change to In progress (\d+ seconds|a second) ago/,
      'the person hears whose recent change theirs replaced',
    );
    const after = await stored();
    assert.equal(after.status, 'done');
    assert.equal(after.version, start.version + 3);
  });

  it('applies a chat update over a change the copy has not seen, without a conflict', async () => {
    const { chat, say } = converse(
      () => a,
      () => connector,
    );
    const start = await stored();
    await press(b, 'blocked', start.version, OTHER_USER); // A's copy is stale (a 412 on write)
    const reply = await say(chat(`update ${ACTION} in progress ${PRACTICE} ${CAMPAIGN}`));
    assert.match(reply, /is now \*\*In progress\*\*/);
    assert.equal((await stored()).version, start.version + 2);
  });
});
