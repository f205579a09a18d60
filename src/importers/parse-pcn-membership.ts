import { ODS_CODE_SHAPES } from '../domain/access/ods-codes';
import { InvalidInputError } from '../domain/shared/errors';
import { findKeyProblem } from '../domain/shared/validate-code';
import { throwIfProblems, type ImportProblem } from './import-errors';
import { isIsoDate } from '../domain/shared/uk-dates';
import { parseDate } from './parse-date';
import { readCsvRows } from './read-csv-rows';

/** The PCN a practice belongs to on the chosen date. */
export interface PcnMembership {
  pcnCode: string;
  pcnName: string;
  /** The PCN's own sub-ICB location (which can differ from the practice's). */
  pcnSubIcb: string;
}

/** Options for parsePcnMembership. */
export interface ParsePcnMembershipOptions {
  /** The date (YYYY-MM-DD) memberships must be current on; today (UTC) by default. */
  asOf?: string;
}

const WHAT = 'PCN membership file';

// Positions in the ePCN "PCN Core Partner Details" report. The DSE CSV has 11 columns (the last
// is a "practice and PCN sub-ICB match?" flag); the same sheet saved from ePCN.xlsx has 10.
const COLUMN_NAMES = [
  'Partner Organisation Code',
  'Partner Name',
  'Practice Parent Sub ICB Location Code',
  'Practice Parent Sub ICB Location Name',
  'PCN Code',
  'PCN Name',
  'PCN Parent Sub ICB Location Code',
  'PCN Parent Sub ICB Location Name',
  'Practice to PCN Relationship Start Date',
  'Practice to PCN Relationship End Date',
  'Practice Sub ICB and PCN Sub ICB Match?',
] as const;
const PRACTICE = 0;
const PCN_CODE = 4;
const PCN_NAME = 5;
const PCN_SUB_ICB = 6;
const START = 8;
const END = 9;

interface Spell extends PcnMembership {
  line: number;
}

/**
 * Reads the ePCN "PCN Core Partner Details" CSV (headerless, or with its header row) and returns
 * each practice's current PCN: the spell that has started by `asOf` and not ended before it.
 * Throws one ImportError listing every problem, including a practice in two PCNs at once.
 */
export function parsePcnMembership(
  text: string,
  options: ParsePcnMembershipOptions = {},
): Map<string, PcnMembership> {
  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  if (!isIsoDate(asOf)) {
    throw new InvalidInputError(
      `The membership date "${asOf}" is not a real date written YYYY-MM-DD.`,
    );
  }
  const csv = readCsvRows(text);
  const problems: ImportProblem[] = [...csv.problems];
  const rows = csv.rows;
  // The DSE download has no header, the xlsx sheet does ("Partner\r\nOrganisation\r\nCode"):
  // a first cell that mentions a code or partner is a heading, never an ODS code.
  if (rows[0] && /partner|organisation|code/i.test(rows[0].fields[0] ?? '')) rows.shift();

  const current = new Map<string, Spell>();
  for (const { line, fields } of rows) {
    if (fields.length !== 10 && fields.length !== 11) {
      problems.push({
        line,
        message: `expected 11 columns (the ePCN "PCN Core Partner Details" layout) but found ${fields.length}`,
      });
      continue;
    }
    const cell = (index: number): string => (fields[index] ?? '').trim();
    const before = problems.length;
    const practice = checkCode(
      cell(PRACTICE).toUpperCase(),
      PRACTICE,
      ODS_CODE_SHAPES.practice.pattern,
      ODS_CODE_SHAPES.practice.description,
      line,
      problems,
    );
    const pcnCode = checkCode(
      cell(PCN_CODE).toUpperCase(),
      PCN_CODE,
      ODS_CODE_SHAPES.pcn.pattern,
      ODS_CODE_SHAPES.pcn.description,
      line,
      problems,
    );
    if (cell(PCN_NAME) === '') {
      problems.push({ line, field: COLUMN_NAMES[PCN_NAME], message: `PCN ${pcnCode} has no name` });
    }
    const start = parseDate(cell(START));
    if (start === undefined) {
      problems.push({
        line,
        field: COLUMN_NAMES[START],
        message: `${JSON.stringify(cell(START))} is not a date (use YYYYMMDD, YYYY-MM-DD or DD/MM/YYYY)`,
      });
    }
    const end = cell(END) === '' ? undefined : parseDate(cell(END));
    if (cell(END) !== '' && end === undefined) {
      problems.push({
        line,
        field: COLUMN_NAMES[END],
        message: `${JSON.stringify(cell(END))} is not a date (use YYYYMMDD, YYYY-MM-DD or DD/MM/YYYY, or leave it empty)`,
      });
    }
    if (start !== undefined && end !== undefined && end < start) {
      problems.push({
        line,
        field: COLUMN_NAMES[END],
        message: `the membership ends (${end}) before it starts (${start})`,
      });
    }
    if (problems.length > before || start === undefined) continue;
    // ISO dates compare correctly as strings.
    if (start > asOf || (end !== undefined && end < asOf)) continue;

    const spell: Spell = {
      line,
      pcnCode,
      pcnName: cell(PCN_NAME),
      pcnSubIcb: cell(PCN_SUB_ICB).toUpperCase(),
    };
    const other = current.get(practice);
    if (other) {
      problems.push({
        line,
        field: COLUMN_NAMES[PCN_CODE],
        message: `practice ${practice} has two memberships current on ${asOf}: ${other.pcnCode} (line ${other.line}) and ${pcnCode} — end one of them`,
      });
      continue;
    }
    current.set(practice, spell);
  }
  throwIfProblems(WHAT, problems);

  const memberships = new Map<string, PcnMembership>();
  for (const [practice, { pcnCode, pcnName, pcnSubIcb }] of current) {
    memberships.set(practice, { pcnCode, pcnName, pcnSubIcb });
  }
  return memberships;
}

function checkCode(
  value: string,
  column: number,
  shape: RegExp,
  description: string,
  line: number,
  problems: ImportProblem[],
): string {
  const field = COLUMN_NAMES[column] ?? `column ${column + 1}`;
  const keyProblem = findKeyProblem(value);
  if (keyProblem) {
    problems.push({ line, field, message: `the code ${JSON.stringify(value)} ${keyProblem}` });
  } else if (!shape.test(value)) {
    problems.push({
      line,
      field,
      message: `${value} is not a valid code here (expected ${description})`,
    });
  }
  return value;
}
