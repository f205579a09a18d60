import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceProcess } from '../../bench/service-process';
import { countItems, isSameCounts } from '../../src/domain/items/org-counts';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { FakeConnector } from '../support/fake-connector';
import { removeDataDir } from '../support/start-test-service';
import { channelCardAction, personalMessage } from '../support/teams-activities';

const SOURCE_ARGS = ['--disable-warning=DEP0111', '--import', 'tsx', 'src/main.ts'];
const CAMPAIGN = 'demo-qz1';
const GROUP = 'QZ1';

// Counts are projected about two seconds after a press; a process killed in between leaves the
// item changed and its organisation's counts stale, with a "changed" mark in storage. The next
// start must put that right.
describe('kill -9 of the service between a press and its projection (own process, real Azurite)', function () {
  this.timeout(120_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let connector: FakeConnector;
  let dataDir: string;
  let env: Record<string, string>;
  const running = new Set<ServiceProcess>();

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    connector = await new FakeConnector().start();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'arb-kill-press-'));
    env = {
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info', // the "service listening" line tells ServiceProcess it is up
      SCHEDULER_ENABLED: 'false',
    };
  });
  after(async () => {
    for (const service of running) await service.kill().catch(() => undefined);
    await connector?.stop();
    await azurite?.stop();
    if (dataDir) removeDataDir(dataDir);
  });

  /** Organisations whose stored counts differ from a recount of their items. */
  async function wrongCounts(): Promise<string[]> {
    const recount = countItems(await storage.items.listItemsForIcb(CAMPAIGN, GROUP));
    const stored = new Map(
      (await storage.items.listCountsForGroup(CAMPAIGN, GROUP)).map((c) => [c.orgCode, c]),
    );
    return [...recount]
      .filter(([org, c]) => !isSameCounts(stored.get(org) ?? c, c) || !stored.has(org))
      .map(([org]) => org);
  }

  it('repairs the counts on the next start', async () => {
    const first = new ServiceProcess(env, SOURCE_ARGS);
    running.add(first);
    await first.start();
    const post = (activity: Record<string, unknown>) =>
      fetch(`${first.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
    await post(personalMessage(connector.url, 'help')); // demo roles for the user
    assert.deepEqual(await wrongCounts(), [], 'the demo starts with exact counts');

    // Three presses on two practices, answered, then the process is killed at once: inside the
    // projection's two-second delay.
    const presses: [string, number][] = [];
    for (const org of ['X99001', 'X99002'])
      for (const item of (await storage.items.listItemsForOrg(CAMPAIGN, GROUP, org)).slice(
        0,
        org === 'X99001' ? 2 : 1,
      ))
        presses.push([`${org}|${item.actionId}`, item.version]);
    for (const [key, version] of presses) {
      const [orgCode, actionId] = key.split('|');
      const res = await post(
        channelCardAction(connector.url, 'setStatus', {
          campaignId: CAMPAIGN,
          orgCode,
          actionId,
          status: 'blocked',
          note: 'waiting for the supplier',
          version,
          card: { view: 'items', campaignId: CAMPAIGN, orgCode },
        }),
      );
      assert.equal(res.status, 200);
      assert.doesNotMatch(await res.text(), /since you looked|could not/);
    }
    running.delete(first);
    await first.kill();

    assert.deepEqual(
      (await storage.items.listPendingCounts(CAMPAIGN, GROUP)).sort(),
      ['X99001', 'X99002'],
      'the presses left their marks',
    );
    assert.deepEqual((await wrongCounts()).sort(), ['X99001', 'X99002'], 'counts are stale');

    const second = new ServiceProcess(env, SOURCE_ARGS);
    running.add(second);
    await second.start(); // drains the marks before it listens
    running.delete(second);
    await second.stop();
    assert.deepEqual(await storage.items.listPendingCounts(CAMPAIGN, GROUP), []);
    assert.deepEqual(await wrongCounts(), [], 'counts equal a recount of the items');
    const blocked = (await storage.items.listBlockedForGroup(CAMPAIGN, GROUP)).map(
      (b) => b.orgCode,
    );
    assert.equal(blocked.filter((o) => o === 'X99001').length, 2, 'the blocked list has them too');
  });
});
