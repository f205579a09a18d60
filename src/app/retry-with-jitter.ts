import pRetry from 'p-retry';
import type { Retry } from '../domain/shared/retry';

/**
 * The Retry the service gives its use cases: growing, jittered waits (about 2–4 ms, doubling,
 * at most 200 ms) so writers that collided do not collide again in lockstep. p-retry 4 (the last
 * CommonJS major) does the waiting; an error the rule does not accept fails at once, unchanged.
 */
export const retryWithJitter: Retry = async (attempt, rule) => {
  let refused: { error: unknown } | undefined;
  try {
    return await pRetry(
      async () => {
        try {
          return await attempt();
        } catch (error) {
          if (rule.isRetryable(error)) throw error;
          refused = { error };
          throw new pRetry.AbortError('not retryable');
        }
      },
      { retries: rule.retries, factor: 2, minTimeout: 2, maxTimeout: 200, randomize: true },
    );
  } catch (error) {
    // p-retry hands back a copy for values that are not Errors: give the caller what was thrown.
    throw refused ? refused.error : error;
  }
};
