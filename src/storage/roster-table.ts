import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { RosterPerson, RosterStore, RosterTeam } from '../domain/channels/rosters';
import { assertValidKey, encodeKey } from './keys';
import { partitionFilter, readRow, readRows, readText, type StoredRow } from './read-rows';
import { MAX_BATCH } from './run-batches';
import { statusOf, translateStorageError } from './storage-errors';

/** Table of the people in the teams the bot is installed in; see KEYS.md. */
export const ROSTERS_TABLE = 'Rosters';

const PEOPLE = 'person';
const TEAMS = 'team';

/** Azure Tables implementation of RosterStore: people in one partition, teams in another. */
export class RosterTable implements RosterStore {
  constructor(private readonly table: TableClient) {}

  async getPerson(userAadObjectId: string): Promise<RosterPerson | undefined> {
    const row = await readRow(this.table, PEOPLE, personKey(userAadObjectId));
    return row ? toPerson(row) : undefined;
  }

  async listPeople(): Promise<RosterPerson[]> {
    return (await readRows(this.table, partitionFilter(PEOPLE))).map(toPerson);
  }

  async savePeople(people: readonly RosterPerson[]): Promise<void> {
    const actions: TransactionAction[] = people.map((p) => [
      'upsert',
      {
        partitionKey: PEOPLE,
        rowKey: personKey(p.userAadObjectId),
        userAadObjectId: p.userAadObjectId.toLowerCase(),
        teamsUserId: p.teamsUserId,
        name: p.name,
        ...(p.email ? { email: p.email } : {}),
        tenantId: p.tenantId,
        teamIds: JSON.stringify(p.teamIds),
        updatedAt: p.updatedAt,
      },
      'Replace',
    ]);
    await this.submit(actions);
  }

  async deletePeople(userAadObjectIds: readonly string[]): Promise<void> {
    for (const id of userAadObjectIds) {
      try {
        await this.table.deleteEntity(PEOPLE, personKey(id));
      } catch (error) {
        if (statusOf(error) !== 404) throw translateStorageError(error);
      }
    }
  }

  async listTeams(): Promise<RosterTeam[]> {
    return (await readRows(this.table, partitionFilter(TEAMS))).map(toTeam);
  }

  async saveTeam(team: RosterTeam): Promise<void> {
    try {
      await this.table.upsertEntity(
        { partitionKey: TEAMS, rowKey: encodeKey(team.teamId), ...team },
        'Replace',
      );
    } catch (error) {
      throw translateStorageError(error);
    }
  }

  async deleteTeam(teamId: string): Promise<boolean> {
    try {
      await this.table.deleteEntity(TEAMS, encodeKey(teamId));
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw translateStorageError(error);
    }
  }

  // One partition holds everyone, so a team's roster is written in transactions of up to 100.
  private async submit(actions: TransactionAction[]): Promise<void> {
    try {
      for (let i = 0; i < actions.length; i += MAX_BATCH)
        await this.table.submitTransaction(actions.slice(i, i + MAX_BATCH));
    } catch (error) {
      throw translateStorageError(error);
    }
  }
}

function personKey(userAadObjectId: string): string {
  return assertValidKey(userAadObjectId.toLowerCase(), 'user id');
}

function toPerson(row: StoredRow): RosterPerson {
  const email = readText(row, 'email');
  return {
    userAadObjectId: readText(row, 'userAadObjectId') ?? row.rowKey ?? '',
    teamsUserId: readText(row, 'teamsUserId') ?? '',
    name: readText(row, 'name') ?? '',
    ...(email ? { email } : {}),
    tenantId: readText(row, 'tenantId') ?? '',
    teamIds: readList(readText(row, 'teamIds')),
    updatedAt: readText(row, 'updatedAt') ?? '',
  };
}

function toTeam(row: StoredRow): RosterTeam {
  const teamName = readText(row, 'teamName');
  const syncedAt = readText(row, 'syncedAt');
  const members = row['members'];
  return {
    teamId: readText(row, 'teamId') ?? '',
    serviceUrl: readText(row, 'serviceUrl') ?? '',
    tenantId: readText(row, 'tenantId') ?? '',
    ...(teamName ? { teamName } : {}),
    ...(syncedAt ? { syncedAt } : {}),
    ...(typeof members === 'number' ? { members } : {}),
  };
}

function readList(text: string | undefined): string[] {
  try {
    const value = JSON.parse(text ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return []; // a damaged column: the next sync writes it again
  }
}
