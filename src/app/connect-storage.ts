import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { REQUEST_BUDGET, type StorageTarget } from '../storage/create-table-client';
import {
  checkStorageCredential,
  createStorageCredential,
} from '../storage/create-storage-credential';
import { openStorage, type Storage } from '../storage/open-storage';

/** Storage opened for a process, and how to let go of it. */
export interface ConnectedStorage {
  /** For background work: jobs, the outbox sender, the scheduler (bounded, but patient). */
  storage: Storage;
  /** For request paths (card presses, commands): answers or fails within Teams' patience. */
  requestStorage: Storage;
  /** Where the tables are and how they are reached (a connection string, or a URL and credential). */
  target: StorageTarget;
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
  if (config.storage.kind !== 'embedded') {
    const target = await openTarget(config.storage);
    return {
      storage: await openStorage(target),
      requestStorage: await openStorage(target, REQUEST_BUDGET),
      target,
      close: async () => {},
    };
  }
  // Loaded only here: Azurite is a development dependency, absent from a production install
  // (`npm ci --omit=dev`), which always names a storage account.
  const { openEmbeddedAzurite } = await import('../storage/open-embedded-azurite');
  const azurite = await openEmbeddedAzurite(config.storage.dataDir, logger, options);
  try {
    return {
      storage: await openStorage(azurite.connectionString),
      requestStorage: await openStorage(azurite.connectionString, REQUEST_BUDGET),
      target: azurite.connectionString,
      close: () => azurite.stop(),
    };
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}

async function openTarget(
  storage: Exclude<Config['storage'], { kind: 'embedded' }>,
): Promise<StorageTarget> {
  if (storage.kind === 'account') return storage.connectionString;
  // One credential for both budgets, so its token cache is shared.
  const credential = createStorageCredential(storage.managedIdentityClientId);
  await checkStorageCredential(credential, storage.managedIdentityClientId);
  return { accountUrl: storage.accountUrl, credential };
}
