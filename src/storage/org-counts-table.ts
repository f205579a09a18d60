import type { TrackedItem } from '../domain/items/tracked-items';
import type { BlockedItem, OrgCounts } from '../domain/items/org-counts';
import { assertValidKey } from './keys';
import { readText, type StoredRow } from './read-rows';

/**
 * Table of the counts projection (organisation counts and the blocked index), apart from the
 * big Items table so that a region's digest is one range read of a small table; see KEYS.md.
 */
export const ORG_COUNTS_TABLE = 'OrgCounts';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** One partition per campaign and region: every counts and blocked row a regional digest needs. */
export function countsPartitionOf(campaignId: string, regionCode: string): string {
  return `${assertValidKey(campaignId, 'campaign id')}|${assertValidKey(regionCode, 'region code')}`;
}

/** RowKey of an organisation's counts: by group (ICB or region), then organisation. */
export function countsRowKey(icbCode: string, orgCode: string): string {
  return `counts|${assertValidKey(icbCode, 'ICB code')}|${assertValidKey(orgCode, 'ODS code')}`;
}

/** RowKey of one item's blocked row. */
export function blockedRowKey(icbCode: string, orgCode: string, actionId: string): string {
  return `blocked|${assertValidKey(icbCode, 'ICB code')}|${assertValidKey(orgCode, 'ODS code')}|${assertValidKey(actionId, 'action id')}`;
}

/** The counts row of an organisation. */
export function countsRow(counts: OrgCounts): Row {
  const row: Row = {
    partitionKey: countsPartitionOf(counts.campaignId, counts.regionCode),
    rowKey: countsRowKey(counts.icbCode, counts.orgCode),
    campaignId: counts.campaignId,
    orgCode: counts.orgCode,
    icbCode: counts.icbCode,
    regionCode: counts.regionCode,
    total: counts.total,
    byStatus: JSON.stringify(counts.byStatus),
    byArea: JSON.stringify(counts.byArea),
    unfinishedDue: JSON.stringify(counts.unfinishedDue),
  };
  if (counts.pcnCode) row['pcnCode'] = counts.pcnCode;
  return row;
}

/** Reads a counts row. */
export function toCounts(row: StoredRow): OrgCounts {
  const counts: OrgCounts = {
    campaignId: readText(row, 'campaignId') ?? '',
    orgCode: readText(row, 'orgCode') ?? '',
    icbCode: readText(row, 'icbCode') ?? '',
    regionCode: readText(row, 'regionCode') ?? '',
    total: Number(row['total'] ?? 0),
    byStatus: JSON.parse(readText(row, 'byStatus') ?? '{}') as OrgCounts['byStatus'],
    byArea: JSON.parse(readText(row, 'byArea') ?? '{}') as OrgCounts['byArea'],
    unfinishedDue: JSON.parse(readText(row, 'unfinishedDue') ?? '{}') as OrgCounts['unfinishedDue'],
  };
  const pcnCode = readText(row, 'pcnCode');
  if (pcnCode) counts.pcnCode = pcnCode;
  if (row.etag) counts.etag = row.etag;
  return counts;
}

/** The blocked row of an item (kept with `blocked = false` once it is unblocked). */
export function blockedRow(item: TrackedItem): Row {
  const row: Row = {
    partitionKey: countsPartitionOf(item.campaignId, item.regionCode),
    rowKey: blockedRowKey(item.icbCode, item.orgCode, item.actionId),
    campaignId: item.campaignId,
    orgCode: item.orgCode,
    actionId: item.actionId,
    icbCode: item.icbCode,
    blocked: item.status === 'blocked',
    note: item.note,
    since: item.updatedAt ?? '',
  };
  if (item.updatedByName) row['byName'] = item.updatedByName;
  return row;
}

/** True when the stored blocked row already says what `item` would write. */
export function isSameBlocked(stored: StoredRow | undefined, item: TrackedItem): boolean {
  const blocked = item.status === 'blocked';
  if (!stored) return !blocked;
  if (stored['blocked'] !== blocked) return false;
  return !blocked || (stored['note'] === item.note && stored['since'] === (item.updatedAt ?? ''));
}

/** Reads a blocked row. */
export function toBlocked(row: StoredRow): BlockedItem {
  const blocked: BlockedItem = {
    campaignId: readText(row, 'campaignId') ?? '',
    orgCode: readText(row, 'orgCode') ?? '',
    actionId: readText(row, 'actionId') ?? '',
    icbCode: readText(row, 'icbCode') ?? '',
    note: readText(row, 'note') ?? '',
    since: readText(row, 'since') ?? '',
  };
  const byName = readText(row, 'byName');
  if (byName) blocked.byName = byName;
  return blocked;
}
