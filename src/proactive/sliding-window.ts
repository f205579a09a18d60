/** One limit: at most `limit` sends in any `ms` milliseconds. */
export interface RateWindow {
  limit: number;
  ms: number;
}

/**
 * Sliding-window counters, exact rather than approximate. A send occupies its place in every
 * window from the moment it starts until more than `ms` after it *completes*: Teams counts a
 * request when it arrives, which is between those two moments, so counting this way can never
 * let more requests arrive in a window than the limit, whatever the network does. "More than":
 * the clock reads whole milliseconds, so a completion read as t happened up to 1 ms after t, and
 * a send started when the clock first reads t + ms could arrive less than `ms` after the one
 * before it (a rare 429 from the two-instance fan-out test, at the cap, showed it).
 */
export class SlidingWindow {
  private readonly completed: number[] = [];
  private inFlight = 0;
  private longest: number;

  constructor(private windows: readonly RateWindow[]) {
    this.longest = Math.max(...windows.map((w) => w.ms));
  }

  /**
   * Changes the limits, keeping the sends already counted: a lower limit holds new sends back
   * until the recent ones leave the window, so no window ever sees more than the new limit once
   * a send has started under it.
   */
  setLimits(windows: readonly RateWindow[]): void {
    this.windows = windows;
    this.longest = Math.max(...windows.map((w) => w.ms));
  }

  /** Milliseconds until a send may start (0: now). */
  waitFor(now: number): number {
    this.prune(now);
    let wait = 0;
    for (const { limit, ms } of this.windows) {
      const inWindow = this.countSince(now - ms) + this.inFlight;
      if (inWindow < limit) continue;
      if (this.inFlight >= limit) return Math.max(wait, 10); // wait for a completion
      // The (inWindow - limit + 1)-th oldest completion in the window must leave it.
      const recent = this.completed.slice(this.firstIndexSince(now - ms));
      const leaving = recent[inWindow - limit] ?? now;
      wait = Math.max(wait, leaving + ms - now + 1);
    }
    return wait;
  }

  /** Records the start of a send. */
  start(): void {
    this.inFlight += 1;
  }

  /** Forgets a send that was started but never made (it takes no place in the windows). */
  cancel(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Records the end of a send started with start(), at `at` (ms). */
  finish(at: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    // Completions arrive nearly in order; keep the array sorted for the binary searches.
    let i = this.completed.length;
    while (i > 0 && (this.completed[i - 1] as number) > at) i -= 1;
    this.completed.splice(i, 0, at);
  }

  /** True when nothing is in flight or remembered (the window can be forgotten). */
  isIdle(now: number): boolean {
    this.prune(now);
    return this.inFlight === 0 && this.completed.length === 0;
  }

  private countSince(from: number): number {
    return this.completed.length - this.firstIndexSince(from);
  }

  // The first completion at or after `from`: one read as exactly `from` is still in the window.
  private firstIndexSince(from: number): number {
    let lo = 0;
    let hi = this.completed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.completed[mid] as number) >= from) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private prune(now: number): void {
    const drop = this.firstIndexSince(now - this.longest);
    if (drop > 0) this.completed.splice(0, drop);
  }
}
