// UK dates and times, and plain-English labels, as the cards show them.

/** Status names as people read them. */
export const STATUS_LABELS: Record<string, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  done: 'Done',
  blocked: 'Blocked',
  not_applicable: 'Not applicable',
};

/** The statuses in the order people meet them. */
export const STATUSES = ['not_started', 'in_progress', 'done', 'blocked', 'not_applicable'];

const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/London',
});

/** "5 Dec 2023" from YYYY-MM-DD. */
export function formatDate(date: string | undefined): string {
  return date ? DATE.format(new Date(`${date}T00:00:00Z`)) : '';
}

/** "3 Nov 2026, 14:05" in UK time from an ISO instant. */
export function formatDateTime(iso: string | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '';
}

/** Level names for headings. */
export const LEVEL_LABELS: Record<string, string> = {
  region: 'Region',
  icb: 'ICB',
  pcn: 'PCN',
  practice: 'Practice',
};
