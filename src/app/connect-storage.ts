import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { openEmbeddedAzurite } from '../storage/open-embedded-azurite';
import { REQUEST_BUDGET } from '../storage/create-table-client';
import { openStorage, type Storage } from '../storage/open-storage';

/** Storage opened for a process, and how to let go of it. */
export interface ConnectedStorage {
  /** For background work: jobs, the outbox sender, the scheduler (bounded, but patient). */
  storage: Storage;
  /** For request paths (card presses, commands): answers or fails within Teams' patience. */
  requestStorage: Storage;
  connectionString: string;
  /** Stops the embedded Azurite if this process started it. */
  close(): Promise<void>;
}

/**
 * Opens the configured storage account, or the embedded Azurite (started here, or joined when
 * another process of ours already runs it and `join` is set).
 */
export async function connectStorage(
  config: Config,
  logger: Logger,
  options: { join: boolean },
): Promise<ConnectedStorage> {
  if (config.storage.kind === 'account') {
    const { connectionString } = config.storage;
    return {
      storage: await openStorage(connectionString),
      requestStorage: await openStorage(connectionString, REQUEST_BUDGET),
      connectionString,
      close: async () => {},
    };
  }
  const azurite = await openEmbeddedAzurite(config.storage.dataDir, logger, options);
  try {
    return {
      storage: await openStorage(azurite.connectionString),
      requestStorage: await openStorage(azurite.connectionString, REQUEST_BUDGET),
      connectionString: azurite.connectionString,
      close: () => azurite.stop(),
    };
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}
