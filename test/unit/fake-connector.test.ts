import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  FakeConnector,
  startFakeConnector,
  type FakeConnectorOptions,
} from '../support/fake-connector';

const CHANNEL = '19:Kx3pD9f2WqLm7HnZ0aBcVtYu1oE5rSgT@thread.tacv2';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

type Body = Record<string, unknown>;

interface Reply {
  status: number;
  retryAfter: string | null;
  body: Body;
}

describe('the fake Bot Connector', () => {
  let fake: FakeConnector;

  async function start(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
    fake = await startFakeConnector(options);
    return fake;
  }

  afterEach(async () => {
    await fake?.stop();
  });

  async function request(method: string, path: string, body?: Body): Promise<Reply> {
    const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(`${fake.url}${path}`, init);
    const text = await res.text();
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: text ? (JSON.parse(text) as Body) : {},
    };
  }

  function activities(conversationId: string, activityId?: string): string {
    const tail = activityId === undefined ? '' : `/${encodeURIComponent(activityId)}`;
    return `v3/conversations/${encodeURIComponent(conversationId)}/activities${tail}`;
  }

  function send(conversationId: string, body: Body = { type: 'message', text: 'hi' }) {
    return request('POST', activities(conversationId), body);
  }

  function errorCode(reply: Reply): unknown {
    return (reply.body['error'] as Body | undefined)?.['code'];
  }

  describe('rate limits', () => {
    it('answers the 8th send within a second to one conversation with 429 and Retry-After, and does not deliver it', async () => {
      await start();
      for (let i = 0; i < 7; i++) assert.equal((await send(CHANNEL)).status, 201);
      const eighth = await send(CHANNEL, { type: 'message', text: 'eighth' });
      assert.equal(eighth.status, 429);
      assert.equal(eighth.retryAfter, '1');
      assert.equal(errorCode(eighth), 'Throttled');
      assert.equal(fake.deliveredTo(CHANNEL).length, 7);
      assert.ok(!fake.sentActivities().some((a) => a['text'] === 'eighth'));
      assert.equal(fake.throttled, 1);
      assert.equal(fake.rejected[0]?.reason, 'rate-limit');
      assert.match(fake.rejected[0]?.limit ?? '', /conversation: 7 per 1 s/);
    });

    it('counts a channel and its reply threads as one conversation', async () => {
      await start();
      const thread = `${CHANNEL};messageid=1700000000000`;
      for (let i = 0; i < 4; i++) assert.equal((await send(CHANNEL)).status, 201);
      for (let i = 0; i < 3; i++) assert.equal((await send(thread)).status, 201);
      assert.equal((await send(thread)).status, 429);
      assert.equal(fake.deliveredTo(thread).length, 7, 'deliveredTo ignores the thread suffix');
      assert.equal(fake.deliveredTo(CHANNEL).at(-1)?.replyToId, '1700000000000');
    });

    it('lets a throttled conversation send again once the window has moved on, since a 429 uses up no quota', async () => {
      // Real time: a busy machine can take a few hundred milliseconds over the first ten sends,
      // which on a scaled clock would already move the 2-second window.
      await start({ timeScale: 1 });
      for (let i = 0; i < 7; i++) assert.equal((await send(CHANNEL)).status, 201);
      for (let i = 0; i < 3; i++) assert.equal((await send(CHANNEL)).status, 429);
      await sleep(1_100);
      assert.equal((await send(CHANNEL)).status, 201, 'the 8-per-2-s window still has one place');
      assert.equal((await send(CHANNEL)).status, 429, '…and now it is full');
      assert.equal(fake.throttled, 4);
    });

    it('does not throttle sends spread across conversations until the global cap', async () => {
      await start({ globalPerSecond: 10 });
      for (let i = 0; i < 10; i++) {
        assert.equal((await send(`a:user-${i}`)).status, 201, `send ${i + 1}`);
      }
      const over = await send('a:user-10');
      assert.equal(over.status, 429);
      assert.equal(over.retryAfter, '1');
      assert.match(fake.rejected[0]?.limit ?? '', /^global: 10 per 1 s$/);
      assert.equal(fake.delivered.length, 10);
    });

    it('caps at 50 requests per second across conversations by default', async () => {
      await start();
      for (let i = 0; i < 50; i++) assert.equal((await send(`a:user-${i}`)).status, 201);
      assert.equal((await send('a:user-50')).status, 429);
    });

    it('enforces 60 per 30 s to one conversation even when the short windows are respected', async () => {
      // 0.1: 1 s → 100 ms, 2 s → 200 ms, 30 s → 3 s; one send per 30 ms keeps under 8 per 200 ms.
      await start({ timeScale: 0.1 });
      for (let i = 0; i < 60; i++) {
        assert.equal((await send(CHANNEL)).status, 201, `send ${i + 1}`);
        await sleep(30);
      }
      const sixtyFirst = await send(CHANNEL);
      assert.equal(sixtyFirst.status, 429);
      assert.equal(fake.rejected[0]?.limit, 'conversation: 60 per 30 s');
      // Retry-After is when the first send leaves the (scaled, 3 s) window, in whole seconds.
      const freesInMs = fake.delivered[0]!.at + 3_000 - fake.rejected[0]!.call.at;
      assert.equal(sixtyFirst.retryAfter, String(Math.ceil(freesInMs / 1_000)));
    });

    it('counts updates, deletes and new conversations against the same windows', async () => {
      await start();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(String((await send(CHANNEL)).body['id']));
      assert.equal((await request('PUT', activities(CHANNEL, ids[0]!), { text: 'x' })).status, 200);
      assert.equal((await request('DELETE', activities(CHANNEL, ids[1]!))).status, 200);
      assert.equal(
        (await request('POST', activities(CHANNEL, ids[2]!), { text: 'r' })).status,
        201,
      );
      assert.equal((await send(CHANNEL)).status, 201, 'the 7th');
      assert.equal((await request('PUT', activities(CHANNEL, ids[2]!), { text: 'y' })).status, 429);
      assert.equal((await request('GET', 'v3/teams/t/conversations')).status, 200, 'GETs are free');
    });

    it('answers everything with enforceLimits off but counts what Teams would have throttled', async () => {
      await start({ enforceLimits: false });
      for (let i = 0; i < 20; i++) assert.equal((await send(CHANNEL)).status, 201);
      assert.equal(fake.throttled, 0);
      assert.equal(fake.overLimit, 13);
      assert.equal(fake.maxRatePerConversation(1_000), 20);
    });
  });

  describe('fault injection', () => {
    it('failNext answers the next sends with the given status, then recovers', async () => {
      await start();
      fake.failNext(2, 503);
      assert.equal((await send(CHANNEL)).status, 503);
      const second = await send(CHANNEL);
      assert.equal(second.status, 503);
      assert.equal(errorCode(second), 'ServiceUnavailable');
      assert.equal((await send(CHANNEL)).status, 201);
      assert.equal(fake.delivered.length, 1, 'injected failures are not deliveries');
      assert.deepEqual(
        fake.rejected.map((r) => r.reason),
        ['injected', 'injected'],
      );
    });

    it('failNext can send 429 with a chosen Retry-After, or 412, to one conversation only', async () => {
      await start();
      fake.failNext(1, 429, { retryAfterSeconds: 7, conversationId: 'a:other' });
      fake.failNext(1, 412, { conversationId: `${CHANNEL};messageid=9` });
      assert.equal((await send('a:bystander')).status, 201);
      const throttled = await send('a:other');
      assert.equal(throttled.status, 429);
      assert.equal(throttled.retryAfter, '7');
      assert.equal(fake.throttled, 0, 'injected 429s are not the rate limiter’s');
      const precondition = await send(CHANNEL);
      assert.equal(precondition.status, 412);
      assert.equal(errorCode(precondition), 'PreconditionFailed');
      assert.equal((await send('a:other')).status, 201);
    });

    it('failRandomly fails about the given fraction, the same requests for the same seed', async function () {
      this.timeout(30_000); // 1,200 requests in a row: a busy machine needs more than the default
      const failures = async (seed: number): Promise<number[]> => {
        await start({ enforceLimits: false });
        fake.failRandomly(0.05, 503, seed);
        const failed: number[] = [];
        for (let i = 0; i < 400; i++)
          if ((await send(`a:user-${i}`)).status === 503) failed.push(i);
        await fake.stop();
        return failed;
      };
      const first = await failures(42);
      const again = await failures(42);
      const other = await failures(7);
      assert.deepEqual(again, first);
      assert.notDeepEqual(other, first);
      assert.ok(first.length >= 8 && first.length <= 40, `${first.length} of 400 failed`);
    });

    it('setConversationStatus answers 403 and 404 with Teams’ error codes, and can be cleared', async () => {
      await start();
      fake.setConversationStatus('a:gone', 404).setConversationStatus(CHANNEL, 403);
      const gone = await send('a:gone');
      assert.equal(gone.status, 404);
      assert.equal(errorCode(gone), 'ConversationNotFound');
      const removed = await send(`${CHANNEL};messageid=5`);
      assert.equal(removed.status, 403);
      assert.equal(errorCode(removed), 'BotNotInConversationRoster');
      assert.equal((await request('GET', `v3/conversations/a%3Agone/members`)).status, 404);
      assert.equal((await send('a:fine')).status, 201);
      fake.setConversationStatus('a:gone', undefined);
      assert.equal((await send('a:gone')).status, 201);
      assert.deepEqual(
        fake.delivered.map((d) => d.conversationId),
        ['a:fine', 'a:gone'],
      );
    });

    it('setLatency holds answers back by a fixed delay or one within a range', async () => {
      await start();
      fake.setLatency(80);
      let began = performance.now();
      assert.equal((await send(CHANNEL)).status, 201);
      assert.ok(performance.now() - began >= 75, 'fixed latency');
      fake.setLatency({ min: 40, max: 60 });
      began = performance.now();
      await send(CHANNEL);
      const took = performance.now() - began;
      assert.ok(took >= 35, `ranged latency took ${took} ms`);
      fake.setLatency(0);
      began = performance.now();
      await send(CHANNEL);
      assert.ok(performance.now() - began < 40, 'no latency');
    });

    it('reset clears faults, windows and records but keeps issued ids editable', async () => {
      await start();
      const id = String((await send(CHANNEL)).body['id']);
      for (let i = 0; i < 7; i++) await send(CHANNEL);
      fake.failNext(5, 500).failRandomly(1, 503, 1).setConversationStatus('a:x', 403);
      fake.setLatency(1_000);
      fake.reset();
      assert.equal(fake.throttled, 0);
      assert.equal(fake.delivered.length + fake.rejected.length + fake.calls.length, 0);
      assert.equal((await send(CHANNEL)).status, 201);
      assert.equal((await send('a:x')).status, 201);
      assert.equal((await request('PUT', activities(CHANNEL, id), { text: 'edit' })).status, 200);
    });
  });

  describe('delivery records', () => {
    it('gives every send a unique activity id and records it with its body and reply target', async () => {
      await start();
      const first = await send(CHANNEL, { type: 'message', text: 'one' });
      const reply = await request('POST', activities(CHANNEL, 'user-msg-1'), { text: 'two' });
      assert.equal(first.body['id'], 'activity-1');
      assert.equal(reply.body['id'], 'activity-2');
      const [a, b] = fake.deliveredTo(CHANNEL);
      assert.equal(a?.method, 'POST');
      assert.equal(a?.body?.['text'], 'one');
      assert.equal(a?.replyToId, undefined);
      assert.equal(b?.replyToId, 'user-msg-1');
      assert.ok(typeof b?.at === 'number' && b.at >= (a?.at ?? Infinity));
    });

    it('updates and deletes issued ids, and answers 404 ActivityNotFound for unknown or deleted ones', async () => {
      await start();
      const id = String((await send(CHANNEL)).body['id']);
      const unknown = await request('PUT', activities(CHANNEL, 'activity-999'), { text: 'x' });
      assert.equal(unknown.status, 404);
      assert.equal(errorCode(unknown), 'ActivityNotFound');
      assert.equal((await request('DELETE', activities(CHANNEL, 'nope'))).status, 404);
      assert.equal((await request('PUT', activities('a:elsewhere', id), {})).status, 404);
      const updated = await request('PUT', activities(CHANNEL, id), { text: 'edited' });
      assert.equal(updated.status, 200);
      assert.equal(updated.body['id'], id);
      assert.equal((await request('DELETE', activities(CHANNEL, id))).status, 200);
      assert.equal((await request('DELETE', activities(CHANNEL, id))).status, 404);
      assert.deepEqual(
        fake.delivered.map((d) => [d.method, d.activityId, d.body?.['text']]),
        [
          ['POST', id, 'hi'],
          ['PUT', id, 'edited'],
          ['DELETE', id, undefined],
        ],
      );
    });

    it('duplicates() names the keys delivered more than once, ignoring updates and unkeyed sends', async () => {
      await start();
      const keyed = (dedupeKey: string) => ({ type: 'message', channelData: { dedupeKey } });
      const id = String((await send('a:1', keyed('k1'))).body['id']);
      await send('a:2', keyed('k2'));
      await send('a:1', keyed('k1'));
      await send('a:3', { type: 'message' });
      await request('PUT', activities('a:1', id), keyed('k2'));
      fake.failNext(1, 503);
      await send('a:2', keyed('k2'));
      const keyOf = (body: Body) =>
        (body['channelData'] as Body | undefined)?.['dedupeKey'] as string | undefined;
      assert.deepEqual(fake.duplicates(keyOf), ['k1']);
    });

    it('maxRate() and maxRatePerConversation() report the busiest window of accepted requests', async () => {
      await start();
      await Promise.all([send('a:A'), send('a:A'), send('a:B')]);
      await sleep(300);
      fake.failNext(1, 500);
      await send('a:A'); // refused, so not counted
      await Promise.all([send('a:A'), send('a:B')]);
      assert.equal(fake.maxRate(100), 3);
      assert.equal(fake.maxRate(10_000), 5);
      assert.equal(fake.maxRatePerConversation(100), 2);
      assert.equal(fake.maxRatePerConversation(10_000), 3);
    });
  });

  describe('POST /v3/conversations', () => {
    const create = (memberId: string, tenant: Body = { tenantId: TENANT }) =>
      request('POST', 'v3/conversations', {
        bot: { id: '28:bot' },
        isGroup: false,
        members: [{ id: memberId }],
        ...tenant,
      });

    it('creates a 1:1 conversation, and the same one again for the same member', async () => {
      await start();
      const first = await create('29:alice');
      assert.equal(first.status, 201);
      assert.equal(first.body['id'], 'a:fake-conversation-1');
      const again = await create('29:alice', { channelData: { tenant: { id: TENANT } } });
      assert.equal(again.body['id'], 'a:fake-conversation-1');
      assert.equal((await create('29:bob')).body['id'], 'a:fake-conversation-2');
      assert.equal((await send(String(first.body['id']))).status, 201);
    });

    it('refuses a 1:1 chat as Teams does: 403 Forbidden when the app is not installed for the user, 404 for an unknown user', async () => {
      await start();
      fake.setUserStatus('29:no-app', 403);
      const refused = await create('29:no-app');
      assert.equal(refused.status, 403);
      assert.equal(errorCode(refused), 'Forbidden');
      fake.teamMembers['19:team'] = [{ id: '29:member' }];
      fake.requireKnownUsers = true;
      assert.equal((await create('29:member')).status, 201);
      const unknown = await create('29:stranger');
      assert.equal(unknown.status, 404);
      assert.equal(errorCode(unknown), 'NotFound');
      assert.deepEqual(
        fake.rejected.map((r) => [r.status, r.reason]),
        [
          [403, 'user-status'],
          [404, 'user-status'],
        ],
      );
      fake.setUserStatus('29:no-app', undefined).requireKnownUsers = false;
      assert.equal(
        (await create('29:no-app')).body['id'],
        'a:fake-conversation-2',
        'no id was used up by refusals',
      );
    });

    it('refuses a conversation without a member with 400', async () => {
      await start();
      const bad = await request('POST', 'v3/conversations', { isGroup: false, members: [] });
      assert.equal(bad.status, 400);
      assert.equal(errorCode(bad), 'BadArgument');
    });

    it('starts a channel thread with its first message and delivers that message', async () => {
      await start();
      const thread = await request('POST', 'v3/conversations', {
        isGroup: true,
        channelData: { channel: { id: CHANNEL } },
        activity: { type: 'message', text: 'new thread' },
      });
      assert.equal(thread.status, 201);
      assert.equal(thread.body['id'], `${CHANNEL};messageid=${String(thread.body['activityId'])}`);
      assert.equal(fake.deliveredTo(CHANNEL)[0]?.body?.['text'], 'new thread');
    });

    it('is rate-limited per conversation like sends', async () => {
      await start();
      const id = String((await create('29:carol')).body['id']);
      for (let i = 0; i < 6; i++) assert.equal((await send(id)).status, 201);
      assert.equal((await create('29:carol')).status, 429);
    });
  });

  it('keeps the original API: calls, waitFor and sentActivities of successful sends', async () => {
    await start();
    fake.failNext(1, 502);
    const sending = send(CHANNEL, { text: 'lost' }).then(() => send(CHANNEL, { text: 'kept' }));
    await fake.waitFor(() => fake.sentActivities().length === 1);
    await sending;
    assert.equal(fake.calls.length, 2);
    assert.deepEqual(
      fake.sentActivities().map((a) => a['text']),
      ['kept'],
    );
    await assert.rejects(
      fake.waitFor(() => false, 50),
      /Timed out; connector received/,
    );
  });

  it('answers unreadable JSON with 400 instead of crashing', async () => {
    await start();
    const res = await fetch(`${fake.url}${activities(CHANNEL)}`, { method: 'POST', body: '{' });
    assert.equal(res.status, 400);
    assert.equal((await send(CHANNEL)).status, 201);
  });
});
