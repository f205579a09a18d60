import { TableClient, TableServiceClient } from '@azure/data-tables';

/** Opens a table from a connection string; plain http is allowed only for loopback (Azurite). */
export function createTableClient(connectionString: string, tableName: string): TableClient {
  return TableClient.fromConnectionString(connectionString, tableName, options(connectionString));
}

/** Opens the account's table service (to create tables). */
export function createTableServiceClient(connectionString: string): TableServiceClient {
  return TableServiceClient.fromConnectionString(connectionString, options(connectionString));
}

function options(connectionString: string) {
  const insecure =
    /TableEndpoint=http:\/\/(127\.0\.0\.1|localhost)[:/]/i.test(connectionString) ||
    /UseDevelopmentStorage=true/i.test(connectionString);
  return { allowInsecureConnection: insecure };
}
