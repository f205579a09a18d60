import type { ItemStore } from '../domain/items/item-store';
import {
  drainPendingCounts,
  projectOrganisation,
  type CountsKey,
  type ProjectCountsDeps,
} from '../domain/items/project-counts';
import { recordProjectionLag } from '../telemetry/metrics';

/** Keeps organisation counts in step with presses, a few seconds behind them. */
export interface CountsProjector {
  /** Notes that an organisation's items changed; its counts are projected after the delay. */
  schedule(key: CountsKey): void;
  /** Projects what is waiting now (tests and shutdown). */
  flush(): Promise<void>;
  /** Projects every organisation marked changed in storage, by this instance or any other. */
  drain(): Promise<number>;
  /** Projects what is waiting and stops taking more. */
  stop(): Promise<void>;
}

/**
 * Builds the projector the service uses. Changed organisations are gathered for `delayMs` from
 * the first, each once however many presses it had, then projected one batch after another. What
 * waits lives in memory only; the "changed" marks in storage are what survive a crash, and
 * `drain` (on start, before digests and nudges) projects them.
 */
export function createCountsProjector(
  deps: ProjectCountsDeps,
  options: { delayMs: number; onError: (error: unknown) => void },
): CountsProjector {
  // Each waiting organisation with when its first unprojected press marked it (for the lag metric).
  let pending = new Map<string, { key: CountsKey; markedAt: number }>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const project = async (waiting: { key: CountsKey; markedAt: number }[]) => {
    for (const { key, markedAt } of waiting) {
      try {
        if (await projectOrganisation(deps, key)) recordProjectionLag(performance.now() - markedAt);
      } catch (error) {
        options.onError(error); // the mark stays set: the next drain projects it
      }
    }
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const keys = [...pending.values()];
    pending = new Map();
    running = running.then(() => project(keys));
    return running;
  };

  return {
    schedule(key) {
      if (stopped) return;
      const id = `${key.campaignId}|${key.icbCode}|${key.orgCode}`;
      // The first mark counts: later presses are projected by the same pass.
      if (!pending.has(id)) pending.set(id, { key, markedAt: performance.now() });
      timer ??= setTimeout(() => void flush(), options.delayMs);
    },
    flush,
    async drain() {
      await flush();
      return drainPendingCounts(deps);
    },
    async stop() {
      stopped = true;
      await flush();
    },
  };
}

/** The item store with every saved change handed to the projector. */
export function projectOnSave(items: ItemStore, projector: CountsProjector): ItemStore {
  return Object.assign(Object.create(items) as ItemStore, {
    async saveChange(...args: Parameters<ItemStore['saveChange']>) {
      const saved = await items.saveChange(...args);
      const [item] = args;
      projector.schedule({
        campaignId: item.campaignId,
        icbCode: item.icbCode,
        orgCode: item.orgCode,
      });
      return saved;
    },
  });
}
