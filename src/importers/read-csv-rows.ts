import { parse } from 'csv-parse/sync';
import type { ImportProblem } from './import-errors';

/** One CSV record with the line it starts on (records may span lines inside quotes). */
export interface CsvRow {
  line: number;
  fields: string[];
}

/** What readCsvRows found: the records it could read, and a problem if the CSV broke off. */
export interface CsvRows {
  rows: CsvRow[];
  problems: ImportProblem[];
}

/**
 * Splits CSV text into rows, keeping each row's starting line for error messages.
 * Fields are returned verbatim; column counts are the caller's to check, so that every short
 * or long row can be reported rather than only the first.
 */
export function readCsvRows(text: string): CsvRows {
  const rows: CsvRow[] = [];
  let lastEndLine = 0;
  let lastEmptyLines = 0;
  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // Rows are collected here rather than from the return value, so that the rows before a
      // broken quote are still checked and reported along with it.
      on_record: (record: string[], info) => {
        // csv-parse counts lines up to the end of the record; the start is the line after the
        // previous record, plus any empty lines it skipped in between.
        const line = lastEndLine + 1 + (info.empty_lines - lastEmptyLines);
        rows.push({ line, fields: record });
        lastEndLine = info.lines;
        lastEmptyLines = info.empty_lines;
        return null;
      },
    });
  } catch (error: unknown) {
    return { rows, problems: [describeCsvError(error, lastEndLine + 1)] };
  }
  return { rows, problems: [] };
}

function describeCsvError(error: unknown, nextLine: number): ImportProblem {
  const code = (error as { code?: unknown }).code;
  const reported = (error as { lines?: unknown }).lines;
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    // csv-parse reports the end of the file here, which is no help in finding the quote.
    return {
      line: nextLine,
      message:
        'a quoted field that starts on or after this line is never closed, so the rest of the file could not be read — add the missing closing quote (")',
    };
  }
  const line = typeof reported === 'number' && reported > 0 ? reported : nextLine;
  const problem =
    code === 'INVALID_OPENING_QUOTE'
      ? 'a double quote appears inside a field that does not start with one'
      : code === 'CSV_INVALID_CLOSING_QUOTE' || code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE'
        ? 'there is text straight after a closing double quote'
        : `this row is not valid CSV (${error instanceof Error ? error.message : String(error)})`;
  return {
    line,
    message: `${problem}, so the file could not be read past here — a field holding a comma or a quote must be wrapped in double quotes, with quotes inside it doubled ("")`,
  };
}

/**
 * Checks a header row's column names (already normalised) against the required and known ones;
 * returns the problem to report, naming what is missing or unknown, or undefined when it is fine.
 */
export function checkCsvHeader(
  header: CsvRow,
  names: readonly string[],
  columns: { required: readonly string[]; known: readonly string[]; ignored?: readonly string[] },
): ImportProblem | undefined {
  const missing = columns.required.filter((name) => !names.includes(name));
  const unknown = names.filter(
    (name) => !columns.known.includes(name) && !columns.ignored?.includes(name),
  );
  if (missing.length === 0 && unknown.length === 0) return undefined;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing column ${missing.join(', ')}`);
  if (unknown.length > 0) parts.push(`unknown column ${unknown.map((n) => `"${n}"`).join(', ')}`);
  return {
    line: header.line,
    message: `the header row has ${parts.join(' and ')} — it should be ${columns.known.join(',')}`,
  };
}
