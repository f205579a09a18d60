import type { TableClient } from '@azure/data-tables';
import { mayTakeLease, type Lease, type LeaseStore } from '../domain/jobs/leases';
import { assertValidKey } from './keys';
import { readRow, readText, type StoredRow } from './read-rows';
import { statusOf, translateStorageError } from './storage-errors';

/** Table of leases (the scheduler's leader lease); see KEYS.md. */
export const LEASES_TABLE = 'Leases';

const PARTITION = 'lease';

/**
 * Azure Tables implementation of LeaseStore. Every write is conditional: a new lease is created
 * (409 when another instance created it first), a held or lapsed one replaced with If-Match on
 * the ETag read (412 when another instance changed it first). Whoever loses a race holds nothing.
 */
export class LeaseTable implements LeaseStore {
  constructor(private readonly table: TableClient) {}

  async acquire(
    name: string,
    holder: string,
    now: Date,
    durationMs: number,
  ): Promise<Lease | undefined> {
    const current = await this.get(name);
    if (!mayTakeLease(current, holder, now)) return undefined;
    const next: Lease = {
      name,
      holder,
      until: new Date(now.getTime() + durationMs).toISOString(),
      // A renewal keeps the time it was first taken; a takeover starts a new tenure.
      acquiredAt:
        current && current.holder === holder && Date.parse(current.until) > now.getTime()
          ? current.acquiredAt
          : now.toISOString(),
    };
    try {
      const response = current
        ? await this.table.updateEntity(toRow(next, now), 'Replace', { etag: current.etag ?? '' })
        : await this.table.createEntity(toRow(next, now));
      return response.etag ? { ...next, etag: response.etag } : await this.get(name);
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) return undefined;
      throw translateStorageError(error);
    }
  }

  async release(name: string, holder: string, now: Date): Promise<void> {
    const current = await this.get(name);
    if (!current || current.holder !== holder || Date.parse(current.until) <= now.getTime()) return;
    try {
      // Kept, lapsed, rather than deleted: the row shows who held it last and when they let go.
      await this.table.updateEntity(
        { ...toRow({ ...current, until: now.toISOString() }, now), releasedAt: now.toISOString() },
        'Replace',
        { etag: current.etag ?? '' },
      );
    } catch (error) {
      if (statusOf(error) === 412) return; // taken over meanwhile: nothing of ours to release
      throw translateStorageError(error);
    }
  }

  async get(name: string): Promise<Lease | undefined> {
    const row = await readRow(this.table, PARTITION, assertValidKey(name, 'lease name'));
    return row ? toLease(row) : undefined;
  }
}

function toRow(
  lease: Lease,
  now: Date,
): Record<string, unknown> & {
  partitionKey: string;
  rowKey: string;
} {
  return {
    partitionKey: PARTITION,
    rowKey: assertValidKey(lease.name, 'lease name'),
    holder: lease.holder,
    until: lease.until,
    acquiredAt: lease.acquiredAt,
    renewedAt: now.toISOString(),
  };
}

function toLease(row: StoredRow): Lease {
  const lease: Lease = {
    name: row.rowKey ?? '',
    holder: readText(row, 'holder') ?? '',
    until: readText(row, 'until') ?? new Date(0).toISOString(),
    acquiredAt: readText(row, 'acquiredAt') ?? '',
  };
  if (row.etag) lease.etag = row.etag;
  return lease;
}
