import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import { enqueueMessages } from '../../src/domain/outbox/enqueue-messages';
import type { OutboxRequest } from '../../src/domain/outbox/outbox';
import { createLogger } from '../../src/logging/create-logger';
import { createTableClient } from '../../src/storage/create-table-client';
import { openStorage } from '../../src/storage/open-storage';
import { OutboxTable, OUTBOX_TABLE } from '../../src/storage/outbox-table';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';

const NOW = new Date('2026-11-25T09:00:00Z');

function post(jobId: string, n: number, payload: Record<string, unknown> = { text: `hi ${n}` }) {
  return {
    jobId,
    dedupeKey: `nudge|${n}`,
    kind: 'send',
    target: { kind: 'personal', tenantId: 't', userAadObjectId: `u${n}` },
    payload,
  } satisfies OutboxRequest;
}

describe('batched outbox writes (real Azurite)', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let table: TableClient;
  let transactions = 0;
  let outbox: OutboxTable;
  const deps = () => ({ outbox, now: () => NOW });

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    await openStorage(azurite.connectionString); // creates the tables
    table = createTableClient(azurite.connectionString, OUTBOX_TABLE);
    // Count the transactions the store submits: the point of batching is how few there are.
    const submit = table.submitTransaction.bind(table);
    table.submitTransaction = (actions) => {
      transactions += 1;
      return submit(actions);
    };
    outbox = new OutboxTable(table);
  });
  after(() => azurite?.stop());

  it('queues 120 new reminders in 3 transactions, reading nothing first; a repeat in the list is a duplicate', async () => {
    const job = 'nudges:2026-11-24';
    transactions = 0;
    const requests = [...Array.from({ length: 120 }, (_, n) => post(job, n)), post(job, 50)];
    const outcomes = await enqueueMessages(deps(), requests);

    assert.equal(transactions, 3);
    assert.equal(outcomes.filter((o) => o === 'enqueued').length, 120);
    assert.equal(outcomes[120], 'duplicate'); // the repeat of key 50 in the same list
    const entries = await outbox.listEntries(job);
    assert.equal(entries.length, 120);
    assert.ok(entries.every((e) => e.state === 'pending'));
    // Every entry has its queue row, and the job is active, so the sender finds them all.
    assert.equal((await outbox.listDue(new Date(NOW.getTime() + 1_000), 500)).length, 120);
    assert.deepEqual(await outbox.listJobs(), [job]);
  });

  it('tells keys already queued (a rerun) from new ones, writing each new one once', async () => {
    const job = 'nudges:2026-11-25';
    for (const n of [0, 1, 2]) await outbox.enqueue(post(job, n), { now: NOW });
    const requests = Array.from({ length: 123 }, (_, n) => post(job, n));
    const outcomes = await enqueueMessages(deps(), requests);
    assert.deepEqual(outcomes.slice(0, 4), ['duplicate', 'duplicate', 'duplicate', 'enqueued']);
    assert.equal(outcomes.filter((o) => o === 'enqueued').length, 120);
    assert.equal((await outbox.listEntries(job)).length, 123);

    const again = await enqueueMessages(deps(), requests);
    assert.ok(again.every((o) => o === 'duplicate'));
    assert.equal((await outbox.listEntries(job)).length, 123, 'nothing written twice');
  });

  it('records an oversized payload as failed and batches the rest', async () => {
    const job = 'nudges:2026-11-26';
    const outcomes = await enqueueMessages(deps(), [
      post(job, 1),
      post(job, 2, { text: 'x'.repeat(30_000) }),
      post(job, 3),
    ]);
    assert.deepEqual(outcomes, ['enqueued', 'too_large', 'enqueued']);
    const failed = (await outbox.listEntries(job)).filter((e) => e.state === 'failed');
    assert.equal(failed[0]?.failure?.reason, 'payload_too_large');
  });

  it('falls back to one by one when another writer queued a key after the read', async () => {
    const job = 'nudges:2026-11-27';
    // Simulate the race: the first transaction finds a key created between read and write.
    const submit = table.submitTransaction;
    let raced = false;
    table.submitTransaction = async (actions) => {
      if (!raced) {
        raced = true;
        await outbox.enqueue(post(job, 7), { now: NOW });
      }
      return submit(actions);
    };
    try {
      const outcomes = await enqueueMessages(
        deps(),
        Array.from({ length: 10 }, (_, n) => post(job, n)),
      );
      assert.equal(outcomes[7], 'duplicate');
      assert.equal(outcomes.filter((o) => o === 'enqueued').length, 9);
      assert.equal((await outbox.listEntries(job)).length, 10);
    } finally {
      table.submitTransaction = submit;
    }
  });
});
