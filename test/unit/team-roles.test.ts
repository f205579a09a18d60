import assert from 'node:assert/strict';
import { findRosterPerson, parseRoleCommand } from '../../src/domain/channels/team-roles';
import type { RosterPerson } from '../../src/domain/channels/rosters';

function person(name: string, email: string, n: number): RosterPerson {
  return {
    userAadObjectId: `aaaaaaaa-0000-4000-8000-00000000000${n}`,
    teamsUserId: `29:p${n}`,
    name,
    email,
    tenantId: 't',
    teamIds: ['19:t@thread.tacv2'],
    updatedAt: '2026-11-25T09:00:00Z',
  };
}

const ROSTER = [
  person('Asha Rao', 'asha.rao@nhs.example', 1),
  person('Asha Khan', 'asha.khan@nhs.example', 2),
  person("Sean O'Neill", 'sean@nhs.example', 3),
];
const deps = { rosters: { listPeople: async () => ROSTER, getPerson: async () => undefined } };

describe('roles typed in Teams', () => {
  it('reads the person, a one- or two-word role and the ODS code', () => {
    assert.deepEqual(parseRoleCommand('Asha Rao PCN lead u99901', 'grant'), {
      person: 'Asha Rao',
      role: 'pcn_lead',
      orgCode: 'U99901',
    });
    assert.deepEqual(parseRoleCommand('asha.rao@nhs.example pcn-lead U99901', 'grant'), {
      person: 'asha.rao@nhs.example',
      role: 'pcn_lead',
      orgCode: 'U99901',
    });
    assert.deepEqual(parseRoleCommand('"Asha Rao" administrator england', 'revoke'), {
      person: 'Asha Rao',
      role: 'administrator',
      orgCode: 'ENGLAND',
    });
    assert.throws(() => parseRoleCommand('Asha boss U99901', 'grant'), /"boss" is not a role/);
    assert.throws(() => parseRoleCommand('pcn_lead U99901', 'revoke'), /Type \*\*revoke\*\*/);
  });

  it('finds one person by e-mail, whole name, or the start of each word of the name', async () => {
    assert.equal((await findRosterPerson(deps, 'ASHA.KHAN@nhs.example')).name, 'Asha Khan');
    assert.equal((await findRosterPerson(deps, 'asha rao')).name, 'Asha Rao');
    assert.equal((await findRosterPerson(deps, 'sean o')).name, "Sean O'Neill");
    assert.equal((await findRosterPerson(deps, '29:p2')).name, 'Asha Khan');
    await assert.rejects(findRosterPerson(deps, 'asha'), /2 people match "asha"/);
    await assert.rejects(findRosterPerson(deps, 'Mo'), /can’t find "Mo" in any team I’m in/);
  });
});
