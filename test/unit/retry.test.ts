import assert from 'node:assert/strict';
import { retryWithJitter } from '../../src/app/retry-with-jitter';
import { retryAtOnce, type Retry } from '../../src/domain/shared/retry';

class Busy extends Error {}

function failingTimes(times: number, error: unknown = new Busy('busy')) {
  let calls = 0;
  const attempt = async () => {
    calls += 1;
    if (calls <= times) throw error;
    return `done after ${calls}`;
  };
  return { attempt, calls: () => calls };
}

const onlyBusy = (retries: number) => ({
  retries,
  isRetryable: (error: unknown) => error instanceof Busy,
});

for (const [name, retry] of [
  ['retryAtOnce', retryAtOnce],
  ['retryWithJitter', retryWithJitter],
] as [string, Retry][]) {
  describe(name, () => {
    it('tries again until the attempt succeeds', async () => {
      const { attempt, calls } = failingTimes(3);
      assert.equal(await retry(attempt, onlyBusy(5)), 'done after 4');
      assert.equal(calls(), 4);
    });

    it('gives up after the number of retries with the error of the attempts', async () => {
      const { attempt, calls } = failingTimes(10);
      await assert.rejects(retry(attempt, onlyBusy(2)), Busy);
      assert.equal(calls(), 3, 'the first try and two retries');
    });

    it('fails at once, with what was thrown, on an error the rule does not retry', async () => {
      const refused = new Error('forbidden');
      const first = failingTimes(1, refused);
      await assert.rejects(retry(first.attempt, onlyBusy(5)), (e) => e === refused);
      assert.equal(first.calls(), 1);
      const odd = failingTimes(1, 'a string');
      await assert.rejects(retry(odd.attempt, onlyBusy(5)), (e) => e === 'a string');
    });
  });
}

describe('retryWithJitter', () => {
  it('waits between tries, a little longer each time', async () => {
    const { attempt } = failingTimes(4);
    const started = Date.now();
    await retryWithJitter(attempt, onlyBusy(5));
    // At least 2 + 4 + 8 + 16 ms.
    assert.ok(Date.now() - started >= 30, `waited ${Date.now() - started} ms`);
  });
});
