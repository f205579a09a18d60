import type { TableClient } from '@azure/data-tables';
import type { InstanceBeat, InstanceRegistry } from '../domain/jobs/instances';
import { assertValidKey } from './keys';
import { partitionFilter, readRows, readText } from './read-rows';
import { statusOf, translateStorageError } from './storage-errors';

// Beside the scheduler's lease in the Leases table: the same kind of small coordination rows.
const PARTITION = 'instance';

/**
 * Azure Tables implementation of InstanceRegistry: one row per instance in the `Leases` table
 * (PartitionKey `instance`), rewritten blindly by its own instance only, so no write conflicts.
 */
export class InstanceTable implements InstanceRegistry {
  constructor(private readonly table: TableClient) {}

  async beat(instanceId: string, now: Date): Promise<void> {
    await this.write(instanceId, { heartbeatAt: now.toISOString() });
  }

  async markStopped(instanceId: string, now: Date): Promise<void> {
    await this.write(instanceId, { heartbeatAt: now.toISOString(), stoppedAt: now.toISOString() });
  }

  async list(): Promise<InstanceBeat[]> {
    const rows = await readRows(this.table, partitionFilter(PARTITION));
    return rows.map((row) => ({
      instanceId: row.rowKey ?? '',
      writtenAt: parseServerTime(readText(row, 'timestamp')),
      stopped: readText(row, 'stoppedAt') !== undefined,
    }));
  }

  async remove(instanceId: string): Promise<void> {
    try {
      await this.table.deleteEntity(PARTITION, assertValidKey(instanceId, 'instance id'));
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw translateStorageError(error);
    }
  }

  private async write(instanceId: string, columns: Record<string, string>): Promise<void> {
    try {
      await this.table.upsertEntity(
        { partitionKey: PARTITION, rowKey: assertValidKey(instanceId, 'instance id'), ...columns },
        'Replace',
      );
    } catch (error) {
      throw translateStorageError(error);
    }
  }
}

// Storage writes times with seven decimals ("…:11.3956307Z"); milliseconds are enough here.
function parseServerTime(text: string | undefined): number {
  const ms = Date.parse((text ?? '').replace(/(\.\d{3})\d+Z$/, '$1Z'));
  return Number.isFinite(ms) ? ms : 0;
}
