import {
  TableClient,
  TableServiceClient,
  type TableServiceClientOptions,
} from '@azure/data-tables';

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

/** Opens a table from a connection string; plain http is allowed only for loopback (Azurite). */
export function createTableClient(
  connectionString: string,
  tableName: string,
  budget: StorageBudget = BACKGROUND_BUDGET,
): TableClient {
  return TableClient.fromConnectionString(
    connectionString,
    tableName,
    options(connectionString, budget),
  );
}

/** Opens the account's table service (to create tables). */
export function createTableServiceClient(
  connectionString: string,
  budget: StorageBudget = BACKGROUND_BUDGET,
): TableServiceClient {
  return TableServiceClient.fromConnectionString(
    connectionString,
    options(connectionString, budget),
  );
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
