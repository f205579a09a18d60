import type { Config } from '../config/load-config';
import { connectStorage, type ConnectedStorage } from '../app/connect-storage';
import type { Logger } from '../logging/create-logger';
import type { Storage } from '../storage/open-storage';
import type { StorageTarget } from '../storage/create-table-client';
import { ErrorCode, asCodedError } from '../domain/shared/errors';

/** What every admin command gets: output streams, the clock, and storage opened on first use. */
export interface CliContext {
  config: Config;
  logger: Logger;
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => Date;
  /** True when stderr is a terminal (progress bars), false in scripts and CI (plain lines). */
  interactive: boolean;
  /** Opens storage the first time it is asked for (so --help never starts Azurite). */
  storage(): Promise<Storage>;
  /** Where that storage is, for commands that read and write whole tables (backup, restore). */
  target(): Promise<StorageTarget>;
  /** Lets go of storage (stops an Azurite this command started). */
  close(): Promise<void>;
}

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  failed: 1,
  invalidInput: 2,
  notFound: 3,
  conflictOrForbidden: 4,
  storageUnavailable: 5,
} as const;

/** Builds the context; storage is the same the bot uses (joining its embedded Azurite if it runs). */
export function createCliContext(
  config: Config,
  logger: Logger,
  io: { out: (l: string) => void; err: (l: string) => void; interactive: boolean },
): CliContext {
  let connected: Promise<ConnectedStorage> | undefined;
  return {
    config,
    logger,
    ...io,
    now: () => new Date(),
    storage: async () =>
      (await (connected ??= connectStorage(config, logger, { join: true }))).storage,
    target: async () =>
      (await (connected ??= connectStorage(config, logger, { join: true }))).target,
    close: async () => {
      if (connected) await (await connected).close();
    },
  };
}

/** Maps a failure to the exit code and the message to print. */
export function describeFailure(error: unknown): { code: number; message: string } {
  const coded = asCodedError(error);
  switch (coded.code) {
    case ErrorCode.InvalidInput:
      return { code: EXIT.invalidInput, message: coded.message };
    case ErrorCode.NotFound:
      return { code: EXIT.notFound, message: coded.message };
    case ErrorCode.Conflict:
    case ErrorCode.Forbidden:
      return { code: EXIT.conflictOrForbidden, message: coded.message };
    case ErrorCode.StorageUnavailable:
      return { code: EXIT.storageUnavailable, message: coded.message };
    default:
      return {
        code: EXIT.failed,
        message: `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
      };
  }
}
