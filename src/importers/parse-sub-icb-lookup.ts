import { findKeyProblem } from '../domain/shared/validate-code';
import { throwIfProblems, type ImportProblem } from './import-errors';
import { readCsvRows } from './read-csv-rows';

/** The ICB and NHS England region a sub-ICB location belongs to, by ODS code and name. */
export interface SubIcbEntry {
  icbCode: string;
  icbName: string;
  regionCode: string;
  regionName: string;
}

interface Column {
  key: 'subIcbCode' | 'icbCode' | 'icbName' | 'regionCode' | 'regionName';
  pattern: RegExp;
  description: string;
}

const WHAT = 'sub-ICB lookup file';

// ONS suffixes every column with the year of the boundaries (SICBL23CDH, ICB22NM…), so columns
// are found by shape. The CDH columns hold the ODS codes that epraccur and ePCN use; the CD
// columns hold ONS E-codes, which nothing else we load speaks. The 2022 lookups call sub-ICB
// locations LOC rather than SICBL.
const COLUMNS: readonly Column[] = [
  {
    key: 'subIcbCode',
    pattern: /^(SICBL|LOC)\d{2}CDH$/,
    description: 'SICBLyyCDH (sub-ICB location ODS code, such as 01K)',
  },
  { key: 'icbCode', pattern: /^ICB\d{2}CDH$/, description: 'ICByyCDH (ICB ODS code, such as QE1)' },
  { key: 'icbName', pattern: /^ICB\d{2}NM$/, description: 'ICByyNM (ICB name)' },
  {
    key: 'regionCode',
    pattern: /^NHSER\d{2}CDH$/,
    description: 'NHSERyyCDH (NHS England region ODS code, such as Y62)',
  },
  { key: 'regionName', pattern: /^NHSER\d{2}NM$/, description: 'NHSERyyNM (region name)' },
];

const SHAPES = {
  subIcbCode: { pattern: /^[0-9A-Z]{3}$/, description: '3 letters or digits, such as 01K' },
  icbCode: { pattern: /^Q[0-9A-Z]{2}$/, description: 'Q and 2 letters or digits, such as QE1' },
  regionCode: { pattern: /^Y\d{2}$/, description: 'Y and 2 digits, such as Y62' },
} as const;

/**
 * Reads an ONS "Sub ICB Locations to ICBs to NHS England (Region)" lookup CSV (header row
 * required) into sub-ICB ODS code → ICB and region. Throws one ImportError listing every problem.
 */
export function parseSubIcbLookup(text: string): Map<string, SubIcbEntry> {
  const csv = readCsvRows(text);
  const problems: ImportProblem[] = [...csv.problems];
  const lookup = new Map<string, SubIcbEntry>();
  const [header, ...data] = csv.rows;
  if (!header) {
    problems.push({
      message: 'the file is empty — expected a header row and one row per sub-ICB location',
    });
    throwIfProblems(WHAT, problems);
    return lookup;
  }

  const names = header.fields.map((name) => name.trim().toUpperCase());
  const positions = new Map<Column['key'], number>();
  const missing: string[] = [];
  for (const column of COLUMNS) {
    const position = names.findIndex((name) => column.pattern.test(name));
    if (position < 0) missing.push(column.description);
    else positions.set(column.key, position);
  }
  if (missing.length > 0) {
    problems.push({
      line: header.line,
      message: `the header row is missing column${missing.length > 1 ? 's' : ''} ${missing.join('; ')} — use the ONS lookup "Sub ICB Locations to Integrated Care Boards to NHS England (Region)"`,
    });
    throwIfProblems(WHAT, problems);
  }

  const firstLine = new Map<string, number>();
  const icbSeen = new Map<string, { entry: SubIcbEntry; line: number }>();
  for (const { line, fields } of data) {
    if (fields.length !== names.length) {
      problems.push({
        line,
        message: `expected ${names.length} columns, as in the header, but found ${fields.length}`,
      });
      continue;
    }
    const cell = (key: Column['key']): string => (fields[positions.get(key) ?? -1] ?? '').trim();
    const columnName = (key: Column['key']): string =>
      header.fields[positions.get(key) ?? -1]?.trim() ?? key;
    const before = problems.length;
    const check = (key: keyof typeof SHAPES): string => {
      const value = cell(key).toUpperCase();
      const keyProblem = findKeyProblem(value);
      if (keyProblem) {
        problems.push({
          line,
          field: columnName(key),
          message: `the code ${JSON.stringify(value)} ${keyProblem}`,
        });
      } else if (!SHAPES[key].pattern.test(value)) {
        problems.push({
          line,
          field: columnName(key),
          message: `${value} is not a valid code here (expected ${SHAPES[key].description})`,
        });
      }
      return value;
    };
    const subIcbCode = check('subIcbCode');
    const entry: SubIcbEntry = {
      icbCode: check('icbCode'),
      icbName: cell('icbName'),
      regionCode: check('regionCode'),
      regionName: cell('regionName'),
    };
    for (const key of ['icbName', 'regionName'] as const) {
      if (entry[key] === '') {
        problems.push({ line, field: columnName(key), message: 'the name is empty' });
      }
    }
    if (problems.length > before) continue;

    const first = firstLine.get(subIcbCode);
    if (first !== undefined) {
      problems.push({
        line,
        field: columnName('subIcbCode'),
        message: `sub-ICB location ${subIcbCode} is listed twice (first on line ${first}) — keep one row`,
      });
      continue;
    }
    // One ICB must not be given two names or two regions: which one to believe is not ours to guess.
    const seen = icbSeen.get(entry.icbCode);
    if (
      seen &&
      (seen.entry.icbName !== entry.icbName || seen.entry.regionCode !== entry.regionCode)
    ) {
      problems.push({
        line,
        field: columnName('icbCode'),
        message: `ICB ${entry.icbCode} is "${entry.icbName}" in ${entry.regionCode} here but "${seen.entry.icbName}" in ${seen.entry.regionCode} on line ${seen.line} — the rows disagree`,
      });
      continue;
    }
    if (!seen) icbSeen.set(entry.icbCode, { entry, line });
    firstLine.set(subIcbCode, line);
    lookup.set(subIcbCode, entry);
  }
  if (data.length === 0) problems.push({ message: 'the file has a header but no rows' });
  throwIfProblems(WHAT, problems);
  return lookup;
}
