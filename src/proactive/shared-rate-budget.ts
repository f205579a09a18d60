import type { InstanceRegistry } from '../domain/jobs/instances';
import type { Logger } from '../logging/create-logger';
import type { RateShare } from './rate-limiter';

/** How often instances write their heartbeats; every other period follows from it. */
export interface BudgetTimings {
  heartbeatMs: number;
}

/** A heartbeat every three seconds: a joining instance waits about 7.5 s before its first send. */
export const DEFAULT_BUDGET_TIMINGS: BudgetTimings = { heartbeatMs: 3_000 };

/**
 * While this instance cannot keep its heartbeat (storage trouble), it divides the limits at
 * least this many ways: the others may no longer count it, so whatever it sends comes on top of
 * their shares; a tenth keeps that overrun small (5/s at the default cap) and Teams' 429s, if
 * any, are waited out.
 */
export const FALLBACK_DIVISOR = 10;

// Teams' global window is one second: a share lowered this long ago has cleared it.
const WINDOW_MS = 1_000;
// Slack for a timer firing late and a read in flight.
const MARGIN_MS = 500;
// Rows this old are from instances long gone; any instance deletes them.
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * This instance's share of Teams' rate limits (which Teams counts per bot, not per instance).
 * Every instance writes a heartbeat row every `heartbeatMs` and reads everyone's; it divides the
 * limits by the instances whose heartbeat storage wrote within the last three periods (by the
 * storage service's clock), itself included.
 *
 * Why this never adds up to more than the cap:
 * - a share is used only while the read it came from started less than two periods ago (each
 *   instance reads every period), and only while this instance's own heartbeat is that fresh
 *   (the others count it for three periods);
 * - an instance that finds others running when it registers sends nothing for two periods and
 *   one window after its write: by then every other instance's share in force came from a read
 *   that started after that write, so it counts the newcomer, and the sends made under its
 *   earlier, larger share have left Teams' one-second window. Of two instances registering at
 *   once, the later writer always sees the earlier one (its read starts after its own write,
 *   which ends after the earlier's), so at most one of them starts at once;
 * - a lower share holds sends back until the window has room under it (SlidingWindow), and a
 *   stopping instance marks its row stopped only after its last send, and is still counted for
 *   one more window;
 * - an instance that cannot write or read its heartbeat falls back to dividing by
 *   FALLBACK_DIVISOR (or more), never to the whole cap.
 */
export class SharedRateBudget implements RateShare {
  private readonly heartbeatMs: number;
  private readonly liveMs: number;
  private readonly validMs: number;
  private readonly settleMs: number;
  private readonly startedAt: number;
  private lastWrite: number | undefined;
  private lastRead: number | undefined;
  private live = 1;
  private holdUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly deps: {
      registry: InstanceRegistry;
      instanceId: string;
      logger: Logger;
      /** This process's clock, in ms (never compared with another instance's). */
      clock?: () => number;
    },
    timings: BudgetTimings = DEFAULT_BUDGET_TIMINGS,
  ) {
    this.liveMs = 3 * timings.heartbeatMs;
    this.validMs = 2 * timings.heartbeatMs;
    this.settleMs = 2 * timings.heartbeatMs + WINDOW_MS + MARGIN_MS;
    this.heartbeatMs = timings.heartbeatMs;
    this.startedAt = this.now();
  }

  /** Writes the first heartbeat now and then one every period, until stop(). */
  start(): void {
    const tick = async () => {
      this.beating = this.beat();
      await this.beating;
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.heartbeatMs).unref();
    };
    void tick();
  }

  /** Stops the heartbeat and marks this instance stopped (call once its sends are over). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.beating;
    try {
      await this.deps.registry.markStopped(this.deps.instanceId, new Date());
    } catch (error) {
      // The row simply ages out: the others take up the share three periods later.
      this.deps.logger.warn(
        { err: error },
        'could not mark this instance stopped; the others take up its send rate shortly',
      );
    }
  }

  divisor(now: number): number {
    const fresh = (at: number | undefined) => at !== undefined && now - at <= this.validMs;
    if (fresh(this.lastWrite) && fresh(this.lastRead)) return this.live;
    // Before the first heartbeat has been read (see waitFor), or with storage failing.
    return Math.max(FALLBACK_DIVISOR, this.live + 1);
  }

  waitFor(now: number): number {
    // Nothing is sent until the first heartbeat is read (milliseconds, normally), unless storage
    // keeps failing for longer than a newcomer would wait anyway: then the fallback share applies.
    if (this.lastRead === undefined) return Math.max(0, this.startedAt + this.settleMs - now);
    return Math.max(0, this.holdUntil - now);
  }

  /** How many instances share the limits, as last read (this one included). */
  instances(): number {
    return this.live;
  }

  /** One heartbeat: write this instance's row, then read everyone's. */
  async beat(): Promise<void> {
    const { registry, instanceId, logger } = this.deps;
    try {
      await registry.beat(instanceId, new Date());
      const wroteAt = this.now();
      // Not counted by the others any more (or never yet): it joins again.
      const joining = this.lastWrite === undefined || wroteAt - this.lastWrite > this.liveMs;
      this.lastWrite = wroteAt;
      const readAt = this.now();
      const rows = await registry.list();
      const mine = rows.find((r) => r.instanceId === instanceId);
      if (!mine) throw new Error('this instance’s heartbeat row is missing after writing it');
      // Ages on the storage service's clock: this row was written moments ago.
      const serverNow = mine.writtenAt;
      const others = rows.filter(
        (r) =>
          r.instanceId !== instanceId &&
          serverNow - r.writtenAt < (r.stopped ? WINDOW_MS + MARGIN_MS : this.liveMs),
      );
      const live = 1 + others.length;
      if (live !== this.live)
        logger.info(
          { instances: live, instanceId },
          'instances sharing the Teams send rate changed',
        );
      this.live = live;
      this.lastRead = readAt;
      if (joining && others.length > 0) this.holdUntil = wroteAt + this.settleMs;
      if (this.failing) logger.info({ instanceId }, 'instance heartbeat written again');
      this.failing = false;
      for (const r of rows)
        if (r.instanceId !== instanceId && serverNow - r.writtenAt > FORGET_AFTER_MS)
          void registry.remove(r.instanceId).catch(() => undefined);
    } catch (error) {
      if (!this.failing)
        logger.warn(
          { err: error, instanceId },
          'could not write or read the instance heartbeat; sending at a reduced rate until it works again',
        );
      this.failing = true;
    }
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }
}
