/** A failure that says more about the Bot Connector (or our identity) than about one message. */
export type OutageKind = 'server' | 'network' | 'auth';

/** When the breaker opens, and how long it stays open. */
export interface BreakerSettings {
  /** Outcomes older than this are forgotten. */
  windowMs: number;
  /** Failures of one kind needed before it may open (so one unlucky send never pauses anything). */
  minFailures: number;
  /** The share of recent outcomes that must be failures of that kind. */
  failureRatio: number;
  /** First pause; each failed probe doubles it up to `capMs`. */
  baseMs: number;
  capMs: number;
}

/** Defaults: three failures that are at least half of the last minute's sends pause the sender. */
export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  windowMs: 60_000,
  minFailures: 3,
  failureRatio: 0.5,
  baseMs: 2_000,
  capMs: 60_000,
};

/** What the breaker says about the sender now, for logs and delivery health. */
export interface BreakerState {
  open: boolean;
  kind?: OutageKind;
  /** When it opened (ms); kept while it probes. */
  since?: number;
  /** When the next probe may go (ms). */
  until?: number;
  /** Times it opened (or re-opened after a failed probe) since it last closed. */
  openings: number;
}

/**
 * A circuit breaker for the outbox sender. When most recent sends fail the same way (connector
 * 5xx, network errors, 401s), sending more only burns the backlog's tries: it pauses with
 * exponential back-off, then lets one probe through; a probe that succeeds closes it.
 */
export class CircuitBreaker {
  private outcomes: { at: number; kind: OutageKind | 'ok' }[] = [];
  private state: BreakerState = { open: false, openings: 0 };
  private probing = false;

  constructor(
    private readonly settings: BreakerSettings = DEFAULT_BREAKER_SETTINGS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** May a send start now? While open, once per pause (the probe); otherwise not. */
  admit(): 'closed' | 'probe' | false {
    if (!this.state.open) return 'closed';
    if (this.probing || this.clock() < (this.state.until ?? 0)) return false;
    this.probing = true;
    return 'probe';
  }

  /** Hands back an admitted send that was never made (so another may probe). */
  release(): void {
    this.probing = false;
  }

  /** Milliseconds until admit() may say yes (0: now). */
  waitFor(): number {
    if (!this.state.open) return 0;
    if (this.probing) return 50;
    return Math.max(0, (this.state.until ?? 0) - this.clock());
  }

  /** Records how a send went (`probe`: it was admitted as the probe); true when open afterwards. */
  record(kind: OutageKind | 'ok', probe = false): boolean {
    const now = this.clock();
    if (this.state.open) {
      if (!probe) return true; // a send from before it opened: the probe decides
      this.probing = false;
      if (kind === 'ok') this.close();
      else this.open(kind, now);
      return this.state.open;
    }
    this.outcomes.push({ at: now, kind });
    while ((this.outcomes[0]?.at ?? now) < now - this.settings.windowMs) this.outcomes.shift();
    if (kind === 'ok') return false;
    const same = this.outcomes.filter((o) => o.kind === kind).length;
    if (
      same >= this.settings.minFailures &&
      same / this.outcomes.length >= this.settings.failureRatio
    ) {
      this.open(kind, now);
      return true;
    }
    return false;
  }

  /** A copy of the current state. */
  current(): BreakerState {
    return { ...this.state };
  }

  private open(kind: OutageKind, now: number): void {
    const pause = Math.min(this.settings.capMs, this.settings.baseMs * 2 ** this.state.openings);
    this.state = {
      open: true,
      kind,
      since: this.state.since ?? now,
      until: now + pause,
      openings: this.state.openings + 1,
    };
    this.outcomes = [];
  }

  private close(): void {
    this.state = { open: false, openings: 0 };
    this.outcomes = [];
  }
}

/** Which outage a connector status points to, if any (2xx and per-message 4xx point to none). */
export function classifyOutage(status: number): OutageKind | undefined {
  if (status === 0) return 'network';
  if (status === 401) return 'auth';
  if (status === 408 || status >= 500) return 'server';
  return undefined;
}
