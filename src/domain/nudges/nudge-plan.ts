import { addDays, daysBetween } from '../shared/uk-dates';

/** When people are reminded about a deadline. */
export interface NudgeSettings {
  /** Days before the deadline (default 14, 7 and 1). */
  milestones: readonly number[];
  /** Once overdue, a reminder every this many days (default 7). */
  overdueEveryDays: number;
  /** ICB leads hear of items overdue by more than this many days (default 14). */
  icbAfterDays: number;
  /** Reminders this many days or more before the deadline are "non-urgent": people may opt out. */
  nonUrgentFromDays: number;
}

/** The defaults the issue and the design name. */
export const DEFAULT_NUDGE_SETTINGS: NudgeSettings = {
  milestones: [14, 7, 1],
  overdueEveryDays: 7,
  icbAfterDays: 14,
  nonUrgentFromDays: 7,
};

/** One reminder point an item passed: so many days before its deadline, or overdue by so many. */
export interface Milestone {
  /** "before-7" or "overdue-21": stable, so it can be part of a dedupe key. */
  key: string;
  /** Days before (positive) or after (negative) the deadline. */
  daysBefore: number;
  urgent: boolean;
}

/**
 * The milestones of a deadline that fall in the days a run covers: after `previousRun` and up to
 * and including `today` (UK dates). A run that follows a weekend or bank holiday covers those
 * days too, so nothing is missed, and consecutive runs never cover a day twice.
 */
export function findMilestones(
  due: string,
  previousRun: string,
  today: string,
  settings: NudgeSettings = DEFAULT_NUDGE_SETTINGS,
): Milestone[] {
  const found: Milestone[] = [];
  const covers = (day: string) => day > previousRun && day <= today;
  for (const m of settings.milestones) {
    if (covers(addDays(due, -m)))
      found.push({ key: `before-${m}`, daysBefore: m, urgent: m < settings.nonUrgentFromDays });
  }
  const overdueToday = daysBetween(due, today);
  for (let k = settings.overdueEveryDays; k <= overdueToday; k += settings.overdueEveryDays) {
    if (covers(addDays(due, k))) found.push({ key: `overdue-${k}`, daysBefore: -k, urgent: true });
  }
  return found;
}
