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
  blockedRow,
  blockedRowKey,
  countsPartitionOf,
  countsRow,
  countsRowKey,
  isSameBlocked,
  toBlocked,
  toCounts,
} from './org-counts-table';
import {
  partitionFilter,
  prefixFilter,
  readPage,
  readRow,
  readRows,
  readArea,
  readText,
  type StoredRow,
} from './read-rows';
import {
  deleteRows,
  groupByPartition,
  MAX_BATCH,
  runWithLimit,
  submitInBatches,
} from './run-batches';
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
    /** The counts projection (OrgCounts): counts and blocked rows, by campaign and region. */
    private readonly counts: TableClient,
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

  async listCountsForGroup(campaignId: string, icbCode: string): Promise<OrgCounts[]> {
    return (await readRows(this.counts, groupFilter(campaignId, 'counts', icbCode))).map(toCounts);
  }

  async listBlockedForGroup(campaignId: string, icbCode: string): Promise<BlockedItem[]> {
    return (await readRows(this.counts, groupFilter(campaignId, 'blocked', icbCode)))
      .filter((r) => r['blocked'] === true)
      .map(toBlocked);
  }

  async listCountsAndBlockedForRegion(
    campaignId: string,
    regionCode: string,
  ): Promise<{ counts: OrgCounts[]; blocked: BlockedItem[] }> {
    // The region's partition of the small OrgCounts table holds exactly these rows: one read.
    const rows = await readRows(
      this.counts,
      partitionFilter(countsPartitionOf(campaignId, regionCode)),
    );
    return {
      counts: rows.filter((r) => r.rowKey?.startsWith('counts|')).map(toCounts),
      blocked: rows
        .filter((r) => r.rowKey?.startsWith('blocked|') && r['blocked'] === true)
        .map(toBlocked),
    };
  }

  async recountGroup(campaignId: string, icbCode: string): Promise<number> {
    for (let attempt = 0; ; attempt += 1) {
      const items = await this.listItemsForIcb(campaignId, icbCode);
      const first = items[0];
      if (!first) return 0;
      const partitionKey = countsPartitionOf(campaignId, first.regionCode);
      const rows = await readRows(
        this.counts,
        odata`PartitionKey eq ${partitionKey} and ((RowKey ge ${`blocked|${icbCode}|`} and RowKey lt ${`blocked|${icbCode}|~`}) or (RowKey ge ${`counts|${icbCode}|`} and RowKey lt ${`counts|${icbCode}|~`}))`,
      );
      const stored = new Map(rows.map((r) => [r.rowKey, r]));
      const actions: TransactionAction[] = [];
      let corrected = 0;
      // Conditional on what was read: a projection written meanwhile (from a later read of the
      // items) must not be overwritten by this older count, so a 412 counts again.
      const write = (row: Record<string, unknown> & { partitionKey: string; rowKey: string }) => {
        const was = stored.get(row.rowKey);
        actions.push(was?.etag ? ['update', row, 'Replace', { etag: was.etag }] : ['create', row]);
      };
      for (const counts of countItems(items).values()) {
        const was = stored.get(countsRowKey(icbCode, counts.orgCode));
        if (was && isSameCounts(toCounts(was), counts)) continue;
        corrected += 1;
        write(countsRow(counts));
      }
      for (const item of items)
        if (!isSameBlocked(stored.get(blockedRowKey(icbCode, item.orgCode, item.actionId)), item))
          write(blockedRow(item));
      try {
        await submitInBatches(this.counts, actions);
        return corrected;
      } catch (error) {
        const status = statusOf(error);
        // A projection was written meanwhile: count again from what is there now.
        if ((status === 412 || status === 409) && attempt < 3) continue;
        throw translateStorageError(error);
      }
    }
  }

  async saveChange(item: TrackedItem, event: StatusEvent): Promise<TrackedItem> {
    const row = toRow(item);
    const etag = item.etag;
    const partitionKey = row.partitionKey;
    const actions: TransactionAction[] = [
      // The ETag condition is what stops two simultaneous changes from both "winning"; the
      // event row's key carries the new version, so a second event for it could not be created.
      etag ? ['update', row, 'Replace', { etag }] : ['create', row],
      ['create', eventRow(item, event)],
      // The counts are a projection: a blind upsert of the organisation's "changed" marker
      // cannot conflict with another press, and it outlives a crash until projectCounts runs.
      ['upsert', markerRow(partitionKey, item.orgCode, event.at), 'Replace'],
    ];
    let response;
    try {
      response = await this.table.submitTransaction(actions);
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409) throw new ConflictError(CONFLICT, { cause: error });
      throw translateStorageError(error);
    }
    // The item's sub-response carries its new ETag: the next change can be conditional on it
    // without reading the item again. Without one, the next change re-reads (a 412 at worst).
    const { etag: _old, ...saved } = item;
    const stored = response.subResponses[0]?.etag;
    return stored ? { ...saved, etag: stored } : saved;
  }

  async listPendingCounts(campaignId: string, icbCode: string): Promise<string[]> {
    const rows = await readRows(
      this.table,
      `${prefixFilter(partitionOf(campaignId, icbCode), 'changed|')} and pending eq true`,
      ['RowKey'],
    );
    return rows.map((r) => (r.rowKey ?? '').slice('changed|'.length));
  }

  async projectCounts(campaignId: string, icbCode: string, orgCode: string): Promise<boolean> {
    const partitionKey = partitionOf(campaignId, icbCode);
    const prefix = `item|${assertValidKey(orgCode, 'ODS code')}|`;
    const marker = markerRowKey(orgCode);
    // One read of the items partition: the organisation's items and its mark (with its ETag).
    const rows = await readRows(
      this.table,
      odata`PartitionKey eq ${partitionKey} and ((RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}) or RowKey eq ${marker})`,
    );
    const markerRead = rows.find((r) => r.rowKey === marker);
    const items = rows.filter((r) => r.rowKey?.startsWith('item|')).map(toItem);
    const first = items[0];
    if (first) {
      // One read of the projection: the organisation's counts row and its blocked rows.
      const countsPartition = countsPartitionOf(campaignId, first.regionCode);
      const blockedPrefix = `blocked|${icbCode}|${orgCode}|`;
      const stored = new Map(
        (
          await readRows(
            this.counts,
            odata`PartitionKey eq ${countsPartition} and ((RowKey ge ${blockedPrefix} and RowKey lt ${`${blockedPrefix}~`}) or RowKey eq ${countsRowKey(icbCode, orgCode)})`,
          )
        ).map((r) => [r.rowKey, r]),
      );
      const counts = countItems(items).get(orgCode);
      const was = stored.get(countsRowKey(icbCode, orgCode));
      const actions: TransactionAction[] = [];
      if (counts && !(was && isSameCounts(toCounts(was), counts)))
        actions.push(['upsert', countsRow(counts), 'Replace']);
      for (const item of items)
        if (!isSameBlocked(stored.get(blockedRowKey(icbCode, orgCode, item.actionId)), item))
          actions.push(['upsert', blockedRow(item), 'Replace']);
      // Blind upserts are safe: a press after the read above changes the mark's ETag, so the
      // mark stays set below and a later pass writes the newer figures over these.
      await submitInBatches(this.counts, actions);
    }
    if (markerRead?.['pending'] !== true) return true;
    try {
      // Cleared only if no press since the read: a newer press keeps it set for another pass.
      await this.table.updateEntity({ partitionKey, rowKey: marker, pending: false }, 'Replace', {
        etag: markerRead.etag ?? '*',
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      throw translateStorageError(error);
    }
  }

  async projectGroup(campaignId: string, icbCode: string): Promise<number> {
    const partitionKey = partitionOf(campaignId, icbCode);
    // One read of the group's items and marks (a bulk catch-up: many organisations at once).
    const rows = await readRows(
      this.table,
      odata`PartitionKey eq ${partitionKey} and ((RowKey ge ${'changed|'} and RowKey lt ${'changed|~'}) or (RowKey ge ${'item|'} and RowKey lt ${'item|~'}))`,
    );
    const marks = rows.filter((r) => r.rowKey?.startsWith('changed|') && r['pending'] === true);
    const items = rows.filter((r) => r.rowKey?.startsWith('item|')).map(toItem);
    const first = items[0];
    if (first) {
      const stored = new Map(
        (
          await readRows(
            this.counts,
            odata`PartitionKey eq ${countsPartitionOf(campaignId, first.regionCode)} and ((RowKey ge ${`blocked|${icbCode}|`} and RowKey lt ${`blocked|${icbCode}|~`}) or (RowKey ge ${`counts|${icbCode}|`} and RowKey lt ${`counts|${icbCode}|~`}))`,
          )
        ).map((r) => [r.rowKey, r]),
      );
      const actions: TransactionAction[] = [];
      for (const counts of countItems(items).values()) {
        const was = stored.get(countsRowKey(icbCode, counts.orgCode));
        if (!(was && isSameCounts(toCounts(was), counts)))
          actions.push(['upsert', countsRow(counts), 'Replace']);
      }
      for (const item of items)
        if (!isSameBlocked(stored.get(blockedRowKey(icbCode, item.orgCode, item.actionId)), item))
          actions.push(['upsert', blockedRow(item), 'Replace']);
      // Blind upserts, as in projectCounts: a press after the read keeps its mark set below.
      await submitInBatches(this.counts, actions);
    }
    let cleared = 0;
    for (let i = 0; i < marks.length; i += MAX_BATCH) {
      const batch = marks.slice(i, i + MAX_BATCH);
      const clear = (r: StoredRow): TransactionAction => [
        'update',
        { partitionKey, rowKey: r.rowKey ?? '', pending: false },
        'Replace',
        { etag: r.etag ?? '*' },
      ];
      try {
        await this.table.submitTransaction(batch.map(clear));
        cleared += batch.length;
        continue;
      } catch (error) {
        if (statusOf(error) !== 412) throw translateStorageError(error);
      }
      // A press marked one of them meanwhile, failing the batch: clear the others one by one.
      for (const r of batch) {
        try {
          await this.table.updateEntity(
            { partitionKey, rowKey: r.rowKey ?? '', pending: false },
            'Replace',
            { etag: r.etag ?? '*' },
          );
          cleared += 1;
        } catch (error) {
          if (statusOf(error) !== 412) throw translateStorageError(error);
        }
      }
    }
    return cleared;
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
      // status someone has already set.
      const existing = new Set(
        (await readRows(this.table, prefixFilter(partitionKey, 'item|'), ['RowKey'])).map(
          (r) => r.rowKey,
        ),
      );
      const missing = wanted.filter((row) => !existing.has(row.rowKey));
      done += wanted.length - missing.length;
      if (missing.length === 0) {
        // A launch stopped (kill -9) after a partition's items but before its counts: count now.
        const items = wanted.map((row) => toItem(row as StoredRow));
        const first = items[0];
        if (first && (await this.lacksCounts(items)))
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
        for (const rows of groupByPartition([...counts.values()].map(countsRow)).values())
          await submitInBatches(
            this.counts,
            rows.map((row): TransactionAction => ['upsert', row, 'Replace']),
          );
      } else await this.recountGroup(first.campaignId, first.icbCode);
    });
    return created;
  }

  /** Whether any organisation of one group's items has no counts row in the projection. */
  private async lacksCounts(items: readonly TrackedItem[]): Promise<boolean> {
    const first = items[0];
    if (!first) return false;
    const prefix = `counts|${first.icbCode}|`;
    const counted = new Set(
      (
        await readRows(
          this.counts,
          prefixFilter(countsPartitionOf(first.campaignId, first.regionCode), prefix),
          ['RowKey'],
        )
      ).map((r) => r.rowKey),
    );
    return items.some((item) => !counted.has(countsRowKey(first.icbCode, item.orgCode)));
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

function markerRowKey(orgCode: string): string {
  return `changed|${assertValidKey(orgCode, 'ODS code')}`;
}

function markerRow(partitionKey: string, orgCode: string, at: string): Row {
  return { partitionKey, rowKey: markerRowKey(orgCode), pending: true, at };
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

/** Rows of one kind ('counts' or 'blocked') of one group, across the campaign's regions. */
function groupFilter(campaignId: string, kind: 'counts' | 'blocked', icbCode: string): string {
  const from = `${assertValidKey(campaignId, 'campaign id')}|`;
  const prefix = `${kind}|${assertValidKey(icbCode, 'ICB code')}|`;
  return odata`PartitionKey ge ${from} and PartitionKey lt ${`${from}~`} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`;
}
