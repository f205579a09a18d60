import assert from 'node:assert/strict';
import { ImportError, type ImportProblem } from '../../../src/importers/import-errors';

/** Runs `parse`, which must throw an ImportError, and returns that error. */
export function catchImportError(parse: () => unknown): ImportError {
  try {
    parse();
  } catch (error: unknown) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  return assert.fail('expected an ImportError, but the input was accepted');
}

/** The one problem whose message matches `pattern`; fails when there is none. */
export function findProblem(error: ImportError, pattern: RegExp): ImportProblem {
  const problem = error.problems.find((p) => pattern.test(p.message));
  assert.ok(
    problem,
    `no problem matches ${pattern}; got:\n${error.problems.map((p) => p.message).join('\n')}`,
  );
  return problem;
}
