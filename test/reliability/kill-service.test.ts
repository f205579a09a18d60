import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceProcess } from '../../bench/service-process';
import { summariseDelivery, type OutboxRequest } from '../../src/domain/outbox/outbox';
import { DEFAULT_SENDER_SETTINGS } from '../../src/proactive/outbox-sender';
import { createLogger } from '../../src/logging/create-logger';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { runWithLimit } from '../../src/storage/run-batches';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { removeDataDir } from '../support/start-test-service';

// The service from source (no build step), as `npm start` runs it.
const SOURCE_ARGS = ['--disable-warning=DEP0111', '--import', 'tsx', 'src/main.ts'];

describe('kill -9 of the service (its own process, real Azurite, fake connector)', function () {
  this.timeout(180_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let connector: FakeConnector;
  let dataDir: string;
  let env: Record<string, string>;
  // Services still running (a failed test leaves them behind): each is ended once only.
  const running = new Set<ServiceProcess>();

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    connector = await startFakeConnector();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'arb-kill-'));
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

  it('loses nothing of a fan-out killed half-way; duplicates are counted and no more than the sends in flight', async () => {
    const jobId = 'kill-fanout';
    const count = 300;
    const requests: OutboxRequest[] = Array.from({ length: count }, (_, i) => ({
      jobId,
      dedupeKey: `card-${i}`,
      kind: 'send',
      target: {
        kind: 'address',
        address: {
          serviceUrl: connector.url,
          tenantId: '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f',
          botId: '28:0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69',
          conversationId: `19:kill-${i}@thread.tacv2`,
        },
      },
      payload: { text: `${jobId}|card-${i}` },
    }));
    await runWithLimit(requests, 16, async (r) => {
      await storage.outbox.enqueue(r, { now: new Date() });
    });
    const mine = () =>
      connector.delivered.filter((d) => String(d.body?.['text']).startsWith(`${jobId}|`));

    const first = new ServiceProcess(env, SOURCE_ARGS);
    running.add(first);
    await first.start();
    await connector.waitFor(() => mine().length >= count / 3, 60_000);
    running.delete(first);
    await first.kill();
    const atKill = mine().length;

    const second = new ServiceProcess(env, SOURCE_ARGS);
    running.add(second);
    await second.start();
    // Entries caught mid-send wait for their 15 s lease to lapse before they are taken over.
    const deadline = Date.now() + 90_000;
    let summary = summariseDelivery(jobId, await storage.outbox.listEntries(jobId));
    while ((summary.pending > 0 || summary.sending > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      summary = summariseDelivery(jobId, await storage.outbox.listEntries(jobId));
    }
    running.delete(second);
    await second.stop();

    const texts = mine().map((d) => String(d.body?.['text']));
    const unique = new Set(texts);
    const duplicates = texts.length - unique.size;
    process.stderr.write(
      `      killed after ${atKill} of ${count}; lost ${count - unique.size}; duplicates ${duplicates} (reported as possible: ${summary.possibleDuplicates})\n`,
    );
    assert.equal(summary.sent, count, JSON.stringify(summary));
    assert.equal(unique.size, count, 'nothing lost');
    assert.ok(duplicates <= DEFAULT_SENDER_SETTINGS.concurrency, `${duplicates} duplicates`);
    assert.ok(
      duplicates <= summary.possibleDuplicates,
      'every duplicate was counted as a possible one',
    );
  });
});
