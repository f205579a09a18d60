import type { OutboxStore } from '../domain/outbox/outbox';

/**
 * The outbox store with every write that queues something reported to `queued`, so this
 * instance's sender looks at once instead of at its next poll (which can then be slow and cheap).
 */
export function wakeOnEnqueue<T extends OutboxStore>(outbox: T, queued: () => void): T {
  return Object.assign(Object.create(outbox) as T, {
    async enqueue(...args: Parameters<OutboxStore['enqueue']>) {
      const result = await outbox.enqueue(...args);
      queued();
      return result;
    },
    async enqueueMany(...args: Parameters<OutboxStore['enqueueMany']>) {
      const result = await outbox.enqueueMany(...args);
      queued();
      return result;
    },
    async requeueFailed(...args: Parameters<OutboxStore['requeueFailed']>) {
      const result = await outbox.requeueFailed(...args);
      queued();
      return result;
    },
  });
}
