// Dates in this product are calendar dates in England (Europe/London), written YYYY-MM-DD.

const LONDON_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const UK_LONG = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/** Today's date in England, as YYYY-MM-DD. */
export function todayInLondon(now: Date): string {
  return LONDON_DATE.format(now);
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A date as people in the UK write it: "5 Dec 2023". */
export function formatUkDate(date: string): string {
  return UK_LONG.format(new Date(`${date}T00:00:00Z`));
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const UK_DAY = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const UK_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A deadline as the cards show it: "Fri 15 Dec 2023". */
export function formatUkDay(date: string): string {
  return UK_DAY.format(new Date(`${date}T00:00:00Z`)).replace(/,/g, '');
}

/** A moment in UK local time (GMT or BST, whichever applied): "3 Nov 2026, 14:05". */
export function formatUkDateTime(iso: string): string {
  const parts = UK_DATE_TIME.formatToParts(new Date(iso));
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
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(d.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const firstThursday = Date.UTC(
    year,
    0,
    1 + ((4 - new Date(Date.UTC(year, 0, 1)).getUTCDay() + 7) % 7),
  );
  const week = 1 + Math.round((thursday.getTime() - firstThursday) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday of a date's ISO week. */
export function mondayOf(date: string): string {
  return addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
}
