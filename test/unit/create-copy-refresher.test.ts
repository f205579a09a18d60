import assert from 'node:assert/strict';
import { createCopyRefresher } from '../../src/app/create-copy-refresher';
import type { Organisation } from '../../src/domain/access/organisations';
import type { DeliveryDeps } from '../../src/domain/cards/deliver-cards';
import { planRedraws, type ChangedItem } from '../../src/domain/cards/refresh-copies';

const practice: Organisation = {
  code: 'X99001',
  name: 'A practice',
  level: 'practice',
  open: true,
  parentCode: 'U99901',
  icbCode: 'QZ1',
};
const change = (area: string): ChangedItem => ({
  campaignId: 'c1',
  org: practice,
  area,
  orgItemCount: 10,
});

describe('the copy refresher', () => {
  it('plans each card once however many changes it shows', () => {
    const copies = planRedraws([change('1'), change('2'), change('1')]);
    assert.deepEqual(
      copies.map((c) => `${c.ref.view} ${c.ref.orgCode} in ${c.linkedOrg}`),
      ['items X99001 in U99901', 'overview U99901 in U99901', 'overview QZ1 in QZ1'],
    );
  });

  it('gathers a burst of changes for the delay, then reads each linked organisation once', async () => {
    const reads: string[] = [];
    const deps = {
      links: {
        listLinksOfOrg: async (orgCode: string) => {
          reads.push(orgCode);
          return [];
        },
      },
    } as unknown as DeliveryDeps;
    const errors: unknown[] = [];
    const copies = createCopyRefresher(deps, { delayMs: 30, onError: (e) => errors.push(e) });
    for (let i = 0; i < 20; i += 1) copies.schedule(change(String(i % 3)));
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(reads, [], 'nothing before the delay');
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(reads, ['U99901', 'QZ1']);

    copies.schedule(change('1'));
    await copies.stop();
    assert.deepEqual(reads, ['U99901', 'QZ1', 'U99901', 'QZ1'], 'stopping draws what is pending');
    copies.schedule(change('1'));
    await copies.flush();
    assert.equal(reads.length, 4, 'nothing is taken after stop');
    assert.deepEqual(errors, []);
  });

  it('reports a card that fails and still draws the rest', async () => {
    const reads: string[] = [];
    const deps = {
      links: {
        listLinksOfOrg: async (orgCode: string) => {
          reads.push(orgCode);
          if (orgCode === 'U99901') throw new Error('storage is down');
          return [];
        },
      },
    } as unknown as DeliveryDeps;
    const errors: unknown[] = [];
    const copies = createCopyRefresher(deps, { delayMs: 10_000, onError: (e) => errors.push(e) });
    copies.schedule(change('1'));
    await copies.flush();
    assert.deepEqual(reads, ['U99901', 'QZ1']);
    assert.equal(errors.length, 2, 'both cards shown in the PCN channels failed');
    await copies.stop();
  });
});
