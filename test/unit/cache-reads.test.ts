import assert from 'node:assert/strict';
import { cacheReads } from '../../src/app/cache-reads';
import type { Organisation } from '../../src/domain/access/organisations';
import type { Storage } from '../../src/storage/open-storage';

describe('cacheReads', () => {
  function fakeStorage(found: Organisation | undefined) {
    const reads: string[] = [];
    const storage = {
      organisations: {
        getOrganisation: async (code: string) => {
          reads.push(code);
          return found;
        },
      },
      campaigns: { getCampaign: async () => undefined },
      checklists: { getChecklist: async () => undefined },
      roles: {},
    } as unknown as Storage;
    return { storage, reads };
  }
  const practice: Organisation = { code: 'X99001', name: 'A', level: 'practice', open: true };

  it('reads an organisation once per interval, then again after it', async () => {
    let clock = 0;
    const { storage, reads } = fakeStorage(practice);
    const cached = cacheReads(
      storage,
      { organisationMs: 1_000, campaignMs: 1_000, roleMs: 1_000 },
      () => clock,
    );
    await cached.organisations.getOrganisation('X99001');
    await cached.organisations.getOrganisation('X99001');
    assert.deepEqual(reads, ['X99001']);
    clock = 1_001;
    await cached.organisations.getOrganisation('X99001');
    assert.deepEqual(reads, ['X99001', 'X99001']);
  });

  it('does not remember that something was missing (it may be imported any moment)', async () => {
    const { storage, reads } = fakeStorage(undefined);
    const cached = cacheReads(
      storage,
      { organisationMs: 60_000, campaignMs: 1_000, roleMs: 1_000 },
      () => 0,
    );
    assert.equal(await cached.organisations.getOrganisation('X99001'), undefined);
    await new Promise((r) => setImmediate(r));
    await cached.organisations.getOrganisation('X99001');
    assert.deepEqual(reads, ['X99001', 'X99001']);
  });

  it('keeps a checklist version however long passes, and reads the latest version every time', async () => {
    let clock = 5;
    const reads: string[] = [];
    const storage = {
      organisations: {},
      campaigns: {},
      roles: {},
      checklists: {
        getChecklist: async (id: string, version?: number) => {
          reads.push(`${id}@${version ?? 'latest'}`);
          return { id, version: version ?? 3 };
        },
      },
    } as unknown as Storage;
    const cached = cacheReads(
      storage,
      { organisationMs: 1, campaignMs: 1, roleMs: 1 },
      () => clock,
    );
    await cached.checklists.getChecklist('pcn', 2);
    clock = 10_000_000;
    await cached.checklists.getChecklist('pcn', 2);
    await cached.checklists.getChecklist('pcn');
    await cached.checklists.getChecklist('pcn');
    assert.deepEqual(reads, ['pcn@2', 'pcn@latest', 'pcn@latest']);
  });

  it('does not keep a failed read, and forgets a person’s roles when they are granted one here', async () => {
    let fail = true;
    const reads: string[] = [];
    const storage = {
      organisations: {},
      campaigns: {},
      checklists: {},
      roles: {
        listRolesOfUser: async (userId: string) => {
          reads.push(userId);
          if (fail) throw new Error('storage is down');
          return [];
        },
        saveGrant: async () => undefined,
      },
    } as unknown as Storage;
    const cached = cacheReads(
      storage,
      { organisationMs: 1, campaignMs: 1, roleMs: 60_000 },
      () => 1,
    );
    await assert.rejects(cached.roles.listRolesOfUser('U1'), /storage is down/);
    fail = false;
    await cached.roles.listRolesOfUser('u1');
    await cached.roles.listRolesOfUser('U1');
    assert.deepEqual(reads, ['U1', 'u1'], 'the failure was forgotten; the success is kept');
    await cached.roles.saveGrant({ userId: 'U1', role: 'staff', orgCode: 'X99001' } as never);
    await cached.roles.listRolesOfUser('U1');
    assert.deepEqual(reads, ['U1', 'u1', 'U1']);
  });
});
