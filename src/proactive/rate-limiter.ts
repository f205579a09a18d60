import { SlidingWindow, type RateWindow } from './sliding-window';

/** Teams' documented per-bot, per-conversation limits. */
export const CONVERSATION_WINDOWS: readonly RateWindow[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 },
];

/** A permit to send: done() when the request has completed, or cancel() if it was never made. */
export interface SendPermit {
  done(): void;
  cancel(): void;
}

/** Keeps sends within Teams' per-conversation limits and a global per-second cap. */
export class RateLimiter {
  private readonly global: SlidingWindow;
  private readonly conversations = new Map<string, SlidingWindow>();
  private readonly pausedUntil = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    globalPerSecond: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms)),
  ) {
    this.global = new SlidingWindow([{ limit: globalPerSecond, ms: 1_000 }]);
  }

  /** Waits until a send to `conversationId` is allowed, then returns its permit. */
  async acquire(conversationId: string, signal?: AbortSignal): Promise<SendPermit> {
    for (;;) {
      if (signal?.aborted) throw new Error('stopped');
      const now = this.clock();
      const conversation = this.windowOf(conversationId);
      const paused = (this.pausedUntil.get(conversationId) ?? 0) - now;
      const wait = Math.max(paused, conversation.waitFor(now), this.global.waitFor(now));
      if (wait <= 0) {
        conversation.start();
        this.global.start();
        return {
          done: () => {
            const at = this.clock();
            conversation.finish(at);
            this.global.finish(at);
          },
          cancel: () => {
            conversation.cancel();
            this.global.cancel();
          },
        };
      }
      await this.sleep(Math.min(wait, 250));
    }
  }

  /**
   * Milliseconds until this conversation's own windows (and any 429 pause) allow a send, leaving
   * the global cap aside: a sender waits this out without holding one of its concurrency slots.
   */
  conversationWait(conversationId: string): number {
    const now = this.clock();
    const paused = (this.pausedUntil.get(conversationId) ?? 0) - now;
    return Math.max(0, paused, this.windowOf(conversationId).waitFor(now));
  }

  /** After a 429: send nothing more to this conversation until `until` (ms). */
  pause(conversationId: string, until: number): void {
    this.pausedUntil.set(
      conversationId,
      Math.max(until, this.pausedUntil.get(conversationId) ?? 0),
    );
  }

  private windowOf(conversationId: string): SlidingWindow {
    const now = this.clock();
    // Forget idle conversations now and then, so 1,300 channels do not stay in memory for an hour.
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      for (const [id, window] of this.conversations)
        if (window.isIdle(now)) this.conversations.delete(id);
      for (const [id, until] of this.pausedUntil) if (until < now) this.pausedUntil.delete(id);
    }
    let window = this.conversations.get(conversationId);
    if (!window) {
      window = new SlidingWindow(CONVERSATION_WINDOWS);
      this.conversations.set(conversationId, window);
    }
    return window;
  }
}
