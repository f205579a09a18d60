import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';

/** Metric names, as Application Insights lists them under customMetrics. */
export const METRICS = {
  presses: 'arb.presses',
  sends: 'arb.outbox.sends',
  throttled: 'arb.outbox.throttled',
  outboxDepth: 'arb.outbox.depth',
  outboxOldestAge: 'arb.outbox.oldest_age',
  jobDuration: 'arb.job.duration',
  projectionLag: 'arb.counts.projection_lag',
} as const;

/** What a status press came to: the three results of a write, or why it was refused. */
export type PressOutcome =
  'changed' | 'unchanged' | 'repeat' | 'conflict' | 'forbidden' | 'invalid' | 'failed';

/** What one outbound send came to, from its HTTP status. */
export type SendOutcome = 'sent' | 'throttled' | 'unauthorised' | 'transient' | 'rejected';

/** What a sender knows, without reading storage, about the outbox entries it holds. */
export interface OutboxBacklog {
  /** Due entries held in memory (waiting for their turn or being sent). */
  depth: number;
  /** When the oldest of them was queued (ms since the epoch); undefined when none is held. */
  oldestQueuedAt: number | undefined;
}

interface Instruments {
  presses: Counter;
  sends: Counter;
  throttled: Counter;
  jobDuration: Histogram;
  projectionLag: Histogram;
  gauges: ObservableGauge[];
}

// Undefined while telemetry is off: every record below is then a cheap no-op. The metrics API
// has no proxy for a provider registered later, so instruments are made when telemetry starts.
let instruments: Instruments | undefined;
const backlogs = new Set<() => OutboxBacklog>();

/** Creates the instruments on the meter of the provider just started. */
export function activateMetrics(meter: Meter): void {
  const depth = meter.createObservableGauge(METRICS.outboxDepth, {
    description: 'Due outbox entries this instance holds, waiting or being sent (at most 512).',
    unit: '{entry}',
  });
  const age = meter.createObservableGauge(METRICS.outboxOldestAge, {
    description: 'How long the oldest outbox entry this instance holds has been queued.',
    unit: 's',
  });
  // Read from the senders' memory at each collection: no storage call per scrape.
  depth.addCallback((result) => {
    let total = 0;
    for (const read of backlogs) total += read().depth;
    result.observe(total);
  });
  age.addCallback((result) => {
    let oldest: number | undefined;
    for (const read of backlogs) {
      const at = read().oldestQueuedAt;
      if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
    }
    result.observe(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1_000));
  });
  instruments = {
    presses: meter.createCounter(METRICS.presses, {
      description: 'Status button presses, by outcome.',
      unit: '{press}',
    }),
    sends: meter.createCounter(METRICS.sends, {
      description: 'Calls to the Bot Connector for outbox entries, by outcome.',
      unit: '{call}',
    }),
    throttled: meter.createCounter(METRICS.throttled, {
      description: 'Sends Teams answered with 429 (throttled).',
      unit: '{call}',
    }),
    jobDuration: meter.createHistogram(METRICS.jobDuration, {
      description: 'How long scheduled job runs took, by job and outcome.',
      unit: 's',
    }),
    projectionLag: meter.createHistogram(METRICS.projectionLag, {
      description: "Time from a press's change mark to its organisation's counts being written.",
      unit: 's',
    }),
    gauges: [depth, age],
  };
}

/** Drops the instruments (telemetry stopped); records become no-ops again. */
export function deactivateMetrics(): void {
  instruments = undefined;
}

/** Counts one status press. */
export function recordPress(outcome: PressOutcome): void {
  instruments?.presses.add(1, { outcome });
}

/** Counts one Bot Connector call for an outbox entry, and a 429 separately. */
export function recordSend(outcome: SendOutcome, kind: string): void {
  instruments?.sends.add(1, { outcome, kind });
  if (outcome === 'throttled') instruments?.throttled.add(1, { kind });
}

/** Records how long a job run took. */
export function recordJobDuration(job: string, outcome: string, ms: number): void {
  instruments?.jobDuration.record(ms / 1_000, { job, outcome });
}

/** Records how far behind a press its organisation's counts were written. */
export function recordProjectionLag(ms: number): void {
  instruments?.projectionLag.record(ms / 1_000);
}

/** Lets the outbox gauges read a sender's backlog; returns how to stop. */
export function observeOutboxBacklog(read: () => OutboxBacklog): () => void {
  backlogs.add(read);
  return () => backlogs.delete(read);
}

/** The outcome of a Bot Connector call, from its HTTP status (0: no answer). */
export function classifySend(status: number): SendOutcome {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 429) return 'throttled';
  if (status === 401) return 'unauthorised';
  if (status === 0 || status === 408 || status === 412 || status >= 500) return 'transient';
  return 'rejected';
}
