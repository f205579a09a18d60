import assert from 'node:assert/strict';
import { GraphClient } from '../../src/proactive/graph-client';
import { FakeGraph } from '../support/fake-graph';

const APP = '7d3e2f1a-0b9c-4d8e-a7f6-5e4d3c2b1a09';
const USER = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('the Graph client (against the fake Graph on loopback)', () => {
  let graph: FakeGraph;
  before(async () => {
    graph = await new FakeGraph(APP).start();
  });
  after(() => graph.stop());
  beforeEach(() => graph.reset());

  it('installs, finds the installation and its chat with the bot’s Graph token', async () => {
    const client = new GraphClient(async () => 'graph-token', graph.url);
    assert.equal((await client.installApp(USER, APP)).status, 201);
    const found = await client.findInstallation(USER, APP);
    assert.equal(found.status, 200);
    assert.equal(found.id, graph.installed()[0]!.id);
    const chat = await client.getInstallationChat(USER, found.id!);
    assert.deepEqual(chat, { status: 200, id: graph.installed()[0]!.chatId });
    assert.ok(graph.calls.every((c) => c.authorization === 'Bearer graph-token'));
    assert.equal((await client.installApp(USER, APP)).status, 409, 'installed already');
  });

  it('reads a 429’s Retry-After and Graph’s error code and message', async () => {
    const client = new GraphClient(async () => undefined, graph.url);
    graph.failNext(1, 429, { retryAfterSeconds: 7 });
    const throttled = await client.installApp(USER, APP);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.retryAfterSeconds, 7);
    graph.setUserStatus(USER, 403);
    assert.deepEqual(await client.findInstallation(USER, APP), {
      status: 403,
      error: 'Forbidden: Missing role permissions on the request.',
    });
    graph.setUserStatus(USER, undefined);
  });

  it('answers status 0 when there is no token or no Graph to reach, so the outbox tries again', async () => {
    const noToken = new GraphClient(async () => {
      throw new Error('AADSTS7000215: Invalid client secret provided.');
    }, graph.url);
    const failed = await noToken.installApp(USER, APP);
    assert.equal(failed.status, 0);
    assert.match(failed.error ?? '', /Invalid client secret/);
    const nowhere = new GraphClient(async () => undefined, 'http://127.0.0.1:9/v1.0', 500);
    assert.equal((await nowhere.installApp(USER, APP)).status, 0);
  });
});
