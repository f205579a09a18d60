import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logging/create-logger';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { FakeConnector } from '../support/fake-connector';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import { cardAction, personalMessage } from '../support/teams-activities';

type Json = Record<string, unknown>;
const CAMPAIGN = 'demo-qz1';
const CARD = { view: 'items', campaignId: CAMPAIGN, orgCode: 'X99001' };
// Teams waits about five seconds for a card press; the answer must come well within that.
const ANSWER_WITHIN_MS = 3_000;

describe('a storage outage (real Azurite stopped and restarted on the same data)', function () {
  this.timeout(120_000);
  let dir: string;
  let azurite: EmbeddedAzurite;
  let connector: FakeConnector;
  let service: TestService;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'arb-outage-'));
    azurite = await startAzurite({
      location: path.join(dir, 'azurite'),
      logger: createLogger('silent'),
    });
    connector = await new FakeConnector({ enforceLimits: false }).start();
    service = await startTestService({ STORAGE_CONNECTION_STRING: azurite.connectionString }, dir);
    // The first message grants the demo roles (local mode), so presses below are allowed.
    assert.equal((await service.post(personalMessage(connector.url, 'help'))).status, 200);
  });
  after(async () => {
    await service?.stop();
    await azurite?.stop();
    await connector?.stop();
    if (dir) removeDataDir(dir);
  });

  const item = (actionId: string) =>
    service.storage.items.getItem({
      campaignId: CAMPAIGN,
      orgCode: 'X99001',
      actionId,
      icbCode: 'QZ1',
    });

  async function press(
    actionId: string,
    status: string,
  ): Promise<{ status: number; body: Json; ms: number }> {
    const current = await item(actionId).catch(() => undefined);
    const started = Date.now();
    const res = await service.post(
      cardAction(connector.url, 'setStatus', {
        campaignId: CAMPAIGN,
        orgCode: 'X99001',
        actionId,
        status,
        version: current?.version ?? 1,
        card: CARD,
      }),
    );
    return { status: res.status, body: res.body as Json, ms: Date.now() - started };
  }

  it('answers presses and commands politely within 3 s, reports not ready, and recovers by itself', async () => {
    const before = await press('PRAC-01', 'in_progress');
    assert.equal(before.status, 200);
    assert.equal(before.body['type'], 'application/vnd.microsoft.card.adaptive');
    const version = (await item('PRAC-01'))?.version;

    await azurite.stop();

    // A card press: HTTP 200 with a card that says to try again, soon enough for Teams.
    const during = await press('PRAC-02', 'done');
    assert.equal(during.status, 200);
    assert.ok(during.ms < ANSWER_WITHIN_MS, `press answered in ${during.ms} ms`);
    assert.equal(during.body['type'], 'application/vnd.microsoft.card.adaptive');
    const card = JSON.stringify(during.body['value']);
    assert.match(card, /try again in a minute/i);
    assert.match(card, /"verb":"setStatus"/, 'its button sends the same press again');

    // A typed command: the reply in the chat says the same, just as soon.
    connector.calls.length = 0;
    const started = Date.now();
    const command = await service.post(personalMessage(connector.url, 'progress'));
    assert.equal(command.status, 200);
    await connector.waitFor(() => connector.sentActivities().length > 0, ANSWER_WITHIN_MS);
    const replyMs = Date.now() - started;
    assert.ok(replyMs < ANSWER_WITHIN_MS, `command answered in ${replyMs} ms`);
    assert.match(String(connector.sentActivities()[0]?.['text']), /try again in a minute/i);

    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal((await fetch(`${service.url}/healthz`)).status, 200, 'the process is alive');

    // Storage comes back where it was, with its data; the service notices without a restart.
    azurite = await startAzurite({
      location: path.join(dir, 'azurite'),
      port: azurite.port,
      logger: createLogger('silent'),
    });
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${service.url}/readyz`)).status !== 200) {
      assert.ok(Date.now() < deadline, 'ready again within 30 s of storage returning');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal((await item('PRAC-01'))?.version, version, 'nothing was lost');
    const after = await press('PRAC-02', 'done');
    assert.equal(after.status, 200);
    assert.doesNotMatch(JSON.stringify(after.body['value']), /try again in a minute/i);
    assert.equal((await item('PRAC-02'))?.status, 'done');
    const crashes = service.logs.filter((l) => Number(l['level']) >= 60);
    assert.deepEqual(crashes, [], 'nothing fatal was logged');
  });
});
