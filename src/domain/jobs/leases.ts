/**
 * A named lease: while `until` is in the future only `holder` may do the work it guards (the
 * scheduler's leader lease lets one instance run scheduled jobs).
 */
export interface Lease {
  name: string;
  holder: string;
  /** When it lapses unless renewed (UTC, ISO). */
  until: string;
  /** When the current holder first took it. */
  acquiredAt: string;
  /** Opaque concurrency token from storage. */
  etag?: string;
}

/** Port: leases kept in storage, taken and renewed only with conditional writes. */
export interface LeaseStore {
  /**
   * Takes the lease for `holder` (when free or lapsed) or renews it (when `holder` has it), for
   * `durationMs` from `now`. Undefined when someone else holds it or won a race for it.
   */
  acquire(name: string, holder: string, now: Date, durationMs: number): Promise<Lease | undefined>;
  /** Lets the lease go at once if `holder` has it, so another instance need not wait for it to lapse. */
  release(name: string, holder: string, now: Date): Promise<void>;
  /** The lease as stored, or undefined. */
  get(name: string): Promise<Lease | undefined>;
}

/** True when `holder` may take or renew `lease` at `now`: it is free, lapsed, or already theirs. */
export function mayTakeLease(lease: Lease | undefined, holder: string, now: Date): boolean {
  return !lease || lease.holder === holder || Date.parse(lease.until) <= now.getTime();
}
