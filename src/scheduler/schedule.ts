import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { InvalidInputError } from '../domain/shared/errors';
import { isClockTime, UK_TIME_ZONE } from '../domain/shared/uk-calendar';

/** A day of the week as JavaScript and cron number them: 0 = Sunday … 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * When a job runs, in UK time (Europe/London). "Working days" are Monday to Friday except England
 * and Wales bank holidays (weekends only when SKIP_BANK_HOLIDAYS is false).
 * - daily: at `time` every day, or only on working days;
 * - weekly: on `weekday` at `time`; with `workingDaysOnly`, a bank holiday moves it to the next
 *   working day (a weekly digest still goes out that week, on the Tuesday after Easter Monday);
 * - cron: a 5-field expression read in UK time; with `workingDaysOnly`, occurrences on
 *   non-working days are skipped.
 */
export type Schedule =
  | { kind: 'daily'; time: string; workingDaysOnly: boolean }
  | { kind: 'weekly'; weekday: Weekday; time: string; workingDaysOnly: boolean }
  | { kind: 'cron'; expression: string; workingDaysOnly: boolean };

/** What a schedule setting may look like; every validation message ends with it. */
export const SCHEDULE_EXAMPLES =
  'Type a UK time such as "08:30" (working days), "every day 08:30", a weekday and time such as "Monday 09:00", or a 5-field cron expression in UK time such as "30 8 * * 1-5" (put "working days" before it to skip bank holidays too).';

const WEEKDAYS: Record<string, Weekday> = {
  sunday: 0,
  sun: 0,
  monday: 1,
  mon: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  wednesday: 3,
  wed: 3,
  thursday: 4,
  thu: 4,
  thur: 4,
  thurs: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6,
};
const WEEKDAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;

/**
 * Reads a schedule setting ("08:30", "every day 08:30", "Monday 09:00", "30 8 * * 1-5",
 * "working days 30 8 * * *"); throws InvalidInputError saying what to type instead.
 */
export function parseSchedule(text: string): Schedule {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0)
    throw new InvalidInputError(`The schedule is empty. ${SCHEDULE_EXAMPLES}`);
  const lower = words.map((w) => w.toLowerCase());
  let workingDaysOnly: boolean | undefined;
  if (lower[0] === 'every' && lower[1] === 'day') {
    workingDaysOnly = false;
    words.splice(0, 2);
  } else if (lower[0] === 'working' && lower[1] === 'days') {
    workingDaysOnly = true;
    words.splice(0, 2);
  }
  const rest = words.map((w) => w.toLowerCase());

  if (rest.length === 1 && rest[0]?.includes(':')) {
    return {
      kind: 'daily',
      time: readTime(words[0] ?? ''),
      workingDaysOnly: workingDaysOnly ?? true,
    };
  }
  if (rest.length === 2 && workingDaysOnly === undefined && /^[a-z]+$/.test(rest[0] ?? '')) {
    const weekday = WEEKDAYS[rest[0] ?? ''];
    if (weekday === undefined) {
      throw new InvalidInputError(
        `"${words[0]}" is not a day of the week: write it in English, e.g. "Monday 09:00". ${SCHEDULE_EXAMPLES}`,
      );
    }
    // Someone who asks for Saturday means Saturday: only weekday schedules move off bank holidays.
    const workingDay = weekday !== 0 && weekday !== 6;
    return { kind: 'weekly', weekday, time: readTime(words[1] ?? ''), workingDaysOnly: workingDay };
  }
  if (rest.length >= 3 && !rest.some((w) => w.includes(':'))) {
    const expression = words.join(' ');
    compileCron(expression);
    return { kind: 'cron', expression, workingDaysOnly: workingDaysOnly ?? false };
  }
  throw new InvalidInputError(`"${text.trim()}" is not a schedule. ${SCHEDULE_EXAMPLES}`);
}

/** Checks a schedule built in code (a job definition) as strictly as a setting; returns it. */
export function checkSchedule(schedule: Schedule): Schedule {
  if (schedule.kind === 'cron') compileCron(schedule.expression);
  else if (!isClockTime(schedule.time)) {
    throw new InvalidInputError(
      `"${schedule.time}" is not a time of day: write 24-hour HH:MM with two-digit hours, e.g. 08:30.`,
    );
  }
  if (schedule.kind === 'weekly' && !(schedule.weekday in WEEKDAY_NAMES)) {
    throw new InvalidInputError(`Weekday ${String(schedule.weekday)} is not 0 (Sunday) to 6.`);
  }
  return schedule;
}

/** A schedule in plain English for logs, settings and people: "08:30 UK time on working days". */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'daily':
      return `${schedule.time} UK time ${schedule.workingDaysOnly ? 'on working days' : 'every day'}`;
    case 'weekly':
      return `${WEEKDAY_NAMES[schedule.weekday]}s at ${schedule.time} UK time${
        schedule.workingDaysOnly ? ' (the next working day when that is a bank holiday)' : ''
      }`;
    case 'cron':
      return `cron "${schedule.expression}" in UK time${schedule.workingDaysOnly ? ', working days only' : ''}`;
  }
}

/**
 * Parses a 5-field cron expression for UK time, starting from `from`. Throws InvalidInputError
 * naming the problem and what to type. cron-parser does the parsing; it also accepts 6 fields
 * (seconds first) and fewer than 5, so the count is checked here.
 */
export function compileCron(expression: string, from?: Date): CronExpression {
  const fields = expression.trim().split(/\s+/);
  const hint =
    'A cron expression has five fields: minute hour day-of-month month day-of-week, in UK time, e.g. "30 8 * * 1-5" for 08:30 Monday to Friday.';
  if (fields.length !== 5) {
    throw new InvalidInputError(
      `"${expression.trim()}" has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5${
        fields.length === 6 ? ' (seconds are not supported)' : ''
      }. ${hint}`,
    );
  }
  try {
    // Seconds fixed at 0; strict mode refuses a day of month and a day of week together, which
    // cron reads as "either" and people usually mean as "both".
    return CronExpressionParser.parse(`0 ${fields.join(' ')}`, {
      tz: UK_TIME_ZONE,
      strict: true,
      ...(from ? { currentDate: from } : {}),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const why = /dayOfMonth and dayOfWeek/.test(reason)
      ? 'it gives both a day of month and a day of week; put * in one of them'
      : reason;
    throw new InvalidInputError(
      `"${expression.trim()}" is not a valid cron expression (${why}). ${hint}`,
    );
  }
}

function readTime(text: string): string {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const time = match ? `${(match[1] ?? '').padStart(2, '0')}:${match[2] ?? ''}` : '';
  if (!isClockTime(time)) {
    throw new InvalidInputError(
      `"${text}" is not a time of day: use 24-hour HH:MM from 00:00 to 23:59 (UK time), e.g. 08:30. ${SCHEDULE_EXAMPLES}`,
    );
  }
  return time;
}
