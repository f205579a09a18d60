import type { TableClient, TransactionAction } from '@azure/data-tables';
import { ConflictError } from '../domain/shared/errors';
import type {
  ErasureMode,
  PersonalDataStore,
  PersonMatch,
  StoredRecord,
  StoreErasure,
} from '../domain/retention/person-data';
import { readPage, type StoredRow } from './read-rows';
import { MAX_BATCH } from './run-batches';
import { statusOf, translateStorageError } from './storage-errors';

// Rows read per page while looking through a table: bounded memory on any table size.
const PAGE_SIZE = 500;
// Columns the SDK adds to what it reads; never written back, never exported.
const SDK_COLUMNS = new Set(['etag', 'timestamp', 'odata.etag', 'odata.metadata']);

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** Finds and replaces one person's id (any case) and names (whole words) in text. */
interface PersonMatcher {
  test(text: string): boolean;
  replace(text: string, marker: string): string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileMatcher(person: PersonMatch): PersonMatcher {
  // Longest names first, so "Sam Jones" is replaced whole before "Sam" could match inside it.
  const names = [...person.names].filter((n) => n.length >= 2).sort((a, b) => b.length - a.length);
  const sources = [
    escapeRegExp(person.userId),
    // A name counts only as a whole word: "Sam" is not erased from "Samuel" or "same".
    ...names.map((n) => `(?<![\\p{L}\\p{N}])${escapeRegExp(n)}(?![\\p{L}\\p{N}])`),
  ];
  const pattern = new RegExp(sources.join('|'), 'giu');
  return {
    test: (text) => {
      pattern.lastIndex = 0;
      return pattern.test(text);
    },
    replace: (text, marker) => text.replace(pattern, marker),
  };
}

function mentions(row: StoredRow, matcher: PersonMatcher): boolean {
  return Object.entries(row).some(
    ([name, value]) => !SDK_COLUMNS.has(name) && typeof value === 'string' && matcher.test(value),
  );
}

/** A row as stored, without the SDK's columns; JSON columns read as JSON for people to read. */
function toFields(row: StoredRow): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (SDK_COLUMNS.has(name) || name === 'partitionKey' || name === 'rowKey') continue;
    fields[name] = typeof value === 'string' && /^[[{]/.test(value) ? parseJson(value) : value;
  }
  return fields;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // free text that happens to start with a bracket
  }
}

/** The row with every string column (keys too) anonymised. */
function scrub(row: StoredRow, matcher: PersonMatcher, marker: string): Row {
  const next: Row = { partitionKey: '', rowKey: '' };
  for (const [name, value] of Object.entries(row)) {
    if (SDK_COLUMNS.has(name)) continue;
    next[name] = typeof value === 'string' ? matcher.replace(value, marker) : value;
  }
  return next;
}

/**
 * Azure Tables implementation of PersonalDataStore over every table of the service: it reads
 * each table a page at a time and tests every text column, so a name in a free-text note or a
 * card payload is found too. For the admin CLI only (it reads whole tables).
 */
export class PersonalDataTables implements PersonalDataStore {
  readonly stores: readonly string[];

  constructor(private readonly tables: Readonly<Record<string, TableClient>>) {
    this.stores = Object.keys(tables);
  }

  async findRecords(person: PersonMatch): Promise<StoredRecord[]> {
    const matcher = compileMatcher(person);
    const records: StoredRecord[] = [];
    for (const store of this.stores) {
      await this.forEachPage(store, async (rows) => {
        for (const row of rows) {
          if (!mentions(row, matcher)) continue;
          records.push({
            store,
            key: `${row.partitionKey ?? ''} / ${row.rowKey ?? ''}`,
            fields: toFields(row),
          });
        }
      });
    }
    return records;
  }

  async eraseRecords(
    person: PersonMatch,
    store: string,
    options: { mode: ErasureMode; marker: string; dryRun: boolean },
  ): Promise<StoreErasure> {
    const matcher = compileMatcher(person);
    const table = this.tableOf(store);
    const result: StoreErasure = { store, deleted: 0, anonymised: 0 };
    await this.forEachPage(store, async (rows) => {
      // Per partition, so each row's change (delete, or rewrite under new keys) is one transaction.
      const byPartition = new Map<string, TransactionAction[][]>();
      const moves: { from: StoredRow; to: Row }[] = [];
      for (const row of rows) {
        if (!mentions(row, matcher)) continue;
        const partitionKey = row.partitionKey ?? '';
        const rowKey = row.rowKey ?? '';
        const etag = row.etag ?? '*';
        const keyed = matcher.test(partitionKey) || matcher.test(rowKey);
        let actions: TransactionAction[];
        if (keyed && options.mode === 'delete-own') {
          result.deleted += 1;
          actions = [['delete', { partitionKey, rowKey }]];
        } else {
          result.anonymised += 1;
          const next = scrub(row, matcher, options.marker);
          if (next.partitionKey !== partitionKey) {
            moves.push({ from: row, to: next });
            continue;
          }
          actions =
            next.rowKey === rowKey
              ? [['update', next, 'Replace', { etag }]]
              : [
                  ['delete', { partitionKey, rowKey }],
                  ['upsert', next, 'Replace'],
                ];
        }
        const group = byPartition.get(partitionKey) ?? [];
        group.push(actions);
        byPartition.set(partitionKey, group);
      }
      if (options.dryRun) return;
      for (const groups of byPartition.values()) {
        // Half a batch of rows: a rewrite under new keys takes two actions.
        for (let i = 0; i < groups.length; i += MAX_BATCH / 2) {
          await submit(table, groups.slice(i, i + MAX_BATCH / 2).flat());
        }
      }
      for (const move of moves) {
        // A new partition cannot share a transaction with the old: write the new row first.
        await submit(table, [['upsert', move.to, 'Replace']]);
        await submit(table, [
          [
            'delete',
            { partitionKey: move.from.partitionKey ?? '', rowKey: move.from.rowKey ?? '' },
          ],
        ]);
      }
    });
    return result;
  }

  private tableOf(store: string): TableClient {
    const table = this.tables[store];
    if (!table) throw new Error(`There is no store "${store}"`);
    return table;
  }

  private async forEachPage(
    store: string,
    work: (rows: StoredRow[]) => Promise<void>,
  ): Promise<void> {
    const table = this.tableOf(store);
    let cursor: string | undefined;
    do {
      // Every row of the table: this is an administrator's erasure or export, not a request.
      const page = await readPage(table, '', PAGE_SIZE, cursor);
      await work(page.rows);
      cursor = page.next;
    } while (cursor);
  }
}

async function submit(table: TableClient, actions: TransactionAction[]): Promise<void> {
  try {
    await table.submitTransaction(actions);
  } catch (error) {
    const status = statusOf(error);
    if (status === 412 || status === 404)
      throw new ConflictError(
        'A record changed while the person was being erased. Run erase-person again: it carries on where it stopped.',
        { cause: error },
      );
    throw translateStorageError(error);
  }
}
