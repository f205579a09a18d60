import { ITEM_STATUSES, isFinished, type ItemStatus, type TrackedItem } from './tracked-items';

/**
 * Running totals of one organisation's own items in one campaign, kept in step with every status
 * change (in the same storage transaction), so digests and overviews add up counts instead of
 * reading every item.
 */
export interface OrgCounts {
  campaignId: string;
  orgCode: string;
  /** The group (ICB, or region for region-level items) the items are kept under. */
  icbCode: string;
  regionCode: string;
  /** Parent PCN of a practice, for PCN roll-ups. */
  pcnCode?: string;
  total: number;
  byStatus: Record<ItemStatus, number>;
  /** Items by area ("1"–"4", "cross-cutting") and status. */
  byArea: Record<string, Record<ItemStatus, number>>;
  /** Unfinished items by deadline (YYYY-MM-DD), so "overdue on any day" is a sum. */
  unfinishedDue: Record<string, number>;
  /** Opaque concurrency token from storage. */
  etag?: string;
}

function zero(): Record<ItemStatus, number> {
  return Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>;
}

/** Empty counts for an organisation. */
export function emptyCounts(
  item: Pick<TrackedItem, 'campaignId' | 'orgCode' | 'icbCode' | 'regionCode' | 'pcnCode'>,
): OrgCounts {
  return {
    campaignId: item.campaignId,
    orgCode: item.orgCode,
    icbCode: item.icbCode,
    regionCode: item.regionCode,
    ...(item.pcnCode ? { pcnCode: item.pcnCode } : {}),
    total: 0,
    byStatus: zero(),
    byArea: {},
    unfinishedDue: {},
  };
}

function add(counts: OrgCounts, item: TrackedItem, sign: 1 | -1): void {
  counts.total += sign;
  counts.byStatus[item.status] += sign;
  const area = String(item.area);
  const byArea = (counts.byArea[area] ??= zero());
  byArea[item.status] += sign;
  if (!isFinished(item) && item.dueDate) {
    const n = (counts.unfinishedDue[item.dueDate] ?? 0) + sign;
    if (n === 0) delete counts.unfinishedDue[item.dueDate];
    else counts.unfinishedDue[item.dueDate] = n;
  }
}

/** Counts the items given, per organisation. */
export function countItems(items: readonly TrackedItem[]): Map<string, OrgCounts> {
  const result = new Map<string, OrgCounts>();
  for (const item of items) {
    let counts = result.get(item.orgCode);
    if (!counts) result.set(item.orgCode, (counts = emptyCounts(item)));
    add(counts, item, 1);
  }
  return result;
}

/** The counts after one item changed from `before` to `after` (a new object; `counts` is kept). */
export function applyChange(counts: OrgCounts, before: TrackedItem, after: TrackedItem): OrgCounts {
  const next: OrgCounts = structuredClone(counts);
  add(next, before, -1);
  add(next, after, 1);
  return next;
}

/** Unfinished items whose deadline is before `today`. */
export function countOverdue(counts: Pick<OrgCounts, 'unfinishedDue'>, today: string): number {
  let n = 0;
  for (const [date, count] of Object.entries(counts.unfinishedDue)) if (date < today) n += count;
  return n;
}

/** True when two sets of counts say the same (storage tokens aside). */
export function isSameCounts(a: OrgCounts, b: OrgCounts): boolean {
  const strip = ({ etag: _e, ...rest }: OrgCounts) => rest;
  return JSON.stringify(sortKeys(strip(a))) === JSON.stringify(sortKeys(strip(b)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

/** An item that is, or was, blocked, with its note: the digests' "top blocked items". */
export interface BlockedItem {
  campaignId: string;
  orgCode: string;
  actionId: string;
  icbCode: string;
  note: string;
  since: string;
  byName?: string;
}
