import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Organisation } from '../../../src/domain/access/organisations';
import { parseEpraccur, type EpraccurImport } from '../../../src/importers/parse-epraccur';
import { parsePcnMembership } from '../../../src/importers/parse-pcn-membership';
import { parseSubIcbLookup } from '../../../src/importers/parse-sub-icb-lookup';
import { catchImportError, findProblem } from './catch-import-error';
import { findSharedReference } from '../../support/shared-reference';

const REAL_FILE = findSharedReference('reference', 'ods', 'epraccur-2019-12.csv');
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'ods');
const CURRENT_REGIONS = ['Y56', 'Y58', 'Y59', 'Y60', 'Y61', 'Y62', 'Y63'];

function readFixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

function find(result: EpraccurImport, code: string): Organisation {
  const org = result.organisations.find((o) => o.code === code);
  assert.ok(org, `${code} is missing`);
  return org;
}

// A well-formed epraccur row: every field quoted, 27 columns, as NHS Digital writes them.
function row(overrides: Partial<Record<number, string>>): string {
  const fields = [
    'A81001',
    'THE DENSHAM SURGERY',
    'Y63',
    'Q74',
    'THE HEALTH CENTRE',
    'LAWSON STREET',
    'STOCKTON-ON-TEES',
    'CLEVELAND',
    '',
    'TS18 1HU',
    '19740401',
    '',
    'A',
    'B',
    '00K',
    '20130401',
    '',
    '01642 672351',
    '',
    '',
    '',
    '0',
    '',
    '00K',
    '',
    '4',
    '',
  ];
  for (const [index, value] of Object.entries(overrides)) fields[Number(index)] = value ?? '';
  return fields.map((field) => `"${field}"`).join(',');
}

describe('parseEpraccur', () => {
  describe('the real December 2019 file', () => {
    const text = readFileSync(REAL_FILE, 'utf8');
    // Worked out independently of the parser: every field in the file is quoted and none holds
    // a quote, so splitting on "," is exact for this file.
    const rows = text
      .split(/\r?\n/)
      .filter((line) => line !== '')
      .map((line) => line.slice(1, -1).split('","'));
    const gpRows = rows.filter((fields) => fields[25] === '4');
    const expectedClosed = gpRows.filter((f) => f[12] === 'C' || f[12] === 'D').length;
    const expectedProposed = gpRows.filter((f) => f[12] === 'P').length;
    const expectedGeographies = new Set(gpRows.filter((f) => f[12] !== 'P').map((f) => f[3]));
    let result: EpraccurImport;
    let elapsed = 0;

    before(() => {
      const started = performance.now();
      result = parseEpraccur(text);
      elapsed = performance.now() - started;
    });

    it('yields the 6,830 open GP practices the file documents', () => {
      assert.equal(result.report.open, 6830);
      const open = result.organisations.filter((o) => o.level === 'practice' && o.open);
      assert.equal(open.length, 6830);
    });

    it('keeps closed and dormant practices, recorded as closed', () => {
      assert.equal(result.report.closed, expectedClosed);
      const closed = result.organisations.filter((o) => o.level === 'practice' && !o.open);
      assert.equal(closed.length, expectedClosed);
      const closedCode = gpRows.find((f) => f[12] === 'C')?.[0];
      assert.equal(find(result, closedCode ?? '').open, false);
    });

    it('counts practices, proposed ones skipped, and nothing else', () => {
      assert.equal(result.report.skippedProposed, expectedProposed);
      assert.equal(result.report.practices, gpRows.length - expectedProposed);
      assert.equal(
        result.organisations.filter((o) => o.level === 'practice').length,
        result.report.practices,
      );
    });

    it('has all 7 current regions among open practices', () => {
      const regions = new Set(
        result.organisations
          .filter((o) => o.level === 'practice' && o.open)
          .map((o) => o.regionCode),
      );
      assert.deepEqual([...regions].sort(), CURRENT_REGIONS);
      for (const code of CURRENT_REGIONS) assert.equal(find(result, code).open, true);
    });

    it('keeps retired region codes as closed "Former region" organisations', () => {
      const retired = new Set(
        gpRows.map((f) => f[2]).filter((c) => !CURRENT_REGIONS.includes(c ?? '')),
      );
      assert.ok(retired.size > 0, 'the file carries retired region codes');
      for (const code of retired) {
        const region = find(result, code ?? '');
        assert.equal(region.open, false);
        assert.equal(region.name, `Former region ${code}`);
      }
      assert.ok(result.report.notes.some((note) => note.includes('Former region')));
    });

    it('falls back to the High Level Health Geography codes, and says so, without a lookup', () => {
      const icbLevel = result.organisations.filter((o) => o.level === 'icb');
      assert.deepEqual(new Set(icbLevel.map((o) => o.code)), expectedGeographies);
      assert.match(icbLevel[0]?.name ?? '', /^Health geography Q\w\w \(from epraccur\)$/);
      assert.ok(
        result.report.notes.some((note) => /No sub-ICB lookup was given/.test(note)),
        result.report.notes.join('\n'),
      );
      const parents = new Set(
        result.organisations.filter((o) => o.level === 'practice').map((o) => o.parentCode),
      );
      for (const parent of parents) assert.equal(find(result, parent ?? '').level, 'icb');
    });

    it('places each practice under its own High Level Health Geography code', () => {
      const sample = gpRows.filter((f) => f[12] === 'A').slice(0, 200);
      for (const fields of sample) {
        assert.equal(find(result, fields[0] ?? '').parentCode, fields[3]);
      }
    });

    it('keeps names with commas and slashes whole', () => {
      const withSlash = gpRows.find((f) => f[1]?.includes('/'));
      assert.ok(withSlash);
      assert.equal(find(result, withSlash[0] ?? '').name, withSlash[1]);
    });

    it('parses the whole file in well under a few seconds', () => {
      console.log(`      (parsed ${rows.length} rows in ${elapsed.toFixed(0)} ms)`);
      assert.ok(elapsed < 5000, `took ${elapsed} ms`);
    });
  });

  describe('with a sub-ICB lookup and PCN membership', () => {
    const subIcbLookup = parseSubIcbLookup(readFixture('sub-icb-lookup-sample.csv'));
    const pcnMembership = parsePcnMembership(readFixture('pcn-core-partners-sample.csv'), {
      asOf: '2024-01-01',
    });
    const result = parseEpraccur(readFixture('epraccur-sample.csv'), {
      subIcbLookup,
      pcnMembership,
    });

    it('puts practices under their current PCN, and the PCN under its ICB from the lookup', () => {
      assert.equal(find(result, 'A81001').parentCode, 'U81234');
      assert.deepEqual(find(result, 'U81234'), {
        code: 'U81234',
        name: 'STOCKTON CENTRAL PCN',
        level: 'pcn',
        parentCode: 'QHM',
        open: true,
        icbCode: 'QHM',
        regionCode: 'Y63',
      });
      assert.equal(
        find(result, 'QHM').name,
        'NHS North East and North Cumbria Integrated Care Board',
      );
      assert.equal(find(result, 'A81001').icbCode, 'QHM');
    });

    it('takes ICB and region from the lookup rather than the file’s columns', () => {
      const lancashire = find(result, 'P81003');
      assert.equal(lancashire.parentCode, 'U55555');
      assert.equal(lancashire.icbCode, 'QE1');
      assert.equal(lancashire.regionCode, 'Y62');
      assert.equal(find(result, 'Y62').name, 'North West');
      // A81003 carries the retired region Y54, but its commissioner 16C is in Y63.
      assert.equal(find(result, 'A81003').regionCode, 'Y63');
    });

    it('hangs a practice with no current PCN directly off its ICB, and says so', () => {
      assert.equal(find(result, 'A81005').parentCode, 'QHM');
      // A81003's spell ended in 2020 and A81005's in 2022; A81004 and C84001 have none.
      assert.equal(find(result, 'A81003').parentCode, 'QHM');
      assert.ok(
        result.report.notes.some((n) => /^4 practices \(2 open\) have no current PCN/.test(n)),
        result.report.notes.join('\n'),
      );
    });

    it('falls back to the health geography for a commissioner the lookup lacks, and says so', () => {
      assert.equal(find(result, 'C84001').parentCode, 'QF7');
      assert.equal(find(result, 'QF7').name, 'NHS South Yorkshire Integrated Care Board');
      assert.ok(
        result.report.notes.some((n) =>
          /commissioner code that is not in the sub-ICB lookup \(for example 99Z on line 10\)/.test(
            n,
          ),
        ),
      );
    });

    it('counts open, closed (C and D) and proposed practices, leaving out other settings', () => {
      assert.deepEqual(
        { ...result.report, notes: [] },
        { practices: 8, open: 6, closed: 2, skippedProposed: 1, notes: [] },
      );
      assert.equal(find(result, 'A81004').open, false);
      assert.equal(
        result.organisations.some((o) => o.code === 'Y09999'),
        false,
      );
      assert.equal(
        result.organisations.some((o) => o.code === 'A81600'),
        false,
      );
    });

    it('notes memberships for practices that are not in the file', () => {
      assert.ok(
        result.report.notes.some((n) =>
          /for a practice not in this file \(for example B86001\)/.test(n),
        ),
      );
      assert.equal(
        result.organisations.some((o) => o.code === 'U60000'),
        false,
      );
    });

    it('does not claim a lookup is missing', () => {
      assert.equal(
        result.report.notes.some((n) => /No sub-ICB lookup/.test(n)),
        false,
      );
    });
  });

  describe('without a lookup', () => {
    const result = parseEpraccur(readFixture('epraccur-sample.csv'));

    it('hangs practices off health geographies named as such', () => {
      assert.equal(find(result, 'A81001').parentCode, 'QHM');
      assert.equal(find(result, 'QHM').name, 'Health geography QHM (from epraccur)');
      assert.ok(result.report.notes.some((n) => /No PCN membership list was given/.test(n)));
    });

    it('puts a geography in the region most of its open practices carry', () => {
      assert.equal(find(result, 'QHM').parentCode, 'Y63');
      assert.equal(find(result, 'Y54').open, false);
    });
  });

  it('accepts a practice with no National Grouping, taking the region from its geography', () => {
    const text = [row({}), row({ 0: 'A81002', 2: '' })].join('\n');
    const result = parseEpraccur(text);
    assert.equal(find(result, 'A81002').regionCode, 'Y63');
  });

  describe('refuses', () => {
    it('rows with the wrong number of columns, naming the line', () => {
      const text = [row({}), row({ 0: 'A81002' }).replace(/,""$/, ''), row({ 0: 'A81003' })].join(
        '\r\n',
      );
      const problem = findProblem(
        catchImportError(() => parseEpraccur(text)),
        /expected 27 columns but found 26/,
      );
      assert.equal(problem.line, 2);
    });

    it('an unknown status, naming the line and column', () => {
      const text = [row({}), row({ 0: 'A81002', 12: 'X' })].join('\n');
      const problem = findProblem(
        catchImportError(() => parseEpraccur(text)),
        /unknown status "X" for A81002/,
      );
      assert.equal(problem.line, 2);
      assert.equal(problem.field, 'Status Code');
    });

    it('codes with characters storage keys cannot hold', () => {
      const text = [row({}), row({ 0: 'A81/02' })].join('\n');
      const problem = findProblem(
        catchImportError(() => parseEpraccur(text)),
        /"A81\/02" contains "\/"/,
      );
      assert.equal(problem.line, 2);
      assert.equal(problem.field, 'Organisation Code');
    });

    it('the same practice twice, naming both lines', () => {
      const text = [row({}), row({ 0: 'A81002' }), row({ 1: 'DUPLICATE' })].join('\n');
      const problem = findProblem(
        catchImportError(() => parseEpraccur(text)),
        /duplicate code A81001 \(first on line 1\)/,
      );
      assert.equal(problem.line, 3);
    });

    it('a region code that is not a region code', () => {
      const text = [row({}), row({ 0: 'A81002', 2: 'Q74' })].join('\n');
      const problem = findProblem(
        catchImportError(() => parseEpraccur(text)),
        /"Q74" is not an NHS England region code/,
      );
      assert.equal(problem.field, 'National Grouping');
      assert.equal(problem.line, 2);
    });

    it('a health geography none of whose practices carries a region', () => {
      const text = [row({}), row({ 0: 'A81002', 2: '', 3: 'Q99' })].join('\n');
      const problem = findProblem(
        catchImportError(() => parseEpraccur(text)),
        /no practice under health geography Q99 has a National Grouping/,
      );
      assert.equal(problem.line, 2);
    });

    it('a practice code of the wrong shape', () => {
      const text = row({ 0: 'A8100' });
      const problem = findProblem(
        catchImportError(() => parseEpraccur(text)),
        /A8100 is not a valid practice code/,
      );
      assert.equal(problem.line, 1);
    });

    it('malformed CSV, naming the line', () => {
      const text = [
        row({}),
        row({ 0: 'A81002' }).replace('"THE DENSHAM SURGERY"', '"THE "DENSHAM" SURGERY"'),
      ].join('\n');
      const problem = findProblem(
        catchImportError(() => parseEpraccur(text)),
        /closing double quote/,
      );
      assert.equal(problem.line, 2);
    });

    it('every bad row at once, not just the first', () => {
      const text = [
        row({ 12: 'Q' }),
        row({ 0: 'A81002', 2: 'Z' }),
        row({ 0: 'A81003' }).slice(0, 40),
      ].join('\n');
      const error = catchImportError(() => parseEpraccur(text));
      assert.deepEqual(
        error.problems.map((p) => p.line),
        [1, 2, 3],
      );
    });
  });
});
