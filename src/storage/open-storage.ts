import type { ConversationStore } from '../domain/conversations';
import { ConversationTable, CONVERSATIONS_TABLE } from './conversation-table';
import { createTableClient, createTableServiceClient } from './create-table-client';
import { translateStorageError } from './storage-errors';

/** The stores the service uses, all backed by one storage account. */
export interface Storage {
  conversations: ConversationStore;
}

const TABLES = [CONVERSATIONS_TABLE] as const;

/** Creates the tables the service needs (if missing) and returns the stores over them. */
export async function openStorage(connectionString: string): Promise<Storage> {
  const service = createTableServiceClient(connectionString);
  try {
    // createTable is a no-op for a table that exists, so this is safe on every start.
    await Promise.all(TABLES.map((name) => service.createTable(name)));
  } catch (error) {
    throw translateStorageError(error);
  }
  return {
    conversations: new ConversationTable(createTableClient(connectionString, CONVERSATIONS_TABLE)),
  };
}
