import assert from 'node:assert/strict';
import { setDeadline } from '../../src/domain/campaigns/set-deadline';
import { nudgeJobId } from '../../src/domain/nudges/run-nudges';
import type { OutboxEntry } from '../../src/domain/outbox/outbox';
import { ConnectorClient } from '../../src/proactive/connector-client';
import { GraphClient } from '../../src/proactive/graph-client';
import { surveyReach } from '../../src/proactive/survey-reach';
import { FakeClock } from '../support/fake-clock';
import { FakeConnector, type TeamMember } from '../support/fake-connector';
import { FakeGraph } from '../support/fake-graph';
import { converse } from '../support/converse';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import { TEAM_ID, TENANT_ID, USER, botAddedToTeam } from '../support/teams-activities';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CATALOG_APP_ID = 'b6d1c0a2-77f1-4c3e-9a5b-0c1d2e3f4a5b';
const DAY = '2026-06-01';

/** A PCN lead in the team with the bot who has never opened the bot; `n` makes the ids. */
function lead(n: number, name: string): TeamMember & { aadObjectId: string } {
  return {
    id: `29:lead-${n}`,
    name,
    aadObjectId: `${String(n).padStart(8, '0')}-1111-4222-8333-444444444444`,
    email: `lead${n}@nhs.example`,
    tenantId: TENANT_ID,
    userRole: 'user',
  };
}

const isNudge = (body: Json | undefined) =>
  /need(s)? attention/.test(JSON.stringify(body?.['attachments'] ?? ''));

/**
 * A service with the bot in a team whose members are `members`, the PCN U99901 linked in the
 * team's channel, and `leads` granted PCN lead of it: nobody but the administrator has opened the
 * bot. Runs the day's nudges.
 */
async function startWithLeads(
  connector: FakeConnector,
  clock: FakeClock,
  env: Record<string, string>,
  members: TeamMember[],
  leads: string[],
): Promise<TestService> {
  const service = await startTestService(
    { LOG_LEVEL: 'warn', ALLOWED_TENANT_IDS: TENANT_ID, ...env },
    undefined,
    { clock },
  );
  connector.teamMembers[TEAM_ID] = members;
  assert.equal((await service.post(botAddedToTeam(connector.url))).status, 200);
  const talk = converse(
    () => service,
    () => connector,
  );
  await talk.say(talk.chat('whoami'));
  assert.match(await talk.say(talk.channel('link U99901')), /U99901|Riverside/);
  for (const userId of leads)
    await service.storage.roles.saveGrant({
      userId,
      role: 'pcn_lead',
      orgCode: 'U99901',
      grantedBy: 'test',
      grantedAt: clock.now().toISOString(),
    });
  const official = await service.storage.campaigns.getCampaign('recovering-access-2023-qz1');
  if (official) await service.storage.campaigns.saveCampaign({ ...official, status: 'closed' });
  // Due tomorrow: today is its 1-day reminder.
  await setDeadline(service.storage, {
    campaignId: 'demo-qz1',
    actionId: 'PRAC-01',
    date: '2026-06-02',
  });
  const outcome = await service.scheduler.runJobNow('nudges', { force: true });
  assert.equal(outcome.run?.status, 'succeeded', JSON.stringify(outcome));
  return service;
}

/** The PCN-lead reminder to one person, once it is sent or has failed for good. */
async function settledNudge(
  service: TestService,
  userId: string,
  timeoutMs = 20_000,
): Promise<OutboxEntry> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const entry = (await service.storage.outbox.listEntries(nudgeJobId(DAY))).find(
      (e) => e.target.kind === 'personal' && e.target.userAadObjectId === userId,
    );
    if (entry && (entry.state === 'sent' || entry.state === 'failed')) return entry;
    if (Date.now() > until)
      throw new Error(`The reminder to ${userId} did not settle: ${JSON.stringify(entry)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('1:1 reminders to people who never opened the bot (real server, real Azurite, fake Teams and Graph)', function () {
  this.timeout(120_000);
  // Monday 1 June 2026, 08:00 BST: before the scheduled nudge time, so only the tests' runs speak.
  const clock = new FakeClock('2026-06-01T07:00:00Z');

  describe('with Graph installs off (the default)', () => {
    const inRoster = lead(1, 'Dr Priya Shah');
    const notInstalled = lead(2, 'Dr Tom Hale');
    const gone = lead(3, 'Dr Ann Lee');
    const nowhere = '00000004-1111-4222-8333-444444444444';
    let connector: FakeConnector;
    let service: TestService;

    before(async () => {
      connector = await new FakeConnector({ enforceLimits: false }).start();
      connector.setUserStatus(notInstalled.id, 403).setUserStatus(gone.id, 404);
      service = await startWithLeads(
        connector,
        clock,
        { BOOTSTRAP_ADMINISTRATORS: USER.aadObjectId },
        [inRoster, notInstalled, gone],
        [inRoster.aadObjectId, notInstalled.aadObjectId, gone.aadObjectId, nowhere],
      );
    });
    after(async () => {
      await service?.stop();
      await connector?.stop();
      if (service) removeDataDir(service.dataDir);
    });

    it('starts a 1:1 chat from the team roster, stores it as the lead’s conversation and sends the reminder there', async () => {
      const entry = await settledNudge(service, inRoster.aadObjectId);
      assert.equal(entry.state, 'sent', JSON.stringify(entry.failure));
      const create = connector.calls.find(
        (c) =>
          c.method === 'POST' &&
          c.path === '/v3/conversations' &&
          JSON.stringify(c.body).includes(inRoster.id),
      );
      assert.ok(create, 'the bot asked Teams for the 1:1 chat');
      assert.deepEqual(create.body, {
        bot: { id: (create.body as Json)['bot']['id'] },
        members: [{ id: inRoster.id }],
        isGroup: false,
        tenantId: TENANT_ID,
        channelData: { tenant: { id: TENANT_ID } },
      });
      const stored = await service.storage.conversations.findPersonal(
        TENANT_ID,
        inRoster.aadObjectId,
      );
      assert.equal(stored?.active, true);
      assert.equal(stored?.userName, 'Dr Priya Shah');
      assert.equal(stored?.lastEvent, 'created:roster');
      const delivered = connector.deliveredTo(stored!.address.conversationId);
      assert.ok(
        delivered.some((d) => isNudge(d.body as Json)),
        'the reminder went to that chat',
      );
    });

    it('records "not reachable 1:1" with what to do when Teams refuses, storing no conversation', async () => {
      const entry = await settledNudge(service, notInstalled.aadObjectId);
      assert.equal(entry.state, 'failed');
      assert.equal(entry.failure?.reason, 'not_reachable_1to1');
      assert.equal(entry.failure?.status, 403);
      assert.match(entry.failure?.detail ?? '', /not installed for them.*Graph is off/);
      assert.equal(
        await service.storage.conversations.findPersonal(TENANT_ID, notInstalled.aadObjectId),
        undefined,
      );
    });

    it('records "not reachable 1:1" for someone Teams does not know (404) and for someone in no team with the bot', async () => {
      const unknown = await settledNudge(service, gone.aadObjectId);
      assert.equal(unknown.failure?.reason, 'not_reachable_1to1');
      assert.match(unknown.failure?.detail ?? '', /does not know this person \(404/);
      const absent = await settledNudge(service, nowhere);
      assert.equal(absent.failure?.reason, 'not_reachable_1to1');
      assert.match(absent.failure?.detail ?? '', /in no team the bot is in/);
      for (const id of [gone.aadObjectId, nowhere])
        assert.equal(await service.storage.conversations.findPersonal(TENANT_ID, id), undefined);
    });

    it('shows them on the delivery card with what an administrator can do', async () => {
      const talk = converse(
        () => service,
        () => connector,
      );
      const card = await talk.say(talk.chat('delivery'));
      assert.match(card, /Not reachable 1:1: .*\): 3\./);
      assert.match(card, /open the bot in Teams once, or turn on GRAPH_INSTALL_FOR_USERS/);
      assert.match(card, /TeamsAppInstallation\.ReadWriteSelfForUser\.All/);
      assert.match(card, /Dr Tom Hale/, 'the person is named from the roster');
    });
  });

  describe('with Graph installs on', () => {
    const refused = lead(11, 'Dr Kim Park');
    const already = lead(12, 'Dr Jo Bell');
    const noPermission = lead(13, 'Dr Sam Roy');
    const throttled = lead(14, 'Dr Lee Fox');
    let connector: FakeConnector;
    let graph: FakeGraph;
    let service: TestService;

    before(async () => {
      connector = await new FakeConnector({ enforceLimits: false }).start();
      graph = await new FakeGraph(CATALOG_APP_ID).start();
      for (const who of [refused, already, noPermission, throttled])
        connector.setUserStatus(who.id, 403);
      graph.preinstall(already.aadObjectId, CATALOG_APP_ID);
      graph.setUserStatus(noPermission.aadObjectId, 403);
      graph.failNext(1, 429, {
        step: 'install',
        userId: throttled.aadObjectId,
        retryAfterSeconds: 1,
      });
      service = await startWithLeads(
        connector,
        clock,
        {
          BOOTSTRAP_ADMINISTRATORS: USER.aadObjectId,
          GRAPH_INSTALL_FOR_USERS: 'true',
          TEAMS_CATALOG_APP_ID: CATALOG_APP_ID,
          GRAPH_BASE_URL: graph.url,
        },
        [refused, already, noPermission, throttled],
        [refused, already, noPermission, throttled].map((l) => l.aadObjectId),
      );
    });
    after(async () => {
      await service?.stop();
      await connector?.stop();
      await graph?.stop();
      if (service) removeDataDir(service.dataDir);
    });

    const callsAbout = (userId: string) =>
      graph.calls.filter((c) => c.path.startsWith(`/users/${userId}/`));

    it('installs the app through Graph when Teams refuses, then sends the reminder on the new chat', async () => {
      const entry = await settledNudge(service, refused.aadObjectId);
      assert.equal(entry.state, 'sent', JSON.stringify(entry.failure));
      const calls = callsAbout(refused.aadObjectId);
      const installation = graph.installed().find((i) => i.userId === refused.aadObjectId)!;
      assert.deepEqual(
        calls.map((c) => `${c.method} ${c.path} ${c.status}`),
        [
          `POST /users/${refused.aadObjectId}/teamwork/installedApps 201`,
          `GET /users/${refused.aadObjectId}/teamwork/installedApps 200`,
          `GET /users/${refused.aadObjectId}/teamwork/installedApps/${installation.id}/chat 200`,
        ],
      );
      assert.deepEqual(calls[0]!.body, {
        'teamsApp@odata.bind': `${graph.url}/appCatalogs/teamsApps/${CATALOG_APP_ID}`,
      });
      assert.equal(calls[1]!.query['$filter'], `teamsApp/id eq '${CATALOG_APP_ID}'`);
      assert.equal(calls[1]!.query['$expand'], 'teamsApp');
      const { chatId } = installation;
      const stored = await service.storage.conversations.findPersonal(
        TENANT_ID,
        refused.aadObjectId,
      );
      assert.equal(stored?.address.conversationId, chatId);
      assert.equal(stored?.lastEvent, 'created:graph');
      assert.ok(connector.deliveredTo(chatId).some((d) => isNudge(d.body as Json)));
    });

    it('takes an installation that is already there (409) and finds its chat', async () => {
      const entry = await settledNudge(service, already.aadObjectId);
      assert.equal(entry.state, 'sent', JSON.stringify(entry.failure));
      assert.deepEqual(
        callsAbout(already.aadObjectId).map((c) => c.status),
        [409, 200, 200],
      );
      assert.equal(
        (await service.storage.conversations.findPersonal(TENANT_ID, already.aadObjectId))?.address
          .conversationId,
        graph.installed().find((i) => i.userId === already.aadObjectId)!.chatId,
      );
    });

    it('records "not reachable 1:1" naming the permission when Graph refuses (403), storing nothing', async () => {
      const entry = await settledNudge(service, noPermission.aadObjectId);
      assert.equal(entry.failure?.reason, 'not_reachable_1to1');
      assert.equal(entry.failure?.status, 403);
      assert.match(
        entry.failure?.detail ?? '',
        /Graph would not install the app for them \(403 Forbidden.*TeamsAppInstallation\.ReadWriteSelfForUser\.All/,
      );
      assert.equal(
        await service.storage.conversations.findPersonal(TENANT_ID, noPermission.aadObjectId),
        undefined,
      );
    });

    it('waits as Graph asks when it throttles (429), then installs and sends', async () => {
      const entry = await settledNudge(service, throttled.aadObjectId);
      assert.equal(entry.state, 'sent', JSON.stringify(entry.failure));
      assert.deepEqual(
        callsAbout(throttled.aadObjectId).map((c) => `${c.method} ${c.status}`),
        ['POST 429', 'POST 201', 'GET 200', 'GET 200'],
      );
      const [throttledPost, retriedPost] = callsAbout(throttled.aadObjectId);
      assert.ok(
        retriedPost!.at - throttledPost!.at >= 900,
        `tried again after the 1 s Graph asked for, not ${retriedPost!.at - throttledPost!.at} ms`,
      );
    });

    it('counts how many people with roles can be reached 1:1, by route', async () => {
      // Two more people join the team after today's reminders: nobody has reached them yet.
      const joiner = lead(15, 'Dr Ola Obi');
      const joinerRefused = lead(16, 'Dr Ed Cole');
      connector.setUserStatus(joinerRefused.id, 403);
      const at = clock.now().toISOString();
      await service.storage.rosters.savePeople(
        [joiner, joinerRefused].map((m) => ({
          userAadObjectId: m.aadObjectId,
          teamsUserId: m.id,
          name: m.name ?? '',
          tenantId: TENANT_ID,
          teamIds: [TEAM_ID],
          updatedAt: at,
        })),
      );
      const everyone = [refused, already, noPermission, throttled, joiner, joinerRefused]
        .map((m) => m.aadObjectId)
        .concat('00000017-1111-4222-8333-444444444444');
      const survey = await surveyReach(
        {
          rosters: service.storage.rosters,
          conversations: service.storage.conversations,
          client: new ConnectorClient(async () => undefined),
          graph: {
            client: new GraphClient(async () => undefined, graph.url),
            catalogAppId: CATALOG_APP_ID,
          },
          now: () => clock.now(),
        },
        everyone.map((userAadObjectId) => ({ tenantId: TENANT_ID, userAadObjectId })),
      );
      assert.deepEqual(survey, {
        people: 7,
        stored: 3,
        roster: 1,
        graph: 1,
        notReachable: 2,
        waiting: 0,
        why: {
          'They have never opened the bot and are in no team the bot is in.': 1,
          'Microsoft Graph would not install the app for them: grant the bot the Graph application permission TeamsAppInstallation.ReadWriteSelfForUser.All with admin consent.': 1,
        },
      });
      // What the survey found is stored, so the next reminder goes straight there.
      assert.equal(
        (await service.storage.conversations.findPersonal(TENANT_ID, joinerRefused.aadObjectId))
          ?.lastEvent,
        'created:graph',
      );
    });
  });
});
