import assert from 'node:assert/strict';
import {
  addUpCounts,
  pickTopBlocked,
  snapshotDigest,
  summariseRegionDigest,
} from '../../src/domain/digests/build-digest';
import { countItems, type BlockedItem, type OrgCounts } from '../../src/domain/items/org-counts';
import type { ItemStatus, TrackedItem } from '../../src/domain/items/tracked-items';

const CAMPAIGN = { id: 'c1', name: 'Access recovery 2026' };

function item(
  orgCode: string,
  icbCode: string,
  actionId: string,
  status: ItemStatus,
  extra: Partial<TrackedItem> = {},
): TrackedItem {
  return {
    campaignId: 'c1',
    orgCode,
    actionId,
    level: 'practice',
    area: Number(actionId.slice(-1)) % 2 === 0 ? 2 : 'cross-cutting',
    icbCode,
    regionCode: 'Y63',
    status,
    note: '',
    version: 1,
    ...extra,
  } as TrackedItem;
}

// Two ICBs and the region's own actions; QB2's items are all overdue on 2026-11-25.
const ITEMS: TrackedItem[] = [
  item('A00001', 'QA1', 'PRAC-01', 'done', { dueDate: '2026-10-01' }),
  item('A00001', 'QA1', 'PRAC-02', 'in_progress', { dueDate: '2026-12-01' }),
  item('A00001', 'QA1', 'PRAC-03', 'not_applicable', { dueDate: '2026-10-01' }),
  item('A00002', 'QA1', 'PRAC-01', 'blocked', { dueDate: '2026-11-24', note: 'No phones' }),
  item('B00001', 'QB2', 'PRAC-01', 'not_started', { dueDate: '2026-11-01' }),
  item('B00001', 'QB2', 'PRAC-02', 'in_progress', { dueDate: '2026-11-01' }),
  item('Y63', 'Y63', 'REG-01', 'done'),
];

function countsByGroup(items: TrackedItem[]): Map<string, OrgCounts[]> {
  const groups = new Map<string, OrgCounts[]>();
  for (const [, counts] of countItems(items))
    groups.set(counts.icbCode, [...(groups.get(counts.icbCode) ?? []), counts]);
  return groups;
}

function digest(previous?: Parameters<typeof summariseRegionDigest>[0]['previous']) {
  return summariseRegionDigest({
    campaign: CAMPAIGN,
    region: { code: 'Y63', name: 'North East and Yorkshire' },
    icbs: [
      { code: 'QA1', name: 'ICB A' },
      { code: 'QB2', name: 'ICB B' },
      { code: 'QC3', name: 'ICB C without items' },
    ],
    counts: countsByGroup(ITEMS),
    blocked: [],
    blockedTotal: 1,
    today: '2026-11-25',
    ...(previous ? { previous } : {}),
  });
}

describe('building a regional digest from the organisation counts', () => {
  it('adds up the headline: finished is done or not applicable, overdue is unfinished and past its deadline', () => {
    const { headline } = digest();
    assert.equal(headline.total, 7);
    assert.deepEqual(headline.byStatus, {
      not_started: 1,
      in_progress: 2,
      done: 2,
      blocked: 1,
      not_applicable: 1,
    });
    assert.equal(headline.percentComplete, 43); // 3 of 7
    assert.equal(headline.overdue, 3); // the blocked one (due yesterday) and both of QB2's
  });

  it('gives each ICB with items a row, with its own figures, and the region its own row', () => {
    const result = digest();
    assert.deepEqual(
      result.icbs.map((r) => [
        r.code,
        r.figures.total,
        r.figures.percentComplete,
        r.figures.overdue,
      ]),
      [
        ['QA1', 4, 50, 1],
        ['QB2', 2, 0, 2],
      ],
    );
    assert.equal(result.regionOwn?.figures.total, 1);
    assert.equal(result.regionOwn?.figures.percentComplete, 100);
  });

  it('shows progress by area, in area order', () => {
    assert.deepEqual(
      digest().areas.map((a) => [a.area, a.figures.total, a.figures.percentComplete]),
      [
        ['2', 2, 0],
        ['cross-cutting', 5, 60],
      ],
    );
  });

  it('counts no overdue on the deadline day itself', () => {
    const counts = [
      ...countItems([
        item('A1', 'QA1', 'PRAC-01', 'in_progress', { dueDate: '2026-11-25' }),
      ]).values(),
    ];
    assert.equal(addUpCounts(counts, '2026-11-25').overdue, 0);
    assert.equal(addUpCounts(counts, '2026-11-26').overdue, 1);
  });

  it('keeps the figures next week compares with', () => {
    assert.deepEqual(snapshotDigest(digest()), {
      date: '2026-11-25',
      total: 7,
      finished: 3,
      percentComplete: 43,
      blocked: 1,
      overdue: 3,
      icbs: { QA1: 50, QB2: 0 },
    });
  });

  it('lists the items blocked longest first, five at most', () => {
    const blocked = (orgCode: string, since: string): BlockedItem => ({
      campaignId: 'c1',
      orgCode,
      actionId: 'PRAC-01',
      icbCode: 'QA1',
      note: '',
      since,
    });
    const top = pickTopBlocked([
      blocked('A6', '2026-11-20T09:00:00Z'),
      blocked('A1', '2026-06-01T09:00:00Z'),
      blocked('A2', '2026-07-01T09:00:00Z'),
      blocked('A0', '2026-07-01T09:00:00Z'),
      blocked('A3', '2026-08-01T09:00:00Z'),
      blocked('A4', '2026-09-01T09:00:00Z'),
    ]);
    assert.deepEqual(
      top.map((b) => b.orgCode),
      ['A1', 'A0', 'A2', 'A3', 'A4'],
    );
  });
});
