import type { Config } from '../config/load-config';
import type { ConversationStore } from '../domain/channels/conversations';
import type { OutboxStore } from '../domain/outbox/outbox';
import type { Logger } from '../logging/create-logger';
import { ConnectorClient } from './connector-client';
import { createTokenProvider } from './create-token-provider';
import { DEFAULT_SENDER_SETTINGS, OutboxSender, type SenderSettings } from './outbox-sender';
import { RateLimiter, WHOLE_SHARE, type RateShare } from './rate-limiter';

/** Builds the outbox sender for this configuration (not started). */
export function createSender(
  config: Pick<Config, 'bot' | 'proactiveRatePerSecond'>,
  stores: { outbox: OutboxStore; conversations: ConversationStore },
  logger: Logger,
  settings: Partial<SenderSettings> = {},
  /** This instance's share of the rate limits when several run (SharedRateBudget). */
  share: RateShare = WHOLE_SHARE,
): OutboxSender {
  return new OutboxSender(
    {
      ...stores,
      client: new ConnectorClient(createTokenProvider(config.bot)),
      limiter: new RateLimiter(config.proactiveRatePerSecond, Date.now, undefined, share),
      logger: logger.child({ component: 'outbox-sender' }),
      now: () => new Date(),
    },
    { ...DEFAULT_SENDER_SETTINGS, ...settings },
  );
}
