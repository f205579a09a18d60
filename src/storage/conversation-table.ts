import {
  odata,
  type TableClient,
  type TableEntity,
  type TransactionAction,
} from '@azure/data-tables';
import type {
  ConversationKind,
  ConversationRecord,
  ConversationStore,
  ConversationUpdate,
  DeliveryAddress,
} from '../domain/channels/conversations';
import { encodeKey } from './keys';
import { translateStorageError } from './storage-errors';

/** Name of the table that holds conversation references; see KEYS.md. */
export const CONVERSATIONS_TABLE = 'Conversations';

type Row = TableEntity<Record<string, unknown>>;
type StoredRow = Record<string, unknown>;

/** Azure Tables implementation of ConversationStore (key scheme in KEYS.md). */
export class ConversationTable implements ConversationStore {
  constructor(private readonly table: TableClient) {}

  async saveConversation(update: ConversationUpdate): Promise<void> {
    const { partitionKey, rowKey } = keysFor(update);
    const row: Row = { partitionKey, rowKey };
    for (const [name, value] of Object.entries(update)) {
      if (value === undefined) continue;
      row[name] = name === 'address' ? JSON.stringify(value) : value;
    }
    try {
      // Merge so that an event which does not carry, say, the channel name keeps the stored one.
      await this.table.upsertEntity(row, 'Merge');
    } catch (error) {
      throw translateStorageError(error);
    }
  }

  async deactivateTeam(teamId: string, lastEvent: string, at: string): Promise<void> {
    const rows = await this.queryPartition(teamPartition(teamId));
    const actions: TransactionAction[] = rows.map((r) => [
      'update',
      { partitionKey: r.partitionKey, rowKey: r.rowKey, active: false, lastEvent, updatedAt: at },
      'Merge',
    ]);
    try {
      // One team is one partition, so the team and all its channels flip together (≤100 per batch).
      for (let i = 0; i < actions.length; i += 100) {
        await this.table.submitTransaction(actions.slice(i, i + 100));
      }
    } catch (error) {
      throw translateStorageError(error);
    }
  }

  async listTeam(teamId: string): Promise<ConversationRecord[]> {
    return (await this.queryPartition(teamPartition(teamId))).map(toRecord);
  }

  async findPersonal(
    tenantId: string,
    userAadObjectId: string,
  ): Promise<ConversationRecord | undefined> {
    return this.find(`personal|${encodeKey(tenantId)}`, encodeKey(userAadObjectId));
  }

  async findChannel(teamId: string, channelId: string): Promise<ConversationRecord | undefined> {
    return this.find(teamPartition(teamId), `channel|${encodeKey(channelId)}`);
  }

  /** Finds the record of a group chat by its conversation id. */
  async findGroupChat(conversationId: string): Promise<ConversationRecord | undefined> {
    return this.find(`chat|${encodeKey(conversationId)}`, 'chat');
  }

  async ping(): Promise<void> {
    try {
      // A point read of a key that need not exist: cheap, and proves the table answers.
      // Bounded: the client's own retries would otherwise keep /readyz hanging for seconds.
      await this.table
        .getEntity('ping', 'ping', { abortSignal: AbortSignal.timeout(2_000) })
        .catch((error: unknown) => {
          if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        });
    } catch (error) {
      throw translateStorageError(error);
    }
  }

  private async find(
    partitionKey: string,
    rowKey: string,
  ): Promise<ConversationRecord | undefined> {
    try {
      return toRecord(await this.table.getEntity<Record<string, unknown>>(partitionKey, rowKey));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw translateStorageError(error);
    }
  }

  private async queryPartition(partitionKey: string): Promise<Row[]> {
    const rows: Row[] = [];
    try {
      const pages = this.table.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` },
      });
      for await (const row of pages) rows.push(row as Row);
    } catch (error) {
      throw translateStorageError(error);
    }
    return rows;
  }
}

function teamPartition(teamId: string): string {
  return `team|${encodeKey(teamId)}`;
}

/** The keys of a record: see KEYS.md for why they are shaped this way. */
export function keysFor(
  record: Pick<ConversationUpdate, 'kind' | 'teamId' | 'channelId' | 'userAadObjectId' | 'address'>,
): {
  partitionKey: string;
  rowKey: string;
} {
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new Error(`A ${record.kind} record needs ${what}`);
    return value;
  };
  switch (record.kind) {
    case 'team':
      return { partitionKey: teamPartition(need(record.teamId, 'teamId')), rowKey: 'team' };
    case 'channel':
      return {
        partitionKey: teamPartition(need(record.teamId, 'teamId')),
        rowKey: `channel|${encodeKey(need(record.channelId, 'channelId'))}`,
      };
    case 'personal':
      return {
        partitionKey: `personal|${encodeKey(need(record.address?.tenantId, 'address.tenantId'))}`,
        rowKey: encodeKey(need(record.userAadObjectId, 'userAadObjectId')),
      };
    case 'groupChat':
      return {
        partitionKey: `chat|${encodeKey(need(record.address?.conversationId, 'address.conversationId'))}`,
        rowKey: 'chat',
      };
  }
}

function toRecord(row: StoredRow): ConversationRecord {
  const text = (name: string): string | undefined =>
    typeof row[name] === 'string' ? (row[name] as string) : undefined;
  const record: ConversationRecord = {
    kind: text('kind') as ConversationKind,
    address: JSON.parse(text('address') ?? '{}') as DeliveryAddress,
    active: row['active'] === true,
    ...(row['healthy'] === false ? { healthy: false } : {}),
    lastEvent: text('lastEvent') ?? '',
    updatedAt: text('updatedAt') ?? '',
  };
  for (const name of [
    'teamId',
    'aadGroupId',
    'teamName',
    'channelId',
    'channelName',
    'userAadObjectId',
    'userName',
    'unhealthyReason',
  ] as const) {
    const value = text(name);
    if (value) record[name] = value;
  }
  return record;
}
