import { LRUCache } from 'lru-cache';

/**
 * Remembers the answers of a pure function of strings, the most recent `max` of them. For UK date
 * arithmetic and formatting: a card draws the same few deadlines again and again, and each Luxon
 * call (a time-zone-aware DateTime, an Intl formatter) costs far more than a look-up.
 */
export function memoise<A extends string[], R extends NonNullable<unknown>>(
  fn: (...args: A) => R,
  max = 5_000,
): (...args: A) => R {
  const answers = new LRUCache<string, R>({ max });
  return (...args: A) => {
    const key = args.join('\u0000');
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = fn(...args);
      answers.set(key, answer);
    }
    return answer;
  };
}
