import { ORG_LEVELS, type OrgLevel, type Organisation } from '../domain/access/organisations';
import { throwIfProblems, type ImportProblem } from './import-errors';
import { checkCsvHeader, readCsvRows } from './read-csv-rows';
import { checkHierarchy } from './resolve-hierarchy';

/** Which of our two formats the text is in; by default it is worked out from the first character. */
export interface ParseOrgsOptions {
  format?: 'json' | 'csv';
}

const WHAT = 'organisations file';
const CSV_COLUMNS = ['code', 'name', 'level', 'parent_code', 'open'] as const;
const REQUIRED_CSV_COLUMNS = ['code', 'name', 'level'] as const;
// Our own exports may carry the denormalised ancestors; they are recomputed, so just skipped.
const IGNORED_CSV_COLUMNS = ['icb_code', 'region_code'];
const JSON_PROPERTIES = ['code', 'name', 'level', 'parentCode', 'open', 'icbCode', 'regionCode'];

interface ParsedRow {
  org: Organisation;
  line: number | undefined;
}

/**
 * Reads our own organisations format — JSON `[{code,name,level,parentCode?,open?}]` (or
 * `{organisations:[…]}`) or CSV with the header `code,name,level,parent_code,open` — and returns
 * the checked hierarchy with ancestors filled in. Throws one ImportError listing every problem.
 */
export function parseOrgs(text: string, options: ParseOrgsOptions = {}): Organisation[] {
  const format = options.format ?? detectFormat(text);
  const problems: ImportProblem[] = [];
  const brokenCodes = new Set<string>();
  const rows =
    format === 'json'
      ? readJsonOrgs(text, problems, brokenCodes)
      : readCsvOrgs(text, problems, brokenCodes);
  if (rows.length === 0 && problems.length === 0) {
    problems.push({ message: 'the file holds no organisations' });
  }
  const checked = checkHierarchy(
    rows.map((row) => row.org),
    {
      lines: rows.map((row) => row.line),
      columns: format === 'csv' ? { parentCode: 'parent_code' } : {},
      brokenCodes,
    },
  );
  problems.push(...checked.problems);
  throwIfProblems(WHAT, problems);
  return checked.organisations;
}

function detectFormat(text: string): 'json' | 'csv' {
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

function readCsvOrgs(
  text: string,
  problems: ImportProblem[],
  brokenCodes: Set<string>,
): ParsedRow[] {
  const csv = readCsvRows(text);
  problems.push(...csv.problems);
  const [header, ...data] = csv.rows;
  if (!header) return [];
  const names = header.fields.map((name) =>
    name
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const index = (name: string): number => names.indexOf(name);
  const headerProblem = checkCsvHeader(header, names, {
    required: REQUIRED_CSV_COLUMNS,
    known: CSV_COLUMNS,
    ignored: IGNORED_CSV_COLUMNS,
  });
  if (headerProblem) {
    problems.push(headerProblem);
    return [];
  }

  const rows: ParsedRow[] = [];
  for (const { line, fields } of data) {
    const cell = (name: string): string => (index(name) < 0 ? '' : (fields[index(name)] ?? ''));
    const code = normaliseCode(cell('code'));
    const rowProblems: ImportProblem[] = [];
    if (fields.length !== names.length) {
      rowProblems.push({
        line,
        message: `expected ${names.length} columns, as in the header, but found ${fields.length} — check for a missing or extra comma, or a comma inside a name that is not in double quotes`,
      });
    } else {
      const level = parseLevel(cell('level'));
      if (level === undefined) {
        rowProblems.push({
          line,
          field: 'level',
          message: `unknown level ${JSON.stringify(cell('level').trim())} for ${code || 'this row'} (expected ${ORG_LEVELS.join(', ')})`,
        });
      }
      const open = parseOpen(cell('open'));
      if (open === undefined) {
        rowProblems.push({
          line,
          field: 'open',
          message: `${JSON.stringify(cell('open').trim())} is not yes, no, true or false`,
        });
      }
      if (level !== undefined && open !== undefined) {
        rows.push({ org: buildOrg(code, cell('name'), level, cell('parent_code'), open), line });
      }
    }
    if (rowProblems.length > 0) {
      problems.push(...rowProblems);
      if (code) brokenCodes.add(code);
    }
  }
  return rows;
}

function readJsonOrgs(
  text: string,
  problems: ImportProblem[],
  brokenCodes: Set<string>,
): ParsedRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error: unknown) {
    problems.push(describeJsonError(text, error));
    return [];
  }
  const isList = Array.isArray(parsed);
  const items: unknown = isList ? parsed : (parsed as { organisations?: unknown })?.organisations;
  if (!Array.isArray(items)) {
    problems.push({
      message:
        'expected a list of organisations, or an object with an "organisations" list, at the top of the file',
    });
    return [];
  }
  const prefix = isList ? '' : 'organisations';
  const rows: ParsedRow[] = [];
  items.forEach((item: unknown, i) => {
    const path = `${prefix}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ field: path, message: 'each organisation must be an object' });
      return;
    }
    const record = item as Record<string, unknown>;
    const code = typeof record['code'] === 'string' ? normaliseCode(record['code']) : '';
    const subject = code ? `${code}: ` : '';
    const before = problems.length;
    const readString = (key: string, required: boolean): string | undefined => {
      const value = record[key];
      if (value === undefined || value === null) {
        if (required)
          problems.push({ field: `${path}.${key}`, message: `${subject}${key} is missing` });
        return undefined;
      }
      if (typeof value !== 'string') {
        problems.push({ field: `${path}.${key}`, message: `${subject}${key} must be text` });
        return undefined;
      }
      return value;
    };
    for (const key of Object.keys(record)) {
      if (!JSON_PROPERTIES.includes(key)) {
        problems.push({
          field: `${path}.${key}`,
          message: `${subject}unknown property "${key}" (expected code, name, level, parentCode, open)`,
        });
      }
    }
    const rawCode = readString('code', true);
    const name = readString('name', true);
    const rawLevel = readString('level', true);
    const parentCode = readString('parentCode', false);
    const level = rawLevel === undefined ? undefined : parseLevel(rawLevel);
    if (rawLevel !== undefined && level === undefined) {
      problems.push({
        field: `${path}.level`,
        message: `${subject}unknown level ${JSON.stringify(rawLevel)} (expected ${ORG_LEVELS.join(', ')})`,
      });
    }
    const rawOpen = record['open'];
    const open =
      rawOpen === undefined || rawOpen === null
        ? true
        : typeof rawOpen === 'boolean'
          ? rawOpen
          : typeof rawOpen === 'string'
            ? parseOpen(rawOpen)
            : undefined;
    if (open === undefined) {
      problems.push({
        field: `${path}.open`,
        message: `${subject}open must be true or false`,
      });
    }
    if (problems.length > before) {
      if (code) brokenCodes.add(code);
      return;
    }
    if (rawCode !== undefined && name !== undefined && level !== undefined && open !== undefined) {
      rows.push({ org: buildOrg(rawCode, name, level, parentCode ?? '', open), line: undefined });
    }
  });
  return rows;
}

function buildOrg(
  code: string,
  name: string,
  level: OrgLevel,
  parentCode: string,
  open: boolean,
): Organisation {
  const org: Organisation = { code: normaliseCode(code), name: name.trim(), level, open };
  const parent = normaliseCode(parentCode);
  if (parent !== '') org.parentCode = parent;
  return org;
}

// ODS codes are upper case; files typed by hand often are not, and "a81001" means A81001.
function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

function parseLevel(value: string): OrgLevel | undefined {
  const level = value.trim().toLowerCase();
  return (ORG_LEVELS as readonly string[]).includes(level) ? (level as OrgLevel) : undefined;
}

function parseOpen(value: string): boolean | undefined {
  const open = value.trim().toLowerCase();
  if (open === '' || open === 'yes' || open === 'true') return true;
  if (open === 'no' || open === 'false') return false;
  return undefined;
}

function describeJsonError(text: string, error: unknown): ImportProblem {
  const detail = error instanceof Error ? error.message : String(error);
  // Node 20 says "at position 123"; later versions add "(line 4 column 5)". Either gives a line.
  const lineMatch = /line (\d+)/.exec(detail);
  const positionMatch = /position (\d+)/.exec(detail);
  const line = lineMatch
    ? Number(lineMatch[1])
    : positionMatch
      ? text.slice(0, Number(positionMatch[1])).split('\n').length
      : undefined;
  const message = `the file is not valid JSON (${detail}) — check for a missing comma, bracket or quote`;
  return line === undefined ? { message } : { line, message };
}
