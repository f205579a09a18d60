// England and Wales bank holidays for any year, from date-holidays' rules for GB-ENG (Good
// Friday and Easter Monday from Easter, the first and last Mondays of May, the last Monday of
// August, and the substitute days when New Year's Day, Christmas or Boxing Day fall at a
// weekend). A well-kept library (rules for about 200 countries, updated for each announced
// one-off) rather than our own Easter arithmetic; it ships CommonJS with types, as this project
// needs. One-offs it does not yet know come from data/bank-holidays.json (load-bank-holidays.ts).

import Holidays from 'date-holidays';
import { weekdayOf } from '../domain/shared/uk-calendar';

// England and Wales share one list of bank holidays (Scotland and Northern Ireland have their own).
const ENGLAND = new Holidays('GB', 'ENG', { types: ['public', 'bank'] });

/** The weekday bank holidays of `year` in England and Wales: the days off, as GOV.UK lists them. */
export function computeBankHolidays(year: number): string[] {
  // The library also lists a holiday that falls at a weekend (Christmas Day on a Saturday) beside
  // its substitute day; only the substitute is a day off.
  const dates = ENGLAND.getHolidays(year).map((holiday) => holiday.date.slice(0, 10));
  return [...new Set(dates)]
    .filter((date) => weekdayOf(date) !== 0 && weekdayOf(date) !== 6)
    .sort();
}
