import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../../../src/domain/shared/errors';
import { parsePcnMembership } from '../../../src/importers/parse-pcn-membership';
import { catchImportError, findProblem } from './catch-import-error';

const SAMPLE = readFileSync(
  path.join(__dirname, '..', '..', 'fixtures', 'ods', 'pcn-core-partners-sample.csv'),
  'utf8',
);
const SUB_ICB = 'NHS NORTH EAST AND NORTH CUMBRIA ICB - 16C';

// One ePCN core-partner row: practice, its sub-ICB, PCN, the PCN's sub-ICB, start, end, match flag.
function spell(practice: string, pcn: string, start: string, end = '', pcnSubIcb = '16C'): string {
  return [
    practice,
    `PRACTICE ${practice}`,
    '16C',
    SUB_ICB,
    pcn,
    `PCN ${pcn}`,
    pcnSubIcb,
    SUB_ICB,
    start,
    end,
    'Yes',
  ]
    .map((field) => `"${field}"`)
    .join(',');
}

describe('parsePcnMembership', () => {
  it('returns each practice’s current PCN from the headerless ePCN file', () => {
    const memberships = parsePcnMembership(SAMPLE, { asOf: '2024-01-01' });
    assert.deepEqual(memberships.get('A81001'), {
      pcnCode: 'U81234',
      pcnName: 'STOCKTON CENTRAL PCN',
      pcnSubIcb: '16C',
    });
    // P81003's own sub-ICB is 01K; the PCN's is 00Q, and that is the one kept.
    assert.equal(memberships.get('P81003')?.pcnSubIcb, '00Q');
  });

  it('leaves out spells that have ended or not yet started', () => {
    const now = parsePcnMembership(SAMPLE, { asOf: '2024-01-01' });
    assert.equal(now.has('A81003'), false, 'ended 2020-03-31');
    assert.equal(now.has('A81005'), false, 'ended 2022-03-31');
    const then = parsePcnMembership(SAMPLE, { asOf: '2020-01-01' });
    assert.equal(then.get('A81003')?.pcnCode, 'U81234');
    assert.equal(then.has('P81003'), false, 'starts 2020-04-01');
  });

  it('counts a spell as current on its first and last day', () => {
    const text = [spell('A81001', 'U81234', '20230401', '20230930')].join('\n');
    assert.ok(parsePcnMembership(text, { asOf: '2023-04-01' }).has('A81001'));
    assert.ok(parsePcnMembership(text, { asOf: '2023-09-30' }).has('A81001'));
    assert.equal(parsePcnMembership(text, { asOf: '2023-10-01' }).has('A81001'), false);
    assert.equal(parsePcnMembership(text, { asOf: '2023-03-31' }).has('A81001'), false);
  });

  it('uses today when no date is given', () => {
    const today = new Date().toISOString().slice(0, 10);
    const text = [
      spell('A81001', 'U81234', '2019-07-01', today),
      spell('A81002', 'U81234', '2019-07-01', '2019-07-02'),
    ].join('\n');
    const memberships = parsePcnMembership(text);
    assert.ok(memberships.has('A81001'));
    assert.equal(memberships.has('A81002'), false);
  });

  it('reads dates written YYYYMMDD, YYYY-MM-DD or DD/MM/YYYY', () => {
    const text = [
      spell('A81001', 'U81234', '20230401', '20240331'),
      spell('A81002', 'U81234', '2023-04-01', '2024-03-31'),
      spell('A81004', 'U81234', '01/04/2023', '31/03/2024'),
    ].join('\n');
    assert.equal(parsePcnMembership(text, { asOf: '2024-03-31' }).size, 3);
    assert.equal(parsePcnMembership(text, { asOf: '2024-04-01' }).size, 0);
  });

  it('skips a header row, even one with line breaks inside its headings', () => {
    const header =
      '"Partner\r\nOrganisation\r\nCode","Partner\r\nName","Practice Parent Sub ICB Loc Code","Practice Parent Sub ICB Loc Name","PCN Code","PCN Name","PCN Parent Sub ICB Loc Code","PCN Parent Sub ICB Loc Name","Practice to PCN Relationship Start Date","Practice to PCN Relationship End Date"';
    const row = spell('A81001', 'U81234', '20190701').replace(/,"Yes"$/, '');
    const memberships = parsePcnMembership(`${header}\r\n${row}\r\n`, { asOf: '2024-01-01' });
    assert.deepEqual([...memberships.keys()], ['A81001']);
  });

  it('refuses a practice with two current memberships, naming both lines', () => {
    const text = [
      spell('A81001', 'U81234', '20190701'),
      spell('A81002', 'U81234', '20190701'),
      spell('A81001', 'U81999', '20220401'),
    ].join('\n');
    const error = catchImportError(() => parsePcnMembership(text, { asOf: '2024-01-01' }));
    const problem = findProblem(
      error,
      /A81001 has two memberships current on 2024-01-01: U81234 \(line 1\) and U81999/,
    );
    assert.equal(problem.line, 3);
  });

  it('refuses rows with the wrong number of columns, naming the line', () => {
    const text = [spell('A81001', 'U81234', '20190701'), '"A81002","QUEENS PARK","16C"'].join('\n');
    const problem = findProblem(
      catchImportError(() => parsePcnMembership(text, { asOf: '2024-01-01' })),
      /expected 11 columns .* found 3/,
    );
    assert.equal(problem.line, 2);
  });

  it('refuses dates that are not real dates, naming the line and column', () => {
    const text = [
      spell('A81001', 'U81234', '20230231'),
      spell('A81002', 'U81234', '20190701', 'soon'),
    ].join('\n');
    const error = catchImportError(() => parsePcnMembership(text, { asOf: '2024-01-01' }));
    const start = findProblem(error, /"20230231" is not a date/);
    assert.equal(start.line, 1);
    assert.equal(start.field, 'Practice to PCN Relationship Start Date');
    const end = findProblem(error, /"soon" is not a date/);
    assert.equal(end.line, 2);
    assert.equal(end.field, 'Practice to PCN Relationship End Date');
  });

  it('refuses a membership that ends before it starts', () => {
    const text = spell('A81001', 'U81234', '20230401', '20230301');
    findProblem(
      catchImportError(() => parsePcnMembership(text, { asOf: '2024-01-01' })),
      /ends \(2023-03-01\) before it starts \(2023-04-01\)/,
    );
  });

  it('refuses codes with characters storage keys cannot hold, and PCN codes of the wrong shape', () => {
    const text = [spell('A81?01', 'U81234', '20190701'), spell('A81002', 'PCN12', '20190701')].join(
      '\n',
    );
    const error = catchImportError(() => parsePcnMembership(text, { asOf: '2024-01-01' }));
    const key = findProblem(error, /"A81\?01" contains "\?"/);
    assert.equal(key.line, 1);
    assert.equal(key.field, 'Partner Organisation Code');
    const shape = findProblem(error, /PCN12 is not a valid code/);
    assert.equal(shape.line, 2);
    assert.equal(shape.field, 'PCN Code');
  });

  it('refuses an as-of date that is not a real date', () => {
    assert.throws(() => parsePcnMembership(SAMPLE, { asOf: '2024-13-01' }), InvalidInputError);
  });
});
