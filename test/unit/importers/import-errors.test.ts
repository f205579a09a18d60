import assert from 'node:assert/strict';
import { InvalidInputError } from '../../../src/domain/shared/errors';
import { ImportError, formatProblem } from '../../../src/importers/import-errors';

describe('ImportError', () => {
  it('is an InvalidInputError, so the service shows its message to the user', () => {
    const error = new ImportError('organisations file', [{ message: 'the file is empty' }]);
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.userMessage, /organisations file was not imported because it has 1 problem/);
  });

  it('names the line and column of each problem', () => {
    const problem = { line: 14, field: 'ParentCode', message: 'unknown parent U12345' };
    assert.equal(formatProblem(problem), 'line 14, column ParentCode: unknown parent U12345');
    assert.equal(formatProblem({ field: '[2].level', message: 'x' }), 'field [2].level: x');
  });

  it('lists problems in file order, with problems that have no line last', () => {
    const error = new ImportError('file', [
      { message: 'no line' },
      { line: 9, message: 'nine' },
      { line: 3, message: 'three' },
    ]);
    assert.deepEqual(
      error.problems.map((p) => p.message),
      ['three', 'nine', 'no line'],
    );
    assert.ok(error.message.indexOf('line 3') < error.message.indexOf('line 9'));
  });

  it('writes large counts with thousands separators', () => {
    const problems = Array.from({ length: 1_234 }, (_, i) => ({ line: i + 1, message: 'bad' }));
    const error = new ImportError('epraccur file', problems);
    assert.match(error.userMessage, /has 1,234 problems/);
    assert.match(error.userMessage, /…and 1,214 more\./);
  });

  it('lists the first 20 problems and says how many more there are', () => {
    const problems = Array.from({ length: 27 }, (_, i) => ({
      line: i + 1,
      message: `bad ${i + 1}`,
    }));
    const error = new ImportError('file', problems);
    assert.equal(error.problems.length, 27);
    assert.match(error.message, /line 20: bad 20/);
    assert.doesNotMatch(error.message, /line 21: bad 21/);
    assert.match(error.message, /and 7 more/);
  });
});
