import type { DeliveryDeps } from '../domain/cards/deliver-cards';
import {
  planRedraws,
  redrawCopies,
  type ChangedItem,
  type CopyRefresher,
} from '../domain/cards/refresh-copies';

/**
 * Builds the CopyRefresher the service uses. Changes are gathered for `delayMs` from the first
 * one, then the domain plans the redraws (each affected card once) and draws them; batches run
 * one after another. The pending changes live in memory: if the process dies first, the cards
 * are still right when opened (their refresh action) and are redrawn by the next change.
 */
export function createCopyRefresher(
  deps: DeliveryDeps,
  options: { delayMs: number; onError: (error: unknown) => void },
): CopyRefresher {
  let pending: ChangedItem[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const copies = planRedraws(pending);
    pending = [];
    running = running.then(() => redrawCopies(deps, copies, options.onError));
    return running;
  };

  return {
    schedule(change) {
      if (stopped) return;
      pending.push(change);
      timer ??= setTimeout(() => void flush(), options.delayMs);
    },
    flush,
    async stop() {
      stopped = true;
      await flush();
    },
  };
}
