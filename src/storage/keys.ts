import { InvalidInputError } from '../domain/shared/errors';

// Azure Table keys may not contain / \ # ? or control characters and are at most 1 KiB.
// Azurite accepts some of these (and answers 500 for others), so we check here, not there.
const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;
const FORBIDDEN_GLOBAL = /[%/\\#?\u0000-\u001f\u007f-\u009f]/g;
const MAX_KEY_BYTES = 1024;

/** Throws InvalidInputError when `key` is not a valid PartitionKey/RowKey for Azure Tables. */
export function assertValidKey(key: string, what: string): string {
  if (key === '') throw new InvalidInputError(`${what} must not be empty.`);
  if (FORBIDDEN.test(key)) {
    throw new InvalidInputError(
      `${what} "${key.slice(0, 40)}" contains a character that storage keys cannot hold (/ \\ # ? or a control character).`,
    );
  }
  if (Buffer.byteLength(key, 'utf16le') > MAX_KEY_BYTES) {
    throw new InvalidInputError(`${what} is longer than storage keys allow (512 characters).`);
  }
  return key;
}

/** Turns an id from outside (a Teams conversation id, say) into a safe key, reversibly. */
export function encodeKey(id: string): string {
  return assertValidKey(
    id.replace(
      FORBIDDEN_GLOBAL,
      (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
    ),
    'Key',
  );
}

/** Reverses encodeKey. */
export function decodeKey(key: string): string {
  return key.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
