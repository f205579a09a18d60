import assert from 'node:assert/strict';
import { buildIcbDigest, NO_PCN_ROW, type DigestDeps } from '../../src/domain/digests/build-digest';
import { buildDigestCard } from '../../src/domain/digests/digest-view';
import type { Organisation, OrganisationStore } from '../../src/domain/access/organisations';
import type { ItemStore } from '../../src/domain/items/item-store';
import { countItems } from '../../src/domain/items/org-counts';
import type { ItemStatus, TrackedItem } from '../../src/domain/items/tracked-items';

const ORGS: Organisation[] = [
  {
    code: 'QA1',
    name: 'NHS Test ICB',
    level: 'icb',
    parentCode: 'Y63',
    regionCode: 'Y63',
    open: true,
  },
  {
    code: 'U00001',
    name: 'North PCN',
    level: 'pcn',
    parentCode: 'QA1',
    icbCode: 'QA1',
    regionCode: 'Y63',
    open: true,
  },
  {
    code: 'U00002',
    name: 'South PCN',
    level: 'pcn',
    parentCode: 'QA1',
    icbCode: 'QA1',
    regionCode: 'Y63',
    open: true,
  },
  {
    code: 'A00001',
    name: 'North Surgery',
    level: 'practice',
    parentCode: 'U00001',
    icbCode: 'QA1',
    regionCode: 'Y63',
    open: true,
  },
  {
    code: 'A00002',
    name: 'Lone Practice',
    level: 'practice',
    parentCode: 'QA1',
    icbCode: 'QA1',
    regionCode: 'Y63',
    open: true,
  },
];

function item(
  orgCode: string,
  actionId: string,
  status: ItemStatus,
  pcnCode?: string,
): TrackedItem {
  return {
    campaignId: 'c1',
    orgCode,
    actionId,
    level: 'practice',
    area: 1,
    icbCode: 'QA1',
    regionCode: 'Y63',
    ...(pcnCode ? { pcnCode } : {}),
    status,
    note: status === 'blocked' ? 'No phones' : '',
    updatedAt: '2026-11-20T10:00:00Z',
    version: 1,
  } as TrackedItem;
}

const ITEMS = [
  item('A00001', 'PRAC-01', 'done', 'U00001'),
  item('A00001', 'PRAC-02', 'blocked', 'U00001'),
  item('U00001', 'PCN-01', 'done'),
  item('A00002', 'PRAC-01', 'not_started'),
  item('QA1', 'ICB-01', 'in_progress'),
];

function depsOf(): DigestDeps {
  const organisations = {
    getOrganisation: async (code: string) => ORGS.find((o) => o.code === code),
    listChildren: async (parent: string) => ORGS.filter((o) => o.parentCode === parent),
  } as unknown as OrganisationStore;
  const items = {
    listCountsForGroup: async () => [...countItems(ITEMS).values()],
    listBlockedForGroup: async () =>
      ITEMS.filter((i) => i.status === 'blocked').map((i) => ({
        campaignId: 'c1',
        orgCode: i.orgCode,
        actionId: i.actionId,
        icbCode: 'QA1',
        note: i.note,
        since: i.updatedAt ?? '',
      })),
  } as unknown as ItemStore;
  return { organisations, items };
}

describe("an ICB's weekly digest", () => {
  it('has a row per PCN (its practices with it), one for practices outside a PCN, and the ICB’s own', async () => {
    const digest = await buildIcbDigest(depsOf(), {
      campaign: { id: 'c1', name: 'Access' },
      icbCode: 'QA1',
      today: '2026-11-25',
    });
    assert.equal(digest.level, 'icb');
    assert.equal(digest.headline.total, 5);
    assert.deepEqual(
      digest.icbs.map((r) => [r.code, r.figures.total, r.figures.percentComplete]),
      [
        ['U00001', 3, 67],
        [NO_PCN_ROW, 1, 0],
      ],
    );
    assert.equal(digest.regionOwn?.code, 'QA1');
    assert.equal(digest.regionOwn?.figures.total, 1);
    assert.equal(digest.blocked[0]?.icbName, 'North PCN');

    const view = buildDigestCard(digest, { detailUrl: 'https://example.test' });
    assert.equal(view.title, 'Weekly digest: NHS Test ICB (QA1)');
    assert.equal(view.rowsHeading, 'By PCN');
    assert.equal(view.chart.title, 'Actions finished, % by PCN');
    assert.match(view.headline, /across 1 PCN$/);
    assert.deepEqual(
      view.rows.map((r) => r.title),
      ['North PCN', 'Practices outside a PCN', 'ICB team'],
    );
  });

  it('refuses a code that is not an ICB', async () => {
    await assert.rejects(
      buildIcbDigest(depsOf(), {
        campaign: { id: 'c1', name: 'A' },
        icbCode: 'U00001',
        today: '2026-11-25',
      }),
      /There is no ICB with code U00001/,
    );
  });
});
