import assert from 'node:assert/strict';
import type { Organisation } from '../../../src/domain/access/organisations';
import { resolveHierarchy } from '../../../src/importers/resolve-hierarchy';
import { catchImportError, findProblem } from './catch-import-error';

const region: Organisation = { code: 'Y62', name: 'North West', level: 'region', open: true };
const icb: Organisation = {
  code: 'QE1',
  name: 'NHS Lancashire and South Cumbria ICB',
  level: 'icb',
  parentCode: 'Y62',
  open: true,
};
const pcn: Organisation = {
  code: 'U60123',
  name: 'Blackburn North PCN',
  level: 'pcn',
  parentCode: 'QE1',
  open: true,
};
const practice: Organisation = {
  code: 'P81002',
  name: 'Darwen Healthcare',
  level: 'practice',
  parentCode: 'U60123',
  open: true,
};
const loosePractice: Organisation = {
  code: 'P81003',
  name: 'Roe Lee Surgery',
  level: 'practice',
  parentCode: 'QE1',
  open: false,
};

describe('resolveHierarchy', () => {
  it('fills in each organisation’s ICB and region from its parents', () => {
    const resolved = resolveHierarchy([practice, loosePractice, pcn, icb, region]);
    const byCode = new Map(resolved.map((org) => [org.code, org]));
    assert.deepEqual(byCode.get('P81002'), { ...practice, icbCode: 'QE1', regionCode: 'Y62' });
    assert.deepEqual(byCode.get('P81003'), { ...loosePractice, icbCode: 'QE1', regionCode: 'Y62' });
    assert.deepEqual(byCode.get('U60123'), { ...pcn, icbCode: 'QE1', regionCode: 'Y62' });
    assert.equal(byCode.get('QE1')?.icbCode, 'QE1');
    assert.equal(byCode.get('Y62')?.regionCode, 'Y62');
    assert.equal(byCode.get('Y62')?.icbCode, undefined);
  });

  it('recomputes ancestors the input got wrong, and leaves the input untouched', () => {
    const stale: Organisation = { ...practice, icbCode: 'QXX', regionCode: 'Y56' };
    const [resolved] = resolveHierarchy([stale, pcn, icb, region]);
    assert.equal(resolved?.icbCode, 'QE1');
    assert.equal(resolved?.regionCode, 'Y62');
    assert.equal(stale.icbCode, 'QXX');
  });

  it('refuses duplicate codes, naming both lines', () => {
    const error = catchImportError(() =>
      resolveHierarchy([region, icb, { ...icb, name: 'Again' }], { lines: [2, 3, 7] }),
    );
    const problem = findProblem(error, /duplicate code QE1/);
    assert.equal(problem.line, 7);
    assert.equal(problem.field, 'code');
    assert.match(problem.message, /line 3/);
  });

  it('refuses a practice whose PCN is unknown, naming its line and column', () => {
    const orphan = { ...practice, parentCode: 'U12345' };
    const error = catchImportError(() =>
      resolveHierarchy([region, icb, orphan], {
        lines: [2, 3, 14],
        columns: { parentCode: 'ParentCode' },
      }),
    );
    const problem = findProblem(error, /unknown parent U12345/);
    assert.equal(problem.line, 14);
    assert.equal(problem.field, 'ParentCode');
    assert.match(
      error.message,
      /line 14, column ParentCode: unknown parent U12345 .*add it or fix the code/,
    );
  });

  it('does not report children of a row that was already reported as broken', () => {
    const orphan = { ...practice, parentCode: 'U99999' };
    const error = catchImportError(() =>
      resolveHierarchy([region, icb, orphan, { ...loosePractice, name: '' }], {
        brokenCodes: new Set(['U99999']),
      }),
    );
    assert.equal(error.problems.length, 1);
    findProblem(error, /P81003 has no name/);
  });

  it('refuses parent codes that go round in a circle, once per circle', () => {
    const a: Organisation = { ...icb, parentCode: 'U60123' };
    const b: Organisation = { ...pcn, parentCode: 'QE1' };
    const self: Organisation = { ...pcn, code: 'U60999', parentCode: 'U60999' };
    const error = catchImportError(() =>
      resolveHierarchy([region, a, b, self], { lines: [1, 2, 3, 4] }),
    );
    const circle = findProblem(error, /circle \(QE1 → U60123 → QE1\)/);
    assert.equal(circle.line, 2);
    findProblem(error, /circle \(U60999 → U60999\)/);
    assert.equal(error.problems.length, 2, 'no extra wrong-level message for members of a circle');
  });

  const wrongParents: [string, Organisation, RegExp][] = [
    [
      'a region with a parent',
      { ...region, code: 'Y61', parentCode: 'QE1' },
      /region .* has no parent — remove parent QE1/,
    ],
    [
      'an ICB under a PCN',
      { ...icb, code: 'QE2', parentCode: 'U60123' },
      /ICB QE2 cannot hang from PCN U60123.*must be a region/,
    ],
    [
      'a PCN under a region',
      { ...pcn, code: 'U60124', parentCode: 'Y62' },
      /PCN U60124 cannot hang from region Y62.*must be an ICB/,
    ],
    [
      'a practice under a practice',
      { ...practice, code: 'P81004', parentCode: 'P81003' },
      /practice P81004 cannot hang from practice P81003.*must be a PCN or an ICB/,
    ],
    [
      'a PCN with no parent',
      { code: 'U60125', name: 'X PCN', level: 'pcn', open: true },
      /PCN U60125 has no parent/,
    ],
  ];
  for (const [what, org, pattern] of wrongParents) {
    it(`refuses ${what}`, () => {
      const error = catchImportError(() =>
        resolveHierarchy([region, icb, pcn, loosePractice, org], { lines: [1, 2, 3, 4, 5] }),
      );
      const problem = findProblem(error, pattern);
      assert.equal(problem.line, 5);
      assert.equal(problem.field, 'parentCode');
    });
  }

  const badShapes: [Organisation['level'], string][] = [
    ['region', 'Q62'],
    ['region', 'Y6'],
    ['icb', 'E54000048'],
    ['icb', 'XE1'],
    ['pcn', 'U6012'],
    ['pcn', 'P81002'],
    ['practice', 'AB1234'],
    ['practice', '812345'],
  ];
  for (const [level, code] of badShapes) {
    it(`refuses ${code} as the code of a ${level}`, () => {
      const org: Organisation =
        level === 'region'
          ? { code, name: 'X', level, open: true }
          : { code, name: 'X', level, parentCode: level === 'icb' ? 'Y62' : 'QE1', open: true };
      const error = catchImportError(() =>
        resolveHierarchy([region, icb, org], { lines: [1, 2, 9] }),
      );
      const problem = findProblem(error, new RegExp(`${code} is not a valid`));
      assert.equal(problem.line, 9);
      assert.equal(problem.field, 'code');
    });
  }

  for (const code of ['P81/02', 'P81#02', 'P81?02', 'P81\\02', 'P81\u000702']) {
    it(`refuses the code ${JSON.stringify(code)}, which storage keys cannot hold`, () => {
      const error = catchImportError(() =>
        resolveHierarchy([region, icb, { ...loosePractice, code }], { lines: [1, 2, 3] }),
      );
      const problem = findProblem(error, /storage keys cannot hold/);
      assert.equal(problem.line, 3);
    });
  }

  it('refuses organisations with empty names', () => {
    const error = catchImportError(() => resolveHierarchy([region, { ...icb, name: '  ' }]));
    const problem = findProblem(error, /QE1 has no name/);
    assert.equal(problem.field, 'name');
  });

  it('collects every problem before refusing the list', () => {
    const error = catchImportError(() =>
      resolveHierarchy([
        region,
        { ...icb, name: '' },
        { ...pcn, parentCode: 'QZZ' },
        { ...practice, code: 'bad' },
      ]),
    );
    assert.equal(error.problems.length, 3);
  });
});
