import { addDays, isIsoDate } from '../domain/shared/uk-dates';
import {
  fromUkLocalTime,
  isWorkingDay,
  toUkLocalTime,
  weekdayOf,
  workingDayOnOrAfter,
  type BankHolidays,
} from '../domain/shared/uk-calendar';
import { compileCron, type Schedule } from './schedule';

/** One time a schedule comes due. */
export interface Occurrence {
  /** Names it in run keys: the UK date for daily and weekly schedules, UK date and time (YYYY-MM-DDTHH:MM) for cron. */
  slot: string;
  /** When it is due (stored and compared in UTC). */
  at: Date;
}

// Daily and weekly occurrences are never further apart than a week plus a run of bank holidays;
// a cron expression may be rarer (29 February), so it may look back further before giving up.
const SEARCH_DAYS = 31;
const CRON_SEARCH_MS = 400 * 86_400_000;

/** The latest occurrence at or before `now`, or undefined when there is none within the search window. */
export function findLatestOccurrence(
  schedule: Schedule,
  holidays: BankHolidays,
  now: Date,
): Occurrence | undefined {
  const today = toUkLocalTime(now).date;
  if (schedule.kind === 'cron') return findCron(schedule, holidays, now, 'prev');
  for (let i = 0; i <= SEARCH_DAYS; i += 1) {
    const date = addDays(today, -i);
    const occurrence = occurrenceOn(schedule, holidays, date);
    if (occurrence && occurrence.at.getTime() <= now.getTime()) return occurrence;
  }
  return undefined;
}

/** The first occurrence strictly after `after`, or undefined when there is none within the search window. */
export function findNextOccurrence(
  schedule: Schedule,
  holidays: BankHolidays,
  after: Date,
): Occurrence | undefined {
  const today = toUkLocalTime(after).date;
  if (schedule.kind === 'cron') return findCron(schedule, holidays, after, 'next');
  // From a week back: last week's weekly occurrence may have moved past a bank holiday to today.
  for (let i = -7; i <= SEARCH_DAYS; i += 1) {
    const occurrence = occurrenceOn(schedule, holidays, addDays(today, i));
    if (occurrence && occurrence.at.getTime() > after.getTime()) return occurrence;
  }
  return undefined;
}

/** The occurrence a slot names ("2026-11-25", or "2026-11-25T08:30" for cron), or undefined when the schedule has no such slot. */
export function findOccurrenceBySlot(
  schedule: Schedule,
  holidays: BankHolidays,
  slot: string,
): Occurrence | undefined {
  let at: Date;
  if (schedule.kind === 'cron') {
    const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(slot);
    if (!match || !isIsoDate(match[1] ?? '')) return undefined;
    try {
      at = fromUkLocalTime(match[1] ?? '', match[2] ?? '');
    } catch {
      return undefined; // not a time of day, e.g. 25:00: no such slot
    }
  } else {
    if (!isIsoDate(slot)) return undefined;
    at = fromUkLocalTime(slot, schedule.time);
  }
  const latest = findLatestOccurrence(schedule, holidays, at);
  return latest?.slot === slot ? latest : undefined;
}

// The occurrence of a daily or weekly schedule that falls on `date` (UK), if any.
function occurrenceOn(
  schedule: Exclude<Schedule, { kind: 'cron' }>,
  holidays: BankHolidays,
  date: string,
): Occurrence | undefined {
  if (schedule.kind === 'daily') {
    if (schedule.workingDaysOnly && !isWorkingDay(date, holidays)) return undefined;
    return { slot: date, at: fromUkLocalTime(date, schedule.time) };
  }
  // Weekly: the nominal day is the last `weekday` on or before `date`; with workingDaysOnly a
  // bank holiday moves it to the next working day, so the occurrence is on `date` when the move
  // lands there.
  const back = (weekdayOf(date) - schedule.weekday + 7) % 7;
  const nominal = addDays(date, -back);
  const actual = schedule.workingDaysOnly ? workingDayOnOrAfter(nominal, holidays) : nominal;
  if (actual !== date) return undefined;
  return { slot: date, at: fromUkLocalTime(date, schedule.time) };
}

function findCron(
  schedule: Extract<Schedule, { kind: 'cron' }>,
  holidays: BankHolidays,
  from: Date,
  direction: 'prev' | 'next',
): Occurrence | undefined {
  // cron-parser's prev() is strictly before its start: start 1 ms later so "at or before now" holds.
  const start = new Date(from.getTime() + (direction === 'prev' ? 1 : 0));
  const expression = compileCron(schedule.expression, start);
  const limit = from.getTime() + (direction === 'prev' ? -CRON_SEARCH_MS : CRON_SEARCH_MS);
  for (;;) {
    let at: Date;
    try {
      at = (direction === 'prev' ? expression.prev() : expression.next()).toDate();
    } catch {
      return undefined; // no further occurrence at all
    }
    if (direction === 'prev' ? at.getTime() < limit : at.getTime() > limit) return undefined;
    const local = toUkLocalTime(at);
    if (schedule.workingDaysOnly && !isWorkingDay(local.date, holidays)) continue;
    return { slot: `${local.date}T${local.time}`, at };
  }
}
