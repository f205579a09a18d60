import type { Clock } from '../../src/domain/shared/clock';

/** A clock that stands still until a test moves it. */
export class FakeClock implements Clock {
  private time: number;

  /** Starts at `start` (an ISO time or a Date). */
  constructor(start: string | Date) {
    this.time = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  /** Jumps to an ISO time. */
  set(iso: string): this {
    this.time = Date.parse(iso);
    return this;
  }

  /** Moves on by `ms`. */
  advance(ms: number): this {
    this.time += ms;
    return this;
  }
}
