import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BankHolidays } from '../domain/shared/uk-calendar';
import { isIsoDate } from '../domain/shared/uk-dates';
import { computeBankHolidays } from './compute-bank-holidays';
import { DATA_DIR } from './load-demo-data';

/** England and Wales bank holidays for any year: computed, then corrected by the shipped overrides. */
export interface BankHolidayList {
  dates: BankHolidays;
}

/** One dated entry of data/bank-holidays.json: a date and why it is listed. */
interface Override {
  date: string;
  title: string;
}

/**
 * Reads the overrides in data/bank-holidays.json (`add`: one-off bank holidays such as a
 * coronation; `remove`: computed dates that are not bank holidays that year, such as an early May
 * holiday moved for VE Day) and answers, for any date, whether it is a bank holiday in England and
 * Wales: computed or added, and not removed. Throws naming the file when it is malformed.
 */
export function loadBankHolidays(
  file = path.join(DATA_DIR, 'bank-holidays.json'),
): BankHolidayList {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const added = readOverrides(file, parsed, 'add');
  const removed = readOverrides(file, parsed, 'remove');
  const both = added.find((date) => removed.includes(date));
  if (both !== undefined) {
    throw new Error(`${file}: ${both} is both added and removed; keep it in one list only`);
  }
  const byYear = new Map<number, ReadonlySet<string>>();
  const datesOf = (year: number): ReadonlySet<string> => {
    let dates = byYear.get(year);
    if (!dates) {
      const inYear = (date: string) => date.startsWith(`${year}-`);
      dates = new Set(
        [...computeBankHolidays(year), ...added.filter(inYear)].filter((d) => !removed.includes(d)),
      );
      byYear.set(year, dates);
    }
    return dates;
  };
  return {
    dates: { has: (date) => isIsoDate(date) && datesOf(Number(date.slice(0, 4))).has(date) },
  };
}

function readOverrides(file: string, parsed: Record<string, unknown>, key: string): string[] {
  const list = parsed[key] ?? [];
  const entries: unknown[] = Array.isArray(list) ? list : [list];
  const bad = entries.findIndex((entry) => {
    const { date, title } = (entry ?? {}) as Partial<Override>;
    return (
      typeof date !== 'string' || !isIsoDate(date) || typeof title !== 'string' || !title.trim()
    );
  });
  if (!Array.isArray(list) || bad >= 0) {
    throw new Error(
      `${file}: expected "${key}": [{"date": "YYYY-MM-DD", "title": "why"}, …]; found ${JSON.stringify(entries[bad] ?? list)}`,
    );
  }
  return entries.map((entry) => (entry as Override).date);
}
