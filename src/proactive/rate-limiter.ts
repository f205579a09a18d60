import { SlidingWindow, type RateWindow } from './sliding-window';

/** Teams' documented per-bot, per-conversation limits. */
export const CONVERSATION_WINDOWS: readonly RateWindow[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 },
];

/**
 * This instance's part of limits that Teams counts per bot, whichever instance sends: the
 * instances sharing them (see SharedRateBudget), or always 1 when the service runs alone.
 */
export interface RateShare {
  /** How many ways the limits are divided now (1: this instance has them all). */
  divisor(now: number): number;
  /** Milliseconds until this instance may send at all (0: now); a joining instance waits. */
  waitFor(now: number): number;
}

/** The share of a service that runs as one instance: everything, at once. */
export const WHOLE_SHARE: RateShare = { divisor: () => 1, waitFor: () => 0 };

/** Teams' windows divided `divisor` ways, at least one send each. */
export function divideWindows(windows: readonly RateWindow[], divisor: number): RateWindow[] {
  return windows.map((w) => ({ limit: Math.max(1, Math.floor(w.limit / divisor)), ms: w.ms }));
}

/** A permit to send: done() when the request has completed, or cancel() if it was never made. */
export interface SendPermit {
  done(): void;
  cancel(): void;
}

/**
 * Keeps sends within Teams' per-conversation limits and a global per-second cap, both divided
 * by this instance's share when several instances run.
 *
 * Why the per-conversation limits are divided too: the outbox is claimed entry by entry (an
 * ETag-conditional transaction on each entry), not conversation by conversation, so two
 * instances can each hold a different entry for the same channel at the same moment (a redraw
 * and a new card, say) and their sends would add up at Teams. Dividing each conversation's
 * windows as well keeps the sum within Teams' limits; a campaign launch, one card per channel,
 * is not slowed by it.
 */
export class RateLimiter {
  private readonly global: SlidingWindow;
  private readonly globalWindows: readonly RateWindow[];
  private readonly conversations = new Map<string, SlidingWindow>();
  private readonly pausedUntil = new Map<string, number>();
  private lastSweep = 0;
  private divisor = 1;

  constructor(
    globalPerSecond: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms)),
    private readonly share: RateShare = WHOLE_SHARE,
  ) {
    this.globalWindows = [{ limit: globalPerSecond, ms: 1_000 }];
    this.global = new SlidingWindow(this.globalWindows);
  }

  /** How many ways the limits are divided at the moment (for logs and tests). */
  currentDivisor(): number {
    return this.divisor;
  }

  /** Waits until a send to `conversationId` is allowed, then returns its permit. */
  async acquire(conversationId: string, signal?: AbortSignal): Promise<SendPermit> {
    for (;;) {
      if (signal?.aborted) throw new Error('stopped');
      const now = this.clock();
      this.applyShare(now);
      const conversation = this.windowOf(conversationId);
      const paused = (this.pausedUntil.get(conversationId) ?? 0) - now;
      const wait = Math.max(
        paused,
        conversation.waitFor(now),
        this.global.waitFor(now),
        this.share.waitFor(now),
      );
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
    this.applyShare(now);
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
      window = new SlidingWindow(divideWindows(CONVERSATION_WINDOWS, this.divisor));
      this.conversations.set(conversationId, window);
    }
    return window;
  }

  // Follows the share: the windows keep the sends they counted, so a smaller share holds sends
  // back until the recent ones have left the window (see SlidingWindow.setLimits).
  private applyShare(now: number): void {
    const divisor = this.share.divisor(now);
    if (divisor === this.divisor) return;
    this.divisor = divisor;
    this.global.setLimits(divideWindows(this.globalWindows, divisor));
    const perConversation = divideWindows(CONVERSATION_WINDOWS, divisor);
    for (const window of this.conversations.values()) window.setLimits(perConversation);
  }
}
