import { randomUUID } from 'node:crypto';
import type { ConversationStore } from '../domain/channels/conversations';
import {
  measurePayloadBytes,
  PAYLOAD_BUDGET_BYTES,
  type OutboxEntry,
  type OutboxStore,
} from '../domain/outbox/outbox';
import type { Logger } from '../logging/create-logger';
import type { ConnectorClient, ConnectorResult } from './connector-client';
import type { RateLimiter } from './rate-limiter';
import { resolveTarget } from './resolve-target';

/** How the sender behaves; the defaults suit Teams. */
export interface SenderSettings {
  /** How long a claim lasts; a sender that dies mid-send is taken over after this. */
  leaseMs: number;
  /** How often to look for due entries when idle. */
  pollMs: number;
  /** Sends in flight at once (each still waits for the rate limiter). */
  concurrency: number;
  /** Tries for 412/5xx/network errors before giving up (429s wait as Teams asks and do not count). */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /**
   * Wait before the first send. Teams counts the global limit per app, and a restarted instance
   * does not know what its predecessor sent in the last second: waiting out that window keeps
   * the two from adding up.
   */
  warmupMs: number;
}

/** Defaults: a 15 s lease keeps the duplicate window after a crash short without cutting off slow sends. */
export const DEFAULT_SENDER_SETTINGS: SenderSettings = {
  leaseMs: 15_000,
  pollMs: 200,
  concurrency: 32,
  maxAttempts: 8,
  backoffBaseMs: 1_000,
  backoffCapMs: 60_000,
  warmupMs: 1_000,
};

// How long an update waits for the post it changes to be sent.
const POST_WAIT_MS = 2_000;
const RETRYABLE = new Set([0, 408, 412, 500, 502, 503, 504]);

/**
 * Works the outbox: claims due entries (ETag-conditional, so several instances can run side by
 * side), sends them within Teams' limits, and records what happened.
 */
export class OutboxSender {
  readonly senderId = `sender-${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: {
      outbox: OutboxStore;
      conversations: ConversationStore;
      client: ConnectorClient;
      limiter: RateLimiter;
      logger: Logger;
      now: () => Date;
    },
    private readonly settings: SenderSettings = DEFAULT_SENDER_SETTINGS,
  ) {}

  /** Starts the loop in the background. */
  start(): void {
    this.running ??= this.loop();
  }

  /** Stops claiming new work and waits for sends in flight to finish. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await Promise.allSettled(this.inFlight.values());
  }

  private async loop(): Promise<void> {
    const { logger } = this.deps;
    await this.pause(this.settings.warmupMs);
    while (!this.abort.signal.aborted) {
      try {
        const room = this.settings.concurrency - this.inFlight.size;
        if (room <= 0) {
          await Promise.race(this.inFlight.values());
          continue;
        }
        const due = (
          await this.deps.outbox.listDue(this.deps.now(), this.settings.concurrency * 2)
        ).filter((e) => !this.inFlight.has(keyOf(e)));
        for (const entry of due.slice(0, room)) {
          const key = keyOf(entry);
          const work = this.process(entry)
            .catch((error: unknown) =>
              logger.error(
                { err: error, jobId: entry.jobId, dedupeKey: entry.dedupeKey },
                'outbox entry failed unexpectedly; it will be retried after its lease',
              ),
            )
            .finally(() => this.inFlight.delete(key));
          this.inFlight.set(key, work);
        }
        if (due.length === 0) await this.pause(this.settings.pollMs);
        else await this.pause(5);
      } catch (error) {
        logger.warn({ err: error }, 'outbox poll failed; trying again shortly');
        await this.pause(1_000);
      }
    }
  }

  private async process(waiting: OutboxEntry): Promise<void> {
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
    if (target.kind === 'createPersonal') {
      const key = `create:${target.userId}`;
      const created = await this.claimAndCall(due, key, () =>
        this.deps.client.createPersonalConversation(
          target.serviceUrl,
          target.botId,
          target.userId,
          target.tenantId,
        ),
      );
      if (!created) return;
      const { entry, result } = created;
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
      const sent = await this.call(address.conversationId, () =>
        this.deps.client.sendToConversation(address, entry.payload ?? {}),
      );
      await this.record(entry, sent, address.conversationId);
      return;
    }
    const { address } = target;
    const done = await this.claimAndCall(due, address.conversationId, (entry) => {
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
    if (done) await this.record(done.entry, done.result, address.conversationId);
  }

  /**
   * An update or delete of a message posted by another entry needs that message's activity id:
   * it waits while the post is still queued, and fails if the post failed or never existed.
   */
  private async resolveActivity(entry: OutboxEntry): Promise<OutboxEntry | undefined> {
    if (entry.kind === 'send' || entry.activityId || !entry.activityOf) return entry;
    const { outbox, now } = this.deps;
    const posted = await outbox.getEntry(entry.jobId, entry.activityOf);
    if (posted?.state === 'sent' && posted.sentActivityId)
      return { ...entry, activityId: posted.sentActivityId };
    if (posted && posted.state !== 'failed') {
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
          detail: posted ? 'the message to change was never posted' : 'no such message was queued',
        },
        now(),
      );
    return undefined;
  }

  /**
   * Waits for the rate limiter first and claims the entry only then, right before the call: a
   * claim held while waiting for a busy conversation could outlive its lease, and another
   * sender would then send the same message.
   */
  private async claimAndCall(
    due: OutboxEntry,
    conversationKey: string,
    call: (entry: OutboxEntry) => Promise<ConnectorResult>,
  ): Promise<{ entry: OutboxEntry; result: ConnectorResult } | undefined> {
    const permit = await this.deps.limiter
      .acquire(conversationKey, this.abort.signal)
      .catch(() => undefined);
    if (!permit) return undefined; // stopping: the entry stays as it was, for the next sender
    const entry = await this.claim(due).catch((error: unknown) => {
      permit.cancel();
      throw error;
    });
    if (!entry) {
      permit.cancel(); // another sender has it, or it changed: nothing was sent
      return undefined;
    }
    try {
      return { entry, result: await call(entry) };
    } catch (error) {
      return {
        entry,
        result: {
          status: 0,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        },
      };
    } finally {
      permit.done();
    }
  }

  /** One more rate-limited call under a claim already held; a network failure becomes status 0. */
  private async call(
    conversationId: string,
    call: () => Promise<ConnectorResult>,
  ): Promise<ConnectorResult> {
    const permit = await this.deps.limiter
      .acquire(conversationId, this.abort.signal)
      .catch(() => undefined);
    if (!permit) return { status: 0, error: 'stopping' };
    try {
      return await call();
    } catch (error) {
      return {
        status: 0,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    } finally {
      permit.done();
    }
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
    if (RETRYABLE.has(status)) {
      if (entry.attempts >= this.settings.maxAttempts) {
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
      // Capped exponential back-off with full jitter, so retries from many senders spread out.
      const ceiling = Math.min(
        this.settings.backoffCapMs,
        this.settings.backoffBaseMs * 2 ** (entry.attempts - 1),
      );
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      await outbox.markRetry(
        entry,
        new Date(at.getTime() + delay),
        `${status || 'network'} ${result.error ?? ''}`.trim(),
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
    await outbox.markFailed(
      entry,
      { reason, status, ...(result.error ? { detail: result.error } : {}) },
      at,
    );
    if (reason === 'bot_blocked_or_removed' || reason === 'conversation_not_found') {
      await this.markUnhealthy(entry, reason, at, conversations);
    }
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

function keyOf(entry: OutboxEntry): string {
  return `${entry.jobId}\u0000${entry.dedupeKey}`;
}
