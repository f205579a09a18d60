import assert from 'node:assert/strict';
import {
  CHANNEL_ID,
  OTHER_USER,
  TEAM_ID,
  USER,
  personalMessage,
} from '../support/teams-activities';
import { grantRole } from '../../src/domain/access/manage-roles';
import { converse } from '../support/converse';
import { FakeConnector } from '../support/fake-connector';
import {
  introduceWithoutRoles,
  removeDataDir,
  startTestService,
  type TestService,
} from '../support/start-test-service';

describe('chat and channel commands: link, links, unlink, deliver, my actions, update, status', function () {
  this.timeout(60_000);
  let connector: FakeConnector;
  let service: TestService;

  before(async () => {
    connector = await new FakeConnector().start();
    service = await startTestService();
    // The first message gives the demo user their local-mode roles (administrator, X99001 staff).
    await say(personalMessage(connector.url, 'whoami'));
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  const { say, chat, channel } = converse(
    () => service,
    () => connector,
  );

  const OPERATOR = { kind: 'operator', name: 'test' } as const;
  const stranger = () => introduceWithoutRoles(service, connector.url, OTHER_USER);

  async function eventCount(): Promise<number> {
    let n = 0;
    for (const org of ['X99001', 'X99002', 'U99901', 'QZ1'])
      for (const item of await service.storage.items.listItemsForOrg('demo-qz1', 'QZ1', org))
        n += item.version;
    return n;
  }

  describe('local mode', () => {
    it('gives a newcomer demo roles over the demo region and practice, never over England', async () => {
      const grants = await service.storage.roles.listRolesOfUser(USER.aadObjectId);
      assert.deepEqual(grants.map((g) => [g.role, g.orgCode]).sort(), [
        ['administrator', 'Y63'],
        ['practice_staff', 'X99001'],
      ]);
    });
  });

  describe('the first administrator, from configuration', () => {
    it('is made administrator of all of England at start', async () => {
      const admin = {
        ...OTHER_USER,
        id: '29:first-admin',
        aadObjectId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      };
      const other = await startTestService({ BOOTSTRAP_ADMINISTRATORS: admin.aadObjectId });
      try {
        const grants = await other.storage.roles.listRolesOfUser(admin.aadObjectId);
        assert.deepEqual(
          grants.map((g) => [g.role, g.orgCode]),
          [['administrator', 'ENGLAND']],
        );
      } finally {
        await other.stop();
        removeDataDir(other.dataDir);
      }
    });
  });

  describe('link', () => {
    it('explains what to type when the code is missing or there are extra words', async () => {
      assert.match(await say(channel('link')), /followed by an ODS code/);
      assert.match(await say(channel('link U99901 checklist please')), /followed by an ODS code/);
    });

    it('refuses a practice code and says to use the PCN', async () => {
      assert.match(
        await say(channel('link X99001')),
        /practices update their items from their PCN/,
      );
    });

    it('refuses an unknown code and an unknown purpose', async () => {
      assert.match(
        await say(channel('link U12345')),
        /There is no organisation with ODS code U12345/,
      );
      assert.match(await say(channel('link U99901 weekly')), /is not a link purpose/);
      assert.match(await say(channel('link !!')), /is not an ODS code/);
    });

    it('works only in a channel', async () => {
      assert.match(await say(chat('link U99901')), /works in a team channel/);
    });

    it('lets only administrators link', async () => {
      await stranger();
      assert.match(await say(channel('link U99901', OTHER_USER)), /Only an administrator/);
      assert.equal(await service.storage.links.findLinkOfChannel(TEAM_ID, CHANNEL_ID), undefined);
    });

    it('links a region channel for the digest', async () => {
      assert.match(await say(channel('link Y63 digest')), /for the weekly digest/);
      const link = await service.storage.links.findLinkOfChannel(TEAM_ID, CHANNEL_ID);
      assert.equal(link?.purpose, 'digest');
    });

    it('relinks the channel to a PCN, says what it was, and lists it under links with its health', async () => {
      assert.match(await say(channel('link u99901')), /Demo Riverside PCN.*it was linked to Y63/);
      assert.deepEqual(await service.storage.links.listLinksOfOrg('Y63'), []);
      const links = await say(channel('links'));
      assert.match(links, /Checklist cards for Demo Riverside PCN \(U99901\)/);
      assert.match(links, /Healthy/);
      assert.doesNotMatch(links, /Weekly digest for/);
    });
  });

  describe('deliver', () => {
    it('posts the cards again as redraws, not duplicates', async () => {
      // The five cards, not just any five messages (the bot's replies go to this channel too).
      await connector.waitFor(
        () =>
          connector
            .deliveredTo(CHANNEL_ID)
            .filter((d) => d.method === 'POST' && JSON.stringify(d.body).includes('"refreshCard"'))
            .length >= 5,
        15_000,
      );
      const reply = await say(channel('deliver'));
      assert.match(reply, /Queued 0 new cards and 5 redraws/);
    });

    it('is for leads and administrators only', async () => {
      assert.match(await say(channel('deliver', OTHER_USER)), /Only leads and administrators/);
    });

    it('posts fresh copies on "deliver again", and later redraws change the new copies, not the old', async () => {
      const cardPosts = () =>
        connector
          .deliveredTo(CHANNEL_ID)
          .filter((d) => d.method === 'POST' && JSON.stringify(d.body).includes('"refreshCard"'));
      // The link's five cards may still be on their way (one conversation's cards go one by one).
      await connector.waitFor(() => cardPosts().length >= 5, 15_000);
      const old = new Set(cardPosts().map((d) => d.activityId));
      assert.equal(old.size, 5);
      assert.match(await say(channel('deliver again')), /Posting 5 fresh cards/);
      await connector.waitFor(() => cardPosts().length >= 10, 15_000);
      const fresh = new Set(
        cardPosts()
          .map((d) => d.activityId)
          .filter((id) => !old.has(id)),
      );
      assert.equal(fresh.size, 5);

      const puts = () => connector.deliveredTo(CHANNEL_ID).filter((d) => d.method === 'PUT');
      const before = puts().length;
      assert.match(await say(channel('deliver')), /Queued 0 new cards and 5 redraws/);
      await connector.waitFor(() => puts().length >= before + 5, 15_000);
      const redrawn = puts()
        .slice(before)
        .map((d) => d.activityId);
      assert.ok(
        redrawn.every((id) => fresh.has(id)),
        'redraws go to the new copies',
      );
      assert.equal(
        connector.deliveredTo(CHANNEL_ID).filter((d) => d.method === 'DELETE').length,
        0,
      );
    });

    it('posts fresh copies for administrators only', async () => {
      assert.match(await say(channel('deliver again', OTHER_USER)), /Only an administrator/);
      assert.match(await say(channel('deliver twice')), /\*\*deliver again\*\*/);
    });
  });

  describe('my actions', () => {
    it('lists the person’s unfinished actions, most urgent first, with Update buttons', async () => {
      const reply = await say(chat('my actions'));
      assert.match(reply, /Your actions/);
      assert.match(reply, /Demo Bridgefoot Surgery \(X99001\)/);
      assert.match(reply, /"verb":"editItem"/);
      const ids = [...reply.matchAll(/\*\*(PRAC-\d+)\*\*/g)].map((m) => m[1]);
      assert.ok(ids.length > 0 && ids.length <= 10, `${ids.length} rows`);
    });

    it('tells someone with no role how to get one', async () => {
      assert.match(await say(chat('my actions', OTHER_USER)), /no role over a practice/);
    });

    it('suggests the exact words for a near miss', async () => {
      assert.match(await say(chat('my stuff')), /Did you mean \*\*my actions\*\*/);
    });
  });

  describe('update', () => {
    it('sets a status with a note from chat, records it as a chat change, and redraws the channel copy', async () => {
      const reply = await say(chat('update PRAC-02 in progress "waiting for the new phones"'));
      assert.match(
        reply,
        /Saved: PRAC-02 for Demo Bridgefoot Surgery is now \*\*In progress\*\* with the note “waiting for the new phones”/,
      );
      // The demo campaign is the running one (the 2023 record is closed).
      const newest = 'demo-qz1';
      assert.doesNotMatch(reply, /add its id/);
      const item = await service.storage.items.getItem({
        campaignId: newest,
        orgCode: 'X99001',
        actionId: 'PRAC-02',
        icbCode: 'QZ1',
      });
      assert.equal(item?.status, 'in_progress');
      assert.equal(item?.note, 'waiting for the new phones');
      const events = await service.storage.items.listEvents({
        campaignId: newest,
        orgCode: 'X99001',
        actionId: 'PRAC-02',
        icbCode: 'QZ1',
      });
      assert.equal(events.at(-1)?.surface, 'chat');
      await connector.waitFor(
        () =>
          connector.delivered.some(
            (d) => d.method === 'PUT' && /waiting for the new phones/.test(JSON.stringify(d.body)),
          ),
        30_000,
      );
    });

    it('changes the named campaign when its id is given', async () => {
      const reply = await say(chat('update PRAC-02 done X99001 demo-qz1'));
      assert.match(reply, /is now \*\*Done\*\*/);
      const item = await service.storage.items.getItem({
        campaignId: 'demo-qz1',
        orgCode: 'X99001',
        actionId: 'PRAC-02',
        icbCode: 'QZ1',
      });
      assert.equal(item?.status, 'done');
    });

    it('says what to type instead for bad input, and changes nothing', async () => {
      const before = await eventCount();
      assert.match(await say(chat('update')), /Type \*\*update\*\*, the action id/);
      assert.match(await say(chat('update PRAC-02')), /Type \*\*update\*\*, the action id/);
      assert.match(await say(chat('update PRAC-02 finished')), /is not a status/);
      assert.match(await say(chat('update hello done')), /is not an action id/);
      assert.match(
        await say(chat('update PRAC-99 done')),
        /None of your organisations has an action PRAC-99/,
      );
      assert.match(await say(chat(`update PRAC-02 done ${'x'.repeat(501)}`)), /limit is 500/);
      assert.match(
        await say(chat('update PRAC-02 done X99001', OTHER_USER)),
        /do not have a role that lets you update/,
      );
      assert.match(await say(chat('update PRAC-02 done', OTHER_USER)), /no role over a practice/);
      assert.equal(await eventCount(), before);
    });
  });

  describe('status', () => {
    it('shows an organisation’s progress by code', async () => {
      const reply = await say(chat('status U99901'));
      assert.match(reply, /Progress of Demo Riverside PCN/);
      assert.match(reply, /finished/);
    });

    it('shows the linked organisation in a linked channel', async () => {
      const reply = await say(channel('status'));
      assert.match(reply, /"text":"Progress of Demo Riverside PCN \(U99901\)"/);
      assert.doesNotMatch(reply, /Your progress/);
    });

    it('explains bad arguments', async () => {
      assert.match(await say(chat('status U99901 QZ1')), /status\*\* and one ODS code/);
      assert.match(
        await say(chat('status U00000')),
        /There is no organisation with ODS code U00000/,
      );
    });
  });

  describe('moving and unlinking safely', () => {
    const PCN_ADMIN = {
      id: '29:pcn-admin',
      name: 'Pat Admin',
      aadObjectId: 'c0ffee00-0000-4000-8000-000000000001',
    };
    const SECOND = '19:second-channel@thread.tacv2';

    it('moves a channel to another organisation only for an administrator of both', async () => {
      await introduceWithoutRoles(service, connector.url, PCN_ADMIN);
      await grantRole({ ...service.storage, now: () => new Date() }, OPERATOR, {
        userId: PCN_ADMIN.aadObjectId,
        role: 'administrator',
        orgCode: 'U99901',
      });
      assert.match(await say(channel('link QZ1', USER, SECOND)), /Linked this channel to/);
      const moved = await say(channel('link U99901', PCN_ADMIN, SECOND));
      assert.match(moved, /Only an administrator of both/);
      assert.equal(
        (await service.storage.links.findLinkOfChannel(TEAM_ID, SECOND))?.orgCode,
        'QZ1',
      );
    });

    it('refuses to unlink a channel whose organisation is gone, except for an England administrator', async () => {
      await service.storage.links.saveLink({
        orgCode: 'U99988',
        purpose: 'checklist',
        teamId: TEAM_ID,
        channelId: SECOND,
        linkedBy: USER.aadObjectId,
        linkedAt: new Date().toISOString(),
        active: true,
      });
      for (const who of [OTHER_USER, PCN_ADMIN])
        assert.match(
          await say(channel('unlink', who, SECOND)),
          /only an administrator of all of England/,
        );
      assert.equal((await service.storage.links.findLinkOfChannel(TEAM_ID, SECOND))?.active, true);
      const englandAdmin = {
        ...PCN_ADMIN,
        id: '29:eng',
        aadObjectId: 'c0ffee00-0000-4000-8000-000000000002',
      };
      await introduceWithoutRoles(service, connector.url, englandAdmin);
      await grantRole({ ...service.storage, now: () => new Date() }, OPERATOR, {
        userId: englandAdmin.aadObjectId,
        role: 'administrator',
        orgCode: 'ENGLAND',
      });
      assert.match(
        await say(channel('unlink', englandAdmin, SECOND)),
        /no longer linked to U99988/,
      );
    });
  });

  describe('unlink', () => {
    it('is for administrators, then unlinks, keeping the record', async () => {
      assert.match(await say(channel('unlink', OTHER_USER)), /Only an administrator/);
      assert.match(await say(channel('unlink')), /no longer linked to U99901/);
      const link = await service.storage.links.findLinkOfChannel(TEAM_ID, CHANNEL_ID);
      assert.equal(link?.active, false);
      assert.deepEqual(await service.storage.links.listLinksOfOrg('U99901'), []);
      assert.match(await say(channel('unlink')), /not linked to an organisation/);
    });
  });
});
