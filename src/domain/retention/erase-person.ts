import { InvalidInputError } from '../shared/errors';
import type {
  ErasureMode,
  PersonalDataStore,
  PersonMatch,
  StoredRecord,
  StoreErasure,
} from './person-data';

/** What replaces a person's id and names: the same for everyone, so nothing points back. */
export const ERASED_MARKER = 'Erased person';

/** Stores whose records under a person's id are theirs alone: deleted, not anonymised. */
const OWN_RECORD_STORES: ReadonlySet<string> = new Set([
  'roles',
  'preferences',
  'conversations',
  'rosters',
]);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Everything stored about one person (a subject access request's answer). */
export interface PersonExport {
  entraObjectId: string;
  /** Display names stored with the id. */
  names: string[];
  exportedAt: string;
  /** Records by store; each as stored, with its key. */
  records: Record<string, { key: string; fields: Record<string, unknown> }[]>;
  counts: Record<string, number>;
}

/** What an erasure did per store. */
export interface PersonErasure {
  entraObjectId: string;
  names: string[];
  dryRun: boolean;
  stores: StoreErasure[];
}

/** Checks an Entra object id typed by an operator and returns it in lower case. */
export function parseEntraId(text: string): string {
  const id = text.trim();
  if (!GUID.test(id))
    throw new InvalidInputError(
      `"${text}" is not an Entra object id (a GUID such as 00000000-0000-0000-0000-000000000000); the person can see theirs with the bot's whoami command.`,
    );
  return id.toLowerCase();
}

/**
 * The display names stored with an id: the name Teams gave with their chat or lists them under in
 * a team roster, and the names
 * recorded with the items and status changes they made.
 */
export function findNames(userId: string, records: readonly StoredRecord[]): string[] {
  const names = new Set<string>();
  const same = (value: unknown) => typeof value === 'string' && value.toLowerCase() === userId;
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim().length >= 2) names.add(value.trim());
  };
  for (const { fields } of records) {
    if (same(fields['userAadObjectId'])) add(fields['userName']);
    // A roster row: the name Teams lists them under in a team, and their Teams user id.
    if (same(fields['userAadObjectId'])) add(fields['name']);
    if (same(fields['updatedBy'])) add(fields['updatedByName']);
    if (same(fields['by'])) add(fields['byName']);
    // Role grants and their recorded changes: the person's name, and the granter's.
    if (same(fields['userId'])) add(fields['userName']);
    if (same(fields['grantedBy'])) add(fields['grantedByName']);
  }
  return [...names].sort();
}

/** Finds the person's names, then every record that holds their id or a name. */
async function findPerson(
  store: PersonalDataStore,
  entraId: string,
): Promise<{ person: PersonMatch; records: StoredRecord[] }> {
  const userId = parseEntraId(entraId);
  const byId = await store.findRecords({ userId, names: [] });
  const names = findNames(userId, byId);
  const person = { userId, names };
  return { person, records: names.length > 0 ? await store.findRecords(person) : byId };
}

/** Everything stored about a person, by store: their roles, chats, choices, changes and messages. */
export async function exportPerson(
  deps: { personalData: PersonalDataStore; now: () => Date },
  entraId: string,
): Promise<PersonExport> {
  const { person, records } = await findPerson(deps.personalData, entraId);
  const byStore: PersonExport['records'] = {};
  const counts: Record<string, number> = {};
  for (const name of deps.personalData.stores) {
    byStore[name] = records
      .filter((r) => r.store === name)
      .map(({ key, fields }) => ({ key, fields }));
    counts[name] = byStore[name].length;
  }
  return {
    entraObjectId: person.userId,
    names: [...person.names],
    exportedAt: deps.now().toISOString(),
    records: byStore,
    counts,
  };
}

/**
 * Erases a person: their role grants, reminder choices and chat address are deleted; everywhere
 * else (status history, items, notes, messages, links, grants they made) their id and names are
 * replaced by ERASED_MARKER, so history keeps its counts but no longer says who. Rerunning finds
 * nothing more. With `dryRun`, counts what would change and writes nothing.
 */
export async function erasePerson(
  deps: { personalData: PersonalDataStore },
  entraId: string,
  options: { dryRun: boolean },
): Promise<PersonErasure> {
  const { person } = await findPerson(deps.personalData, entraId);
  const stores: StoreErasure[] = [];
  for (const store of deps.personalData.stores) {
    const mode: ErasureMode = OWN_RECORD_STORES.has(store) ? 'delete-own' : 'anonymise';
    stores.push(
      await deps.personalData.eraseRecords(person, store, {
        mode,
        marker: ERASED_MARKER,
        dryRun: options.dryRun,
      }),
    );
  }
  return {
    entraObjectId: person.userId,
    names: [...person.names],
    dryRun: options.dryRun,
    stores,
  };
}
