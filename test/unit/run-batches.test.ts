import assert from 'node:assert/strict';
import { runWithLimit } from '../../src/storage/run-batches';

describe('runWithLimit', () => {
  it('does every item with never more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await runWithLimit(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (item) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setImmediate(r));
        done.push(item);
        inFlight -= 1;
      },
    );
    assert.equal(most, 3);
    assert.deepEqual(
      done.sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it('fails with the first failure, and does nothing for no items', async () => {
    await assert.rejects(
      runWithLimit([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('item 2 failed');
      }),
      /item 2 failed/,
    );
    await runWithLimit([], 4, async () => assert.fail('no work for no items'));
  });
});
