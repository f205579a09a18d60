import type { AddressInfo } from 'node:net';
import type { Bot } from '../bot/create-bot';
import { createBot } from '../bot/create-bot';
import { ROUTES } from '../bot/routes';
import { renderCard } from '../cards/render-card';
import type { Config } from '../config/load-config';
import { createServer } from '../http/create-server';
import type { Logger } from '../logging/create-logger';
import { openStorage, type Storage } from '../storage/open-storage';
import { startAzurite, type EmbeddedAzurite } from '../storage/start-azurite';

/** A running service: its address, its storage, and a graceful stop. */
export interface RunningService {
  url: string;
  port: number;
  storage: Storage;
  /** The storage account in use (the embedded Azurite's when none was configured). */
  storageConnectionString: string;
  bot: Bot;
  /** Stops accepting, finishes in-flight turns, stops embedded Azurite. Safe to call twice. */
  stop(): Promise<void>;
}

/** The composition root: builds storage, bot and HTTP server from the configuration and starts them. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  let azurite: EmbeddedAzurite | undefined;
  let connectionString: string;
  if (config.storage.kind === 'embedded') {
    azurite = await startAzurite({ location: config.storage.dataDir, logger });
    connectionString = azurite.connectionString;
  } else {
    connectionString = config.storage.connectionString;
  }

  try {
    const storage = await openStorage(connectionString);
    const bot = createBot({
      identity: config.bot,
      services: { conversations: storage.conversations, renderCard, now: () => new Date() },
      routes: ROUTES,
      logger,
    });
    const http = createServer({
      bot,
      logger,
      requireAuthHeader: config.mode === 'production',
      allowedTenantIds: config.allowedTenantIds,
      checkReady: () => storage.conversations.ping(),
    });
    await new Promise<void>((resolve, reject) => {
      http.server.once('error', reject);
      http.server.listen(config.port, config.host, () => resolve());
    });
    const port = (http.server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, mode: config.mode }, 'service listening');

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        logger.info({ inFlight: http.inFlight() }, 'stopping: no new requests accepted');
        const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
        await waitUntil(() => http.inFlight() === 0, 10_000);
        // Idle keep-alive connections would hold close() open; in-flight turns are done by now.
        http.server.server.closeAllConnections();
        await closed;
        await azurite?.stop();
        logger.info('stopped');
      })());
    return { url, port, storage, storageConnectionString: connectionString, bot, stop };
  } catch (error) {
    await azurite?.stop();
    throw error;
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}
