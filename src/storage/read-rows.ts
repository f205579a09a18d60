import { odata, type TableClient } from '@azure/data-tables';
import type { Area } from '../domain/checklists/checklists';
import { translateStorageError } from './storage-errors';

/** A stored row as the SDK returns it. */
export type StoredRow = Record<string, unknown> & {
  partitionKey?: string;
  rowKey?: string;
  etag?: string;
};

/** Reads the rows matching an OData filter (already built with `odata`), following pages, up to `maxRows`. */
export async function readRows(
  table: TableClient,
  filter: string,
  select?: string[],
  maxRows = Infinity,
): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  try {
    const queryOptions = select ? { filter, select } : { filter };
    const pages = table
      .listEntities<Record<string, unknown>>({ queryOptions })
      .byPage({ maxPageSize: Math.min(1_000, maxRows) });
    for await (const page of pages) {
      for (const row of page) rows.push(row as StoredRow);
      // Stop reading pages once we have enough: the outbox asks for a few due rows, not all.
      if (rows.length >= maxRows) return rows.slice(0, maxRows);
    }
  } catch (error) {
    throw translateStorageError(error);
  }
  return rows;
}

/** Reads one row, or undefined when it does not exist. */
export async function readRow(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<StoredRow | undefined> {
  try {
    return (await table.getEntity<Record<string, unknown>>(partitionKey, rowKey)) as StoredRow;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw translateStorageError(error);
  }
}

/** The OData filter for rows of one partition whose RowKey starts with `prefix`. */
export function prefixFilter(partitionKey: string, prefix: string): string {
  // Keys hold ASCII only (codes are validated), and '~' sorts after every printable ASCII
  // character we use, so [prefix, prefix + '~') is "starts with prefix": a range read, not a scan.
  return odata`PartitionKey eq ${partitionKey} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`;
}

/** The OData filter for one whole partition. */
export function partitionFilter(partitionKey: string): string {
  return odata`PartitionKey eq ${partitionKey}`;
}

/** A string column of a row, or undefined. */
export function readText(row: StoredRow, name: string): string | undefined {
  const value = row[name];
  return typeof value === 'string' ? value : undefined;
}

/** The plan area stored as text ("1"–"4" or "cross-cutting"), as the domain's Area. */
export function readArea(row: StoredRow): Area {
  const area = readText(row, 'area') ?? 'cross-cutting';
  return (area === 'cross-cutting' ? area : Number(area)) as Area;
}

/** One page of rows and where the next starts (undefined after the last). */
export interface RowPage {
  rows: StoredRow[];
  next: string | undefined;
}

/**
 * Reads one page of at most `size` rows matching `filter`, starting at `cursor` (from the page
 * before). Jobs that work through a table page by page use it, so no run holds a whole table.
 */
export async function readPage(
  table: TableClient,
  filter: string,
  size: number,
  cursor?: string,
  select?: string[],
): Promise<RowPage> {
  try {
    const queryOptions = select ? { filter, select } : { filter };
    const pages = table
      .listEntities<Record<string, unknown>>({ queryOptions })
      .byPage({ maxPageSize: size, ...(cursor ? { continuationToken: cursor } : {}) });
    const first = await pages.next();
    if (first.done) return { rows: [], next: undefined };
    const page = first.value as StoredRow[] & { continuationToken?: string };
    return { rows: [...page], next: page.continuationToken || undefined };
  } catch (error) {
    throw translateStorageError(error);
  }
}
