import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSubIcbLookup } from '../../../src/importers/parse-sub-icb-lookup';
import { catchImportError, findProblem } from './catch-import-error';

const SAMPLE = readFileSync(
  path.join(__dirname, '..', '..', 'fixtures', 'ods', 'sub-icb-lookup-sample.csv'),
  'utf8',
);
const HEADER =
  'SICBL23CD,SICBL23CDH,SICBL23NM,ICB23CD,ICB23CDH,ICB23NM,NHSER23CD,NHSER23CDH,NHSER23NM,ObjectId';
const LANCS = 'NHS Lancashire and South Cumbria Integrated Care Board';

function lookupRow(
  subIcb: string,
  icb = 'QE1',
  icbName = LANCS,
  region = 'Y62',
  regionName = 'North West',
): string {
  return `E38000014,${subIcb},NHS Lancashire and South Cumbria ICB - ${subIcb},E54000048,${icb},${icbName},E40000010,${region},${regionName},1`;
}

describe('parseSubIcbLookup', () => {
  it('maps each sub-ICB ODS code to its ICB and region, using the CDH columns', () => {
    const lookup = parseSubIcbLookup(SAMPLE);
    assert.equal(lookup.size, SAMPLE.trim().split('\n').length - 1);
    assert.deepEqual(lookup.get('00Q'), {
      icbCode: 'QE1',
      icbName: LANCS,
      regionCode: 'Y62',
      regionName: 'North West',
    });
    assert.equal(lookup.get('16C')?.regionCode, 'Y63');
  });

  it('accepts other years, the 2022 LOC prefix and columns in any order', () => {
    const text = [
      'NHSER22NM,NHSER22CDH,ICB22NM,ICB22CDH,LOC22NM,LOC22CDH,LOC22CD',
      `North West,Y62,"${LANCS}",QE1,"NHS Lancashire and South Cumbria ICB - 01K",01K,E38000227`,
    ].join('\r\n');
    assert.equal(parseSubIcbLookup(text).get('01K')?.icbCode, 'QE1');
  });

  it('refuses a header without the columns it needs, naming each one', () => {
    const text = [
      'SICBL23CD,SICBL23CDH,ICB23CD,ICB23NM,NHSER23CD',
      'E38000014,00Q,E54000048,X,E40000010',
    ].join('\n');
    const problem = findProblem(
      catchImportError(() => parseSubIcbLookup(text)),
      /missing columns/,
    );
    assert.equal(problem.line, 1);
    assert.match(problem.message, /ICByyCDH/);
    assert.match(problem.message, /NHSERyyCDH/);
    assert.match(problem.message, /NHSERyyNM/);
    assert.doesNotMatch(problem.message, /SICBLyyCDH/);
  });

  it('refuses a sub-ICB listed twice, naming both lines', () => {
    const text = [HEADER, lookupRow('00Q'), lookupRow('01K'), lookupRow('00Q')].join('\n');
    const problem = findProblem(
      catchImportError(() => parseSubIcbLookup(text)),
      /00Q is listed twice \(first on line 2\)/,
    );
    assert.equal(problem.line, 4);
  });

  it('refuses codes of the wrong shape or with forbidden characters, naming line and column', () => {
    const text = [
      HEADER,
      lookupRow('0/Q'),
      lookupRow('01K', 'E54000048'),
      lookupRow('02G', 'QE1', LANCS, 'North'),
    ].join('\n');
    const error = catchImportError(() => parseSubIcbLookup(text));
    const key = findProblem(error, /"0\/Q" contains "\/"/);
    assert.deepEqual([key.line, key.field], [2, 'SICBL23CDH']);
    const icb = findProblem(error, /E54000048 is not a valid code/);
    assert.deepEqual([icb.line, icb.field], [3, 'ICB23CDH']);
    const region = findProblem(error, /NORTH is not a valid code/);
    assert.deepEqual([region.line, region.field], [4, 'NHSER23CDH']);
  });

  it('refuses rows that disagree about an ICB', () => {
    const text = [
      HEADER,
      lookupRow('00Q'),
      lookupRow('01K', 'QE1', LANCS, 'Y63', 'North East and Yorkshire'),
    ].join('\n');
    const problem = findProblem(
      catchImportError(() => parseSubIcbLookup(text)),
      /ICB QE1 .* in Y63 here but .* in Y62 on line 2/,
    );
    assert.equal(problem.line, 3);
  });

  it('refuses rows with the wrong number of columns, naming the line', () => {
    const text = [
      HEADER,
      lookupRow('00Q'),
      'E38000227,01K,"NHS Lancashire, South Cumbria ICB - 01K"',
    ].join('\n');
    const problem = findProblem(
      catchImportError(() => parseSubIcbLookup(text)),
      /expected 10 columns, as in the header, but found 3/,
    );
    assert.equal(problem.line, 3);
  });

  it('refuses an empty file', () => {
    findProblem(
      catchImportError(() => parseSubIcbLookup('')),
      /the file is empty/,
    );
  });
});
