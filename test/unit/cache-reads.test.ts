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
});
