import { RestError } from '@azure/data-tables';
import { ConflictError, StorageUnavailableError } from '../domain/shared/errors';

/** The HTTP status of an Azure Tables failure, or undefined when storage did not answer at all. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/** Maps a storage failure to a domain error: no answer → unavailable, 412 → conflict. */
export function translateStorageError(error: unknown, conflictMessage?: string): Error {
  const status = statusOf(error);
  if (status === undefined) return new StorageUnavailableError(error);
  if (status === 412 && conflictMessage)
    return new ConflictError(conflictMessage, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
