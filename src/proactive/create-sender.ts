import type { Config } from '../config/load-config';
import type { ConversationStore } from '../domain/channels/conversations';
import type { RosterStore } from '../domain/channels/rosters';
import type { OutboxStore } from '../domain/outbox/outbox';
import type { Logger } from '../logging/create-logger';
import { ConnectorClient } from './connector-client';
import { createTokenProvider, GRAPH_AUDIENCE } from './create-token-provider';
import { GraphClient } from './graph-client';
import { DEFAULT_SENDER_SETTINGS, OutboxSender, type SenderSettings } from './outbox-sender';
import { RateLimiter, WHOLE_SHARE, type RateShare } from './rate-limiter';

/** Builds the outbox sender for this configuration (not started). */
export function createSender(
  config: Pick<Config, 'bot' | 'proactiveRatePerSecond' | 'graph'>,
  stores: {
    outbox: OutboxStore;
    conversations: ConversationStore;
    rosters: Pick<RosterStore, 'getPerson'>;
  },
  logger: Logger,
  settings: Partial<SenderSettings> = {},
  /** This instance's share of the rate limits when several run (SharedRateBudget). */
  share: RateShare = WHOLE_SHARE,
): OutboxSender {
  const { graph } = config;
  return new OutboxSender(
    {
      outbox: stores.outbox,
      conversations: stores.conversations,
      rosters: stores.rosters,
      client: new ConnectorClient(createTokenProvider(config.bot)),
      limiter: new RateLimiter(config.proactiveRatePerSecond, Date.now, undefined, share),
      logger: logger.child({ component: 'outbox-sender' }),
      now: () => new Date(),
      // The bot's own identity, with Graph's audience: an app-only token, no user involved.
      ...(graph.installForUsers && graph.catalogAppId
        ? {
            graph: {
              client: new GraphClient(
                createTokenProvider(config.bot, undefined, GRAPH_AUDIENCE),
                graph.baseUrl,
              ),
              catalogAppId: graph.catalogAppId,
            },
          }
        : {}),
    },
    { ...DEFAULT_SENDER_SETTINGS, ...settings },
  );
}
