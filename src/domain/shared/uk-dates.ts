// Dates in this product are calendar dates in England (Europe/London), written YYYY-MM-DD.
// Calendar arithmetic (days, ISO weeks) and time zones are Luxon's, never hand-written: see
// uk-calendar.ts for why Luxon.

import { DateTime } from 'luxon';
import { memoise } from './memoise';

/** The time zone every schedule and every date shown to people is in. */
export const UK_TIME_ZONE = 'Europe/London';
const LOCALE = 'en-GB';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

// The UK's offset from UTC is a whole number of hours and changes on the hour, so the date in
// England is the same for every instant of one UTC hour: asked on every press, worked out hourly.
const dateInLondonForHour = memoise(
  (hour: string) =>
    DateTime.fromMillis(Number(hour) * HOUR_MS, { zone: UK_TIME_ZONE }).toISODate() ??
    invalid(hour),
  48,
);

/** Today's date in England, as YYYY-MM-DD. */
export function todayInLondon(now: Date): string {
  const ms = now.getTime();
  if (Number.isNaN(ms)) invalid(now.toString());
  return dateInLondonForHour(String(Math.floor(ms / HOUR_MS)));
}

// The functions of dates alone are remembered (see memoise): cards and reminders ask about the
// same few deadlines thousands of times.
const addDaysTo = memoise(
  (date: string, days: string) =>
    readDate(date)
      .plus({ days: Number(days) })
      .toISODate() ?? invalid(date),
);

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return addDaysTo(date, String(days));
}

/** Days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export const daysBetween: (from: string, to: string) => number = memoise((from, to) =>
  Math.round(readDate(to).diff(readDate(from), 'days').days),
);

/** A date as people in the UK write it: "5 Dec 2023". */
export const formatUkDate: (date: string) => string = memoise((date) =>
  readDate(date).toLocaleString({ day: 'numeric', month: 'short', year: 'numeric' }),
);

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  return ISO_DATE.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

/** A deadline as the cards show it: "Fri 15 Dec 2023". */
export const formatUkDay: (date: string) => string = memoise((date) =>
  readDate(date)
    .toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
    .replace(/,/g, ''),
);

/** The parts of a UK date and 24-hour time as people read them (day, short month, year, HH:MM). */
export const UK_DATE_TIME_PARTS = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
} as const;

// Keyed by the minute (all that is shown), so a fresh timestamp from a press that just happened
// finds the answer of the press a few seconds before it.
const formatUkMinute = memoise((minute: string) =>
  formatUkMoment(new Date(Number(minute) * MINUTE_MS).toISOString()),
);

/** A moment in UK local time (GMT or BST, whichever applied): "3 Nov 2026, 14:05". */
export function formatUkDateTime(iso: string): string {
  const ms = Date.parse(iso);
  // Anything Date cannot read goes to Luxon as it is, which says it is invalid in its own way.
  return Number.isNaN(ms)
    ? formatUkMoment(iso)
    : formatUkMinute(String(Math.floor(ms / MINUTE_MS)));
}

function formatUkMoment(iso: string): string {
  const parts = DateTime.fromISO(iso, { zone: UK_TIME_ZONE, locale: LOCALE }).toLocaleParts(
    UK_DATE_TIME_PARTS,
  );
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')} ${part('month')} ${part('year')}, ${part('hour')}:${part('minute')}`;
}

/** How far away a deadline is, in words: "due today", "due in 3 days", "overdue by 12 days". */
export function describeDue(due: string, today: string): string {
  const days = daysBetween(today, due);
  if (days === 0) return 'due today';
  if (days === 1) return 'due tomorrow';
  if (days > 1) return `due in ${days} days`;
  return days === -1 ? 'overdue by 1 day' : `overdue by ${-days} days`;
}

/**
 * The ISO 8601 week of a date, "2026-W48": weeks start on Monday and belong to the year of their
 * Thursday, so 1 Jan 2027 (a Friday) is in 2026-W53. Weekly digests are deduplicated by it.
 */
export function isoWeekOf(date: string): string {
  // "2026-W53-5" → "2026-W53"
  return (readDate(date).toISOWeekDate() ?? invalid(date)).slice(0, 8);
}

/** The Monday of a date's ISO week. */
export function mondayOf(date: string): string {
  return readDate(date).startOf('week').toISODate() ?? invalid(date);
}

// A calendar date with no time of day: read in UTC, where every day has 24 hours.
function readDate(date: string): DateTime {
  const read = DateTime.fromISO(date, { zone: 'utc', locale: LOCALE });
  return read.isValid ? read : invalid(date);
}

function invalid(value: string): never {
  throw new RangeError(`Not a date: "${value}" (expected YYYY-MM-DD)`);
}
