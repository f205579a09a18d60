// The UK calendar the scheduler keeps: wall-clock times in Europe/London (GMT in winter, BST in
// summer), working days (Monday to Friday that are not England and Wales bank holidays), and the
// conversion between a UK date and time and the UTC instant that is stored. Offsets come from
// Intl (the time zone database shipped with Node), never from hand-written DST rules.

import { addDays, isIsoDate } from './uk-dates';

/** The time zone every schedule and every date shown to people is in. */
export const UK_TIME_ZONE = 'Europe/London';

/** Dates (YYYY-MM-DD) that are bank holidays; an empty set means "weekends only". */
export type BankHolidays = ReadonlySet<string>;

/** No bank holidays: used when SKIP_BANK_HOLIDAYS is false. */
export const NO_BANK_HOLIDAYS: BankHolidays = new Set<string>();

/** A wall-clock moment in the UK: date (YYYY-MM-DD), time (HH:MM) and weekday (0 = Sunday). */
export interface UkLocalTime {
  date: string;
  time: string;
  weekday: number;
}

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const SHOWN = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE,
  hourCycle: 'h23',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});
const DAY_MS = 86_400_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The UK date, time and weekday of an instant. */
export function toUkLocalTime(instant: Date): UkLocalTime {
  const { year, month, day, hour, minute } = readParts(instant);
  const date = `${year}-${month}-${day}`;
  return { date, time: `${hour}:${minute}`, weekday: weekdayOf(date) };
}

/**
 * The UTC instant of a UK date and time (HH:MM). The two days a year when the clocks change are
 * decided as Temporal's "compatible" rule and cron do: a time that does not exist (01:00–01:59 on
 * the last Sunday of March, when clocks go forward) moves forward by the hour skipped (01:30 →
 * 02:30 BST, 01:30 UTC); a time that happens twice (01:00–01:59 on the last Sunday of October)
 * is the first of the two (BST). Either way a daily job still runs exactly once that day.
 */
export function fromUkLocalTime(date: string, time: string): Date {
  const match = TIME.exec(time);
  if (!isIsoDate(date) || !match) {
    throw new RangeError(`Not a UK date and time: "${date} ${time}" (expected YYYY-MM-DD HH:MM)`);
  }
  const wall = Date.parse(`${date}T${time}:00Z`);
  // Offsets a day either side: the UK changes clocks twice a year, never twice within two days.
  const before = offsetAt(new Date(wall - DAY_MS));
  const after = offsetAt(new Date(wall + DAY_MS));
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((t) => offsetAt(new Date(t)) === wall - t)
    .sort((a, b) => a - b);
  // None fits: the time falls in the spring gap; the offset from before the change moves it on.
  return new Date(candidates[0] ?? wall - before);
}

/** An instant as people in the UK read it: "Mon, 30 Mar 2026, 08:30 BST". */
export function formatUkDateTime(instant: Date): string {
  return SHOWN.format(instant);
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
  return new Date(`${date}T00:00:00Z`).getUTCDay();
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

function readParts(instant: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const parts: Record<string, string> = {};
  for (const p of PARTS.formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: parts['year'] ?? '',
    month: parts['month'] ?? '',
    day: parts['day'] ?? '',
    hour: parts['hour'] ?? '',
    minute: parts['minute'] ?? '',
  };
}

// UK wall clock minus UTC at an instant, in ms: 0 (GMT) or 3,600,000 (BST).
function offsetAt(instant: Date): number {
  const { year, month, day, hour, minute } = readParts(instant);
  const wall = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:00Z`);
  const utcMinute = Math.floor(instant.getTime() / 60_000) * 60_000;
  return wall - utcMinute;
}
