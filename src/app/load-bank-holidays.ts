import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BankHolidays } from '../domain/shared/uk-calendar';
import { isIsoDate } from '../domain/shared/uk-dates';
import { DATA_DIR } from './load-demo-data';

/** England and Wales bank holidays as shipped, and the last year the list covers. */
export interface BankHolidayList {
  dates: BankHolidays;
  lastYear: number;
}

/** Reads data/bank-holidays.json (GOV.UK's England and Wales list); throws naming the file when it is malformed. */
export function loadBankHolidays(
  file = path.join(DATA_DIR, 'bank-holidays.json'),
): BankHolidayList {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { dates?: { date?: unknown }[] };
  const dates = (parsed.dates ?? []).map((d) => d.date);
  const bad = dates.find((d) => typeof d !== 'string' || !isIsoDate(d));
  if (dates.length === 0 || bad !== undefined) {
    throw new Error(
      `${file}: expected {"dates": [{"date": "YYYY-MM-DD", "title": …}, …]}; found ${JSON.stringify(bad ?? 'no dates')}`,
    );
  }
  const valid = dates as string[];
  return {
    dates: new Set(valid),
    lastYear: Math.max(...valid.map((d) => Number(d.slice(0, 4)))),
  };
}
