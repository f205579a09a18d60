import { stringify } from 'csv-stringify/sync';

// A cell starting with one of these is run as a formula by Excel and friends (CSV injection);
// a leading apostrophe makes it text. Notes are free text, so this matters.
const FORMULA_START = /^[=+\-@\t\r]/;

/** Rows as CSV (RFC 4180, CRLF, a byte-order mark so Excel reads UTF-8), formula-safe. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const safe = (value: unknown) => {
    const text = value === undefined || value === null ? '' : String(value);
    return FORMULA_START.test(text) ? `'${text}` : text;
  };
  return (
    '\ufeff' +
    stringify([header.map(safe), ...rows.map((r) => r.map(safe))], { record_delimiter: '\r\n' })
  );
}
