/** Port: where "now" comes from. Tests pass a clock they move by hand instead of waiting. */
export interface Clock {
  now(): Date;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => new Date() };
