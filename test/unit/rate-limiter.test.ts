import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/proactive/rate-limiter';
import { SlidingWindow } from '../../src/proactive/sliding-window';

/** A clock the test moves by hand; sleeping moves it forward. */
function fakeTime() {
  let now = 1_000_000;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('SlidingWindow', () => {
  it('counts a send from its start to one window after it completes', () => {
    const w = new SlidingWindow([{ limit: 2, ms: 1_000 }]);
    w.start();
    w.start();
    assert.ok(w.waitFor(0) > 0, 'two in flight fill a limit of two');
    w.finish(100);
    w.finish(200);
    assert.equal(w.waitFor(300), 801, 'free just after the first completion leaves the window');
    assert.equal(w.waitFor(1_101), 0);
  });

  it('keeps a completion in the window until the clock reads more than one window after it', () => {
    // Date.now() reads whole milliseconds: a completion read as 100 may have been at 100.9, so a
    // send started when the clock reads 1,100 could arrive less than a second after the last one.
    const w = new SlidingWindow([{ limit: 1, ms: 1_000 }]);
    w.start();
    w.finish(100);
    assert.equal(w.waitFor(1_099), 2);
    assert.equal(w.waitFor(1_100), 1, 'still in the window one whole window after');
    assert.equal(w.waitFor(1_101), 0);
  });

  it('gives the place of a cancelled send back without using the window', () => {
    const w = new SlidingWindow([{ limit: 1, ms: 1_000 }]);
    w.start();
    w.cancel();
    assert.equal(w.waitFor(0), 0);
  });
});

describe('RateLimiter', () => {
  it('lets 7 sends to one conversation through at once and holds the 8th for the 1-second window', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter(50, t.clock, t.sleep);
    const start = t.clock();
    for (let i = 0; i < 7; i += 1) (await limiter.acquire('19:a')).done();
    assert.equal(t.clock(), start, 'no wait for the first seven');
    (await limiter.acquire('19:a')).done();
    assert.ok(t.clock() - start >= 1_000, `the eighth waited ${t.clock() - start} ms`);
  });

  it('keeps to 8 in any 2 seconds for one conversation', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter(50, t.clock, t.sleep);
    const times: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const permit = await limiter.acquire('19:a');
      times.push(t.clock());
      permit.done();
      t.advance(10);
    }
    for (let i = 8; i < times.length; i += 1) {
      assert.ok(
        (times[i] as number) - (times[i - 8] as number) >= 2_000,
        `send ${i} is at least 2 s after send ${i - 8}`,
      );
    }
  });

  it('keeps the global cap across conversations', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter(50, t.clock, t.sleep);
    const start = t.clock();
    for (let i = 0; i < 50; i += 1) (await limiter.acquire(`19:c${i}`)).done();
    assert.equal(t.clock(), start);
    (await limiter.acquire('19:c50')).done();
    assert.ok(t.clock() - start >= 1_000, 'the 51st waits out the second');
  });

  it('holds a paused conversation until Retry-After has passed, and not others', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter(50, t.clock, t.sleep);
    const start = t.clock();
    limiter.pause('19:slow', start + 3_000);
    (await limiter.acquire('19:other')).done();
    assert.equal(t.clock(), start);
    (await limiter.acquire('19:slow')).done();
    assert.ok(t.clock() >= start + 3_000);
  });
});
