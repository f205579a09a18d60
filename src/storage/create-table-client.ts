import type { TokenCredential } from '@azure/identity';
import {
  TableClient,
  TableServiceClient,
  type TableServiceClientOptions,
} from '@azure/data-tables';

/**
 * Where the tables are and how to prove who we are: a connection string (shared key: Azurite,
 * or an account that still allows keys), or the account's Table endpoint with an Entra credential.
 */
export type StorageTarget = string | { accountUrl: string; credential: TokenCredential };

/** How long storage calls may take: the whole call with its retries, and each attempt. */
export interface StorageBudget {
  callMs: number;
  tryMs: number;
  retries: number;
}

/**
 * For request paths. Teams waits about five seconds for a card press, so a press must be able to
 * say "try again in a minute" well within that when storage is down; the SDK's default (three
 * retries from 0.8 s, exponential) took 5.8 s.
 */
export const REQUEST_BUDGET: StorageBudget = { callMs: 2_500, tryMs: 2_000, retries: 2 };

/**
 * For background work (jobs, the outbox sender, the CLI): large pages and batches on a busy
 * account need longer than a press may wait, and nobody is waiting on the answer; still bounded,
 * so a storage account that never answers cannot hold a job (or its lease) for ever.
 */
export const BACKGROUND_BUDGET: StorageBudget = { callMs: 30_000, tryMs: 10_000, retries: 3 };

/** Opens a table; plain http is allowed only for a loopback Azurite reached by connection string. */
export function createTableClient(
  target: StorageTarget,
  tableName: string,
  budget: StorageBudget = BACKGROUND_BUDGET,
): TableClient {
  if (typeof target === 'string')
    return TableClient.fromConnectionString(target, tableName, options(target, budget));
  return new TableClient(target.accountUrl, tableName, target.credential, options('', budget));
}

/** Opens the account's table service (to create tables). */
export function createTableServiceClient(
  target: StorageTarget,
  budget: StorageBudget = BACKGROUND_BUDGET,
): TableServiceClient {
  if (typeof target === 'string')
    return TableServiceClient.fromConnectionString(target, options(target, budget));
  return new TableServiceClient(target.accountUrl, target.credential, options('', budget));
}

// The SDK's pipeline policy type (from @azure/core-rest-pipeline, reached through data-tables).
type PipelinePolicy = NonNullable<
  TableServiceClientOptions['additionalPolicies']
>[number]['policy'];

// Outside the retry policy: one deadline for the call and all its retries.
const callDeadline = (budget: StorageBudget): PipelinePolicy => ({
  name: 'arbCallDeadline',
  sendRequest(request, next) {
    const deadline = AbortSignal.timeout(budget.callMs);
    const given = request.abortSignal;
    request.abortSignal =
      given instanceof AbortSignal ? AbortSignal.any([given, deadline]) : deadline;
    return next(request);
  },
});

// Inside the retry policy: each attempt gives up on a server that accepts but never answers.
const tryTimeout = (budget: StorageBudget): PipelinePolicy => ({
  name: 'arbTryTimeout',
  sendRequest(request, next) {
    if (!request.timeout || request.timeout > budget.tryMs) request.timeout = budget.tryMs;
    return next(request);
  },
});

// A bearer token never travels over plain http, so only a connection string may allow it.
function options(connectionString: string, budget: StorageBudget): TableServiceClientOptions {
  const insecure =
    /TableEndpoint=http:\/\/(127\.0\.0\.1|localhost)[:/]/i.test(connectionString) ||
    /UseDevelopmentStorage=true/i.test(connectionString);
  return {
    allowInsecureConnection: insecure,
    // Quick retries ride out a blip; a real outage is reported within the budget above.
    retryOptions: { maxRetries: budget.retries, retryDelayInMs: 100, maxRetryDelayInMs: 400 },
    additionalPolicies: [
      { policy: callDeadline(budget), position: 'perCall' as const },
      { policy: tryTimeout(budget), position: 'perRetry' as const },
    ],
  };
}
