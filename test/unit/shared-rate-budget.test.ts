import assert from 'node:assert/strict';
import type { InstanceBeat, InstanceRegistry } from '../../src/domain/jobs/instances';
import { createLogger } from '../../src/logging/create-logger';
import { RateLimiter } from '../../src/proactive/rate-limiter';
import { FALLBACK_DIVISOR, SharedRateBudget } from '../../src/proactive/shared-rate-budget';

/** An in-memory registry on one clock that stands for the storage service's. */
function memoryRegistry(clock: () => number) {
  const rows = new Map<string, InstanceBeat>();
  // Instances whose storage calls fail ('*': all).
  let failing = new Set<string>();
  const check = async (instanceId = '') => {
    if (failing.has('*') || failing.has(instanceId)) throw new Error('storage unavailable');
  };
  const registry: InstanceRegistry = {
    beat: async (instanceId) => {
      await check(instanceId);
      rows.set(instanceId, { instanceId, writtenAt: clock(), stopped: false });
    },
    markStopped: async (instanceId) => {
      await check(instanceId);
      rows.set(instanceId, { instanceId, writtenAt: clock(), stopped: true });
    },
    list: async () => {
      await check();
      return [...rows.values()];
    },
    remove: async (instanceId) => {
      rows.delete(instanceId);
    },
  };
  return { registry, rows, fail: (...ids: string[]) => (failing = new Set(ids)) };
}

describe('SharedRateBudget', () => {
  let now = 0;
  const clock = () => now;
  const logger = createLogger('silent');
  const timings = { heartbeatMs: 3_000 };
  const budgetOf = (registry: InstanceRegistry, instanceId: string) =>
    new SharedRateBudget({ registry, instanceId, logger, clock }, timings);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('alone, takes the whole cap at once', async () => {
    const { registry } = memoryRegistry(clock);
    const a = budgetOf(registry, 'a');
    assert.ok(a.waitFor(now) > 0, 'nothing is sent before the first heartbeat is read');
    await a.beat();
    assert.equal(a.divisor(now), 1);
    assert.equal(a.waitFor(now), 0);
  });

  it('a second instance waits until the first has counted it and its larger share has left the window', async () => {
    const { registry } = memoryRegistry(clock);
    const a = budgetOf(registry, 'a');
    const b = budgetOf(registry, 'b');
    await a.beat();
    now += 100;
    await b.beat();
    assert.equal(b.divisor(now), 2);
    // Two periods (a reads every period, and uses a read for at most two) and the 1 s window.
    assert.equal(b.waitFor(now), 2 * 3_000 + 1_000 + 500);
    assert.equal(a.divisor(now), 1, 'a has not read yet');
    now += 3_000;
    await a.beat();
    assert.equal(a.divisor(now), 2);
    now += 4_500;
    assert.equal(b.waitFor(now), 0);
    assert.equal(a.waitFor(now), 0, 'the first instance never waits');
  });

  it('takes up a stopped instance’s share one window after it stops, and a dead one’s after three periods', async () => {
    const { registry } = memoryRegistry(clock);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => budgetOf(registry, id)) as [
      SharedRateBudget,
      SharedRateBudget,
      SharedRateBudget,
    ];
    await a.beat();
    await b.beat();
    await c.beat();
    await a.beat();
    assert.equal(a.divisor(now), 3);
    await b.stop();
    await a.beat();
    assert.equal(a.divisor(now), 3, 'b is counted for one more window after its last send');
    now += 1_500;
    await a.beat();
    assert.equal(a.divisor(now), 2);
    // c dies without a word: still counted until its heartbeat is three periods old.
    now += 7_000;
    await a.beat();
    assert.equal(a.divisor(now), 2);
    now += 1_000;
    await a.beat();
    assert.equal(a.divisor(now), 1);
  });

  it('never keeps the whole cap when its heartbeat cannot be written or read', async () => {
    const { registry, fail } = memoryRegistry(clock);
    const a = budgetOf(registry, 'a');
    const b = budgetOf(registry, 'b');
    await a.beat();
    await b.beat();
    await a.beat();
    assert.equal(a.divisor(now), 2);
    fail('a');
    now += 3_000;
    await a.beat();
    assert.equal(a.divisor(now), 2, 'a share stays good for two periods after its read');
    now += 3_001;
    assert.equal(a.divisor(now), FALLBACK_DIVISOR, 'then only the fallback share');
    // Out of the others' count (three periods without a heartbeat) while b goes on.
    now += 3_000;
    await b.beat();
    assert.equal(a.divisor(now), FALLBACK_DIVISOR);
    fail();
    await a.beat();
    assert.equal(a.divisor(now), 2);
    assert.ok(a.waitFor(now) > 0, 'uncounted by the others meanwhile, it waits like a newcomer');
  });

  it('an instance that cannot register at all sends at the fallback share, not the whole cap', async () => {
    const { registry, fail } = memoryRegistry(clock);
    fail('*');
    const a = budgetOf(registry, 'a');
    await a.beat();
    assert.equal(a.divisor(now), FALLBACK_DIVISOR);
    now += 7_500;
    assert.equal(a.waitFor(now), 0);
    assert.equal(a.divisor(now), FALLBACK_DIVISOR);
  });

  it('drives the rate limiter: the global cap and each conversation’s windows are divided', async () => {
    const { registry } = memoryRegistry(clock);
    const a = budgetOf(registry, 'a');
    const b = budgetOf(registry, 'b');
    await a.beat();
    await b.beat();
    await a.beat();
    const sleep = async (ms: number) => {
      now += ms;
    };
    const limiter = new RateLimiter(20, clock, sleep, a);
    const start = now;
    // 10 per second: the 11th waits for the first to leave the one-second window.
    for (let i = 0; i < 11; i++) (await limiter.acquire(`c${i}`)).done();
    assert.ok(now - start >= 1_000, `the 11th send waited (${now - start} ms)`);
    assert.equal(limiter.currentDivisor(), 2);
    // One conversation: 3 per second instead of 7.
    now += 60_000;
    await b.beat();
    await a.beat();
    const before = now;
    for (let i = 0; i < 4; i++) (await limiter.acquire('busy')).done();
    assert.ok(now - before >= 1_000, 'the 4th send to one conversation waited');
  });
});
