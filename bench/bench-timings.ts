import type { StorageBudget } from '../src/storage/create-table-client';

/**
 * Storage time limits for the benchmarks' own bulk work (imports, launches, spreads): even the
 * background budget is short for a 100-row batch into a big Azurite on a machine shared with
 * other work, and a benchmark should measure, not fail on a slow call.
 */
export const BENCH_TIMINGS: StorageBudget = { callMs: 120_000, tryMs: 60_000, retries: 3 };
