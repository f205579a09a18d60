import type { TableEntity, TransactionAction } from '@azure/data-tables';
import { createTableClient, type StorageTarget } from './create-table-client';
import { MAX_BATCH } from './run-batches';
import { translateStorageError } from './storage-errors';

/** The Table service's property types (EDM), as the SDK names them. */
export type EdmType =
  'String' | 'Int32' | 'Int64' | 'Double' | 'Boolean' | 'DateTime' | 'Guid' | 'Binary';

/** A property exactly as stored: its type and its value as text (numbers, dates, Base64 bytes). */
export interface RawProperty {
  type: EdmType;
  value: string;
}

/** A row exactly as stored, for backups: keys and typed properties (no ETag, no Timestamp). */
export interface RawRow {
  PartitionKey: string;
  RowKey: string;
  properties: Record<string, RawProperty>;
}

const EDM_TYPES = new Set<string>([
  'String',
  'Int32',
  'Int64',
  'Double',
  'Boolean',
  'DateTime',
  'Guid',
  'Binary',
]);
// Set by the service, never written back: the ETag, the last-modified time, OData metadata.
const SERVICE_COLUMNS = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp']);
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
// Azure's limit for one transaction's body is 4 MiB; stay well under it with the JSON around rows.
const MAX_BATCH_BYTES = 3_500_000;

/** Reads a table page by page in raw mode (no type conversion), so types survive exactly. */
export async function* readRawRows(
  target: StorageTarget,
  tableName: string,
  pageSize = 1_000,
): AsyncGenerator<RawRow[]> {
  const table = createTableClient(target, tableName);
  const pages = table
    .listEntities<Record<string, unknown>>({ disableTypeConversion: true })
    .byPage({ maxPageSize: pageSize });
  while (true) {
    let next: IteratorResult<Record<string, unknown>[]>;
    try {
      next = await pages.next();
    } catch (error) {
      throw translateStorageError(error);
    }
    if (next.done) return;
    yield next.value.map(toRawRow);
  }
}

/** True when the table holds at least one row. */
export async function hasRows(target: StorageTarget, tableName: string): Promise<boolean> {
  const table = createTableClient(target, tableName);
  try {
    const first = await table
      .listEntities({ queryOptions: { select: ['RowKey'] } })
      .byPage({ maxPageSize: 1 })
      .next();
    return !first.done && first.value.length > 0;
  } catch (error) {
    throw translateStorageError(error);
  }
}

/**
 * Writes rows of one partition as upserts that replace whole rows (idempotent, so a restore can
 * run again), in transactions of at most 100 rows and under the 4 MiB body limit.
 */
export async function upsertRawRows(
  target: StorageTarget,
  tableName: string,
  rows: readonly RawRow[],
): Promise<void> {
  const table = createTableClient(target, tableName);
  let batch: TransactionAction[] = [];
  let bytes = 0;
  const submit = async () => {
    if (batch.length === 0) return;
    try {
      await table.submitTransaction(batch);
    } catch (error) {
      throw translateStorageError(error);
    }
    batch = [];
    bytes = 0;
  };
  for (const row of rows) {
    const size = JSON.stringify(row).length;
    if (batch.length === MAX_BATCH || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES))
      await submit();
    batch.push(['upsert', toEntity(row), 'Replace']);
    bytes += size;
  }
  await submit();
}

/** Checks a property read from a backup file; returns why it is not one, or undefined. */
export function describeBadProperty(property: unknown): string | undefined {
  if (typeof property !== 'object' || property === null) return 'not an object';
  const { type, value } = property as { type?: unknown; value?: unknown };
  if (typeof type !== 'string' || !EDM_TYPES.has(type)) return `unknown type ${String(type)}`;
  if (typeof value !== 'string') return 'value is not text';
  return undefined;
}

function toRawRow(entity: Record<string, unknown>): RawRow {
  const properties: Record<string, RawProperty> = {};
  for (const [name, value] of Object.entries(entity)) {
    if (SERVICE_COLUMNS.has(name) || name.startsWith('odata.')) continue;
    properties[name] = toRawProperty(value);
  }
  return {
    PartitionKey: String(entity.partitionKey),
    RowKey: String(entity.rowKey),
    properties,
  };
}

function toRawProperty(value: unknown): RawProperty {
  const typed = value as { type?: string; value?: unknown };
  if (typeof value !== 'object' || value === null || typeof typed.type !== 'string')
    throw new Error(`A property came back without its type (${typeof value}).`);
  const text = String(typed.value);
  // The service sends no type with a plain number; the SDK then calls any whole number Int32,
  // though one beyond Int32's range can only be a Double.
  if (typed.type === 'Int32') {
    const n = Number(text);
    if (!Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX)
      return { type: 'Double', value: text };
  }
  return { type: typed.type as EdmType, value: text };
}

function toEntity(row: RawRow): TableEntity {
  const entity: TableEntity = { partitionKey: row.PartitionKey, rowKey: row.RowKey };
  for (const [name, property] of Object.entries(row.properties))
    entity[name] = toWireValue(property);
  return entity;
}

// Each type in the form the service expects in JSON: numbers and true/false as JSON values, the
// rest as text with their type named (the SDK adds "@odata.type" for a { value, type } object).
function toWireValue({ type, value }: RawProperty): unknown {
  switch (type) {
    case 'String':
      return value;
    case 'Boolean':
      return value === 'true';
    case 'Int32':
      return Number(value);
    case 'Double':
      // NaN and the infinities travel as text; every other double as a number, typed, so a whole
      // number stays a Double.
      return { type, value: /^(NaN|-?Infinity)$/.test(value) ? value : Number(value) };
    default:
      return { type, value };
  }
}
