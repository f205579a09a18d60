import assert from 'node:assert/strict';
import { cacheReads } from '../../src/app/cache-reads';
import { projectOnSave } from '../../src/app/create-counts-projector';
import { retryWithJitter } from '../../src/app/retry-with-jitter';
import { countItems, countOverdue, isSameCounts } from '../../src/domain/items/org-counts';
import { changeStatus } from '../../src/domain/status/set-status';
import { drainPendingCounts } from '../../src/domain/items/project-counts';
import { setDeadline } from '../../src/domain/campaigns/set-deadline';
import { ITEM_STATUSES } from '../../src/domain/items/tracked-items';
import { createSeededRandom } from '../../src/importers/create-seeded-random';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';

const ADMIN = '6a1f0d2c-9b8e-4f7a-8c6d-5e4f3a2b1c0d';

describe('organisation counts kept in step with status changes (real Azurite)', function () {
  this.timeout(120_000);
  let service: TestService;

  before(async () => {
    service = await startTestService({ LOG_LEVEL: 'warn' });
    await service.storage.roles.saveGrant({
      userId: ADMIN,
      role: 'administrator',
      orgCode: 'ENGLAND',
      grantedBy: 'test',
      grantedAt: new Date().toISOString(),
    });
  });
  after(async () => {
    await service?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  async function assertCountsMatchItems(campaignId: string, group: string): Promise<void> {
    const items = await service.storage.items.listItemsForIcb(campaignId, group);
    const recounted = countItems(items);
    const stored = await service.storage.items.listCountsForGroup(campaignId, group);
    assert.equal(stored.length, recounted.size, 'one counts row per organisation');
    for (const counts of stored) {
      const expected = recounted.get(counts.orgCode);
      assert.ok(expected && isSameCounts(counts, expected), `counts of ${counts.orgCode}`);
    }
    const blocked = await service.storage.items.listBlockedForGroup(campaignId, group);
    assert.deepEqual(
      blocked.map((b) => `${b.orgCode}|${b.actionId}`).sort(),
      items
        .filter((i) => i.status === 'blocked')
        .map((i) => `${i.orgCode}|${i.actionId}`)
        .sort(),
      'the blocked index lists exactly the blocked items',
    );
  }

  it('are written at launch', async () => {
    await assertCountsMatchItems('demo-qz1', 'QZ1');
    await assertCountsMatchItems('demo-qz1', 'Y63');
  });

  it('equal a recount from the items after 300 concurrent changes across 10 organisations', async () => {
    const storage = cacheReads(service.storage);
    const deps = { ...storage, now: () => new Date(), retryOnConflict: retryWithJitter };
    const random = createSeededRandom(7);
    // Practices, PCNs and the ICB itself: each level's items and counts rows.
    const orgs = [
      ...['X99001', 'X99002', 'X99003', 'X99004', 'X99005', 'X99007', 'X99008'],
      ...['U99901', 'U99902', 'QZ1'],
    ];
    const targets = await Promise.all(
      orgs.map((o) => service.storage.items.listItemsForOrg('demo-qz1', 'QZ1', o)),
    );
    assert.ok(
      targets.every((items) => items.length > 0),
      'every one of the 10 organisations has items',
    );
    const all = targets.flat();
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (let n = 0; n < 25; n += 1) {
          const item = all[Math.floor(random() * all.length)]!;
          await changeStatus(deps, {
            campaignId: 'demo-qz1',
            orgCode: item.orgCode,
            actionId: item.actionId,
            status: ITEM_STATUSES[Math.floor(random() * ITEM_STATUSES.length)],
            note: random() < 0.3 ? 'waiting for the supplier' : '',
            surface: 'cli',
            actor: { userId: ADMIN },
          }).catch((error: unknown) => {
            conflicts += 1;
            throw error;
          });
        }
      }),
    );
    assert.equal(conflicts, 0, 'changes to different items of one organisation never conflict');
    // Counts are a projection a few seconds behind: once it has caught up they are exact.
    assert.ok((await drainPendingCounts(service.storage)) > 0, 'the presses left marks');
    await assertCountsMatchItems('demo-qz1', 'QZ1');
    assert.equal(
      await service.storage.items.recountGroup('demo-qz1', 'QZ1'),
      0,
      'nothing to repair',
    );
  });

  it('follow a deadline change (overdue moves with it)', async () => {
    const storage = { ...service.storage, now: () => new Date() };
    // A practice whose PRAC-03 is still unfinished (the changes above set statuses at random).
    const open = (await service.storage.items.listItemsForIcb('demo-qz1', 'QZ1')).find(
      (i) => i.actionId === 'PRAC-03' && i.status !== 'done' && i.status !== 'not_applicable',
    );
    assert.ok(open, 'a practice with PRAC-03 unfinished');
    await setDeadline(storage, { campaignId: 'demo-qz1', actionId: 'PRAC-03', date: '2020-01-01' });
    await assertCountsMatchItems('demo-qz1', 'QZ1');
    const counts = await service.storage.items.listCountsForGroup('demo-qz1', 'QZ1');
    const practice = counts.find((c) => c.orgCode === open.orgCode);
    assert.ok(practice && countOverdue(practice, '2026-01-01') >= 1);
  });

  it('are projected a few seconds after a press through the service', async () => {
    const storage = { ...service.storage, now: () => new Date() };
    const [item] = await service.storage.items.listItemsForOrg('demo-qz1', 'QZ1', 'X99001');
    const status = item!.status === 'done' ? 'blocked' : 'done';
    // Through an item store watched by the service's projector, as a press goes.
    await changeStatus(
      { ...storage, items: projectOnSave(service.storage.items, service.counts) },
      {
        campaignId: 'demo-qz1',
        orgCode: 'X99001',
        actionId: item!.actionId,
        status,
        surface: 'cli',
        actor: { userId: ADMIN },
      },
    );
    await service.counts.flush();
    assert.deepEqual(await service.storage.items.listPendingCounts('demo-qz1', 'QZ1'), []);
    await assertCountsMatchItems('demo-qz1', 'QZ1');
  });

  it('are repaired on start after a crash between a press and its projection', async () => {
    // A press whose projection never ran (the process died): the mark is stored, counts are stale.
    const storage = { ...service.storage, now: () => new Date() };
    const items = await service.storage.items.listItemsForOrg('demo-qz1', 'QZ1', 'X99002');
    for (const item of items.slice(0, 3))
      await changeStatus(storage, {
        campaignId: 'demo-qz1',
        orgCode: 'X99002',
        actionId: item.actionId,
        status: item.status === 'blocked' ? 'done' : 'blocked',
        note: 'the supplier is late',
        surface: 'cli',
        actor: { userId: ADMIN },
      });
    assert.deepEqual(await service.storage.items.listPendingCounts('demo-qz1', 'QZ1'), ['X99002']);
    await assert.rejects(assertCountsMatchItems('demo-qz1', 'QZ1'), /counts of X99002/);
    const dataDir = service.dataDir;
    await service.stop();
    service = await startTestService({ LOG_LEVEL: 'warn' }, dataDir);
    assert.deepEqual(await service.storage.items.listPendingCounts('demo-qz1', 'QZ1'), []);
    await assertCountsMatchItems('demo-qz1', 'QZ1');
  });

  it('catch up a whole group in one go when many organisations are marked', async () => {
    const storage = { ...service.storage, now: () => new Date() };
    const items = await service.storage.items.listItemsForIcb('demo-qz1', 'QZ1');
    const oneEach = [...new Map(items.map((i) => [i.orgCode, i])).values()];
    assert.ok(oneEach.length > 8, 'enough organisations for the group path');
    for (const item of oneEach)
      await changeStatus(storage, {
        campaignId: 'demo-qz1',
        orgCode: item.orgCode,
        actionId: item.actionId,
        status: item.status === 'blocked' ? 'in_progress' : 'blocked',
        surface: 'cli',
        actor: { userId: ADMIN },
      });
    assert.equal(
      (await service.storage.items.listPendingCounts('demo-qz1', 'QZ1')).length,
      oneEach.length,
    );
    assert.equal(await drainPendingCounts(service.storage), oneEach.length);
    assert.deepEqual(await service.storage.items.listPendingCounts('demo-qz1', 'QZ1'), []);
    await assertCountsMatchItems('demo-qz1', 'QZ1');
  });

  it('are repaired by a recount when something went wrong', async () => {
    const table = (await import('../../src/storage/create-table-client')).createTableClient(
      service.storageTarget,
      'OrgCounts',
    );
    await table.updateEntity(
      { partitionKey: 'demo-qz1|Y63', rowKey: 'counts|QZ1|X99002', total: 999 },
      'Merge',
    );
    assert.equal(await service.storage.items.recountGroup('demo-qz1', 'QZ1'), 1);
    await assertCountsMatchItems('demo-qz1', 'QZ1');
  });
});
