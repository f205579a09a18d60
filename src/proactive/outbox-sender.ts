import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { ConversationStore, DeliveryAddress } from '../domain/channels/conversations';
import type { RosterStore } from '../domain/channels/rosters';
import {
  entryKeyOf,
  measurePayloadBytes,
  PAYLOAD_BUDGET_BYTES,
  type OutboxEntry,
  type OutboxStore,
} from '../domain/outbox/outbox';
import type { Logger } from '../logging/create-logger';
import {
  CircuitBreaker,
  classifyOutage,
  DEFAULT_BREAKER_SETTINGS,
  type BreakerSettings,
  type BreakerState,
} from './circuit-breaker';
import type { ConnectorClient, ConnectorResult } from './connector-client';
import type { RateLimiter, SendPermit } from './rate-limiter';
import { reachPerson, type ReachDeps } from './reach-person';
import { resolveTarget } from './resolve-target';
import { classifySend, observeOutboxBacklog, recordSend } from '../telemetry/metrics';
import { SPANS, startSpan, type SpanScope } from '../telemetry/spans';

/** How the sender behaves; the defaults suit Teams. */
export interface SenderSettings {
  /** How long a claim lasts; a sender that dies mid-send is taken over after this. */
  leaseMs: number;
  /**
   * How often to look for due entries when idle. Entries this instance queues wake the sender at
   * once (wake()), so the poll only finds other instances' entries and retries that fell due.
   */
  pollMs: number;
  /** Sends in flight at once (each still waits for the global rate limit). */
  concurrency: number;
  /**
   * Entries held in memory waiting for their conversation's rate window (or a paused sender):
   * they hold no concurrency slot, so one busy channel cannot starve the others.
   */
  maxWaiting: number;
  /**
   * Failures (412/5xx/network) before giving up, counted since the entry was last sent. 429s
   * wait as Teams asks, 401s wait for the operator, and failures during an outage (the breaker
   * open) do not count.
   */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /**
   * Wait before the first send. Teams counts the global limit per app, and a restarted instance
   * does not know what its predecessor sent in the last second: waiting out that window keeps
   * the two from adding up.
   */
  warmupMs: number;
  /** When an outage pauses the whole sender. */
  breaker: BreakerSettings;
}

/** Defaults: a 15 s lease keeps the duplicate window after a crash short without cutting off slow sends. */
export const DEFAULT_SENDER_SETTINGS: SenderSettings = {
  leaseMs: 15_000,
  // Each look is a few storage reads (billed as transactions on Azure): at 200 ms an idle
  // instance made five a second, and presses' card refreshes a third of a press's reads.
  pollMs: 1_000,
  concurrency: 32,
  maxWaiting: 512,
  maxAttempts: 8,
  backoffBaseMs: 1_000,
  backoffCapMs: 60_000,
  warmupMs: 1_000,
  breaker: DEFAULT_BREAKER_SETTINGS,
};

// A send on a chat just found needs this much of its claim left, or it waits for the next try.
const LEASE_MARGIN_MS = 3_000;

// How long an update waits for the post it changes to be sent.
const POST_WAIT_MS = 2_000;

/** Is the sender sending, or paused by an outage (and why)? For logs and delivery health. */
export interface SenderHealth {
  paused: boolean;
  reason?: 'server' | 'network' | 'auth';
  /** When the pause began and when the next probe goes (ISO times). */
  since?: string;
  probeAt?: string;
  /** The last error that paused it, as the connector said it. */
  lastError?: string;
}

function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 412 || status >= 500;
}

/** An entry's place among those to the same target: wait for `prior`, call `arrived` once in line. */
interface InOrder {
  prior: Promise<void>;
  arrived: () => void;
}

/**
 * Works the outbox: claims due entries (ETag-conditional, so several instances can run side by
 * side), sends them within Teams' limits, and records what happened.
 */
export class OutboxSender {
  readonly senderId = `sender-${randomUUID().slice(0, 8)}`;
  // Everything being worked on, waiting ones included (bounded by maxWaiting).
  private readonly inFlight = new Map<string, Promise<void>>();
  // When each entry held in inFlight was queued (ms since the epoch): the backlog gauges read it.
  private readonly queuedAt = new Map<string, number>();
  private unobserve: (() => void) | undefined;
  // Concurrency slots: taken only once the entry's conversation may be sent to.
  private active = 0;
  private readonly slotWaiters: (() => void)[] = [];
  // Per conversation, the tail of the line of entries waiting for its window.
  private readonly lines = new Map<string, Promise<void>>();
  // Per target, the last entry taken from storage that has not yet joined its conversation's line:
  // reading a post id or a conversation reference takes a storage call of varying length, so
  // without this a later entry could overtake an earlier one to the same channel.
  private readonly arrivals = new Map<string, Promise<void>>();
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  // Set by wake(): something was queued since the last look, so the next idle wait is skipped.
  private woken = false;
  private endIdle: (() => void) | undefined;
  private readonly breaker: CircuitBreaker;
  private lastOutageError: string | undefined;

  constructor(
    private readonly deps: {
      outbox: OutboxStore;
      conversations: ConversationStore;
      client: ConnectorClient;
      limiter: RateLimiter;
      logger: Logger;
      now: () => Date;
      /** The team rosters: how a person who never opened the bot is found (none: not reached). */
      rosters?: Pick<RosterStore, 'getPerson'>;
      /** Installing the app for a person through Graph, when an administrator enabled it. */
      graph?: ReachDeps['graph'];
    },
    private readonly settings: SenderSettings = DEFAULT_SENDER_SETTINGS,
  ) {
    this.breaker = new CircuitBreaker(settings.breaker, () => deps.now().getTime());
    // Every waiting entry listens for the stop while it pauses (and removes its listener after).
    setMaxListeners(settings.maxWaiting + 16, this.abort.signal);
  }

  /** Whether an outage has paused sending, for delivery health. */
  health(): SenderHealth {
    const state = this.breaker.current();
    if (!state.open) return { paused: false };
    return {
      paused: true,
      ...(state.kind ? { reason: state.kind } : {}),
      ...(state.since ? { since: new Date(state.since).toISOString() } : {}),
      ...(state.until ? { probeAt: new Date(state.until).toISOString() } : {}),
      ...(this.lastOutageError ? { lastError: this.lastOutageError } : {}),
    };
  }

  /** What this sender holds, from memory (no storage read): for the outbox gauges. */
  backlog(): { depth: number; oldestQueuedAt: number | undefined } {
    let oldest: number | undefined;
    for (const at of this.queuedAt.values()) if (oldest === undefined || at < oldest) oldest = at;
    return { depth: this.inFlight.size, oldestQueuedAt: oldest };
  }

  /** Looks for due entries now rather than at the next poll: this instance has just queued some. */
  wake(): void {
    this.woken = true;
    this.endIdle?.();
  }

  /** Starts the loop in the background. */
  start(): void {
    this.unobserve ??= observeOutboxBacklog(() => this.backlog());
    this.running ??= this.loop();
  }

  /** Stops claiming new work and waits for sends in flight to finish. */
  async stop(): Promise<void> {
    this.unobserve?.();
    this.abort.abort();
    for (const wake of this.slotWaiters.splice(0)) wake();
    await this.running;
    await Promise.allSettled(this.inFlight.values());
  }

  private async loop(): Promise<void> {
    const { logger } = this.deps;
    await this.pause(this.settings.warmupMs);
    while (!this.abort.signal.aborted) {
      try {
        const room = this.settings.maxWaiting - this.inFlight.size;
        // Entries already wait for a slot: there is work enough, and reading more (each read
        // leaving out every held entry) would only load storage while the slots are busy.
        if (room <= 0 || this.slotWaiters.length > 0) {
          await Promise.race([...this.inFlight.values(), this.pause(this.settings.pollMs)]);
          continue;
        }
        // Cleared before the read: an entry queued while it runs wakes the next look at once.
        this.woken = false;
        // Entries already held here are left out in storage, so a busy conversation's backlog
        // does not fill every read and hide the quiet conversations queued behind it.
        const due = await this.deps.outbox
          .listDue(
            this.deps.now(),
            Math.min(room, this.settings.concurrency * 2),
            new Set(this.inFlight.keys()),
          )
          .then((list) => list.filter((e) => !this.inFlight.has(keyOf(e))));
        for (const entry of due.slice(0, room)) {
          const key = keyOf(entry);
          const order = this.arriveInOrder(JSON.stringify(entry.target));
          const work = this.process(entry, order)
            .catch((error: unknown) =>
              logger.error(
                { err: error, jobId: entry.jobId, dedupeKey: entry.dedupeKey },
                'outbox entry failed unexpectedly; it will be retried after its lease',
              ),
            )
            .finally(() => {
              order.arrived();
              this.inFlight.delete(key);
              this.queuedAt.delete(key);
            });
          this.inFlight.set(key, work);
          this.queuedAt.set(key, Date.parse(entry.createdAt) || Date.now());
        }
        // An outage holds the whole sender: being woken does not cut its pause short.
        if (this.breaker.current().open) await this.pause(this.settings.pollMs);
        else if (due.length === 0) await this.idle(this.settings.pollMs);
        else await this.pause(5);
      } catch (error) {
        logger.warn({ err: error }, 'outbox poll failed; trying again shortly');
        await this.pause(1_000);
      }
    }
  }

  /**
   * Entries to one target join their conversation's line in the order storage gave them (queue
   * order): each waits for the one before it to join (or finish) first.
   */
  private arriveInOrder(targetKey: string): InOrder {
    const prior = this.arrivals.get(targetKey) ?? Promise.resolve();
    let arrived: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (arrived = resolve));
    const tail = prior.then(() => mine);
    this.arrivals.set(targetKey, tail);
    void tail.then(() => {
      if (this.arrivals.get(targetKey) === tail) this.arrivals.delete(targetKey);
    });
    return { prior, arrived };
  }

  private async process(waiting: OutboxEntry, order: InOrder): Promise<void> {
    const { outbox, now } = this.deps;
    const due = await this.resolveActivity(waiting);
    if (!due) return;
    // Entries that cannot be sent fail at once (a claim first, so only one sender records it).
    if (due.payload && measurePayloadBytes(due.payload) > PAYLOAD_BUDGET_BYTES) {
      const entry = await this.claim(due);
      if (entry)
        await outbox.markFailed(
          entry,
          { reason: 'payload_too_large', detail: `${measurePayloadBytes(due.payload)} bytes` },
          now(),
        );
      return;
    }
    const target = await resolveTarget(due.target, this.deps.conversations);
    if (!target) {
      const entry = await this.claim(due);
      if (entry) await outbox.markFailed(entry, { reason: 'no_conversation_reference' }, now());
      return;
    }
    if (target.kind === 'reachPerson') {
      await this.reachAndSend(due, target.userAadObjectId, order);
      return;
    }
    if (target.kind === 'createPersonal') {
      const key = `create:${target.userId}`;
      const created = await this.claimAndCall(
        due,
        key,
        order,
        () =>
          this.deps.client.createPersonalConversation(
            target.serviceUrl,
            target.botId,
            target.userId,
            target.tenantId,
          ),
        'create',
      );
      if (!created) return;
      const { entry, result, span } = created;
      await this.finishSend(span, async () => {
        if (result.status < 200 || result.status >= 300 || !result.id) {
          await this.record(entry, result, key);
          return;
        }
        const address = {
          serviceUrl: target.serviceUrl,
          tenantId: target.tenantId,
          botId: target.botId,
          conversationId: result.id,
        };
        // Still ours: the claim was made moments ago, and a new chat's windows are empty.
        const sent = await this.call(
          entry,
          address.conversationId,
          () => this.deps.client.sendToConversation(address, entry.payload ?? {}),
          { span, kind: entry.kind },
        );
        if (sent) await this.record(entry, sent, address.conversationId);
      });
      return;
    }
    const { address } = target;
    const done = await this.claimAndCall(due, address.conversationId, order, (entry) => {
      switch (entry.kind) {
        case 'send':
          return this.deps.client.sendToConversation(address, entry.payload ?? {});
        case 'update':
          return this.deps.client.updateActivity(
            address,
            entry.activityId ?? '',
            entry.payload ?? {},
          );
        case 'delete':
          return this.deps.client.deleteActivity(address, entry.activityId ?? '');
      }
    });
    if (done)
      await this.finishSend(done.span, () =>
        this.record(done.entry, done.result, address.conversationId),
      );
  }

  /** Records a send's outcome inside its span (so the log lines carry its ids), then ends it. */
  private async finishSend(span: SpanScope, work: () => Promise<void>): Promise<void> {
    try {
      await span.within(work);
    } catch (error) {
      span.fail(error instanceof Error ? error.name : 'Error');
      throw error;
    } finally {
      span.end();
    }
  }

  /** One Bot Connector call's outcome, on the send's span and in the send counters. */
  private noteCall(span: SpanScope, kind: string, result: ConnectorResult): void {
    const outcome = classifySend(result.status);
    span.set({
      'http.response.status_code': result.status,
      'arb.outcome': outcome,
      'arb.retry_after_s': result.retryAfterSeconds,
    });
    if (outcome !== 'sent') span.fail(outcome);
    recordSend(outcome, kind);
  }

  /**
   * A 1:1 message to someone with no stored personal chat: reaches them through the rosters (and
   * Graph, when enabled) under the entry's claim, then sends; when there is no way to them the
   * entry fails as "not reachable 1:1", with why, for delivery health. Passing failures (429,
   * 5xx, network) wait and are tried again like any send's.
   */
  private async reachAndSend(due: OutboxEntry, userAadObjectId: string, order: InOrder) {
    const { now, rosters, conversations, client, graph } = this.deps;
    let claimed: OutboxEntry | undefined;
    let span: SpanScope | undefined;
    let key = `reach:${userAadObjectId}`;
    const outcome = rosters
      ? await reachPerson(
          { rosters, conversations, client, now, ...(graph ? { graph } : {}) },
          userAadObjectId,
          async (conversationKey, call) => {
            key = conversationKey;
            const done = await this.claimAndCall(due, conversationKey, order, call, 'create');
            claimed = done?.entry;
            span?.end();
            span = done?.span;
            return done?.result;
          },
        )
      : { kind: 'unreachable' as const, detail: 'They have never opened the bot.' };
    if (!outcome) {
      span?.end();
      return;
    }
    // Found unreachable before any call to Teams: claimed only now, so one sender records it.
    claimed ??= await this.claim(due);
    if (!claimed) {
      span?.end();
      return;
    }
    const entry = claimed;
    const sendSpan = span ?? this.startSendSpan(entry);
    await this.finishSend(sendSpan, () => this.concludeReach(entry, outcome, key, sendSpan));
  }

  /** One span per send, from the claim to the recorded outcome; nothing on it names the recipient. */
  private startSendSpan(entry: OutboxEntry): SpanScope {
    return startSpan(
      SPANS.send,
      {
        'arb.outbox_kind': entry.kind,
        'arb.target_kind': entry.target.kind,
        'arb.job_id': entry.jobId,
        'arb.attempt': entry.attempts,
      },
      'client',
    );
  }

  /** Records how reaching a person ended: failed, waiting, or reached and sent. */
  private async concludeReach(
    entry: OutboxEntry,
    outcome: Exclude<Awaited<ReturnType<typeof reachPerson>>, undefined>,
    key: string,
    span: SpanScope,
  ): Promise<void> {
    const { outbox, now, logger } = this.deps;
    switch (outcome.kind) {
      case 'unreachable':
        await outbox.markFailed(
          entry,
          {
            reason: 'not_reachable_1to1',
            ...(outcome.status ? { status: outcome.status } : {}),
            detail: outcome.detail,
          },
          now(),
        );
        return;
      case 'wait':
        if (outcome.source === 'teams') await this.record(entry, outcome.result, key);
        else await this.waitForGraph(entry, outcome.result);
        return;
      case 'reached':
        logger.info(
          { jobId: entry.jobId, route: outcome.route },
          outcome.route === 'graph'
            ? 'installed the app for a person through Graph to reach them 1:1'
            : 'started a 1:1 chat with a person from the team roster',
        );
        await this.sendReached(entry, outcome.address, span);
    }
  }

  /** Sends on a chat just found, unless the claim is nearly spent (the next try sends on it). */
  private async sendReached(
    entry: OutboxEntry,
    address: DeliveryAddress,
    span: SpanScope,
  ): Promise<void> {
    const { outbox, now } = this.deps;
    // Graph calls may have used much of the lease: past this, another sender could take the
    // entry over while it is being sent, and the person would get it twice.
    if (Date.parse(entry.leaseUntil ?? '') - now().getTime() < LEASE_MARGIN_MS) {
      await outbox.markRetry(entry, now(), 'reached 1:1; sending on the next try');
      return;
    }
    const sent = await this.call(
      entry,
      address.conversationId,
      () => this.deps.client.sendToConversation(address, entry.payload ?? {}),
      { span, kind: entry.kind },
    );
    if (sent) await this.record(entry, sent, address.conversationId);
  }

  /**
   * A passing Graph failure: a 429 waits as Graph asks (not counted, as for Teams' 429s); a 5xx,
   * timeout or network failure backs off and counts, and after the last try the person is "not
   * reachable 1:1" with what Graph said.
   */
  private async waitForGraph(entry: OutboxEntry, result: ConnectorResult): Promise<void> {
    const { outbox, now } = this.deps;
    const at = now();
    // Status first, as for Teams' errors: delivery health reads it to say why entries wait.
    const said = `${result.status || 'network'} from Microsoft Graph ${result.error ?? ''}`.trim();
    if (result.status === 429) {
      await outbox.markRetry(
        entry,
        new Date(at.getTime() + (result.retryAfterSeconds ?? 1) * 1_000),
        said,
      );
      return;
    }
    const failures = (entry.failures ?? 0) + 1;
    if (failures >= this.settings.maxAttempts) {
      await outbox.markFailed(
        entry,
        {
          reason: 'not_reachable_1to1',
          ...(result.status ? { status: result.status } : {}),
          detail: `Microsoft Graph kept failing while installing the app for them (${said}).`,
        },
        at,
      );
      return;
    }
    await outbox.markRetry(entry, new Date(at.getTime() + this.backoff(failures)), said, {
      countFailure: true,
    });
  }

  /**
   * An update or delete of a message posted by another entry needs that message's activity id:
   * it waits while the post is still queued, and fails if the post failed, never existed, or was
   * sent without an id (it would otherwise re-queue every two seconds for ever).
   */
  private async resolveActivity(entry: OutboxEntry): Promise<OutboxEntry | undefined> {
    if (entry.kind === 'send' || entry.activityId || !entry.activityOf) return entry;
    const { outbox, now } = this.deps;
    const posted = await outbox.getEntry(entry.jobId, entry.activityOf);
    if (posted?.state === 'sent' && posted.sentActivityId)
      return { ...entry, activityId: posted.sentActivityId };
    if (posted && posted.state !== 'failed' && posted.state !== 'sent') {
      await outbox.markRetry(
        entry,
        new Date(now().getTime() + POST_WAIT_MS),
        'waiting for the message to be posted first',
      );
      return undefined;
    }
    const claimed = await this.claim(entry);
    if (claimed)
      await outbox.markFailed(
        claimed,
        {
          reason: 'activity_not_found',
          // Sent without an id (Teams gave none): waiting cannot help, so it is reported now.
          detail:
            posted?.state === 'sent'
              ? 'the message was posted, but Teams gave no id to change it by'
              : posted
                ? 'the message to change was never posted'
                : 'no such message was queued',
        },
        now(),
      );
    return undefined;
  }

  /**
   * Waits for its turn first and claims the entry only then, right before the call: a claim held
   * while waiting for a busy conversation could outlive its lease, and another sender would then
   * send the same message.
   */
  private async claimAndCall(
    due: OutboxEntry,
    conversationKey: string,
    order: InOrder,
    call: (entry: OutboxEntry) => Promise<ConnectorResult>,
    /** What the call is, for the send counters: the entry's kind, or `create` (a 1:1 chat). */
    callKind?: string,
  ): Promise<{ entry: OutboxEntry; result: ConnectorResult; span: SpanScope } | undefined> {
    await order.prior;
    // takeTurn joins the conversation's line before its first await; the next entry may follow.
    const turning = this.takeTurn(conversationKey);
    order.arrived();
    const turn = await turning;
    if (!turn) return undefined; // stopping: the entry stays as it was, for the next sender
    const { probe, leaveLine } = turn;
    let entry: OutboxEntry | undefined;
    let permit: SendPermit | undefined;
    try {
      entry = await this.claim(due);
      // The global permit is taken after the claim, not before: a send holds its place in the
      // rate windows from its permit until a second after it is answered, and holding it through
      // the claim's storage round trip too cut the fan-out to three quarters of the cap. The wait
      // is usually short (the cap frees a place within a second); it is bounded by the claim's
      // lease all the same, and without a permit the claim is handed back unsent.
      if (entry) permit = await this.permitUnderClaim(entry, conversationKey);
    } finally {
      if (!entry || !permit) {
        if (probe) this.breaker.release();
        this.freeSlot();
        leaveLine();
      }
    }
    if (!entry || !permit) return undefined;
    // The caller ends the span, once the outcome is recorded.
    const claimed = entry;
    const span = this.startSendSpan(claimed);
    try {
      const result = await span
        .within(() => call(claimed))
        .catch((error: unknown): ConnectorResult => ({
          status: 0,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }));
      this.observe(result, probe);
      this.noteCall(span, callKind ?? claimed.kind, result);
      return { entry: claimed, result, span };
    } catch (error) {
      span.end();
      throw error;
    } finally {
      permit.done();
      this.freeSlot();
      leaveLine();
    }
  }

  /**
   * Waits, in line with the other entries for the same conversation and without a concurrency
   * slot, until the conversation's windows allow a send; then takes a slot and waits out any
   * outage pause (the rate-limiter permit comes after the claim). The caller must free the slot and leave
   * the line once its call is answered: the next message to the conversation is sent only then,
   * so Teams receives a conversation's messages in the order they were queued.
   */
  private async takeTurn(
    conversationKey: string,
  ): Promise<{ probe: boolean; leaveLine: () => void } | undefined> {
    const signal = this.abort.signal;
    const leaveLine = await this.joinLine(conversationKey);
    let inLine = true;
    try {
      for (;;) {
        if (signal.aborted) return undefined;
        const wait = this.deps.limiter.conversationWait(conversationKey);
        if (wait <= 0) break;
        await this.pause(Math.min(wait, 250));
      }
      if (!(await this.takeSlot())) return undefined;
      let probe = false;
      for (;;) {
        if (signal.aborted) {
          this.freeSlot();
          return undefined;
        }
        const admitted = this.breaker.admit();
        if (admitted) {
          probe = admitted === 'probe';
          break;
        }
        await this.pause(Math.min(Math.max(this.breaker.waitFor(), 10), 250));
      }
      inLine = false;
      return { probe, leaveLine };
    } finally {
      if (inLine) leaveLine();
    }
  }

  /** Queues behind earlier entries for the same conversation; returns how to leave the line. */
  private async joinLine(conversationKey: string): Promise<() => void> {
    const before = this.lines.get(conversationKey) ?? Promise.resolve();
    let leave: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (leave = resolve));
    const tail = before.then(() => mine);
    this.lines.set(conversationKey, tail);
    await before;
    return () => {
      leave();
      if (this.lines.get(conversationKey) === tail) this.lines.delete(conversationKey);
    };
  }

  private async takeSlot(): Promise<boolean> {
    while (this.active >= this.settings.concurrency) {
      if (this.abort.signal.aborted) return false;
      // stop() wakes every waiter, so none is left behind.
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    if (this.abort.signal.aborted) return false;
    this.active += 1;
    return true;
  }

  private freeSlot(): void {
    this.active -= 1;
    this.slotWaiters.shift()?.();
  }

  /**
   * One more rate-limited call under a claim (and slot) already held; a network failure becomes
   * status 0. Undefined: no call was made, and the claim was handed back (see permitUnderClaim).
   */
  private async call(
    entry: OutboxEntry,
    conversationId: string,
    call: () => Promise<ConnectorResult>,
    send: { span: SpanScope; kind: string },
  ): Promise<ConnectorResult | undefined> {
    const permit = await this.permitUnderClaim(entry, conversationId);
    if (!permit) return undefined;
    try {
      const result = await call().catch((error: unknown): ConnectorResult => ({
        status: 0,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }));
      this.observe(result, false);
      this.noteCall(send.span, send.kind, result);
      return result;
    } finally {
      permit.done();
    }
  }

  /**
   * The rate limiter's permit for a send under `entry`'s claim, waited for only while the claim
   * has a margin of its lease left. A claim that lapsed while it waited (the share cut to a tenth
   * when heartbeats stall, or a machine too busy to keep up) could be taken over by another
   * sender, and both would send: one duplicate in the two-instance fan-out. Without a permit (the
   * wait ran out, or the sender is stopping) the claim is handed back at once: nothing was sent,
   * so no failure is counted and the next sender does not count it a possible duplicate.
   */
  private async permitUnderClaim(
    entry: OutboxEntry,
    conversationKey: string,
  ): Promise<SendPermit | undefined> {
    const { limiter, outbox, now, logger } = this.deps;
    const margin = Math.min(LEASE_MARGIN_MS, Math.floor(this.settings.leaseMs / 3));
    const until = Date.parse(entry.leaseUntil ?? '');
    const left = () => (Number.isFinite(until) ? until - margin - now().getTime() : Infinity);
    const wait = left();
    let permit: SendPermit | undefined;
    if (wait > 0) {
      // Whole milliseconds: AbortSignal.timeout throws on a fraction.
      const signal = Number.isFinite(wait)
        ? AbortSignal.any([this.abort.signal, AbortSignal.timeout(Math.ceil(wait))])
        : this.abort.signal;
      permit = await limiter.acquire(conversationKey, signal).catch(() => undefined);
    }
    // Checked again: the permit may have come at the last moment, or the clock jumped meanwhile.
    if (permit && left() > 0) return permit;
    permit?.cancel();
    await outbox
      .markRetry(
        entry,
        now(),
        this.abort.signal.aborted
          ? 'the service stopped before this was sent; sending on the next try'
          : 'waited its whole claim for a place under the send rate; sending on the next try',
      )
      .catch((error: unknown) =>
        logger.warn(
          { err: error, jobId: entry.jobId, dedupeKey: entry.dedupeKey },
          'could not hand back an unsent outbox entry; it will be retried after its lease',
        ),
      );
    return undefined;
  }

  /** Tells the breaker how a call went, and logs when sending pauses or resumes. */
  private observe(result: ConnectorResult, probe: boolean): void {
    const { status } = result;
    const kind = status >= 200 && status < 300 ? 'ok' : (classifyOutage(status) ?? 'ok');
    const before = this.breaker.current();
    if (kind !== 'ok') this.lastOutageError = `${status || 'network'} ${result.error ?? ''}`.trim();
    const open = this.breaker.record(kind, probe);
    const after = this.breaker.current();
    if (open && !before.open) this.logPause(after);
    else if (!open && before.open)
      this.deps.logger.info(
        { pausedSince: before.since ? new Date(before.since).toISOString() : undefined },
        'outbox sending resumed: the Bot Connector answers again',
      );
  }

  private logPause(state: BreakerState): void {
    const details = {
      reason: state.kind,
      resumesAt: state.until ? new Date(state.until).toISOString() : undefined,
      lastError: this.lastOutageError,
    };
    if (state.kind === 'auth')
      // An operator problem, not Teams': nothing is given up, but someone must fix the identity.
      this.deps.logger.error(
        details,
        "outbox sending paused: the Bot Connector refuses the bot's token (401). Check MicrosoftAppId, MicrosoftAppPassword (expired secret?) or the managed identity; queued messages wait and go once it is fixed",
      );
    else
      this.deps.logger.warn(
        details,
        'outbox sending paused: most sends fail the same way (Bot Connector outage?); queued messages wait and are not given up',
      );
  }

  private async claim(due: OutboxEntry): Promise<OutboxEntry | undefined> {
    const entry = await this.deps.outbox.claim(
      due,
      this.senderId,
      this.deps.now(),
      this.settings.leaseMs,
    );
    if (entry && entry.takeovers > due.takeovers) {
      this.deps.logger.warn(
        { jobId: entry.jobId, dedupeKey: entry.dedupeKey },
        'took over an entry whose sender stopped mid-send; Teams may receive it twice',
      );
    }
    return entry;
  }

  private async record(
    entry: OutboxEntry,
    result: ConnectorResult,
    conversationId: string,
  ): Promise<void> {
    const { outbox, logger, now, limiter, conversations } = this.deps;
    const at = now();
    const { status } = result;
    if (status >= 200 && status < 300) {
      // The id to keep: the new message's for a send (to update or delete it later), the
      // same message's for an update, none for a delete.
      const activityId =
        entry.kind === 'send' ? result.id : entry.kind === 'update' ? entry.activityId : undefined;
      const sent = await outbox.markSent(
        entry,
        {
          ...(activityId ? { activityId } : {}),
          ...(entry.target.kind === 'user' ? { conversationId } : {}),
        },
        at,
      );
      if (!sent)
        logger.debug(
          { dedupeKey: entry.dedupeKey },
          'sent, but a newer version was queued meanwhile',
        );
      return;
    }
    if (status === 429) {
      const waitMs = (result.retryAfterSeconds ?? 1) * 1_000;
      limiter.pause(conversationId, at.getTime() + waitMs);
      logger.warn(
        { conversationId, retryAfterSeconds: result.retryAfterSeconds },
        'Teams throttled a send (429); waiting as asked',
      );
      await outbox.markRetry(
        entry,
        new Date(at.getTime() + waitMs),
        `429 ${result.error ?? ''}`.trim(),
      );
      return;
    }
    if (status === 401) {
      // Our identity was refused: an operator problem (see the log), never this message's fault.
      await outbox.markRetry(
        entry,
        new Date(at.getTime() + Math.max(this.breaker.waitFor(), this.backoff(entry.attempts))),
        `401 ${result.error ?? ''}`.trim(),
      );
      return;
    }
    if (isRetryable(status)) {
      // While the breaker is open the failure is the outage's, not this message's.
      const paused = this.breaker.current().open;
      const failures = (entry.failures ?? 0) + (paused ? 0 : 1);
      if (!paused && failures >= this.settings.maxAttempts) {
        await outbox.markFailed(
          entry,
          {
            reason: 'gave_up_after_retries',
            ...(status ? { status } : {}),
            detail: result.error ?? '',
          },
          at,
        );
        return;
      }
      const delay = paused
        ? this.breaker.waitFor() + Math.round(Math.random() * this.settings.backoffBaseMs)
        : this.backoff(failures);
      await outbox.markRetry(
        entry,
        new Date(at.getTime() + delay),
        `${status || 'network'} ${result.error ?? ''}`.trim(),
        { countFailure: !paused },
      );
      return;
    }
    const reason =
      status === 403
        ? 'bot_blocked_or_removed'
        : status === 404
          ? entry.kind === 'send'
            ? 'conversation_not_found'
            : 'activity_not_found'
          : 'rejected_by_teams';
    // The conversation first: once the entry shows failed, its channel already shows why.
    if (reason === 'bot_blocked_or_removed' || reason === 'conversation_not_found') {
      await this.markUnhealthy(entry, reason, at, conversations);
    }
    await outbox.markFailed(
      entry,
      { reason, status, ...(result.error ? { detail: result.error } : {}) },
      at,
    );
  }

  private async markUnhealthy(
    entry: OutboxEntry,
    reason: string,
    at: Date,
    conversations: ConversationStore,
  ): Promise<void> {
    const t = entry.target;
    if (t.kind !== 'channel' && t.kind !== 'personal' && t.kind !== 'groupChat') return;
    const record =
      t.kind === 'channel'
        ? await conversations.findChannel(t.teamId, t.channelId)
        : t.kind === 'personal'
          ? await conversations.findPersonal(t.tenantId, t.userAadObjectId)
          : await conversations.findGroupChat(t.conversationId);
    if (!record) return;
    const { kind, lastEvent: _l, updatedAt: _u, ...rest } = record;
    await conversations.saveConversation({
      ...rest,
      kind,
      healthy: false,
      unhealthyReason: reason,
      lastEvent: `send:${reason}`,
      updatedAt: at.toISOString(),
    });
  }

  /** Capped exponential back-off with full jitter, so retries from many senders spread out. */
  private backoff(failures: number): number {
    const ceiling = Math.min(
      this.settings.backoffCapMs,
      this.settings.backoffBaseMs * 2 ** Math.max(0, failures - 1),
    );
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /** Waits for the next poll, or less if wake() is called (or was, since the last look). */
  private idle(ms: number): Promise<void> {
    if (this.woken || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        this.endIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.abort.signal.addEventListener('abort', done, { once: true });
      this.endIdle = done;
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }
}

const keyOf = entryKeyOf;
