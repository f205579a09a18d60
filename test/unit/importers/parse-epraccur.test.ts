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
      // Its Welsh and Crown Dependency rows are all prescribing setting 0 in this file.
      assert.equal(result.report.skippedOtherSettings, rows.length - gpRows.length);
      assert.deepEqual(result.report.skippedOutsideEngland, {});
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
      // Told from the codes: Q70…Q88 are the area teams and local offices of the CCG years.
      assert.equal(result.report.geography, 'before-icb');
      assert.ok(
        result.report.notes.some((note) =>
          /^This file uses the CCG-era geography \(before July 2022\).*\(14 codes, such as Q\d\d\)/.test(
            note,
          ),
        ),
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
        {
          practices: 8,
          open: 6,
          closed: 2,
          skippedProposed: 1,
          skippedOutsideEngland: {},
          skippedOtherSettings: 1,
          geography: 'icb',
          notes: [],
        },
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

    it('hangs practices off their ICBs, named from the shipped list of 42', () => {
      assert.equal(find(result, 'A81001').parentCode, 'QHM');
      assert.equal(
        find(result, 'QHM').name,
        'NHS North East and North Cumbria Integrated Care Board',
      );
      assert.equal(
        find(result, 'QE1').name,
        'NHS Lancashire and South Cumbria Integrated Care Board',
      );
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

// Rows as ODS publishes them in each era, from real practices. The 2019 rows are copied from the
// December 2019 epraccur; the later ones are the same practices with the codes ODS gave them after
// 1 July 2022 (ICB in High Level Health Geography, sub-ICB location as Commissioner). Welsh GP
// practices carry National Grouping W00 and a health board (7A1…7A7) as Commissioner; the Crown
// Dependencies carry YAC (Isle of Man) to YAF (Alderney) and no National Grouping.
const CCG_ERA_ROWS = [
  row({}),
  row({ 0: 'A81002', 1: 'QUEENS PARK MEDICAL CENTRE', 9: 'TS18 2AW' }),
  row({ 0: 'N81001', 1: 'AUDLEM MEDICAL PRACTICE', 2: 'Y62', 3: 'Q75', 14: '01R', 23: '01R' }),
];
const ICB_ERA_ROWS = [
  row({ 3: 'QHM', 14: '16C', 23: '16C' }),
  row({ 0: 'A81002', 1: 'QUEENS PARK MEDICAL CENTRE', 3: 'QHM', 14: '16C', 23: '16C' }),
  row({ 0: 'N81001', 1: 'AUDLEM MEDICAL PRACTICE', 2: 'Y62', 3: 'QYG', 14: '27D', 23: '27D' }),
  row({ 0: 'P81002', 1: 'DARWEN HEALTHCARE', 2: 'Y62', 3: 'QE1', 14: '00Q', 23: '00Q' }),
];
const WELSH_ROWS = [
  row({ 0: 'W91002', 1: 'PLAS MEDDYG', 2: 'W00', 3: 'Q99', 14: '7A1', 23: '7A1' }),
  row({ 0: 'W91003', 1: 'CLARENCE MEDICAL CENTRE', 2: 'W00', 3: 'Q99', 14: '7A1', 23: '7A1' }),
  // Closed, and with a status England rows may not use: still only counted.
  row({ 0: 'W00005', 1: 'ABER MEDICAL CENTRE', 2: 'W00', 3: 'Q99', 12: 'C', 14: '7A6' }),
];
const CROWN_DEPENDENCY_ROWS = [
  row({ 0: 'Y00001', 1: 'CASTLETOWN MEDICAL CENTRE', 2: '', 3: 'YAC', 13: 'Z', 14: '', 23: 'YAC' }),
  // "ALD200" is no England practice code: it must not get as far as the code check.
  row({ 0: 'ALD200', 1: "DR R LYONS' PRACTICE", 2: '', 3: 'YAF', 13: 'Z', 14: '', 23: 'YAF' }),
];
const PRESCRIBING_COST_CENTRE = row({ 0: 'A81600', 1: 'STOCKTON PCC', 25: '0' });

describe('parseEpraccur on files of any year', () => {
  it('reads a CCG-era file (before July 2022) and says so, from its codes', () => {
    const result = parseEpraccur(CCG_ERA_ROWS.join('\r\n'));
    assert.equal(result.report.geography, 'before-icb');
    assert.equal(find(result, 'Q74').name, 'Health geography Q74 (from epraccur)');
    assert.equal(find(result, 'N81001').regionCode, 'Y62');
    assert.match(
      result.report.notes[0] ?? '',
      /^This file uses the CCG-era geography \(before July 2022\).*\(2 codes, such as Q74\).*Load the ONS sub-ICB location/,
    );
  });

  it('reads an ICB-era file, naming its ICBs and their regions from the shipped list', () => {
    const result = parseEpraccur(ICB_ERA_ROWS.join('\r\n'));
    assert.equal(result.report.geography, 'icb');
    assert.deepEqual(
      result.organisations
        .filter((o) => o.level === 'icb')
        .map((o) => [o.code, o.name, o.parentCode, o.open]),
      [
        ['QE1', 'NHS Lancashire and South Cumbria Integrated Care Board', 'Y62', true],
        ['QHM', 'NHS North East and North Cumbria Integrated Care Board', 'Y63', true],
        ['QYG', 'NHS Cheshire and Merseyside Integrated Care Board', 'Y62', true],
      ],
    );
    assert.equal(find(result, 'Y62').name, 'North West');
    assert.match(
      result.report.notes[0] ?? '',
      /^This file uses the ICB geography \(July 2022 onwards\).*\(3 codes, such as QE1\) and its Commissioner column sub-ICB locations\. No sub-ICB lookup was given, so practices are grouped under their ICBs, named from the shipped list of the 42 ICBs \(data\/icbs-and-regions\.json, as of 1 Jul 2022\)\.$/,
    );
  });

  it('says when a file mixes ICB codes with the older ones', () => {
    const result = parseEpraccur([...ICB_ERA_ROWS.slice(0, 2), CCG_ERA_ROWS[2]].join('\n'));
    assert.equal(result.report.geography, 'mixed');
    assert.match(result.report.notes[0] ?? '', /mixes two geographies/);
    assert.equal(
      find(result, 'QHM').name,
      'NHS North East and North Cumbria Integrated Care Board',
    );
    assert.equal(find(result, 'Q75').name, 'Health geography Q75 (from epraccur)');
  });

  it('skips Welsh and Crown Dependency practices and other settings, counting each reason', () => {
    const text = [
      ...ICB_ERA_ROWS,
      ...WELSH_ROWS,
      ...CROWN_DEPENDENCY_ROWS,
      PRESCRIBING_COST_CENTRE,
    ].join('\r\n');
    const result = parseEpraccur(text);
    assert.deepEqual(result.report.skippedOutsideEngland, {
      Wales: 3,
      'Isle of Man': 1,
      'Channel Islands': 1,
    });
    assert.equal(result.report.skippedOtherSettings, 1);
    assert.equal(result.report.practices, 4);
    for (const code of ['W91002', 'W00005', 'Y00001', 'ALD200', 'A81600', 'W00', 'Q99', 'YAC'])
      assert.equal(
        result.organisations.some((o) => o.code === code),
        false,
        code,
      );
  });

  it('skips Scottish and Northern Irish rows by their country codes, and Welsh ones by health board', () => {
    const text = [
      row({}),
      row({ 0: 'S12345', 2: 'S00', 3: 'Q99' }),
      row({ 0: 'Z00123', 2: 'Z00', 3: 'Q99' }),
      row({ 0: 'W95010', 2: '', 3: 'Q99', 14: '7A3' }),
    ].join('\n');
    const result = parseEpraccur(text);
    assert.deepEqual(result.report.skippedOutsideEngland, {
      Scotland: 1,
      'Northern Ireland': 1,
      Wales: 1,
    });
    assert.equal(result.report.practices, 1);
  });

  it('loads nothing, without refusing, from a file of Welsh practices only', () => {
    const result = parseEpraccur(WELSH_ROWS.join('\n'));
    assert.deepEqual(result.organisations, []);
    assert.equal(result.report.skippedOutsideEngland.Wales, 3);
    assert.match(result.report.notes[0] ?? '', /no GP practices in NHS England/);
  });

  it('still refuses an English row whose own columns contradict each other', () => {
    const text = [...WELSH_ROWS, row({ 2: 'Q74' })].join('\n');
    const problem = findProblem(
      catchImportError(() => parseEpraccur(text)),
      /"Q74" is not an NHS England region code/,
    );
    assert.equal(problem.line, 4);
  });
});
