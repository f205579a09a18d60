import assert from 'node:assert/strict';
import { createTableClient } from '../../src/storage/create-table-client';
import { CONVERSATIONS_TABLE } from '../../src/storage/conversation-table';
import { FakeConnector } from '../support/fake-connector';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import {
  botAddedToTeam,
  botRemovedFromTeam,
  cardAction,
  CHANNEL_ID,
  channelEvent,
  channelMention,
  groupChatMention,
  installationUpdate,
  PERSONAL_CONVERSATION_ID,
  personalMessage,
  TEAM_AAD_GROUP_ID,
  TEAM_ID,
  teamRenamed,
  TENANT_ID,
  USER,
} from '../support/teams-activities';

type Sent = Record<string, unknown> & {
  attachments?: { contentType: string; content: Record<string, unknown> }[];
};

function cardText(activity: Sent): string {
  return JSON.stringify(activity.attachments?.[0]?.content ?? {});
}

describe('the bot endpoint, driven like Teams (local mode, real Azurite)', function () {
  this.timeout(30_000);
  let connector: FakeConnector;
  let service: TestService;

  before(async () => {
    connector = await new FakeConnector().start();
    service = await startTestService();
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });
  beforeEach(() => {
    connector.calls.length = 0;
  });

  async function countStoredRows(): Promise<number> {
    let n = 0;
    for await (const _ of createTableClient(
      service.storageTarget,
      CONVERSATIONS_TABLE,
    ).listEntities())
      n += 1;
    return n;
  }

  /** Posts and waits for the bot's first message back at the connector. */
  async function postAndReadReply(activity: Record<string, unknown>): Promise<Sent> {
    const { status } = await service.post(activity);
    assert.equal(status, 200);
    await connector.waitFor(() => connector.sentActivities().length > 0);
    return connector.sentActivities()[0] as Sent;
  }

  describe('commands', () => {
    it('answers "help" in a 1:1 chat with the help card, as a reply in that chat', async () => {
      const activity = personalMessage(connector.url, 'help');
      const reply = await postAndReadReply(activity);
      const call = connector.calls.find((c) => c.method === 'POST')!;
      assert.equal(call.conversationId, PERSONAL_CONVERSATION_ID);
      assert.equal(call.activityId, activity['id'], 'the reply threads onto the user’s message');
      assert.equal(reply.attachments?.[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.match(cardText(reply), /What I can do/);
      assert.match(cardText(reply), /whoami/);
      assert.match(cardText(reply), /Type one of these commands here/);
      // Administrators' commands apart, with those Teams does not suggest (its list is full).
      const card = reply.attachments?.[0]?.content as unknown as {
        body: { facts?: { title: string }[] }[];
      };
      const factSets = card.body.filter((b) => b.facts).map((b) => b.facts!.map((f) => f.title));
      assert.deepEqual(factSets[1], ['digest', 'delivery', 'grant', 'revoke', 'roles']);
      assert.ok(!factSets[0]!.includes('grant'));
      assert.match(cardText(reply), /For administrators/);
      assert.match(cardText(reply), /Regional and ICB digests/);
      assert.match(cardText(reply), /roles history U99901/);
    });

    it('answers "<at>bot</at> help" in a channel, with the mention removed', async () => {
      const reply = await postAndReadReply(channelMention(connector.url, 'help'));
      const call = connector.calls.find((c) => c.method === 'POST')!;
      assert.equal(call.conversationId, `${CHANNEL_ID};messageid=1700000000000`);
      assert.match(cardText(reply), /What I can do/);
      assert.match(cardText(reply), /Mention me/);
      assert.match(cardText(reply), /"title":"digest mention"/);
      assert.match(cardText(reply), /"title":"link"/);
    });

    it('answers "whoami" with the name, Entra object id and tenant Teams gave', async () => {
      const reply = await postAndReadReply(personalMessage(connector.url, 'whoami'));
      const text = cardText(reply);
      assert.match(text, new RegExp(USER.name));
      assert.match(text, new RegExp(USER.aadObjectId));
      assert.match(text, new RegExp(TENANT_ID));
      assert.match(text, /Our 1:1 chat/);
    });

    it('shows the demo practice’s living checklist on "progress" in local mode', async () => {
      const reply = await postAndReadReply(personalMessage(connector.url, 'progress'));
      const text = cardText(reply);
      assert.match(text, /Your progress/);
      assert.match(text, /Demo Bridgefoot Surgery \(X99001\)/);
      assert.match(text, /Demo: access recovery checklist/);
      assert.match(text, /\d+% complete: 0 done/);
      assert.match(text, /overdue since \d{1,2} [A-Z][a-z]{2} \d{4}/, 'UK dates, some overdue');
      assert.match(text, /PRAC-\d\d/);
    });

    it('says what to do when someone without roles asks for progress', async () => {
      const stranger = personalMessage(connector.url, 'progress');
      (stranger['from'] as Record<string, unknown>)['aadObjectId'] = undefined;
      const reply = await postAndReadReply(stranger);
      assert.match(cardText(reply), /no role over an organisation yet/);
    });

    it('answers an @mentioned "whoami" in a group chat', async () => {
      const reply = await postAndReadReply(groupChatMention(connector.url, 'WhoAmI'));
      assert.match(cardText(reply), /A group chat/);
    });

    it('treats a command typed with capitals and a full stop like the plain command', async () => {
      const reply = await postAndReadReply(personalMessage(connector.url, '  Help. '));
      assert.match(cardText(reply), /What I can do/);
    });

    it('gives a friendly hint, not silence, for text it does not understand', async () => {
      const reply = await postAndReadReply(personalMessage(connector.url, 'what is the weather'));
      assert.match(
        String(reply['text']),
        /Sorry, I don't know "what is the weather"\. Type \*\*help\*\*/,
      );
    });

    it('says hello when mentioned with no words at all', async () => {
      const reply = await postAndReadReply(channelMention(connector.url, ''));
      assert.match(String(reply['text']), /Mention me with \*\*help\*\*/);
    });
  });

  describe('card actions', () => {
    it('answers the "Show what I can do" button with the help card in the invoke response', async () => {
      const { status, body } = await service.post(cardAction(connector.url, 'showHelp'));
      assert.equal(status, 200);
      const answer = body as { statusCode: number; type: string; value: Record<string, unknown> };
      assert.equal(answer.type, 'application/vnd.microsoft.card.adaptive');
      assert.match(JSON.stringify(answer.value), /What I can do/);
      assert.equal(connector.calls.length, 0, 'nothing else is posted');
    });

    it('answers an unknown verb with a 400 the user can read, changing nothing', async () => {
      const before = await countStoredRows();
      const { status, body } = await service.post(cardAction(connector.url, 'launchMissiles'));
      assert.equal(status, 400);
      assert.equal((body as { type: string }).type, 'application/vnd.microsoft.error');
      assert.match(JSON.stringify(body), /no longer supported/);
      assert.equal(await countStoredRows(), before);
    });

    it('answers an invoke it does not handle with 400 and a log line', async () => {
      const activity = { ...cardAction(connector.url, 'x'), name: 'composeExtension/query' };
      const { status } = await service.post(activity);
      assert.equal(status, 400);
      assert.ok(
        service.logs.some(
          (l) => l['msg'] === 'unhandled invoke' && l['invoke'] === 'composeExtension/query',
        ),
      );
    });
  });

  describe('installation events', () => {
    it('stores the team, its General channel and its other channels, and posts a welcome card, when added to a team', async () => {
      connector.teamChannels[TEAM_ID] = [{ id: TEAM_ID }, { id: CHANNEL_ID, name: 'PCN leads' }];
      const reply = await postAndReadReply(botAddedToTeam(connector.url));
      assert.match(cardText(reply), /Access Recovery Bot has joined North Coast PCN/);
      assert.equal(reply.attachments?.[0]?.content['version'], '1.5');
      const records = await service.storage.conversations.listTeam(TEAM_ID);
      const team = records.find((r) => r.kind === 'team');
      assert.ok(team, 'team record stored');
      assert.equal(team.active, true);
      assert.equal(team.aadGroupId, TEAM_AAD_GROUP_ID);
      assert.equal(team.teamName, 'North Coast PCN');
      assert.equal(team.address.serviceUrl, connector.url);
      assert.equal(team.address.tenantId, TENANT_ID);
      const channels = records
        .filter((r) => r.kind === 'channel')
        .map((r) => [r.channelId, r.channelName, r.active]);
      assert.deepEqual(
        channels.sort(),
        [
          [CHANNEL_ID, 'PCN leads', true],
          [TEAM_ID, 'General', true],
        ].sort(),
      );
    });

    it('records channel created, renamed and deleted, keeping the deleted channel as inactive', async () => {
      const id = '19:newchannel0001@thread.tacv2';
      await service.post(
        channelEvent(connector.url, 'channelCreated', { id, name: 'Access plan' }),
      );
      await service.post(
        channelEvent(connector.url, 'channelRenamed', { id, name: 'Access recovery plan' }),
      );
      let channel = (await service.storage.conversations.listTeam(TEAM_ID)).find(
        (r) => r.channelId === id,
      );
      assert.equal(channel?.channelName, 'Access recovery plan');
      assert.equal(channel?.active, true);
      await service.post(
        channelEvent(connector.url, 'channelDeleted', { id, name: 'Access recovery plan' }),
      );
      channel = (await service.storage.conversations.listTeam(TEAM_ID)).find(
        (r) => r.channelId === id,
      );
      assert.equal(channel?.active, false);
      assert.equal(channel?.lastEvent, 'channelDeleted');
      assert.equal(channel?.channelName, 'Access recovery plan', 'the name is kept');
    });

    it('records a renamed team', async () => {
      await service.post(teamRenamed(connector.url, 'North Coast PCN (Access)'));
      const team = (await service.storage.conversations.listTeam(TEAM_ID)).find(
        (r) => r.kind === 'team',
      );
      assert.equal(team?.teamName, 'North Coast PCN (Access)');
    });

    it('marks the team and all its channels inactive when removed, deleting nothing', async () => {
      const before = await service.storage.conversations.listTeam(TEAM_ID);
      const { status } = await service.post(botRemovedFromTeam(connector.url));
      assert.equal(status, 200);
      const after = await service.storage.conversations.listTeam(TEAM_ID);
      assert.equal(after.length, before.length);
      assert.ok(
        after.every((r) => !r.active),
        'every record inactive',
      );
      assert.equal(connector.calls.length, 0, 'nothing is posted to a team the bot has left');
    });

    it('reactivates the team on installationUpdate add, and deactivates it on remove', async () => {
      await service.post(installationUpdate(connector.url, 'add', 'team'));
      let team = (await service.storage.conversations.listTeam(TEAM_ID)).find(
        (r) => r.kind === 'team',
      );
      assert.equal(team?.active, true);
      assert.equal(team?.lastEvent, 'installationUpdate:add');
      await service.post(installationUpdate(connector.url, 'remove', 'team'));
      team = (await service.storage.conversations.listTeam(TEAM_ID)).find((r) => r.kind === 'team');
      assert.equal(team?.active, false);
    });

    it('makes a channel that refused a send reachable again when the bot is added back', async () => {
      const general = (await service.storage.conversations.listTeam(TEAM_ID)).find(
        (r) => r.channelId === TEAM_ID,
      );
      assert.ok(general);
      const { kind, ...rest } = general;
      await service.storage.conversations.saveConversation({
        ...rest,
        kind,
        healthy: false,
        unhealthyReason: 'bot_blocked_or_removed',
      });
      assert.equal(
        (await service.storage.conversations.findChannel(TEAM_ID, TEAM_ID))?.healthy,
        false,
      );
      await service.post(botAddedToTeam(connector.url));
      const after = await service.storage.conversations.findChannel(TEAM_ID, TEAM_ID);
      assert.equal(after?.healthy, undefined, 'healthy again (no longer marked unhealthy)');
      assert.equal(after?.unhealthyReason, undefined);
      assert.equal(after?.active, true);
    });

    it('stores the 1:1 chat on a personal install and marks it inactive on uninstall', async () => {
      await service.post(installationUpdate(connector.url, 'add', 'personal'));
      let chat = await service.storage.conversations.findPersonal(TENANT_ID, USER.aadObjectId);
      assert.equal(chat?.active, true);
      assert.equal(chat?.address.conversationId, PERSONAL_CONVERSATION_ID);
      assert.equal(chat?.userName, USER.name);
      await service.post(installationUpdate(connector.url, 'remove', 'personal'));
      chat = await service.storage.conversations.findPersonal(TENANT_ID, USER.aadObjectId);
      assert.equal(chat?.active, false);
    });
  });

  describe('bad input', () => {
    async function expectRefused(
      body: unknown,
      status: number,
      init?: { headers?: Record<string, string>; raw?: string },
      message?: RegExp,
    ) {
      const before = await countStoredRows();
      const logCount = service.logs.length;
      const res = await service.post(body, init);
      assert.equal(res.status, status, JSON.stringify(res.body));
      if (message) assert.match(JSON.stringify(res.body), message);
      assert.equal(await countStoredRows(), before, 'nothing stored');
      assert.equal(connector.calls.length, 0, 'nothing sent');
      assert.ok(
        service.logs
          .slice(logCount)
          .some((l) => l['msg'] === 'request refused' && l['status'] === status),
        'a log line names the refusal',
      );
    }

    it('refuses a body that is not JSON with 400', () =>
      expectRefused(undefined, 400, { raw: '{"type": "message",' }));
    it('refuses JSON that is not an object with 400', () =>
      expectRefused([1, 2, 3], 400, undefined, /JSON object/));
    it('refuses an activity without a conversation with 400, naming it', async () => {
      const { conversation: _, ...activity } = personalMessage(connector.url, 'help');
      await expectRefused(activity, 400, undefined, /conversation is missing/);
    });
    it('refuses an activity without a sender with 400, naming it', async () => {
      const { from: _, ...activity } = personalMessage(connector.url, 'help');
      await expectRefused(activity, 400, undefined, /from is missing/);
    });
    it('refuses a body with no activity type with 400', async () => {
      const { type: _, ...activity } = personalMessage(connector.url, 'help');
      await expectRefused(activity, 400, undefined, /type is missing/);
    });
    for (const bad of ['not-a-guid', '..%2f..%2fv3%2fteams', '👩‍⚕️', '\u202eevil', ''])
      it(`refuses an identity or tenant that is not a GUID (${JSON.stringify(bad)}) with 400, storing nothing`, async () => {
        const activity = personalMessage(connector.url, 'whoami') as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        await expectRefused(
          { ...activity, from: { ...activity['from'], aadObjectId: bad } },
          400,
          undefined,
          /from\.aadObjectId must be a GUID/,
        );
        await expectRefused(
          { ...activity, conversation: { ...activity['conversation'], tenantId: bad } },
          400,
          undefined,
          /tenantId must be a GUID/,
        );
        await expectRefused(
          { ...activity, channelData: { tenant: { id: bad } } },
          400,
          undefined,
          /tenant\.id must be a GUID/,
        );
      });
    it('refuses a body over 256 KB with 413', () =>
      expectRefused(undefined, 413, {
        raw: JSON.stringify({
          ...personalMessage(connector.url, 'help'),
          pad: 'x'.repeat(300_000),
        }),
      }));
    it('refuses a body that is not JSON content with 415', () =>
      expectRefused(undefined, 415, { raw: 'help', headers: { 'content-type': 'text/plain' } }));

    it('answers an unknown activity type with 200, storing and sending nothing', async () => {
      const before = await countStoredRows();
      const res = await service.post({
        ...personalMessage(connector.url, ''),
        type: 'somethingNew',
      });
      assert.equal(res.status, 200);
      assert.equal(await countStoredRows(), before);
      assert.equal(connector.calls.length, 0);
      assert.ok(
        service.logs.some((l) => l['msg'] === 'activity ignored' && l['type'] === 'somethingNew'),
      );
    });
  });

  describe('delivery health', () => {
    it('shows an administrator what failed and why, and re-queues only the failures on "Retry"', async () => {
      const outbox = service.storage.outbox;
      const jobId = 'campaign:endpoint-test';
      await outbox.enqueue(
        {
          jobId,
          dedupeKey: 'to-nowhere',
          kind: 'send',
          target: {
            kind: 'channel',
            teamId: '19:no-team@thread.tacv2',
            channelId: '19:no-channel@thread.tacv2',
          },
          payload: { text: 'hello' },
          // About the demo PCN: within the demo administrator's region.
          orgCode: 'U99901',
        },
        { now: new Date() },
      );
      // The service's own sender works the outbox; wait for it to give up on the unknown channel.
      for (
        let i = 0;
        i < 100 && (await outbox.getEntry(jobId, 'to-nowhere'))?.state !== 'failed';
        i += 1
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const reply = await postAndReadReply(personalMessage(connector.url, 'delivery'));
      const text = cardText(reply);
      assert.match(text, /Delivery health/);
      assert.match(text, /campaign:endpoint-test/);
      assert.match(text, /no stored conversation for this target/);
      assert.match(text, /retryFailed/);
      const { status, body } = await service.post({
        ...cardAction(connector.url, 'retryFailed', { jobId }),
      });
      assert.equal(status, 200);
      assert.match(JSON.stringify(body), /Queued 1 failed message of campaign:endpoint-test again/);
    });

    it('refuses delivery health to someone who is not an administrator', async () => {
      const stranger = personalMessage(connector.url, 'delivery');
      (stranger['from'] as Record<string, unknown>)['aadObjectId'] = undefined;
      const reply = await postAndReadReply(stranger);
      assert.match(String(reply['text']), /Delivery health is for administrators/);
    });
  });

  describe('health', () => {
    it('answers /healthz and /readyz with 200 while storage answers', async () => {
      assert.equal((await fetch(`${service.url}/healthz`)).status, 200);
      const ready = await fetch(`${service.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', storage: 'ok' });
    });
  });
});
