// The UK calendar the scheduler keeps: wall-clock times in Europe/London (GMT in winter, BST in
// summer), working days (Monday to Friday that are not England and Wales bank holidays), and the
// conversion between a UK date and time and the UTC instant that is stored.
//
// Time zones are Luxon's (over the time zone database shipped with Node), never hand-written
// daylight-saving rules. Luxon rather than @date-fns/tz or a Temporal polyfill: it is already
// here (cron-parser reads our cron schedules in Europe/London with it, so the scheduler and this
// file share one engine), it ships CommonJS with types (this project is compiled as CommonJS),
// and it has ISO weeks, calendar arithmetic and the two readings of a repeated hour built in.

import { DateTime } from 'luxon';
import { addDays, isIsoDate, UK_DATE_TIME_PARTS, UK_TIME_ZONE } from './uk-dates';

export { UK_TIME_ZONE };

/** Which dates (YYYY-MM-DD) are bank holidays, for any year; a Set of dates will do, an empty one means "weekends only". */
export interface BankHolidays {
  has(date: string): boolean;
}

/** No bank holidays: used when SKIP_BANK_HOLIDAYS is false. */
export const NO_BANK_HOLIDAYS: BankHolidays = new Set<string>();

/** A wall-clock moment in the UK: date (YYYY-MM-DD), time (HH:MM) and weekday (0 = Sunday). */
export interface UkLocalTime {
  date: string;
  time: string;
  weekday: number;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True when `time` is a 24-hour clock time written HH:MM ("08:30", "23:59"). */
export function isClockTime(time: string): boolean {
  return TIME.test(time);
}

/** The UK date, time and weekday of an instant. */
export function toUkLocalTime(instant: Date): UkLocalTime {
  const local = DateTime.fromJSDate(instant, { zone: UK_TIME_ZONE });
  const date = local.toISODate();
  if (date === null) throw new RangeError(`Not an instant: ${String(instant)}`);
  return { date, time: local.toFormat('HH:mm'), weekday: local.weekday % 7 };
}

/**
 * The UTC instant of a UK date and time (HH:MM). The two days a year when the clocks change are
 * decided as Temporal's "compatible" rule and cron do: a time that does not exist (01:00–01:59 on
 * the last Sunday of March, when clocks go forward) moves forward by the hour skipped (01:30 →
 * 02:30 BST, 01:30 UTC); a time that happens twice (01:00–01:59 on the last Sunday of October)
 * is the first of the two (BST). Either way a daily job still runs exactly once that day.
 */
export function fromUkLocalTime(date: string, time: string): Date {
  if (!isIsoDate(date) || !isClockTime(time)) {
    throw new RangeError(`Not a UK date and time: "${date} ${time}" (expected YYYY-MM-DD HH:MM)`);
  }
  // Luxon moves a time in the spring gap forward, as wanted, but reads a repeated autumn time as
  // the second (GMT) one; of the readings it offers, the earliest is the first.
  const readings = DateTime.fromISO(`${date}T${time}`, { zone: UK_TIME_ZONE })
    .getPossibleOffsets()
    .map((reading) => reading.toMillis());
  return new Date(Math.min(...readings));
}

/** An instant as people in the UK read it: "Mon, 30 Mar 2026, 08:30 BST". */
export function formatUkInstant(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: UK_TIME_ZONE }).toLocaleString(
    { weekday: 'short', ...UK_DATE_TIME_PARTS, timeZoneName: 'short' },
    { locale: 'en-GB' },
  );
}

/** True on Monday to Friday unless the date is one of `holidays`. */
export function isWorkingDay(date: string, holidays: BankHolidays): boolean {
  const weekday = weekdayOf(date);
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/** The date itself when it is a working day, else the next working day after it. */
export function workingDayOnOrAfter(date: string, holidays: BankHolidays): string {
  return stepToWorkingDay(date, holidays, 1);
}

/** The date itself when it is a working day, else the last working day before it (a deadline on a Sunday → Friday). */
export function workingDayOnOrBefore(date: string, holidays: BankHolidays): string {
  return stepToWorkingDay(date, holidays, -1);
}

/** The weekday of a YYYY-MM-DD date, 0 = Sunday … 6 = Saturday (as in JavaScript and cron). */
export function weekdayOf(date: string): number {
  // Luxon numbers ISO weekdays, 1 = Monday … 7 = Sunday.
  return DateTime.fromISO(date, { zone: 'utc' }).weekday % 7;
}

function stepToWorkingDay(date: string, holidays: BankHolidays, step: 1 | -1): string {
  let day = date;
  // Weekends and bank holidays never run longer than a few days (Christmas: four at most).
  for (let i = 0; i < 14; i += 1) {
    if (isWorkingDay(day, holidays)) return day;
    day = addDays(day, step);
  }
  throw new RangeError(`No working day within 14 days of ${date}: is the bank holiday list right?`);
}
