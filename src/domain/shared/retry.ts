// Some use cases try again when they meet another writer (an optimistic-concurrency conflict).
// The domain decides what is worth retrying and how many times; how long to wait between tries
// is the edges' business (a domain use case never sleeps), so it arrives as this port.

/** What a use case asks of a retry: how many more tries at most, and which failures to retry. */
export interface RetryRule {
  retries: number;
  isRetryable(error: unknown): boolean;
}

/**
 * Port: runs `attempt`, and again while it fails with an error the rule accepts, up to
 * `rule.retries` more times; then fails with the last error. Any other error fails at once.
 */
export type Retry = <T>(attempt: () => Promise<T>, rule: RetryRule) => Promise<T>;

/** A Retry that tries again at once, with no wait: for callers that bring no retry of their own. */
export const retryAtOnce: Retry = async (attempt, rule) => {
  for (let tried = 0; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= rule.retries || !rule.isRetryable(error)) throw error;
    }
  }
};
