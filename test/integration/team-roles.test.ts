import assert from 'node:assert/strict';
import { FakeConnector, type TeamMember } from '../support/fake-connector';
import { converse } from '../support/converse';
import {
  introduceWithoutRoles,
  removeDataDir,
  startTestService,
  type TestService,
} from '../support/start-test-service';
import { BOT_NAME, OTHER_USER, TEAM_ID, USER, botAddedToTeam } from '../support/teams-activities';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RAO: TeamMember = {
  id: '29:asha-rao',
  name: 'Asha Rao',
  aadObjectId: 'aaaaaaaa-0000-4000-8000-000000000001',
  email: 'asha.rao@nhs.example',
};
const KHAN: TeamMember = {
  id: '29:asha-khan',
  name: 'Asha Khan',
  aadObjectId: 'aaaaaaaa-0000-4000-8000-000000000002',
  email: 'asha.khan@nhs.example',
};
const OTHER: TeamMember = {
  id: OTHER_USER.id,
  name: OTHER_USER.name,
  aadObjectId: OTHER_USER.aadObjectId,
};

describe('roles managed in Teams: grant, revoke, roles (real server, real Azurite, fake Teams)', function () {
  this.timeout(120_000);
  let connector: FakeConnector;
  let service: TestService;

  before(async () => {
    connector = await new FakeConnector({ enforceLimits: false }).start();
    service = await startTestService({
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      BOOTSTRAP_ADMINISTRATORS: USER.aadObjectId,
    });
    connector.teamMembers[TEAM_ID] = [RAO, KHAN, OTHER];
    await service.post(botAddedToTeam(connector.url));
    await introduceWithoutRoles(service, connector.url, OTHER_USER);
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  const talk = converse(
    () => service,
    () => connector,
  );
  const { chat } = talk;
  // Replies escape markdown ("asha\\.rao"): read them without the escapes.
  const say = async (activity: Json) => (await talk.say(activity)).replace(/\\\\/g, '');
  const rolesOf = async (userId: string) =>
    (await service.storage.roles.listRolesOfUser(userId)).map((g) => [
      g.role,
      g.orgCode,
      g.grantedBy,
    ]);

  it('grants a role to someone found by e-mail in the team rosters, recording who granted it', async () => {
    assert.match(
      await say(chat('grant asha.rao@nhs.example PCN lead U99901')),
      /Asha Rao is now PCN lead for U99901/,
    );
    assert.deepEqual(await rolesOf(RAO.aadObjectId!), [['pcn_lead', 'U99901', USER.aadObjectId]]);
  });

  it('asks which one when a name is ambiguous, and says when nobody matches', async () => {
    assert.match(
      await say(chat('grant asha practice_staff X99001')),
      /2 people match \\"asha\\": Asha Khan \(asha.khan@nhs.example\); Asha Rao .*e-mail address of the one you mean/,
    );
    assert.match(
      await say(chat('grant Mo Salah pcn_lead U99901')),
      /can’t find \\"Mo Salah\\" in any team I’m in/,
    );
    assert.deepEqual(await rolesOf(KHAN.aadObjectId!), [], 'nothing half-written');
  });

  it('keeps the CLI’s rules: the role’s level, and administrators only', async () => {
    assert.match(
      await say(chat('grant Asha Khan pcn_lead QZ1')),
      /PCN lead is held over a PCN, but .* \(QZ1\) is a ICB/,
    );
    assert.match(
      await say(chat('grant Asha Khan pcn_lead U99901', OTHER_USER)),
      /Only an administrator over Demo Riverside PCN \(U99901\) can change roles there/,
    );
    assert.match(await say(chat('roles U99901', OTHER_USER)), /Only an administrator/);
    assert.match(await say(chat('grant Asha Khan boss U99901')), /is not a role/);
    assert.deepEqual(await rolesOf(KHAN.aadObjectId!), []);
  });

  it('grants by @mention in a channel', async () => {
    const activity = talk.channel('grant') as Json;
    const mention = '<at>Asha Khan</at>';
    activity['text'] = `<at>${BOT_NAME}</at> grant ${mention} practice_staff X99001`;
    activity['entities'] = [
      ...activity['entities'],
      { type: 'mention', text: mention, mentioned: { id: KHAN.id, name: KHAN.name } },
    ];
    assert.match(await say(activity), /Asha Khan is now Practice staff for X99001/);
    assert.deepEqual(await rolesOf(KHAN.aadObjectId!), [
      ['practice_staff', 'X99001', USER.aadObjectId],
    ]);
  });

  it('lists who holds what over an organisation', async () => {
    assert.match(
      await say(chat('roles U99901')),
      /Roles over Demo Riverside PCN \(U99901\):.*PCN lead: Asha Rao \(asha.rao@nhs.example\), granted by Priya Shah on \d+ \w+ 20\d\d/s,
    );
    assert.match(
      await say(chat('roles U99901')),
      /Recent changes:\\n\\n- \d+ \w+ 20\d\d, \d\d:\d\d: Priya Shah granted PCN lead to Asha Rao"/,
    );
    assert.match(await say(chat('roles')), /Type \*\*roles\*\* followed by an ODS code/);
  });

  it('revokes a role, and says so when the person did not hold it', async () => {
    assert.match(
      await say(chat('revoke Asha Rao pcn_lead U99901')),
      /Asha Rao is no longer PCN lead for U99901/,
    );
    assert.deepEqual(await rolesOf(RAO.aadObjectId!), []);
    assert.match(
      await say(chat('revoke Asha Rao pcn_lead U99901')),
      /Asha Rao was not PCN lead for U99901; nothing changed/,
    );
  });

  it('records every grant and revocation, with who made it, shown by roles history', async () => {
    const history = await say(chat('roles history U99901'));
    // The revocation that changed nothing is not recorded: newest first, one revocation, one grant.
    assert.match(
      history,
      /"text":"The latest 2 role changes over Demo Riverside PCN \(U99901\), newest first:\\n\\n- [^"]*: Priya Shah revoked PCN lead from Asha Rao\\n- [^"]*: Priya Shah granted PCN lead to Asha Rao"/,
    );
    // Each is kept twice: with the person's grants (written with the grant row in one
    // transaction) and with the organisation's (confirmed once the person's is written).
    const changes = await service.storage.roles.listRoleChanges('U99901', 10);
    assert.deepEqual(
      changes.map((c) => [c.action, c.userId, c.userName, c.by, c.byName]),
      [
        ['revoked', RAO.aadObjectId, 'Asha Rao', USER.aadObjectId, 'Priya Shah'],
        ['granted', RAO.aadObjectId, 'Asha Rao', USER.aadObjectId, 'Priya Shah'],
      ],
    );
    assert.match(await say(chat('roles history X99002')), /No role changes are recorded over/);
  });
});
