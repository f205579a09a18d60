import type { TableClient, TransactionAction } from '@azure/data-tables';
import pLimit from 'p-limit';
import { translateStorageError } from './storage-errors';

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
