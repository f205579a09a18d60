import { odata, type TableClient } from '@azure/data-tables';
import type { NudgePreferences, PreferenceStore } from '../domain/nudges/preferences';
import { assertValidKey, encodeKey } from './keys';
import { partitionFilter, readRows, readText, type StoredRow } from './read-rows';
import { translateStorageError } from './storage-errors';

/** Table of people's reminder choices; see KEYS.md. */
export const PREFERENCES_TABLE = 'Preferences';

/** Azure Tables implementation of PreferenceStore: one partition per person. */
export class PreferenceTable implements PreferenceStore {
  constructor(private readonly table: TableClient) {}

  async getNudgePreferences(userId: string): Promise<NudgePreferences> {
    return toPreferences(await readRows(this.table, partitionFilter(partitionOf(userId))));
  }

  async listNudgePreferences(): Promise<Map<string, NudgePreferences>> {
    const byPartition = new Map<string, StoredRow[]>();
    for (const row of await readRows(
      this.table,
      odata`PartitionKey ge ${'user|'} and PartitionKey lt ${'user|~'}`,
    )) {
      const rows = byPartition.get(row.partitionKey ?? '') ?? [];
      rows.push(row);
      byPartition.set(row.partitionKey ?? '', rows);
    }
    return new Map(
      [...byPartition].map(([partition, rows]) => [
        partition.slice('user|'.length),
        toPreferences(rows),
      ]),
    );
  }

  async setNonUrgentOff(userId: string, off: boolean, at: string): Promise<void> {
    await this.upsert({
      partitionKey: partitionOf(userId),
      rowKey: 'nudges',
      nonUrgentOff: off,
      at,
    });
  }

  async snooze(userId: string, snoozeKey: string, until: string, at: string): Promise<void> {
    await this.upsert({
      partitionKey: partitionOf(userId),
      rowKey: `snooze|${encodeKey(snoozeKey)}`,
      snoozeKey,
      until,
      at,
    });
  }

  private async upsert(row: Record<string, unknown> & { partitionKey: string; rowKey: string }) {
    try {
      await this.table.upsertEntity(row, 'Replace');
    } catch (error) {
      throw translateStorageError(error);
    }
  }
}

function toPreferences(rows: readonly StoredRow[]): NudgePreferences {
  const prefs: NudgePreferences = { nonUrgentOff: false, snoozedUntil: {} };
  for (const row of rows) {
    if (row.rowKey === 'nudges') prefs.nonUrgentOff = row['nonUrgentOff'] === true;
    else if (row.rowKey?.startsWith('snooze|'))
      prefs.snoozedUntil[readText(row, 'snoozeKey') ?? ''] = readText(row, 'until') ?? '';
  }
  return prefs;
}

function partitionOf(userId: string): string {
  return `user|${assertValidKey(userId.toLowerCase(), 'user id')}`;
}
