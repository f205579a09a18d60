import assert from 'node:assert/strict';
import type { DeliveryAddress } from '../../src/domain/channels/conversations';
import { ENGLAND } from '../../src/domain/access/roles';
import { retryFailedDeliveries } from '../../src/domain/outbox/delivery-health';
import { enqueueMessage } from '../../src/domain/outbox/enqueue-message';
import {
  summariseDelivery,
  type OutboxRequest,
  type OutboxTarget,
} from '../../src/domain/outbox/outbox';
import { createLogger } from '../../src/logging/create-logger';
import { DEFAULT_BREAKER_SETTINGS } from '../../src/proactive/circuit-breaker';
import { DEFAULT_SENDER_SETTINGS } from '../../src/proactive/outbox-sender';
import { RateLimiter } from '../../src/proactive/rate-limiter';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { senderPool } from '../support/sender-pool';
import { wakeOnEnqueue } from '../../src/app/wake-on-enqueue';

const BOT = '28:0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69';
const TENANT = '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f';
const FAST = {
  ...DEFAULT_SENDER_SETTINGS,
  leaseMs: 1_500,
  pollMs: 20,
  backoffBaseMs: 50,
  backoffCapMs: 400,
  warmupMs: 0,
  breaker: { ...DEFAULT_BREAKER_SETTINGS, baseMs: 200, capMs: 1_000 },
};

describe('the proactive outbox and sender (real Azurite, throttling fake connector)', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let connector: FakeConnector;
  let job = 0;
  let jobId = '';
  const now = () => new Date();

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    connector = await startFakeConnector();
  });
  after(async () => {
    await connector?.stop();
    await azurite?.stop();
  });
  beforeEach(() => {
    connector.reset();
    jobId = `test-job-${++job}`;
  });
  afterEach(() => senders.stopAll());

  const senders = senderPool(() => storage, now, FAST);
  const startSender = senders.start;

  const address = (conversationId: string): DeliveryAddress => ({
    serviceUrl: connector.url,
    tenantId: TENANT,
    botId: BOT,
    conversationId,
  });
  const to = (conversationId: string): OutboxTarget => ({
    kind: 'address',
    address: address(conversationId),
  });
  const message = (key: string, target: OutboxTarget, text = key): OutboxRequest => ({
    jobId,
    dedupeKey: key,
    kind: 'send',
    target,
    payload: { text },
  });
  const enqueue = (request: OutboxRequest) =>
    enqueueMessage({ outbox: storage.outbox, now }, request);

  async function settle(timeoutMs = 30_000): Promise<ReturnType<typeof summariseDelivery>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const summary = summariseDelivery(jobId, await storage.outbox.listEntries(jobId));
      if (summary.pending === 0 && summary.sending === 0) return summary;
      if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(summary)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('sends what this instance queues at once, however slow its poll; other entries wait for the poll', async () => {
    const sender = startSender({ ...FAST, pollMs: 4_000 });
    const waking = wakeOnEnqueue(storage.outbox, () => sender.wake());
    // Let the first look (an empty outbox) pass, so the sender is in its idle wait.
    await new Promise((r) => setTimeout(r, 300));
    let t = Date.now();
    await enqueueMessage({ outbox: waking, now }, message('woken', to('19:woken@thread.tacv2')));
    await settle(3_000);
    const woken = Date.now() - t;
    assert.ok(woken < 1_500, `sent ${woken} ms after it was queued`);
    // Queued straight into storage (as by another instance): found by the next poll only.
    await new Promise((r) => setTimeout(r, 300));
    t = Date.now();
    await enqueue(message('polled', to('19:polled@thread.tacv2')));
    await settle(10_000);
    const polled = Date.now() - t;
    assert.ok(polled > 2_000, `sent ${polled} ms after it was queued: before the poll was due`);
    assert.equal(connector.deliveredTo('19:woken@thread.tacv2').length, 1);
    assert.equal(connector.deliveredTo('19:polled@thread.tacv2').length, 1);
  });

  it('keeps to the per-conversation limits without causing a single 429', async () => {
    for (let i = 0; i < 20; i += 1) await enqueue(message(`m${i}`, to('19:busy@thread.tacv2')));
    startSender();
    const summary = await settle();
    assert.equal(summary.sent, 20);
    assert.equal(connector.throttled, 0);
    assert.ok(
      connector.maxRatePerConversation(1_000) <= 7,
      `max ${connector.maxRatePerConversation(1_000)} in 1 s`,
    );
    assert.ok(connector.maxRatePerConversation(2_000) <= 8);
    assert.equal(connector.deliveredTo('19:busy@thread.tacv2').length, 20);
  });

  it('takes its place under the global cap only once the entry is claimed, so a slow claim costs no sending time', async () => {
    // A send holds its place in the rate windows until a second after it is answered; a permit
    // taken before the claim's storage round trip held it that much longer, and the fan-out ran
    // at three quarters of the cap. The entry must already be claimed when the permit is asked.
    const statesAtPermit: string[] = [];
    class WatchingLimiter extends RateLimiter {
      override async acquire(conversationId: string, signal?: AbortSignal) {
        const entries = await storage.outbox.listEntries(jobId);
        statesAtPermit.push(...entries.map((e) => e.state));
        return super.acquire(conversationId, signal);
      }
    }
    await enqueue(message('claimed-first', to('19:claim@thread.tacv2')));
    startSender(FAST, new WatchingLimiter(50));
    assert.equal((await settle()).sent, 1);
    assert.deepEqual(statesAtPermit, ['sending']);
  });

  it("delivers one job's messages to each conversation in the order they were queued, conversations in parallel", async () => {
    // Queued in the same instant (the clock stands still) under keys that sort the other way round:
    // neither the time nor the key may decide the order.
    const instant = new Date();
    const conversations = [
      '19:order-a@thread.tacv2',
      '19:order-b@thread.tacv2',
      '19:order-c@thread.tacv2',
    ];
    for (const [c, conversation] of conversations.entries())
      for (let i = 0; i < 8; i += 1)
        await enqueueMessage(
          { outbox: storage.outbox, now: () => instant },
          message(`z${9 - i}-${c}`, to(conversation), `${conversation} #${i}`),
        );
    startSender();
    assert.equal((await settle()).sent, 24);
    for (const conversation of conversations)
      assert.deepEqual(
        connector.deliveredTo(conversation).map((d) => d.body?.['text']),
        Array.from({ length: 8 }, (_, i) => `${conversation} #${i}`),
      );
    const firsts = conversations.map((c) => connector.deliveredTo(c)[0]?.at ?? 0);
    const lasts = conversations.map((c) => connector.deliveredTo(c)[7]?.at ?? 0);
    assert.ok(
      Math.max(...firsts) < Math.min(...lasts),
      'the conversations were sent to side by side',
    );
  });

  it('waits as long as a 429 Retry-After asks, then delivers once', async () => {
    connector.failNext(1, 429, { retryAfterSeconds: 1 });
    const started = Date.now();
    await enqueue(message('throttled', to('19:a@thread.tacv2')));
    startSender();
    const summary = await settle();
    assert.equal(summary.sent, 1);
    const delivered = connector.deliveredTo('19:a@thread.tacv2');
    assert.equal(delivered.length, 1);
    assert.ok((delivered[0]?.at ?? 0) - started >= 1_000, 'not before Retry-After');
  });

  it('retries 503, 502 and 412 with back-off and delivers', async () => {
    connector.failNext(1, 503).failNext(1, 502).failNext(1, 412);
    await enqueue(message('flaky', to('19:b@thread.tacv2')));
    startSender();
    await settle();
    const entry = await storage.outbox.getEntry(jobId, 'flaky');
    assert.equal(entry?.state, 'sent');
    assert.equal(entry?.attempts, 4);
    assert.equal(connector.deliveredTo('19:b@thread.tacv2').length, 1);
  });

  it('counts failures, not sends: a card redrawn eight times survives its first 503, and 429s never count', async () => {
    await enqueue(message('redrawn', to('19:redrawn@thread.tacv2'), 'version 0'));
    startSender();
    await settle();
    const posted = (await storage.outbox.getEntry(jobId, 'redrawn'))?.sentActivityId;
    assert.ok(posted);
    const redraw = (v: number) =>
      enqueue({
        jobId,
        dedupeKey: 'redrawn-update',
        kind: 'update',
        target: to('19:redrawn@thread.tacv2'),
        activityId: posted,
        payload: { text: `version ${v}` },
      });
    for (let v = 1; v <= 8; v += 1) {
      await redraw(v);
      await settle();
    }
    assert.equal((await storage.outbox.getEntry(jobId, 'redrawn-update'))?.attempts, 8);
    // Three throttled tries and one 503 on the ninth copy: one failure that counts, so no give-up.
    connector
      .failNext(3, 429, { retryAfterSeconds: 0.1, conversationId: '19:redrawn@thread.tacv2' })
      .failNext(1, 503, { conversationId: '19:redrawn@thread.tacv2' });
    await redraw(9);
    const summary = await settle();
    assert.equal(summary.failed, 0, JSON.stringify(summary.failures));
    const last = connector.delivered.filter((d) => d.method === 'PUT').at(-1);
    assert.equal(last?.body?.['text'], 'version 9');
  });

  it('fails an update whose post was sent without an activity id instead of re-queuing it for ever', async () => {
    await enqueue(message('no-id-post', to('19:no-id@thread.tacv2')));
    const [due] = await storage.outbox.listDue(now(), 10);
    assert.ok(due);
    const claimed = await storage.outbox.claim(due, 'test', now(), 5_000);
    assert.ok(claimed && (await storage.outbox.markSent(claimed, {}, now())));
    await enqueue({
      jobId,
      dedupeKey: 'no-id-update',
      kind: 'update',
      target: to('19:no-id@thread.tacv2'),
      activityOf: 'no-id-post',
      payload: { text: 'changed' },
    });
    startSender();
    const summary = await settle(8_000);
    assert.deepEqual(summary.failedByReason, { activity_not_found: 1 });
    assert.equal(connector.calls.length, 0, 'nothing was sent');
  });

  it('gives up after the maximum number of tries when one conversation keeps failing while others go through', async () => {
    connector.failNext(10, 503, { conversationId: '19:c@thread.tacv2' });
    await enqueue(message('doomed', to('19:c@thread.tacv2')));
    for (let i = 0; i < 10; i += 1)
      await enqueue(message(`fine-${i}`, to(`19:c-${i}@thread.tacv2`)));
    startSender({ ...FAST, maxAttempts: 3 });
    const summary = await settle();
    assert.deepEqual(summary.failedByReason, { gave_up_after_retries: 1 });
    assert.equal(summary.sent, 10);
  });

  it("treats a 401 as the operator's problem: pauses sending, reports why, and fails no entry", async () => {
    connector.failNext(6, 401);
    for (let i = 0; i < 3; i += 1)
      await enqueue(message(`auth-${i}`, to(`19:auth-${i}@thread.tacv2`)));
    const sender = startSender({ ...FAST, maxAttempts: 2 });
    await connector.waitFor(() => connector.rejected.filter((r) => r.status === 401).length >= 3);
    const deadline = Date.now() + 5_000;
    while (!sender.health().paused && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(sender.health().reason, 'auth');
    const during = summariseDelivery(jobId, await storage.outbox.listEntries(jobId));
    assert.ok((during.waitingBecause.auth ?? 0) >= 1, JSON.stringify(during));
    const summary = await settle();
    assert.equal(summary.failed, 0, JSON.stringify(summary.failures));
    assert.equal(summary.sent, 3);
    assert.equal(sender.health().paused, false, 'resumed once Teams accepted the token');
  });

  it('records 403 and 404 as failures with reasons, marks the channel unhealthy, and does not retry them', async () => {
    const teamId = '19:team-x@thread.tacv2';
    for (const [channelId, status] of [
      ['19:blocked@thread.tacv2', 403],
      ['19:gone@thread.tacv2', 404],
    ] as const) {
      await storage.conversations.saveConversation({
        kind: 'channel',
        teamId,
        channelId,
        channelName: channelId,
        address: address(channelId),
        active: true,
        lastEvent: 'test',
        updatedAt: now().toISOString(),
      });
      connector.setConversationStatus(channelId, status);
      await enqueue(message(channelId, { kind: 'channel', teamId, channelId }));
    }
    startSender();
    const summary = await settle();
    assert.deepEqual(summary.failedByReason, {
      bot_blocked_or_removed: 1,
      conversation_not_found: 1,
    });
    assert.equal(
      connector.calls.filter((c) => c.conversationId === '19:blocked@thread.tacv2').length,
      1,
      'tried once only',
    );
    const channel = await storage.conversations.findChannel(teamId, '19:blocked@thread.tacv2');
    assert.equal(channel?.healthy, false);
    assert.equal(channel?.unhealthyReason, 'bot_blocked_or_removed');
  });

  it('does nothing when the same dedupe key is enqueued twice', async () => {
    assert.equal(await enqueue(message('once', to('19:d@thread.tacv2'))), 'enqueued');
    assert.equal(
      await enqueue(message('once', to('19:d@thread.tacv2'), 'different text')),
      'duplicate',
    );
    startSender();
    await settle();
    assert.equal(connector.deliveredTo('19:d@thread.tacv2').length, 1);
    assert.equal(connector.deliveredTo('19:d@thread.tacv2')[0]?.body?.['text'], 'once');
  });

  it('lets two sender instances work one outbox side by side without sending anything twice', async () => {
    for (let i = 0; i < 120; i += 1)
      await enqueue(message(`pair-${i}`, to(`19:pair-${i % 40}@thread.tacv2`)));
    // The real lease: this test is about sharing the work, and FAST's 1.5 s lease lapses under a
    // busy machine's slow storage calls (the lapse has tests of its own below).
    const settings = { ...FAST, leaseMs: DEFAULT_SENDER_SETTINGS.leaseMs };
    startSender(settings);
    startSender(settings);
    const summary = await settle();
    assert.equal(summary.sent, 120);
    assert.deepEqual(
      connector.duplicates((body) => String(body?.['text'])),
      [],
    );
    assert.equal(connector.delivered.length, 120);
    const claimedBy = new Set((await storage.outbox.listEntries(jobId)).map((e) => e.claimedBy));
    assert.equal(claimedBy.size, 2, 'both instances did some of the work');
  });

  it('never sends twice when waiting for a busy conversation takes longer than a lease', async () => {
    // 24 messages to one conversation take over 3 s at 7 per second; the lease is 0.5 s.
    for (let i = 0; i < 24; i += 1)
      await enqueue(message(`busy-${i}`, to('19:one-busy@thread.tacv2')));
    startSender({ ...FAST, leaseMs: 500 });
    startSender({ ...FAST, leaseMs: 500 });
    const summary = await settle();
    assert.equal(summary.sent, 24);
    assert.deepEqual(
      connector.duplicates((body) => String(body?.['text'])),
      [],
    );
    // Each instance keeps its own windows, so two of them together can draw 429s from one busy
    // conversation (see README): those are waited out, and nothing is lost or doubled.
    assert.equal(connector.deliveredTo('19:one-busy@thread.tacv2').length, 24);
  });

  it('never sends under a claim that lapsed while it waited for the global rate: it hands the claim back unsent', async () => {
    // Each instance's share of the global cap can fall (to a tenth when its heartbeat stalls):
    // claims made at the usual pace then wait longer than their lease for a permit. Before the
    // fix, the other instance took the lapsed claims over and both sent (a duplicate in the
    // two-instance fan-out). 2 sends a second each, 8 claims at a time, a 3 s lease.
    for (let i = 0; i < 24; i += 1)
      await enqueue(message(`slow-${i}`, to(`19:slow-${i}@thread.tacv2`)));
    const settings = { ...FAST, leaseMs: 3_000, concurrency: 8 };
    startSender(settings, new RateLimiter(2));
    startSender(settings, new RateLimiter(2));
    const summary = await settle(60_000);
    assert.equal(summary.sent, 24);
    assert.deepEqual(
      connector.duplicates((body) => String(body?.['text'])),
      [],
    );
    assert.equal(connector.delivered.length, 24);
    const entries = await storage.outbox.listEntries(jobId);
    assert.equal(summary.possibleDuplicates, 0, 'no claim lapsed into a takeover');
    assert.ok(
      entries.some((e) => e.attempts > 1),
      'some claims ran out of lease while waiting and were handed back (claimed again later)',
    );
  });

  it('takes over an entry whose sender died mid-send once its lease lapses, and counts it as a possible duplicate', async () => {
    await enqueue(message('orphan', to('19:e@thread.tacv2')));
    const [due] = await storage.outbox.listDue(now(), 10);
    assert.ok(due);
    // A sender that claims and then dies (kill -9) before recording anything.
    assert.ok(await storage.outbox.claim(due, 'dead-sender', now(), 800));
    startSender();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(connector.delivered.length, 0, 'nobody touches a live lease');
    const summary = await settle();
    assert.equal(summary.sent, 1);
    assert.equal(summary.possibleDuplicates, 1);
  });

  it('coalesces a burst of updates to one card: the latest state wins and fewer updates are sent', async () => {
    await enqueue(message('card', to('19:f@thread.tacv2'), 'version 0'));
    startSender();
    await settle();
    const posted = (await storage.outbox.getEntry(jobId, 'card'))?.sentActivityId;
    assert.ok(posted);
    const outcomes = [];
    for (let v = 1; v <= 10; v += 1) {
      outcomes.push(
        await enqueue({
          jobId,
          dedupeKey: `card-update`,
          kind: 'update',
          target: to('19:f@thread.tacv2'),
          activityId: posted,
          payload: { text: `version ${v}` },
        }),
      );
    }
    assert.equal(outcomes[0], 'enqueued');
    assert.ok(outcomes.slice(1).every((o) => o === 'coalesced'));
    await settle();
    const updates = connector.delivered.filter((d) => d.method === 'PUT');
    assert.ok(
      updates.length >= 1 && updates.length < 10,
      `${updates.length} updates sent for 10 changes`,
    );
    assert.equal(
      updates[updates.length - 1]?.body?.['text'],
      'version 10',
      'the last state is what the channel shows',
    );
  });

  it('fails bad entries with a clear reason and leaves the others alone', async () => {
    await enqueue(
      message('no-ref', {
        kind: 'channel',
        teamId: '19:unknown@thread.tacv2',
        channelId: '19:nowhere@thread.tacv2',
      }),
    );
    assert.equal(
      await enqueue(message('huge', to('19:g@thread.tacv2'), 'x'.repeat(25_000))),
      'too_large',
    );
    await enqueue({
      jobId,
      dedupeKey: 'ghost-update',
      kind: 'update',
      target: to('19:g@thread.tacv2'),
      activityId: 'activity-does-not-exist',
      payload: { text: 'x' },
    });
    await enqueue(message('fine', to('19:g@thread.tacv2')));
    startSender();
    const summary = await settle();
    assert.deepEqual(summary.failedByReason, {
      no_conversation_reference: 1,
      payload_too_large: 1,
      activity_not_found: 1,
    });
    assert.equal(summary.sent, 1);
    assert.deepEqual(
      connector.delivered.map((d) => d.body?.['text']),
      ['fine'],
    );
  });

  it('queues only the failed entries again on "retry failed", and they go through', async () => {
    connector.setConversationStatus('19:h@thread.tacv2', 404);
    await enqueue(message('will-fail', to('19:h@thread.tacv2')));
    await enqueue(message('will-pass', to('19:i@thread.tacv2')));
    startSender();
    assert.equal((await settle()).failed, 1);
    connector.setConversationStatus('19:h@thread.tacv2', undefined);
    assert.equal(await storage.outbox.requeueFailed(jobId, now()), 1);
    const summary = await settle();
    assert.equal(summary.sent, 2);
    assert.equal(
      connector.deliveredTo('19:i@thread.tacv2').length,
      1,
      'the sent one is not sent again',
    );
  });

  it('"retry the failed ones" with no job named reaches the failed entries of every job, not only the newest', async () => {
    const admin = '7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    await storage.roles.saveGrant({
      userId: admin,
      role: 'administrator',
      orgCode: ENGLAND,
      grantedBy: 'test',
      grantedAt: now().toISOString(),
    });
    const jobs = Array.from({ length: 7 }, (_, i) => `${jobId}-old-${i}`);
    for (const job of jobs) {
      await enqueue({ ...message('lost', to('19:retry-all@thread.tacv2')), jobId: job });
      const entry = await storage.outbox.getEntry(job, 'lost');
      const claimed = entry && (await storage.outbox.claim(entry, 'test', now(), 5_000));
      assert.ok(claimed);
      await storage.outbox.markFailed(claimed, { reason: 'gave_up_after_retries' }, now());
    }
    const deps = {
      outbox: storage.outbox,
      roles: storage.roles,
      organisations: storage.organisations,
      now,
    };
    // Other tests' failures in this storage are queued again too: at least our seven.
    const count = await retryFailedDeliveries(deps, admin, undefined);
    assert.ok(count >= 7, `${count} queued again`);
    for (const job of jobs)
      assert.equal((await storage.outbox.getEntry(job, 'lost'))?.state, 'pending');
  });

  it('creates a 1:1 chat when the user has none yet, then sends into it', async () => {
    await enqueue(
      message('nudge', {
        kind: 'user',
        tenantId: TENANT,
        serviceUrl: connector.url,
        botId: BOT,
        userId: '29:new-user',
      }),
    );
    startSender();
    await settle();
    const entry = await storage.outbox.getEntry(jobId, 'nudge');
    assert.equal(entry?.state, 'sent');
    assert.match(entry?.sentConversationId ?? '', /^a:fake-conversation-/);
    assert.equal(connector.deliveredTo(entry?.sentConversationId ?? '').length, 1);
  });
});
