import assert from 'node:assert/strict';
import { FakeConnector, type TeamMember } from '../support/fake-connector';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import {
  TEAM_ID,
  TENANT_ID,
  botAddedToTeam,
  botRemovedFromTeam,
} from '../support/teams-activities';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const OTHER_TEAM = '19:OtherTeam0000000000000000000000@thread.tacv2';

function member(n: number): TeamMember {
  return {
    id: `29:member-${n}`,
    name: `Member ${n}`,
    aadObjectId: `0000000${n}-aaaa-4bbb-8ccc-00000000000${n}`.toUpperCase(),
    email: `member${n}@nhs.example`,
    userPrincipalName: `member${n}@nhs.example`,
    tenantId: TENANT_ID,
    userRole: 'user',
  };
}

const idOf = (n: number) => `0000000${n}-aaaa-4bbb-8ccc-00000000000${n}`;

describe('team rosters (real server, real Azurite, fake Teams)', function () {
  this.timeout(120_000);
  let connector: FakeConnector;
  let service: TestService;

  before(async () => {
    connector = await new FakeConnector({ enforceLimits: false }).start();
    service = await startTestService({ LOG_LEVEL: 'warn', SCHEDULER_ENABLED: 'false' });
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  const people = async () =>
    (await service.storage.rosters.listPeople()).sort((a, b) =>
      a.userAadObjectId.localeCompare(b.userAadObjectId),
    );

  /** A conversationUpdate in the test team: people (not the bot) added or removed. */
  function membersChanged(kind: 'membersAdded' | 'membersRemoved', who: TeamMember[]): Json {
    const activity = botAddedToTeam(connector.url) as Json;
    const { membersAdded: _bot, ...rest } = activity;
    return {
      ...rest,
      [kind]: who.map((m) => ({ id: m.id, aadObjectId: m.aadObjectId })),
      channelData: {
        ...activity['channelData'],
        eventType: kind === 'membersAdded' ? 'teamMemberAdded' : 'teamMemberRemoved',
      },
    };
  }

  it('reads every page of a team’s members when the bot is added, keeping only ids, name and e-mail', async () => {
    connector.teamMembers[TEAM_ID] = [member(1), member(2), member(3)];
    const { status } = await service.post(botAddedToTeam(connector.url));
    assert.equal(status, 200);
    const reads = connector.calls.filter((c) => /pagedmembers$/.test(c.path));
    assert.equal(reads.length, 2, 'two pages of two');
    assert.match(String(reads[1]!.search), /continuationToken=2/);
    const stored = await people();
    assert.deepEqual(
      stored.map((p) => Object.keys(p).sort()),
      stored.map(() =>
        [
          'email',
          'name',
          'teamIds',
          'teamsUserId',
          'tenantId',
          'updatedAt',
          'userAadObjectId',
        ].sort(),
      ),
    );
    assert.deepEqual(stored[0], {
      userAadObjectId: idOf(1),
      teamsUserId: '29:member-1',
      name: 'Member 1',
      email: 'member1@nhs.example',
      tenantId: TENANT_ID,
      teamIds: [TEAM_ID],
      updatedAt: stored[0]!.updatedAt,
    });
    assert.equal(stored.length, 3);
    const teams = await service.storage.rosters.listTeams();
    assert.deepEqual(
      teams.map((t) => [t.teamId, t.members]),
      [[TEAM_ID, 3]],
    );
  });

  it('adds people who join and takes out people who leave', async () => {
    connector.teamMembers[TEAM_ID] = [member(1), member(2), member(3), member(4)];
    await service.post(membersChanged('membersAdded', [member(4)]));
    assert.deepEqual(
      (await people()).map((p) => p.name),
      ['Member 1', 'Member 2', 'Member 3', 'Member 4'],
    );
    connector.teamMembers[TEAM_ID] = [member(1), member(2), member(3)];
    await service.post(membersChanged('membersRemoved', [member(4)]));
    assert.equal(await service.storage.rosters.getPerson(idOf(4)), undefined);
    assert.equal((await people()).length, 3);
  });

  it('keeps someone in another team with the bot when the bot leaves one team; forgets the rest', async () => {
    await service.storage.rosters.saveTeam({
      teamId: OTHER_TEAM,
      serviceUrl: connector.url,
      tenantId: TENANT_ID,
    });
    connector.teamMembers[OTHER_TEAM] = [member(3)];
    const summary = (await service.scheduler.runJobNow('rosters')).run?.summary as Json;
    assert.equal(summary['teams'], 2);
    assert.deepEqual(
      (await service.storage.rosters.getPerson(idOf(3)))?.teamIds.sort(),
      [OTHER_TEAM, TEAM_ID].sort(),
    );

    await service.post(botRemovedFromTeam(connector.url));
    const left = await people();
    assert.deepEqual(
      left.map((p) => [p.name, p.teamIds]),
      [['Member 3', [OTHER_TEAM]]],
    );
    assert.deepEqual(
      (await service.storage.rosters.listTeams()).map((t) => t.teamId),
      [OTHER_TEAM],
    );
  });

  it('forgets a team Teams says the bot is no longer in, in the daily sync', async () => {
    connector.setConversationStatus(OTHER_TEAM, 403);
    const outcome = await service.scheduler.runJobNow('rosters', { force: true });
    assert.equal(outcome.run?.status, 'succeeded', JSON.stringify(outcome));
    assert.deepEqual((outcome.run?.summary as Json)['forgotten'], [OTHER_TEAM]);
    assert.deepEqual(await people(), []);
    assert.deepEqual(await service.storage.rosters.listTeams(), []);
    connector.setConversationStatus(OTHER_TEAM, undefined);
  });

  it('does not mistake the bot’s own arrival for a member joining', async () => {
    // (The route for people joining must not also fire for the bot: the welcome card comes once.)
    connector.teamMembers[TEAM_ID] = [member(1)];
    const before = connector.delivered.length;
    await service.post(botAddedToTeam(connector.url));
    await connector.waitFor(() => connector.delivered.length > before, 5_000);
    assert.equal(connector.delivered.length - before, 1, 'one welcome card');
    assert.deepEqual(
      (await people()).map((p) => [p.name, p.teamIds]),
      [['Member 1', [TEAM_ID]]],
    );
  });
});
