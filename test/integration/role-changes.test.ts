import assert from 'node:assert/strict';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { grantRole, revokeRole, type Granter } from '../../src/domain/access/manage-roles';
import { createLogger } from '../../src/logging/create-logger';
import { createTableClient } from '../../src/storage/create-table-client';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { RoleTable, ROLES_TABLE } from '../../src/storage/role-table';
import { startAzurite, type EmbeddedAzurite } from '../../src/storage/start-azurite';
import { SAMPLE_ORGS } from '../support/sample-hierarchy';

const ADMIN: Granter = {
  kind: 'user',
  userId: 'c0ffee00-aaaa-4abc-8def-0123456789ab',
  name: 'Alex Smith',
};
const LEAD = 'c0ffee00-bbbb-4abc-8def-0123456789ab';

/**
 * The Roles table, failing the transaction whose partition starts with `failOn` as a crash
 * there would: the writes before it are stored, it and everything after it are not.
 */
function crashingAt(table: TableClient, failOn: () => string | undefined): TableClient {
  return new Proxy(table, {
    get(target, name, receiver) {
      if (name !== 'submitTransaction') return Reflect.get(target, name, receiver);
      return async (actions: TransactionAction[]) => {
        const partition = actions[0]?.[1].partitionKey ?? '';
        const prefix = failOn();
        if (prefix && partition.startsWith(prefix)) throw new Error(`crash before ${partition}`);
        return target.submitTransaction(actions);
      };
    },
  });
}

describe('recorded role changes (real Azurite): never a change without its record', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let storage: Storage;
  let failOn: string | undefined;
  let crashing: RoleTable;
  // A minute on at every reading, so each change has its own time and "newest first" is clear.
  let minutes = 0;
  const now = () => new Date(Date.parse('2026-12-01T09:00:00Z') + 60_000 * minutes++);

  before(async () => {
    azurite = await startAzurite({ logger: createLogger('silent') });
    storage = await openStorage(azurite.connectionString);
    await storage.organisations.saveOrganisations(SAMPLE_ORGS);
    await storage.roles.saveGrant({
      userId: ADMIN.userId,
      role: 'administrator',
      orgCode: 'ENGLAND',
      grantedBy: 'test',
      grantedAt: now().toISOString(),
    });
    crashing = new RoleTable(
      crashingAt(createTableClient(azurite.connectionString, ROLES_TABLE), () => failOn),
    );
  });
  after(() => azurite?.stop());
  afterEach(() => (failOn = undefined));

  const deps = (roles = storage.roles) => ({ ...storage, roles, now });
  const lead = { userId: LEAD, userName: 'Asha Rao', role: 'pcn_lead', orgCode: 'U10001' };
  const held = async () => (await storage.roles.listRolesOfUser(LEAD)).map((g) => g.role);
  const recorded = async () =>
    (await storage.roles.listRoleChanges('U10001', 10)).map((c) => [c.action, c.byName]);

  it('a grant stopped before the person’s row is neither in effect nor shown as recorded', async () => {
    failOn = `user|${LEAD}`;
    await assert.rejects(grantRole(deps(crashing), ADMIN, lead));
    assert.deepEqual(await held(), []);
    assert.deepEqual(await recorded(), [], 'the pending record of a change that never happened');
  });

  it('a grant stopped after the person’s row is in effect and recorded', async () => {
    // The third transaction is the confirmation of the organisation's record, after the person's.
    let calls = 0;
    const once = crashingAt(createTableClient(azurite.connectionString, ROLES_TABLE), () =>
      ++calls === 3 ? 'org|' : undefined,
    );
    await assert.rejects(grantRole(deps(new RoleTable(once)), ADMIN, lead));
    assert.deepEqual(await held(), ['pcn_lead']);
    assert.deepEqual(await recorded(), [['granted', 'Alex Smith']]);
    const grant = (await storage.roles.listRolesOnOrg('U10001'))[0];
    assert.equal(grant?.grantedByName, 'Alex Smith');
  });

  it('a revocation stopped before the person’s row keeps the role and records nothing', async () => {
    failOn = `user|${LEAD}`;
    await assert.rejects(revokeRole(deps(crashing), ADMIN, lead));
    assert.deepEqual(await held(), ['pcn_lead']);
    assert.deepEqual(await recorded(), [['granted', 'Alex Smith']]);
  });

  it('a revocation records itself with the person’s row; one that changes nothing records nothing', async () => {
    assert.equal(await revokeRole(deps(), ADMIN, lead), true);
    assert.equal(await revokeRole(deps(), ADMIN, lead), false);
    assert.deepEqual(await held(), []);
    assert.deepEqual(await recorded(), [
      ['revoked', 'Alex Smith'],
      ['granted', 'Alex Smith'],
    ]);
    assert.deepEqual(await storage.roles.listRolesOnOrg('U10001'), [], 'the index row went last');
  });
});
