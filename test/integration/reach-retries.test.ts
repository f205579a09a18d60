import assert from 'node:assert/strict';
import { enqueueMessage } from '../../src/domain/outbox/enqueue-message';
import { summariseDelivery, type OutboxEntry } from '../../src/domain/outbox/outbox';
import { createLogger } from '../../src/logging/create-logger';
import { DEFAULT_BREAKER_SETTINGS } from '../../src/proactive/circuit-breaker';
import { ConnectorClient } from '../../src/proactive/connector-client';
import { GraphClient } from '../../src/proactive/graph-client';
import { DEFAULT_SENDER_SETTINGS, OutboxSender } from '../../src/proactive/outbox-sender';
import { RateLimiter } from '../../src/proactive/rate-limiter';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { FakeGraph } from '../support/fake-graph';

const BOT = '28:0b6e4a2c-8f3d-4c1b-9e7a-5d2f1c3b4a69';
const TENANT = '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f';
const TEAM = '19:reach-team@thread.tacv2';
const APP = 'b6d1c0a2-77f1-4c3e-9a5b-0c1d2e3f4a5b';
const FAST = {
  ...DEFAULT_SENDER_SETTINGS,
  leaseMs: 5_000,
  pollMs: 20,
  maxAttempts: 3,
  backoffBaseMs: 50,
  backoffCapMs: 200,
  warmupMs: 0,
  breaker: { ...DEFAULT_BREAKER_SETTINGS, baseMs: 200, capMs: 1_000 },
};

describe('reaching a person 1:1 through passing failures (real Azurite, fake Teams and Graph)', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let connector: FakeConnector;
  let graph: FakeGraph;
  let sender: OutboxSender | undefined;
  let n = 0;
  const now = () => new Date();

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    connector = await startFakeConnector();
    graph = await new FakeGraph(APP).start();
    await storage.conversations.saveConversation({
      kind: 'team',
      teamId: TEAM,
      address: { serviceUrl: connector.url, tenantId: TENANT, botId: BOT, conversationId: TEAM },
      active: true,
      lastEvent: 'test',
      updatedAt: now().toISOString(),
    });
  });
  after(async () => {
    await graph?.stop();
    await connector?.stop();
    await azurite?.stop();
  });
  afterEach(async () => {
    await sender?.stop();
    connector.reset();
    graph.reset();
  });

  /** A person in the team's roster who never opened the bot, and a reminder queued for them. */
  async function remind(): Promise<{ userId: string; teamsUserId: string; jobId: string }> {
    n += 1;
    const userId = `${String(n).padStart(8, '0')}-2222-4333-8444-555555555555`;
    const teamsUserId = `29:person-${n}`;
    const jobId = `reach-${n}`;
    await storage.rosters.savePeople([
      {
        userAadObjectId: userId,
        teamsUserId,
        name: `Person ${n}`,
        tenantId: TENANT,
        teamIds: [TEAM],
        updatedAt: now().toISOString(),
      },
    ]);
    await enqueueMessage(
      { outbox: storage.outbox, now },
      {
        jobId,
        dedupeKey: 'nudge',
        kind: 'send',
        target: { kind: 'personal', tenantId: TENANT, userAadObjectId: userId },
        payload: { text: 'Reminder' },
      },
    );
    return { userId, teamsUserId, jobId };
  }

  function startSender(): void {
    sender = new OutboxSender(
      {
        outbox: storage.outbox,
        conversations: storage.conversations,
        rosters: storage.rosters,
        client: new ConnectorClient(async () => undefined),
        graph: { client: new GraphClient(async () => undefined, graph.url), catalogAppId: APP },
        limiter: new RateLimiter(50),
        logger: createLogger('silent'),
        now,
      },
      FAST,
    );
    sender.start();
  }

  async function settled(jobId: string): Promise<OutboxEntry> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const entry = await storage.outbox.getEntry(jobId, 'nudge');
      if (entry?.state === 'sent' || entry?.state === 'failed') return entry;
      if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(entry)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('waits as Teams asks when starting the chat is throttled (429), then starts it and sends', async () => {
    const { userId, jobId } = await remind();
    connector.failNext(1, 429, { retryAfterSeconds: 1 });
    startSender();
    const entry = await settled(jobId);
    assert.equal(entry.state, 'sent', JSON.stringify(entry.failure));
    const creates = connector.calls.filter(
      (c) => c.method === 'POST' && c.path === '/v3/conversations',
    );
    assert.deepEqual(
      creates.map((c) => c.status),
      [429, 201],
    );
    assert.ok(creates[1]!.at - creates[0]!.at >= 900, 'after the Retry-After');
    assert.equal(
      (await storage.conversations.findPersonal(TENANT, userId))?.lastEvent,
      'created:roster',
    );
  });

  it('gives up as "not reachable 1:1" when Graph keeps failing (503), storing nothing', async () => {
    const { userId, teamsUserId, jobId } = await remind();
    connector.setUserStatus(teamsUserId, 403);
    graph.failNext(10, 503, { userId });
    startSender();
    const entry = await settled(jobId);
    assert.equal(entry.state, 'failed');
    assert.equal(entry.failure?.reason, 'not_reachable_1to1');
    assert.equal(entry.failure?.status, 503);
    assert.match(entry.failure?.detail ?? '', /Graph kept failing.*503/);
    assert.equal(
      graph.calls.filter((c) => c.method === 'POST').length,
      FAST.maxAttempts,
      'tried as often as any send',
    );
    assert.equal(await storage.conversations.findPersonal(TENANT, userId), undefined);
    const [failure] = summariseDelivery(jobId, await storage.outbox.listEntries(jobId)).failures;
    assert.match(failure?.detail ?? '', /Graph kept failing/, 'the CLI shows why');
  });

  it('shows a reminder waiting on a Graph 429 as throttled in delivery health, not failed', async () => {
    const { userId, teamsUserId, jobId } = await remind();
    connector.setUserStatus(teamsUserId, 403);
    graph.failNext(1, 429, { userId, retryAfterSeconds: 30 });
    startSender();
    const deadline = Date.now() + 10_000;
    let entry = await storage.outbox.getEntry(jobId, 'nudge');
    while (!entry?.lastError && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      entry = await storage.outbox.getEntry(jobId, 'nudge');
    }
    assert.equal(entry?.state, 'pending');
    assert.ok(Date.parse(entry!.nextAttemptAt) - Date.now() > 25_000, 'waits the 30 s Graph asked');
    const summary = summariseDelivery(jobId, await storage.outbox.listEntries(jobId));
    assert.deepEqual(summary.waitingBecause, { throttled: 1 });
    assert.equal(summary.failed, 0);
  });

  it('tries again after a Graph 5xx and reaches the person when Graph recovers', async () => {
    const { userId, teamsUserId, jobId } = await remind();
    connector.setUserStatus(teamsUserId, 403);
    graph.failNext(1, 502, { userId, step: 'chat' });
    startSender();
    const entry = await settled(jobId);
    assert.equal(entry.state, 'sent', JSON.stringify(entry.failure));
    assert.deepEqual(
      graph.calls.map((c) => `${c.method} ${c.status}`),
      ['POST 201', 'GET 200', 'GET 502', 'POST 409', 'GET 200', 'GET 200'],
    );
    assert.equal(
      (await storage.conversations.findPersonal(TENANT, userId))?.lastEvent,
      'created:graph',
    );
  });

  it('leaves the send to the next try when Graph took most of the claim, so the person never gets it twice', async () => {
    const { userId, teamsUserId, jobId } = await remind();
    connector.setUserStatus(teamsUserId, 403);
    // Three Graph calls of 700 ms leave under 3 s of a 5 s claim: too little to send safely.
    graph.setLatency(700);
    startSender();
    const entry = await settled(jobId);
    assert.equal(entry.state, 'sent', JSON.stringify(entry.failure));
    assert.equal(entry.attempts, 2, 'claimed again for the send');
    assert.equal(graph.calls.length, 3, 'installed once; the second try used the stored chat');
    const chat = (await storage.conversations.findPersonal(TENANT, userId))!.address.conversationId;
    assert.equal(connector.deliveredTo(chat).length, 1);
  });
});
