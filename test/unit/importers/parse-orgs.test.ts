import assert from 'node:assert/strict';
import { parseOrgs } from '../../../src/importers/parse-orgs';
import { catchImportError, findProblem } from './catch-import-error';

const HEADER = 'code,name,level,parent_code,open';
const CSV_ROWS = [
  'Y63,North East and Yorkshire,region,,',
  'QHM,NHS North East and North Cumbria ICB,ICB,Y63,yes',
  'U81234,"Stockton Central, Norton and Billingham PCN",PCN,QHM,true',
  'A81001,The Densham Surgery,Practice,U81234,',
  'A81003,Victoria Medical Practice,practice,QHM,no',
  'A81004,Acklam Medical Centre,practice,QHM,FALSE',
];

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n');
}

describe('parseOrgs', () => {
  describe('CSV', () => {
    it('reads every row into a resolved hierarchy', () => {
      const orgs = parseOrgs(csv(...CSV_ROWS));
      assert.equal(orgs.length, CSV_ROWS.length);
      const pcn = orgs.find((org) => org.code === 'U81234');
      assert.deepEqual(pcn, {
        code: 'U81234',
        name: 'Stockton Central, Norton and Billingham PCN',
        level: 'pcn',
        parentCode: 'QHM',
        open: true,
        icbCode: 'QHM',
        regionCode: 'Y63',
      });
      assert.equal(orgs.find((org) => org.code === 'A81001')?.icbCode, 'QHM');
    });

    it('reads open as yes, no, true or false in any case, and treats empty as open', () => {
      const open = new Map(parseOrgs(csv(...CSV_ROWS)).map((org) => [org.code, org.open]));
      assert.deepEqual(
        [...open.entries()],
        [
          ['Y63', true],
          ['QHM', true],
          ['U81234', true],
          ['A81001', true],
          ['A81003', false],
          ['A81004', false],
        ],
      );
    });

    it('leaves out the parent code of a region rather than setting it to nothing', () => {
      const region = parseOrgs(csv(...CSV_ROWS)).find((org) => org.level === 'region');
      assert.ok(region);
      assert.equal('parentCode' in region, false);
    });

    it('accepts columns in any order, Windows line endings and a byte-order mark', () => {
      const text =
        '\uFEFFname,code,parent_code,level\r\nNorth West,Y62,,region\r\n"NHS Lancashire, South Cumbria ICB",qe1,Y62,icb\r\n';
      const orgs = parseOrgs(text);
      assert.deepEqual(
        orgs.map((org) => [org.code, org.name]),
        [
          ['Y62', 'North West'],
          ['QE1', 'NHS Lancashire, South Cumbria ICB'],
        ],
      );
    });

    it('refuses an unknown level, naming the row, and still checks the other rows', () => {
      const error = catchImportError(() =>
        parseOrgs(csv(...CSV_ROWS, 'A81005,Springwood Surgery,ward,QHM,', 'A81006,,practice,QHM,')),
      );
      const level = findProblem(error, /unknown level "ward" for A81005/);
      assert.equal(level.line, CSV_ROWS.length + 2);
      assert.equal(level.field, 'level');
      const name = findProblem(error, /A81006 has no name/);
      assert.equal(name.line, CSV_ROWS.length + 3);
    });

    it('refuses a practice whose PCN is unknown, naming the line and the parent_code column', () => {
      const error = catchImportError(() =>
        parseOrgs(csv(...CSV_ROWS, 'A81007,Woodlands Road Surgery,practice,U12345,')),
      );
      const problem = findProblem(error, /unknown parent U12345/);
      assert.equal(problem.line, CSV_ROWS.length + 2);
      assert.equal(problem.field, 'parent_code');
      assert.match(error.message, /line 8, column parent_code: unknown parent U12345/);
    });

    it('refuses duplicate codes, naming both lines', () => {
      const error = catchImportError(() =>
        parseOrgs(csv(...CSV_ROWS, 'A81001,The Densham Surgery again,practice,QHM,')),
      );
      const problem = findProblem(error, /duplicate code A81001/);
      assert.equal(problem.line, CSV_ROWS.length + 2);
      assert.match(problem.message, /first on line 5\)/);
    });

    it('refuses parent codes that go round in a circle', () => {
      const error = catchImportError(() =>
        parseOrgs(csv('Y63,NEY,region,,', 'QHM,ICB,icb,U81234,', 'U81234,PCN,pcn,QHM,')),
      );
      const problem = findProblem(error, /circle \(QHM → U81234 → QHM\)/);
      assert.equal(problem.line, 3);
    });

    it('refuses codes with characters storage keys cannot hold', () => {
      const error = catchImportError(() =>
        parseOrgs(
          csv(
            ...CSV_ROWS,
            'A81/08,Slash Surgery,practice,QHM,',
            'A81#09,Hash Surgery,practice,QHM,',
          ),
        ),
      );
      const slash = findProblem(error, /"A81\/08" contains "\/"/);
      assert.equal(slash.line, 8);
      assert.equal(slash.field, 'code');
      assert.equal(findProblem(error, /"A81#09" contains "#"/).line, 9);
    });

    it('refuses rows with the wrong number of columns, naming the line', () => {
      const error = catchImportError(() =>
        parseOrgs(csv(...CSV_ROWS, 'A81010,Surgery, with a comma,practice,QHM,')),
      );
      const problem = findProblem(error, /expected 5 columns, as in the header, but found 6/);
      assert.equal(problem.line, 8);
    });

    it('does not blame children for a parent row that was already refused', () => {
      const error = catchImportError(() =>
        parseOrgs(
          csv(
            ...CSV_ROWS,
            'U81999,Broken PCN,network,QHM,',
            'A81011,Child Surgery,practice,U81999,',
          ),
        ),
      );
      assert.equal(error.problems.length, 1);
      findProblem(error, /unknown level "network"/);
    });

    it('refuses malformed CSV, naming the line where it breaks', () => {
      const error = catchImportError(() =>
        parseOrgs(csv(...CSV_ROWS, 'A81012,"Unclosed Surgery,practice,QHM,')),
      );
      const problem = findProblem(error, /never closed/);
      assert.equal(problem.line, 8);
    });

    it('counts lines from where a record starts when a quoted name spans lines', () => {
      const error = catchImportError(() =>
        parseOrgs(csv('Y63,"North East\nand Yorkshire",region,,', 'QHM,ICB,icb,Y99,')),
      );
      assert.equal(findProblem(error, /unknown parent Y99/).line, 4);
    });

    it('refuses an open value that is not yes, no, true or false', () => {
      const error = catchImportError(() =>
        parseOrgs(csv(...CSV_ROWS, 'A81013,Maybe Surgery,practice,QHM,maybe')),
      );
      const problem = findProblem(error, /"maybe" is not yes, no, true or false/);
      assert.equal(problem.field, 'open');
      assert.equal(problem.line, 8);
    });

    it('refuses a header without the required columns, naming them', () => {
      const error = catchImportError(() => parseOrgs('code,title,parent_code\nY63,NEY,\n'));
      const problem = findProblem(error, /missing column name, level and unknown column "title"/);
      assert.equal(problem.line, 1);
    });

    it('refuses a file with no organisations', () => {
      findProblem(
        catchImportError(() => parseOrgs(HEADER)),
        /holds no organisations/,
      );
    });
  });

  describe('JSON', () => {
    const list = [
      { code: 'Y63', name: 'North East and Yorkshire', level: 'region' },
      {
        code: 'QHM',
        name: 'NHS North East and North Cumbria ICB',
        level: 'ICB',
        parentCode: 'Y63',
      },
      {
        code: 'A81001',
        name: 'The Densham Surgery',
        level: 'practice',
        parentCode: 'QHM',
        open: false,
      },
    ];

    it('reads a list of organisations, open by default', () => {
      const orgs = parseOrgs(JSON.stringify(list));
      assert.deepEqual(
        orgs.map((org) => [org.code, org.level, org.open, org.regionCode]),
        [
          ['Y63', 'region', true, 'Y63'],
          ['QHM', 'icb', true, 'Y63'],
          ['A81001', 'practice', false, 'Y63'],
        ],
      );
    });

    it('reads the same list wrapped in {"organisations": […]}', () => {
      assert.deepEqual(
        parseOrgs(JSON.stringify({ organisations: list }), { format: 'json' }),
        parseOrgs(JSON.stringify(list)),
      );
    });

    it('refuses an unknown level, naming the item', () => {
      const bad = [
        ...list,
        { code: 'A81002', name: 'Queens Park', level: 'surgery', parentCode: 'QHM' },
      ];
      const error = catchImportError(() => parseOrgs(JSON.stringify({ organisations: bad })));
      const problem = findProblem(error, /A81002: unknown level "surgery"/);
      assert.equal(problem.field, 'organisations[3].level');
    });

    it('refuses unknown properties, which are usually typos that would lose data', () => {
      const bad = [
        ...list,
        { code: 'A81002', name: 'Queens Park', level: 'practice', parent: 'QHM' },
      ];
      const error = catchImportError(() => parseOrgs(JSON.stringify(bad)));
      assert.equal(findProblem(error, /unknown property "parent"/).field, '[3].parent');
    });

    it('refuses a practice whose parent is unknown, naming the code', () => {
      const bad = [
        ...list,
        { code: 'A81002', name: 'Queens Park', level: 'practice', parentCode: 'U12345' },
      ];
      findProblem(
        catchImportError(() => parseOrgs(JSON.stringify(bad))),
        /unknown parent U12345 for practice A81002/,
      );
    });

    it('refuses text that is not JSON, with the line of the mistake', () => {
      const text = '[\n  {"code": "Y63", "name": "NEY", "level": "region"}\n  {"code": "QHM"}\n]';
      const problem = findProblem(
        catchImportError(() => parseOrgs(text)),
        /not valid JSON/,
      );
      assert.equal(problem.line, 3);
    });

    it('refuses a top level that is neither a list nor {organisations}', () => {
      findProblem(
        catchImportError(() => parseOrgs('{"orgs": []}')),
        /expected a list of organisations/,
      );
    });
  });
});
