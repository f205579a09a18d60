import {
  TableClient,
  TableServiceClient,
  type TableServiceClientOptions,
} from '@azure/data-tables';

/**
 * The longest one storage call may take, retries included. Teams waits about five seconds for a
 * card press, so a press must be able to say "try again in a minute" well within that when
 * storage is down; the SDK's default (three retries from 0.8 s, exponential) took 5.8 s.
 */
export const STORAGE_CALL_BUDGET_MS = 2_500;
/** The longest one attempt may wait for an answer (a storage account that accepts but never answers). */
export const STORAGE_TRY_TIMEOUT_MS = 2_000;

/**
 * How long storage calls may take. Request paths keep the defaults above; a bulk job on a loaded
 * machine (the benchmarks: a launch of 84,000 items into a busy Azurite) may allow more.
 */
export interface StorageTimings {
  callBudgetMs: number;
  tryTimeoutMs: number;
}

const REQUEST_TIMINGS: StorageTimings = {
  callBudgetMs: STORAGE_CALL_BUDGET_MS,
  tryTimeoutMs: STORAGE_TRY_TIMEOUT_MS,
};

/** Opens a table from a connection string; plain http is allowed only for loopback (Azurite). */
export function createTableClient(
  connectionString: string,
  tableName: string,
  timings: StorageTimings = REQUEST_TIMINGS,
): TableClient {
  return TableClient.fromConnectionString(
    connectionString,
    tableName,
    options(connectionString, timings),
  );
}

/** Opens the account's table service (to create tables). */
export function createTableServiceClient(
  connectionString: string,
  timings: StorageTimings = REQUEST_TIMINGS,
): TableServiceClient {
  return TableServiceClient.fromConnectionString(
    connectionString,
    options(connectionString, timings),
  );
}

// The SDK's pipeline policy type (from @azure/core-rest-pipeline, reached through data-tables).
type PipelinePolicy = NonNullable<
  TableServiceClientOptions['additionalPolicies']
>[number]['policy'];

// Outside the retry policy: one deadline for the call and all its retries.
function callDeadline(budgetMs: number): PipelinePolicy {
  return {
    name: 'arbCallDeadline',
    sendRequest(request, next) {
      const deadline = AbortSignal.timeout(budgetMs);
      const given = request.abortSignal;
      request.abortSignal =
        given instanceof AbortSignal ? AbortSignal.any([given, deadline]) : deadline;
      return next(request);
    },
  };
}

// Inside the retry policy: each attempt gives up on a server that accepts but never answers.
function tryTimeout(timeoutMs: number): PipelinePolicy {
  return {
    name: 'arbTryTimeout',
    sendRequest(request, next) {
      if (!request.timeout || request.timeout > timeoutMs) request.timeout = timeoutMs;
      return next(request);
    },
  };
}

function options(connectionString: string, timings: StorageTimings): TableServiceClientOptions {
  const insecure =
    /TableEndpoint=http:\/\/(127\.0\.0\.1|localhost)[:/]/i.test(connectionString) ||
    /UseDevelopmentStorage=true/i.test(connectionString);
  return {
    allowInsecureConnection: insecure,
    // Quick retries ride out a blip; a real outage is reported within the budget above.
    retryOptions: { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 400 },
    additionalPolicies: [
      { policy: callDeadline(timings.callBudgetMs), position: 'perCall' as const },
      { policy: tryTimeout(timings.tryTimeoutMs), position: 'perRetry' as const },
    ],
  };
}
