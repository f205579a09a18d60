import type { TableClient, TransactionAction } from '@azure/data-tables';
import pLimit from 'p-limit';
import { statusOf, translateStorageError } from './storage-errors';

/** Azure's limit for one entity-group transaction. */
export const MAX_BATCH = 100;

/** Runs `work` over `items` with at most `limit` in flight; resolves when all are done. */
export async function runWithLimit<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const inFlight = pLimit(limit);
  await Promise.all(items.map((item) => inFlight(() => work(item))));
}

/** Submits actions of one partition as transactions of at most 100; calls onBatch after each. */
export async function submitInBatches(
  table: TableClient,
  actions: readonly TransactionAction[],
  onBatch?: (size: number) => void,
): Promise<void> {
  for (let i = 0; i < actions.length; i += MAX_BATCH) {
    const batch = actions.slice(i, i + MAX_BATCH);
    try {
      await table.submitTransaction(batch);
    } catch (error) {
      throw translateStorageError(error);
    }
    onBatch?.(batch.length);
  }
}

/** Groups entities by partition key, keeping their order. */
export function groupByPartition<T extends { partitionKey: string }>(
  entities: readonly T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const entity of entities) {
    const group = groups.get(entity.partitionKey);
    if (group) group.push(entity);
    else groups.set(entity.partitionKey, [entity]);
  }
  return groups;
}

/**
 * Deletes rows by key, in transactions of up to 100 per partition. A row already gone (removed by
 * an earlier run or another instance) is not an error, so a purge can safely run twice.
 * Returns how many rows this call deleted.
 */
export async function deleteRows(
  table: TableClient,
  keys: readonly { partitionKey: string; rowKey: string }[],
): Promise<number> {
  let deleted = 0;
  for (const group of groupByPartition(keys).values()) {
    for (let i = 0; i < group.length; i += MAX_BATCH) {
      const batch = group.slice(i, i + MAX_BATCH);
      try {
        await table.submitTransaction(
          batch.map((k): TransactionAction => [
            'delete',
            { partitionKey: k.partitionKey, rowKey: k.rowKey },
          ]),
        );
        deleted += batch.length;
        continue;
      } catch (error) {
        if (statusOf(error) !== 404) throw translateStorageError(error);
      }
      // One row of the batch was gone, which fails the whole transaction: delete one by one.
      for (const k of batch) {
        try {
          await table.deleteEntity(k.partitionKey, k.rowKey);
          deleted += 1;
        } catch (error) {
          if (statusOf(error) !== 404) throw translateStorageError(error);
        }
      }
    }
  }
  return deleted;
}
