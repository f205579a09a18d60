import { createLogger } from '../../src/logging/create-logger';
import { ConnectorClient } from '../../src/proactive/connector-client';
import { OutboxSender, type SenderSettings } from '../../src/proactive/outbox-sender';
import { RateLimiter } from '../../src/proactive/rate-limiter';
import type { Storage } from '../../src/storage/open-storage';

/** Outbox senders over a test's storage, started on demand and all stopped after each test. */
export function senderPool(storage: () => Storage, now: () => Date, defaults: SenderSettings) {
  let senders: OutboxSender[] = [];
  return {
    /** Starts one more sender (a second instance, when called twice) with these settings. */
    start(settings: SenderSettings = defaults, limiter = new RateLimiter(50)): OutboxSender {
      const sender = new OutboxSender(
        {
          outbox: storage().outbox,
          conversations: storage().conversations,
          client: new ConnectorClient(async () => undefined),
          limiter,
          logger: createLogger('silent'),
          now,
        },
        settings,
      );
      sender.start();
      senders.push(sender);
      return sender;
    },
    /** Stops every sender started so far. */
    async stopAll(): Promise<void> {
      await Promise.all(senders.map((s) => s.stop()));
      senders = [];
    },
  };
}
