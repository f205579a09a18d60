import type { StorageTimings } from '../src/storage/create-table-client';

/**
 * Storage time limits for the benchmarks' own bulk work (imports, launches, spreads): the
 * request-path budget of 2.5 s is too short for a 100-row batch into a big Azurite on a machine
 * shared with other work, and a benchmark should measure, not fail on a slow call.
 */
export const BENCH_TIMINGS: StorageTimings = { callBudgetMs: 120_000, tryTimeoutMs: 60_000 };
