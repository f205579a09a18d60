/** Who to look for: an Entra object id and the display names stored with it. */
export interface PersonMatch {
  userId: string;
  /** Names found next to the id (chat records, items and events they changed). */
  names: readonly string[];
}

/** One stored record that mentions a person, as stored (JSON columns read as JSON). */
export interface StoredRecord {
  /** Which store holds it: roles, conversations, preferences, items, outbox, links, jobRuns… */
  store: string;
  /** Its storage key ("<partition> / <row>"). */
  key: string;
  fields: Record<string, unknown>;
}

/**
 * How a store's records about a person are erased:
 * - `delete-own`: records kept under the person's id (their role grants, reminder choices, the
 *   address of their 1:1 chat) exist only for them and are deleted; mentions elsewhere in the
 *   store are anonymised;
 * - `anonymise`: every mention of the id or a name is replaced by the marker, so history keeps
 *   its shape and its counts (status events, messages sent, links made).
 */
export type ErasureMode = 'delete-own' | 'anonymise';

/** What erasing did (or, in a dry run, would do) in one store. */
export interface StoreErasure {
  store: string;
  deleted: number;
  anonymised: number;
}

/** Port: every store's records about a person, found and erased. An admin tool: it reads every table a page at a time, never on a request path. */
export interface PersonalDataStore {
  /** The names of every store, in a stable order. */
  readonly stores: readonly string[];
  /** Every record in any store that holds the person's id or one of their names. */
  findRecords(person: PersonMatch): Promise<StoredRecord[]>;
  /** Erases the person from one store; with `dryRun`, only counts. */
  eraseRecords(
    person: PersonMatch,
    store: string,
    options: { mode: ErasureMode; marker: string; dryRun: boolean },
  ): Promise<StoreErasure>;
}
