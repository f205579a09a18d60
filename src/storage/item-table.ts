import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { ActionLevel } from '../domain/checklists/checklists';
import { ConflictError } from '../domain/shared/errors';
import {
  countItems,
  isSameCounts,
  type BlockedItem,
  type OrgCounts,
} from '../domain/items/org-counts';
import type {
  ItemKey,
  ItemStatus,
  StatusEvent,
  Surface,
  TrackedItem,
} from '../domain/items/tracked-items';
import type { EventHistory, ItemStore, StoredEvent } from '../domain/items/item-store';
import type { Page, PageRequest } from '../domain/shared/pages';
import { assertValidKey } from './keys';
import {
  prefixFilter,
  readPage,
  readRow,
  readRows,
  readArea,
  readText,
  type StoredRow,
} from './read-rows';
import { deleteRows, groupByPartition, runWithLimit, submitInBatches } from './run-batches';
import { statusOf, translateStorageError } from './storage-errors';

/** Table of tracked items and their status events; see KEYS.md. */
export const ITEMS_TABLE = 'Items';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

const OPTIONAL_ITEM_TEXT = [
  'pcnCode',
  'dueDate',
  'updatedBy',
  'updatedByName',
  'updatedAt',
  'lastChangeId',
] as const;

const CONFLICT =
  'Someone else updated this item at the same time, so your change was not saved. Look at the latest status and try again.';

/** Azure Tables implementation of ItemStore: one partition per campaign and ICB. */
export class ItemTable implements ItemStore, EventHistory {
  constructor(
    private readonly table: TableClient,
    /** Partitions written side by side during a launch. */
    private readonly parallelism = 8,
  ) {}

  async getItem(key: ItemKey & { icbCode: string }): Promise<TrackedItem | undefined> {
    const row = await readRow(
      this.table,
      partitionOf(key.campaignId, key.icbCode),
      itemRowKey(key.orgCode, key.actionId),
    );
    return row ? toItem(row) : undefined;
  }

  async listItemsForOrg(
    campaignId: string,
    icbCode: string,
    orgCode: string,
  ): Promise<TrackedItem[]> {
    const rows = await readRows(
      this.table,
      prefixFilter(
        partitionOf(campaignId, icbCode),
        `item|${assertValidKey(orgCode, 'ODS code')}|`,
      ),
    );
    return rows.map(toItem);
  }

  async listItemsForIcb(campaignId: string, icbCode: string): Promise<TrackedItem[]> {
    return (
      await readRows(this.table, prefixFilter(partitionOf(campaignId, icbCode), 'item|'))
    ).map(toItem);
  }

  async listEvents(key: ItemKey & { icbCode: string }): Promise<StatusEvent[]> {
    const prefix = `event|${assertValidKey(key.orgCode, 'ODS code')}|${assertValidKey(key.actionId, 'action id')}|`;
    const rows = await readRows(
      this.table,
      prefixFilter(partitionOf(key.campaignId, key.icbCode), prefix),
    );
    return rows.map(toEvent);
  }

  async listItemsForOrgWithCounts(
    campaignId: string,
    icbCode: string,
    orgCode: string,
  ): Promise<{ items: TrackedItem[]; counts: OrgCounts | undefined }> {
    const partitionKey = partitionOf(campaignId, icbCode);
    const prefix = `item|${assertValidKey(orgCode, 'ODS code')}|`;
    // One request for both: the organisation's item range and its counts row.
    const rows = await readRows(
      this.table,
      odata`PartitionKey eq ${partitionKey} and ((RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}) or RowKey eq ${countsRowKey(orgCode)})`,
    );
    const countsRow = rows.find((r) => r.rowKey === countsRowKey(orgCode));
    return {
      items: rows.filter((r) => r !== countsRow).map(toItem),
      counts: countsRow ? toCounts(countsRow) : undefined,
    };
  }

  async listCountsForGroup(campaignId: string, icbCode: string): Promise<OrgCounts[]> {
    return (
      await readRows(this.table, prefixFilter(partitionOf(campaignId, icbCode), 'counts|'))
    ).map(toCounts);
  }

  async listBlockedForGroup(campaignId: string, icbCode: string): Promise<BlockedItem[]> {
    return (await readRows(this.table, prefixFilter(partitionOf(campaignId, icbCode), 'blocked|')))
      .filter((r) => r['blocked'] === true)
      .map(toBlocked);
  }

  async listCountsAndBlockedForGroup(
    campaignId: string,
    icbCode: string,
  ): Promise<{ counts: OrgCounts[]; blocked: BlockedItem[] }> {
    // `blocked|…` and `counts|…` RowKeys sort next to each other (and before `event|` and
    // `item|`), so one range read of the partition returns both and no item.
    const rows = await readRows(
      this.table,
      odata`PartitionKey eq ${partitionOf(campaignId, icbCode)} and RowKey ge ${'blocked|'} and RowKey lt ${'counts|~'}`,
    );
    return {
      counts: rows.filter((r) => r.rowKey?.startsWith('counts|')).map(toCounts),
      blocked: rows
        .filter((r) => r.rowKey?.startsWith('blocked|') && r['blocked'] === true)
        .map(toBlocked),
    };
  }

  async recountGroup(campaignId: string, icbCode: string): Promise<number> {
    const partitionKey = partitionOf(campaignId, icbCode);
    for (let attempt = 0; ; attempt += 1) {
      const [items, stored, blocked] = await Promise.all([
        this.listItemsForIcb(campaignId, icbCode),
        this.listCountsForGroup(campaignId, icbCode),
        readRows(this.table, prefixFilter(partitionKey, 'blocked|')),
      ]);
      const storedByOrg = new Map(stored.map((c) => [c.orgCode, c]));
      const actions: TransactionAction[] = [];
      let corrected = 0;
      for (const [orgCode, counts] of countItems(items)) {
        const was = storedByOrg.get(orgCode);
        if (was && isSameCounts(was, counts)) continue;
        corrected += 1;
        actions.push(
          was?.etag
            ? ['update', countsRow(partitionKey, counts), 'Replace', { etag: was.etag }]
            : ['create', countsRow(partitionKey, counts)],
        );
      }
      const blockedNow = new Set(blocked.filter((r) => r['blocked'] === true).map((r) => r.rowKey));
      for (const item of items) {
        const key = blockedRowKey(item.orgCode, item.actionId);
        if ((item.status === 'blocked') !== blockedNow.has(key))
          actions.push(['upsert', blockedRow(partitionKey, item, item.updatedAt ?? ''), 'Replace']);
      }
      try {
        await submitInBatches(this.table, actions);
        return corrected;
      } catch (error) {
        const status = statusOf(error);
        // Someone changed a status meanwhile: count again from what is there now.
        if ((status === 412 || status === 409) && attempt < 3) continue;
        throw translateStorageError(error);
      }
    }
  }

  async saveChange(
    item: TrackedItem,
    event: StatusEvent,
    counts?: { before: OrgCounts | undefined; after: OrgCounts },
  ): Promise<void> {
    const row = toRow(item);
    const etag = item.etag;
    const partitionKey = row.partitionKey;
    const actions: TransactionAction[] = [
      // The ETag condition is what stops two simultaneous changes from both "winning"; the
      // event row's key carries the new version, so a second event for it could not be created.
      etag ? ['update', row, 'Replace', { etag }] : ['create', row],
      ['create', eventRow(item, event)],
    ];
    if (counts) {
      // The counts move with the item, in the same transaction, so they can never drift.
      const next = countsRow(partitionKey, counts.after);
      actions.push(
        counts.before?.etag
          ? ['update', next, 'Replace', { etag: counts.before.etag }]
          : ['create', next],
      );
    }
    if (event.to === 'blocked' || event.from === 'blocked')
      actions.push(['upsert', blockedRow(partitionKey, item, event.at), 'Replace']);
    try {
      await this.table.submitTransaction(actions);
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409) throw new ConflictError(CONFLICT, { cause: error });
      throw translateStorageError(error);
    }
  }

  async setDueDates(
    campaignId: string,
    icbCode: string,
    actionId: string,
    dueDate: string | undefined,
  ): Promise<number> {
    const partitionKey = partitionOf(campaignId, icbCode);
    const rows = (
      await readRows(this.table, prefixFilter(partitionKey, 'item|'), [
        'RowKey',
        'actionId',
        'dueDate',
      ])
    ).filter(
      (r) => r['actionId'] === actionId && (readText(r, 'dueDate') || undefined) !== dueDate,
    );
    // A Merge of the date alone leaves status and note alone; it changes the ETag, so a status
    // change racing with it fails its condition and re-reads rather than writing the old date back.
    await submitInBatches(
      this.table,
      // Merge cannot remove a column, so "no deadline" is stored as an empty string.
      rows.map((r): TransactionAction => [
        'update',
        { partitionKey, rowKey: r.rowKey ?? '', dueDate: dueDate ?? '' },
        'Merge',
      ]),
    );
    if (rows.length > 0) await this.recountGroup(campaignId, icbCode);
    return rows.length;
  }

  async createMissingItems(
    items: readonly TrackedItem[],
    onProgress?: (done: number) => void,
  ): Promise<number> {
    const rows = items.map(toRow);
    const partitions = [...groupByPartition(rows).entries()];
    let done = 0;
    let created = 0;
    await runWithLimit(partitions, this.parallelism, async ([partitionKey, wanted]) => {
      // Read what exists first so a relaunch creates only what is missing and never resets a
      // status someone has already set; the counts rows' keys come in the same read.
      const keys = (
        await readRows(
          this.table,
          odata`PartitionKey eq ${partitionKey} and ((RowKey ge ${'counts|'} and RowKey lt ${'counts|~'}) or (RowKey ge ${'item|'} and RowKey lt ${'item|~'}))`,
          ['RowKey'],
        )
      ).map((r) => r.rowKey ?? '');
      const existing = new Set(keys.filter((k) => k.startsWith('item|')));
      const counted = new Set(keys.filter((k) => k.startsWith('counts|')));
      const missing = wanted.filter((row) => !existing.has(row.rowKey));
      done += wanted.length - missing.length;
      if (missing.length === 0) {
        // A launch stopped (kill -9) after a partition's items but before its counts: count now.
        const items = wanted.map((row) => toItem(row as StoredRow));
        const first = items[0];
        if (first && items.some((item) => !counted.has(countsRowKey(item.orgCode))))
          await this.recountGroup(first.campaignId, first.icbCode);
        return;
      }
      await submitInBatches(
        this.table,
        missing.map((row): TransactionAction => ['create', row]),
        (n) => {
          done += n;
          created += n;
          onProgress?.(done);
        },
      );
      const first = toItem(missing[0] as StoredRow);
      if (existing.size === 0) {
        // A first launch: the counts follow from what was just written, without reading it back.
        const counts = countItems(missing.map((row) => toItem(row as StoredRow)));
        await submitInBatches(
          this.table,
          [...counts.values()].map((c): TransactionAction => [
            'upsert',
            countsRow(partitionKey, c),
            'Replace',
          ]),
        );
      } else await this.recountGroup(first.campaignId, first.icbCode);
    });
    return created;
  }

  async listEventsPage(campaignId: string, page: PageRequest): Promise<Page<StoredEvent>> {
    // The campaign's partitions ("<campaign>|<group>") as one key range, events only: the
    // purge's read, a page at a time.
    const from = `${assertValidKey(campaignId, 'campaign id')}|`;
    const { rows, next } = await readPage(
      this.table,
      odata`PartitionKey ge ${from} and PartitionKey lt ${`${from}~`} and RowKey ge ${'event|'} and RowKey lt ${'event|~'}`,
      page.size,
      page.cursor,
    );
    return {
      items: rows.map((row) => ({
        ...toEvent(row),
        icbCode: (row.partitionKey ?? '').slice(from.length),
      })),
      next,
    };
  }

  async deleteEvents(events: readonly StoredEvent[]): Promise<number> {
    return deleteRows(
      this.table,
      events.map((e) => ({
        partitionKey: partitionOf(e.campaignId, e.icbCode),
        rowKey: eventRowKey(e.orgCode, e.actionId, e.version),
      })),
    );
  }
}

/** The partition of a campaign's items in one ICB (or a region, for region-level items). */
export function partitionOf(campaignId: string, icbCode: string): string {
  return `${assertValidKey(campaignId, 'campaign id')}|${assertValidKey(icbCode, 'ICB code')}`;
}

function itemRowKey(orgCode: string, actionId: string): string {
  return `item|${assertValidKey(orgCode, 'ODS code')}|${assertValidKey(actionId, 'action id')}`;
}

function eventRowKey(orgCode: string, actionId: string, version: number): string {
  return `event|${orgCode}|${actionId}|${String(version).padStart(8, '0')}`;
}

function toRow(item: TrackedItem): Row {
  const row: Row = {
    partitionKey: partitionOf(item.campaignId, item.icbCode),
    rowKey: itemRowKey(item.orgCode, item.actionId),
    campaignId: item.campaignId,
    orgCode: item.orgCode,
    actionId: item.actionId,
    level: item.level,
    area: String(item.area),
    icbCode: item.icbCode,
    regionCode: item.regionCode,
    status: item.status,
    note: item.note,
    version: item.version,
  };
  for (const name of OPTIONAL_ITEM_TEXT) {
    const value = item[name];
    if (value !== undefined) row[name] = value;
  }
  return row;
}

function eventRow(item: TrackedItem, event: StatusEvent): Row {
  const row: Row = {
    partitionKey: partitionOf(item.campaignId, item.icbCode),
    // Zero-padded version: events of an item sort oldest first, one row per version.
    rowKey: eventRowKey(item.orgCode, item.actionId, event.version),
    campaignId: event.campaignId,
    orgCode: event.orgCode,
    actionId: event.actionId,
    version: event.version,
    at: event.at,
    by: event.by,
    from: event.from,
    to: event.to,
    note: event.note,
    surface: event.surface,
  };
  if (event.byName) row['byName'] = event.byName;
  return row;
}

function toItem(row: StoredRow): TrackedItem {
  const item: TrackedItem = {
    campaignId: readText(row, 'campaignId') ?? '',
    orgCode: readText(row, 'orgCode') ?? '',
    actionId: readText(row, 'actionId') ?? '',
    level: readText(row, 'level') as ActionLevel,
    area: readArea(row),
    icbCode: readText(row, 'icbCode') ?? '',
    regionCode: readText(row, 'regionCode') ?? '',
    status: readText(row, 'status') as ItemStatus,
    note: readText(row, 'note') ?? '',
    version: Number(row['version'] ?? 1),
  };
  for (const name of OPTIONAL_ITEM_TEXT) {
    const value = readText(row, name);
    if (value) item[name] = value;
  }
  if (row.etag) item.etag = row.etag;
  return item;
}

function toEvent(row: StoredRow): StatusEvent {
  const event: StatusEvent = {
    campaignId: readText(row, 'campaignId') ?? '',
    orgCode: readText(row, 'orgCode') ?? '',
    actionId: readText(row, 'actionId') ?? '',
    version: Number(row['version'] ?? 0),
    at: readText(row, 'at') ?? '',
    by: readText(row, 'by') ?? '',
    from: readText(row, 'from') as ItemStatus,
    to: readText(row, 'to') as ItemStatus,
    note: readText(row, 'note') ?? '',
    surface: readText(row, 'surface') as Surface,
  };
  const byName = readText(row, 'byName');
  if (byName) event.byName = byName;
  return event;
}

function countsRowKey(orgCode: string): string {
  return `counts|${assertValidKey(orgCode, 'ODS code')}`;
}

function countsRow(partitionKey: string, counts: OrgCounts): Row {
  const row: Row = {
    partitionKey,
    rowKey: countsRowKey(counts.orgCode),
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

function toCounts(row: StoredRow): OrgCounts {
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

function blockedRowKey(orgCode: string, actionId: string): string {
  return `blocked|${orgCode}|${actionId}`;
}

function blockedRow(partitionKey: string, item: TrackedItem, at: string): Row {
  const row: Row = {
    partitionKey,
    rowKey: blockedRowKey(item.orgCode, item.actionId),
    campaignId: item.campaignId,
    orgCode: item.orgCode,
    actionId: item.actionId,
    icbCode: item.icbCode,
    blocked: item.status === 'blocked',
    note: item.note,
    since: at,
  };
  if (item.updatedByName) row['byName'] = item.updatedByName;
  return row;
}

function toBlocked(row: StoredRow): BlockedItem {
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
