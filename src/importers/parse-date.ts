// ODS files write dates as YYYYMMDD, spreadsheets re-saved in the UK turn them into DD/MM/YYYY,
// and our own files use YYYY-MM-DD. All three are read here, and only real calendar dates pass
// (a regex alone would let 2023-02-30 through).
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const UK = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** Reads a date written YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY as YYYY-MM-DD; undefined if not a real date. */
export function parseDate(text: string): string | undefined {
  const value = text.trim();
  const iso = ISO.exec(value) ?? COMPACT.exec(value);
  if (iso) return formatIfReal(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const uk = UK.exec(value);
  if (uk) return formatIfReal(Number(uk[3]), Number(uk[2]), Number(uk[1]));
  return undefined;
}

function formatIfReal(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!real) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
